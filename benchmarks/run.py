"""Benchmark: foscam_mjpeg (one shared upstream) vs Home Assistant's ``mjpeg``.

``python -m benchmarks.run [--quick] [--json out.json]`` (or ``scripts/bench``).

Processes: the simulator, a real ``hass`` with both integrations configured
against the same simulated VGA camera (30 fps, ~36 KB frames, stream limit
lifted), and this harness, whose viewers are real HTTP clients. A second
``hass`` with many cameras measures setup time, polling CPU and loop lag.
Everything binds 127.0.0.1 and lives under ``.bench/``.

This module is the command line; the parts are ``harness`` (plan, context,
Home Assistant with the cameras), ``streaming`` and ``scale`` (the
measurements), ``results`` (what they return) and ``report`` (targets, tables).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from dataclasses import asdict, replace
import json
import os
from pathlib import Path
import platform
import shutil
import subprocess
import sys
import time
import traceback

import aiohttp

from .harness import QUICK, REPO, Context, Plan, log, wait_low_load
from .procs import loadavg
from .report import evaluate_targets, render
from .results import Meta, Results
from .scale import run_scale
from .streaming import run_streaming
from .viewers import new_session


def machine_meta(mode: str, plan: Plan) -> Meta:
    """Describe what the numbers were measured on, and how."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    # scripts/bench passes the revision in: the Debian root it may run in has no git.
    rev = os.environ.get("FOSCAM_MJPEG_GIT_REV", "")
    if not rev and shutil.which("git"):
        rev = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    return Meta(
        mode=mode,
        started=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        plan=asdict(plan),
        cpus=os.cpu_count(),
        cpu_model=model,
        python=platform.python_version(),
        git=rev,
    )


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--quick", action="store_true", help="short development run (<= 2 min)"
    )
    parser.add_argument(
        "--json", type=Path, help="result file (default .bench/results[-quick].json)"
    )
    parser.add_argument(
        "--counts", help="viewer counts, e.g. 1,10 (default: 1,4,10,25,50; quick 1,10)"
    )
    parser.add_argument(
        "--only", choices=("streaming", "scale"), help="run one part only"
    )
    parser.add_argument(
        "--window",
        type=float,
        help="seconds per CPU window (default 20; quick 4: CPU time is counted in "
        "10 ms ticks, so a 4 s window resolves 0.25 %% of a core)",
    )
    parser.add_argument(
        "--integration-src",
        type=Path,
        help="measure this copy of custom_components/foscam_mjpeg (default: the repo's)",
    )
    parser.add_argument(
        "--max-load",
        type=float,
        help="wait until the 1-min load average is below this first "
        "(default 1.0 for a full run, no wait with --quick)",
    )
    parser.add_argument(
        "--load-wait",
        type=float,
        default=900,
        help="longest wait for --max-load, seconds",
    )
    return parser.parse_args(argv)


async def main_async(args: argparse.Namespace, results: Results) -> None:
    """Run the selected parts; ``results`` holds what was measured, even on errors."""
    plan = QUICK if args.quick else Plan()
    if args.counts:
        plan = replace(
            plan, viewer_counts=tuple(int(c) for c in args.counts.split(","))
        )
    if args.window:
        plan = replace(plan, window_s=args.window, idle_s=args.window)
    bench_dir = REPO / ".bench"
    bench_dir.mkdir(exist_ok=True)
    meta = results.meta = machine_meta("quick" if args.quick else "full", plan)
    max_load = (
        args.max_load if args.max_load is not None else (None if args.quick else 1.0)
    )
    if max_load is not None:
        _load, waited = await wait_low_load(max_load, args.load_wait)
        meta.load_wait_s = round(waited, 1)
    meta.load_before = loadavg()[0]
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as control,
        new_session() as viewers,
    ):
        ctx = Context(plan, bench_dir, control, viewers, results)
        ctx.integration = args.integration_src
        meta.integration = str(
            args.integration_src or REPO / "custom_components" / "foscam_mjpeg"
        )
        try:
            if args.only in (None, "streaming"):
                await run_streaming(ctx)
            if args.only in (None, "scale"):
                await run_scale(ctx)
        except Exception as err:
            results.error = f"{type(err).__name__}: {err}"
            log(f"FAILED: {results.error}")
            raise
        finally:
            meta.load_after = loadavg()[0]
            meta.load_samples = ctx.load_samples
            meta.finished = time.strftime("%Y-%m-%dT%H:%M:%S%z")
            results.targets = evaluate_targets(results)


def main(argv: list[str] | None = None) -> int:
    """Run, print the tables, write the JSON file."""
    args = _parse(argv)
    path: Path = args.json or REPO / ".bench" / (
        "results-quick.json" if args.quick else "results.json"
    )
    results = Results()
    code = 0
    try:
        asyncio.run(main_async(args, results))
    except KeyboardInterrupt:
        log("interrupted: every process was stopped")
        code = 130
    except Exception:  # the tables and JSON still show what was measured
        traceback.print_exc()
        code = 1
    finally:
        if results.meta is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(results.to_json(), indent=2, default=str) + "\n")
    if results.meta is not None:
        print(render(results))
        log(f"results written to {path}")
    return code


if __name__ == "__main__":
    sys.exit(main())
