"""A/B comparison of two copies of the integration (e.g. before/after a fix).

``python -m benchmarks.ab --a DIR --b DIR [--viewers 10] [--rounds 4]
[--window 20] [--slow]`` runs two Home Assistant processes at once, one per
copy of ``custom_components/foscam_mjpeg``, both on the same simulated camera,
and streams to them in turn (A, B, B, A, ...), so both see the same machine
noise. Reports HA CPU (% of a core, us per delivered viewer-frame) per round
and, with ``--slow``, the slow-viewer numbers of each.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
from pathlib import Path
import statistics
import sys
import time
from typing import Any

import aiohttp

from .ha_process import HomeAssistantProcess
from .harness import (
    QUICK,
    REPO,
    Camera,
    Context,
    Marks,
    add_foscam,
    cpu_report,
    log,
    start_ha,
)
from .metrics import to_json, window_summary
from .procs import loadavg
from .sim_process import SimulatorProcess
from .streaming import slow_phase
from .viewers import close_viewers, new_session, start_viewers


async def cpu_round(
    ctx: Context,
    ha: HomeAssistantProcess,
    sim: SimulatorProcess,
    camera: Camera,
    viewers_count: int,
    window: float,
) -> dict[str, Any]:
    """HA CPU for ``viewers_count`` viewers over ``window`` seconds."""
    await sim.wait_streams(0, 0, within=20)
    token = await ha.camera_token(camera.entity_id)
    url = f"{ha.base_url}/api/camera_proxy_stream/{camera.entity_id}?token={token}"
    viewers = (
        await start_viewers(ctx.viewers, url, viewers_count, within=30)
        if viewers_count
        else []
    )
    try:
        await asyncio.sleep(2.0)
        marks0 = Marks.take(ha.pid, sim.process.pid)
        await asyncio.sleep(window)
        marks1 = Marks.take(ha.pid, sim.process.pid)
    finally:
        await close_viewers(viewers)
    cpu = cpu_report(marks0, marks1)
    summary = window_summary(viewers, marks0.wall, marks1.wall)
    frames = summary.frames_delivered
    return {
        "ha_core_pct": cpu.ha_core_pct,
        "us_per_viewer_frame": round(1e6 * cpu.ha_cpu_s / frames, 1)
        if frames
        else None,
        "fps": summary.fps_per_viewer_mean,
        "latency_p50_ms": summary.latency_p50_ms,
        "other_cores": cpu.other_processes_cores,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Both copies side by side, alternating."""
    bench = REPO / ".bench"
    results: dict[str, Any] = {"a": str(args.a), "b": str(args.b), "rounds": []}
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as control,
        new_session() as viewer_session,
    ):
        ctx = Context(QUICK, bench, control, viewer_session)
        sim = SimulatorProcess(REPO, bench / "simulator-ab.log", control)
        has: dict[str, HomeAssistantProcess] = {}
        try:
            await sim.start(1, stream_limit=None)
            cameras: dict[str, Camera] = {}
            for label, path in (("a", args.a), ("b", args.b)):
                has[label] = await start_ha(ctx, f"ab-{label}", path)
                cameras[label] = await add_foscam(has[label], sim.camera_port(0))
            await asyncio.sleep(3)
            for index in range(args.rounds):
                order = ("a", "b") if index % 2 == 0 else ("b", "a")
                row: dict[str, Any] = {"load1": loadavg()[0]}
                for label in order:
                    row[label] = await cpu_round(
                        ctx,
                        has[label],
                        sim,
                        cameras[label],
                        args.viewers,
                        args.window,
                    )
                results["rounds"].append(row)
                log(
                    f"round {index + 1}: A {row['a']['ha_core_pct']:.2f} % "
                    f"({row['a']['us_per_viewer_frame']} us/frame)  B "
                    f"{row['b']['ha_core_pct']:.2f} % "
                    f"({row['b']['us_per_viewer_frame']} us/frame)"
                )
            if args.slow_seconds:
                ctx.plan = dataclasses.replace(QUICK, slow_s=args.slow_seconds)
                results["slow"] = {}
                for label in ("a", "b"):
                    slow = await slow_phase(ctx, has[label], sim, cameras[label])
                    results["slow"][label] = to_json(slow)
                    log(
                        f"slow viewer {label.upper()}: hub buffer "
                        f"{slow.hub_buffered_frames_max}, server send queue "
                        f"{slow.server_kernel_sendq_max_frames} frames, latency p50 "
                        f"{slow.slow_latency_p50_ms} ms"
                    )
        finally:
            for ha in has.values():
                await ha.stop()
            await sim.stop()
    for label in ("a", "b"):
        cpu = [r[label]["ha_core_pct"] for r in results["rounds"]]
        per = [r[label]["us_per_viewer_frame"] for r in results["rounds"]]
        results[f"median_{label}"] = {
            "ha_core_pct": statistics.median(cpu) if cpu else None,
            "us_per_viewer_frame": statistics.median(p for p in per if p is not None)
            if any(p is not None for p in per)
            else None,
        }
    return results


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ab")
    parser.add_argument("--a", type=Path, required=True, help="integration copy A")
    parser.add_argument("--b", type=Path, required=True, help="integration copy B")
    parser.add_argument("--viewers", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--window", type=float, default=20.0)
    parser.add_argument("--slow-seconds", type=float, help="also run the slow viewer")
    parser.add_argument("--json", type=Path, default=REPO / ".bench" / "ab.json")
    args = parser.parse_args()
    started = time.monotonic()
    results = asyncio.run(run(args))
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps({k: v for k, v in results.items() if k != "rounds"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
