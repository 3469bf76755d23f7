"""Scale: many cameras on one Home Assistant.

A Home Assistant with no entries is started and its idle CPU measured; the
REST config flow adds the entries and Home Assistant is restarted. Measured:
how long after the process start every entry is loaded, then the polling CPU
(total and net of the idle reading) and the event-loop lag.
"""

from __future__ import annotations

import asyncio
import time

from .ha_process import HomeAssistantProcess
from .harness import FOSCAM, MB, REPO, Context, log, note_load, quiet_window
from .results import ScaleIdle, ScalePolling, ScaleResults
from .sim_process import PASSWORD, USER, SimulatorProcess


async def run_scale(ctx: Context) -> None:
    """Many cameras on one Home Assistant: setup time, polling CPU, loop lag."""
    plan = ctx.plan
    cameras = plan.scale_cameras
    results = ScaleResults(cameras=cameras)
    ctx.results.scale = results
    sim = SimulatorProcess(REPO, ctx.bench_dir / "simulator-scale.log", ctx.control)
    ha = HomeAssistantProcess(REPO, ctx.bench_dir / "ha-scale", ctx.integration)
    try:
        await sim.start(cameras, stream_limit=4)
        ha.write_config()
        log(f"scale: starting Home Assistant for {cameras} cameras")
        results.http_up_no_entries_s = round(await ha.start(), 2)
        await ha.onboard()
        results.running_no_entries_s = round(await ha.wait_running(), 2)
        await asyncio.sleep(plan.scale_settle_s)
        note_load(ctx, "scale idle")
        cpu, lag = await quiet_window(ha, sim, plan.idle_s)
        idle = ScaleIdle(cpu=cpu, loop_lag_p99_ms=round(lag["p99_ms"], 2))
        results.idle_no_entries = idle
        started = time.monotonic()
        semaphore = asyncio.Semaphore(4)

        async def add(index: int) -> None:
            async with semaphore:
                await ha.config_flow(
                    FOSCAM,
                    {
                        "host": "127.0.0.1",
                        "port": sim.camera_port(index),
                        "username": USER,
                        "password": PASSWORD,
                    },
                )

        await asyncio.gather(*(add(i) for i in range(cameras)))
        results.config_flows_s = round(time.monotonic() - started, 2)
        log(
            f"scale: {cameras} entries created in {results.config_flows_s} s; restarting"
        )
        await ha.stop()
        # Restart: the time every entry needs to be set up from a cold start.
        up = await ha.start()
        loaded, states = await _wait_loaded(ha, cameras, within=180)
        all_loaded = time.monotonic() - ha.process.started_at
        running = await ha.wait_running()
        results.http_up_s = round(up, 2)
        results.entries_loaded = loaded
        results.entry_states = states
        results.all_set_up_s = round(all_loaded, 2)
        results.running_s = round(running, 2)
        log(f"scale: {loaded}/{cameras} loaded {all_loaded:.1f} s after start")
        await asyncio.sleep(plan.scale_settle_s)
        note_load(ctx, "scale polling")
        before = await sim.counters_all()
        cpu, lag = await quiet_window(ha, sim, plan.scale_window_s)
        after = await sim.counters_all()
        polled = sum(
            sum(a["requests"].values()) - sum(b["requests"].values())
            for a, b in zip(after, before, strict=True)
        )
        results.polling = ScalePolling(
            window_s=plan.scale_window_s,
            cpu=cpu,
            ha_core_pct_net=round(cpu.ha_core_pct - idle.cpu.ha_core_pct, 3),
            camera_requests_per_s=round(polled / plan.scale_window_s, 2),
            loop_lag_count=lag["count"],
            loop_lag_p50_ms=round(lag["p50_ms"], 2),
            loop_lag_p99_ms=round(lag["p99_ms"], 2),
            loop_lag_max_ms=round(lag["max_ms"], 2),
            rss_mb=round(ha.rss() / MB, 1),
        )
        log(
            f"scale: polling {cpu.ha_core_pct:.2f} % of a core, loop lag p99 "
            f"{lag['p99_ms']:.1f} ms max {lag['max_ms']:.1f} ms"
        )
    finally:
        await ha.stop()
        await sim.stop()


async def _wait_loaded(
    ha: HomeAssistantProcess, cameras: int, within: float
) -> tuple[int, dict[str, int]]:
    """Wait (bounded) until ``cameras`` entries are loaded; (loaded, count by state)."""
    deadline = time.monotonic() + within
    loaded = 0
    states: dict[str, int] = {}
    while time.monotonic() < deadline:
        states = {}
        for entry in await ha.entries(FOSCAM):
            states[entry["state"]] = states.get(entry["state"], 0) + 1
        loaded = states.get("loaded", 0)
        if loaded == cameras:
            break
        await asyncio.sleep(0.1)
    return loaded, states
