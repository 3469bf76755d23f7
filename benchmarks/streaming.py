"""The streaming comparison: foscam_mjpeg and ``mjpeg`` in one Home Assistant.

Phases, taking turns on the same simulated camera: N viewers of each
integration, the camera read directly, still images while streaming, a slow
viewer among normal ones, the bare relay of ``benchmarks.floor``, and cold
starts (one camera, then a dashboard opened at once).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
import functools
import itertools
import time
from typing import Final

import aiohttp

from . import cold_start, floor
from .cold_start import ColdStartRow
from .ha_process import HomeAssistantProcess
from .harness import (
    FOSCAM,
    MB,
    MJPEG,
    REPO,
    Camera,
    Context,
    Marks,
    add_foscam,
    add_mjpeg,
    cpu_report,
    log,
    note_load,
    quiet_window,
    sample_until,
    setup_stream_ha,
)
from .metrics import (
    distinct,
    ms,
    percentile,
    slope_per_minute,
    to_json,
    window_summary,
)
from .procs import tcp_queues
from .results import (
    DirectReference,
    IdleReading,
    SlowViewerResult,
    StillsResult,
    StreamingResults,
    StreamPhase,
)
from .sim_process import SimulatorProcess, image_requests
from .viewers import (
    close_viewers,
    fetch_still,
    join_once,
    start_slow_viewer,
    start_viewers,
)

SLOW_FPS: Final = 1.0  # the slow viewer's link carries this many frames per second


def stream_url(ha: HomeAssistantProcess, camera: Camera, token: str) -> str:
    """Build the URL ``<ha-camera-stream>`` builds for a camera entity."""
    return f"{ha.base_url}/api/camera_proxy_stream/{camera.entity_id}?token={token}"


async def stream_phase(
    ctx: Context,
    ha: HomeAssistantProcess,
    sim: SimulatorProcess,
    camera: Camera,
    count: int,
) -> StreamPhase:
    """N viewers of one integration: delivery, CPU, upstreams, joins, latency."""
    plan = ctx.plan
    idle = await sim.wait_streams(0, 0, within=20)
    url = stream_url(ha, camera, await ha.camera_token(camera.entity_id))
    viewers = await start_viewers(ctx.viewers, url, count, within=30)
    try:
        await asyncio.sleep(plan.warmup_s)
        before = await sim.counters()
        await ha.probe(reset=True)
        marks0 = Marks.take(ha.pid, sim.process.pid)
        upstream: list[int] = []
        rss: list[int] = []

        async def sample() -> None:
            upstream.append((await sim.counters())["stream_current"])
            rss.append(ha.rss())

        await sample_until(marks0.wall + plan.window_s, 1.0, sample)
        marks1 = Marks.take(ha.pid, sim.process.pid)
        after = await sim.counters()
        lag = await ha.probe()
        summary = window_summary(viewers, marks0.wall, marks1.wall)
        joins = await _join_times(ctx, url, plan.joins)
    finally:
        await close_viewers(viewers)
    cpu = cpu_report(marks0, marks1)
    delivered = summary.frames_delivered
    times = [j for j in joins if j is not None]
    return StreamPhase(
        integration=camera.integration,
        viewers=count,
        camera_idle_before=idle,
        upstream_streams_max=max(upstream, default=None),
        upstream_streams_min=min(upstream, default=None),
        upstream_opened_in_window=after["stream_total"] - before["stream_total"],
        summary=summary,
        cpu=cpu,
        ha_cpu_us_per_viewer_frame=round(1e6 * cpu.ha_cpu_s / delivered, 2)
        if delivered
        else None,
        ttff_joins=len(joins),
        ttff_failed=len(joins) - len(times),
        ttff_p50_ms=ms(percentile(times, 0.50)),
        ttff_p95_ms=ms(percentile(times, 0.95)),
        ttff_max_ms=ms(max(times, default=None)),
        rss_mb=round(max(rss, default=0) / MB, 1),
        loop_lag_p99_ms=round(lag["p99_ms"], 2),
        loop_lag_max_ms=round(lag["max_ms"], 2),
    )


async def _join_times(ctx: Context, url: str, joins: int) -> list[float | None]:
    """Join ``url`` ``joins`` times, 0.1 s apart: time to first frame (None: failed)."""
    times: list[float | None] = []
    for _ in range(joins):
        times.append(await join_once(ctx.viewers, url, within=5))
        await asyncio.sleep(0.1)
    return times


async def direct_reference(ctx: Context, sim: SimulatorProcess) -> DirectReference:
    """One viewer straight on the camera: the simulator's own latency and TTFF."""
    url = sim.stream_url(0)
    idle = await sim.wait_streams(0, 0, within=20)
    viewers = await start_viewers(ctx.viewers, url, 1, within=20)
    try:
        await asyncio.sleep(ctx.plan.warmup_s)
        start = time.time()
        await asyncio.sleep(min(ctx.plan.window_s, 5.0))
        summary = window_summary(viewers, start, time.time())
    finally:
        await close_viewers(viewers)
    joins = await _join_times(ctx, url, min(ctx.plan.joins, 10))
    times = [j for j in joins if j is not None]
    return DirectReference(
        integration=cold_start.CAMERA,
        camera_idle_before=idle,
        summary=summary,
        ttff_p50_ms=ms(percentile(times, 0.50)),
        ttff_p95_ms=ms(percentile(times, 0.95)),
    )


async def stills_phase(
    ctx: Context, ha: HomeAssistantProcess, sim: SimulatorProcess, camera: Camera
) -> StillsResult:
    """Still images through /api/camera_proxy while one viewer streams."""
    await sim.wait_streams(0, 0, within=20)
    token = await ha.camera_token(camera.entity_id)
    still_url = f"{ha.base_url}/api/camera_proxy/{camera.entity_id}?token={token}"
    viewers = await start_viewers(
        ctx.viewers, stream_url(ha, camera, token), 1, within=20
    )
    latencies: list[float] = []
    failures = 0
    try:
        await asyncio.sleep(1.0)
        before = await sim.counters()
        for _ in range(ctx.plan.stills):
            try:
                latency, _size = await fetch_still(ctx.viewers, still_url)
                latencies.append(latency)
            except aiohttp.ClientError, OSError, TimeoutError, ValueError:
                failures += 1
            await asyncio.sleep(0.02)
        after = await sim.counters()
    finally:
        await close_viewers(viewers)
    return StillsResult(
        integration=camera.integration,
        requests=ctx.plan.stills,
        failed=failures,
        camera_image_requests=image_requests(before, after),
        camera_snapshots=after["requests"].get("snapshot.cgi", 0)
        - before["requests"].get("snapshot.cgi", 0),
        latency_p50_ms=ms(percentile(latencies, 0.50)),
        latency_p95_ms=ms(percentile(latencies, 0.95)),
        latency_max_ms=ms(max(latencies, default=None)),
    )


async def slow_phase(
    ctx: Context, ha: HomeAssistantProcess, sim: SimulatorProcess, camera: Camera
) -> SlowViewerResult:
    """One viewer behind a slow link (1 frame/s worth of bytes) among normal ones."""
    plan = ctx.plan
    await sim.wait_streams(0, 0, within=20)
    url = stream_url(ha, camera, await ha.camera_token(camera.entity_id))
    normal = await start_viewers(ctx.viewers, url, plan.slow_normal_viewers, within=30)
    slow = await start_slow_viewer(
        ctx.viewers, url, ctx.frame_bytes * SLOW_FPS, within=30
    )
    rss: list[tuple[float, float]] = []
    queues: list[tuple[int, int]] = []
    try:
        await ha.probe(track=camera.integration == FOSCAM, reset=True)
        await asyncio.sleep(max(2.0, plan.warmup_s))
        await ha.probe(reset=True)
        marks0 = Marks.take(ha.pid, sim.process.pid)

        async def sample() -> None:
            rss.append((time.time() - marks0.wall, ha.rss() / MB))
            if slow.local_port is not None:
                server = tcp_queues(ha.port, slow.local_port)
                client = tcp_queues(slow.local_port, ha.port)
                queues.append((server[0] if server else 0, client[1] if client else 0))

        await sample_until(marks0.wall + plan.slow_s, 1.0, sample)
        marks1 = Marks.take(ha.pid, sim.process.pid)
        probe = await ha.probe(track=False)
    finally:
        await close_viewers([*normal, slow])
    others = window_summary(normal, marks0.wall, marks1.wall)
    slow_frames = slow.in_window(marks0.wall, marks1.wall)
    slow_latency = [frame.latency for frame in slow_frames]
    cam_fps = others.camera_fps or 0.0
    hub_side = probe["viewer_max"].get(str(slow.local_port), {})
    frame_bytes = others.frame_bytes_mean or 1
    numbers = [frame.number for frame in distinct(slow_frames)]
    gaps = [b - a - 1 for a, b in itertools.pairwise(numbers)]
    rss_values = [value for _, value in rss]
    sendq_max = max((q[0] for q in queues), default=0)
    return SlowViewerResult(
        integration=camera.integration,
        normal_viewers=len(normal),
        window_s=others.window_s,
        camera_fps=others.camera_fps,
        others_fps_min=others.fps_per_viewer_min,
        others_fps_mean=others.fps_per_viewer_mean,
        others_frame_coverage_min=others.frame_coverage_min,
        others_latency_p99_ms=others.latency_p99_ms,
        slow_link_kb_s=round(slow.bytes_per_s / 1024, 1),
        frame_bytes_mean=others.frame_bytes_mean,
        slow_error=slow.error if slow.error != "stream ended" else None,
        slow_frames=len(slow_frames),
        slow_fps=round(len(slow_frames) / others.window_s, 2),
        slow_frames_skipped_mean=round(sum(gaps) / len(gaps), 1) if gaps else None,
        slow_latency_p50_ms=ms(percentile(slow_latency, 0.5)),
        slow_latency_max_ms=ms(max(slow_latency, default=None)),
        slow_latency_end_ms=ms(
            sum(slow_latency[-3:]) / len(slow_latency[-3:]) if slow_latency else None
        ),
        slow_frames_behind_p50=round(
            (percentile(slow_latency, 0.5) or 0.0) * cam_fps, 1
        ),
        slow_frames_behind_max=round(max(slow_latency, default=0.0) * cam_fps, 1),
        hub_buffered_frames_max=hub_side.get("buffered"),
        hub_transport_buffer_max_kb=round(hub_side["write_buffer"] / 1024, 1)
        if "write_buffer" in hub_side
        else None,
        ha_held_frames_max=round(
            (hub_side.get("buffered") or 0)
            + hub_side.get("write_buffer", 0) / frame_bytes
            + sendq_max / frame_bytes,
            1,
        ),
        server_kernel_sendq_max_kb=round(sendq_max / 1024, 1),
        server_kernel_sendq_max_frames=round(sendq_max / frame_bytes, 1),
        client_kernel_recvq_max_kb=round(
            max((q[1] for q in queues), default=0) / 1024, 1
        ),
        rss_start_mb=round(rss_values[0], 1) if rss_values else None,
        rss_end_mb=round(rss_values[-1], 1) if rss_values else None,
        rss_max_mb=round(max(rss_values), 1) if rss_values else None,
        rss_slope_mb_per_min=round(slope_per_minute(rss), 2),
        cpu=cpu_report(marks0, marks1),
        loop_lag_p99_ms=round(probe["p99_ms"], 2),
    )


async def run_streaming(ctx: Context) -> None:
    """Run the streaming comparison on one Home Assistant process."""
    plan = ctx.plan
    results = StreamingResults()
    ctx.results.streaming = results
    sim = SimulatorProcess(REPO, ctx.bench_dir / "simulator-stream.log", ctx.control)
    ha: HomeAssistantProcess | None = None
    try:
        # Cameras 1.. serve the dashboard cold start only (their entries are
        # added for it at the end, so their polling is in no CPU window).
        await sim.start(plan.dashboard_cameras, stream_limit=None)
        ha, foscam, mjpeg = await setup_stream_ha(ctx, sim, ctx.integration)
        await asyncio.sleep(3)
        note_load(ctx, "stream idle")
        cpu, lag = await quiet_window(ha, sim, plan.idle_s)
        results.idle = IdleReading(
            window_s=plan.idle_s,
            cpu=cpu,
            rss_mb=round(ha.rss() / MB, 1),
            loop_lag_p99_ms=round(lag["p99_ms"], 2),
            loop_lag_max_ms=round(lag["max_ms"], 2),
        )
        log(f"idle Home Assistant: {results.idle.cpu.ha_core_pct:.2f} % of a core")
        results.direct = await direct_reference(ctx, sim)
        ctx.frame_bytes = results.direct.summary.frame_bytes_mean or ctx.frame_bytes
        for index, count in enumerate(plan.viewer_counts):
            await _each_camera(
                ctx,
                (foscam, mjpeg) if index % 2 == 0 else (mjpeg, foscam),
                f"N={count}",
                functools.partial(stream_phase, ctx, ha, sim, count=count),
                _describe_stream,
                results.phases,
            )
        await _each_camera(
            ctx,
            (foscam, mjpeg),
            "stills",
            functools.partial(stills_phase, ctx, ha, sim),
            _describe_stills,
            results.stills,
        )
        await _each_camera(
            ctx,
            (foscam, mjpeg),
            "slow viewer",
            functools.partial(slow_phase, ctx, ha, sim),
            _describe_slow,
            results.slow_viewer,
        )
        results.hub_stats = (
            (await ha.diagnostics(foscam.entry_id)).get("data", {}).get("stream_hub")
        )
        note_load(ctx, "bare relay")
        # Home Assistant idles while the relay runs: a second idle reading.
        marks0 = Marks.take(ha.pid, sim.process.pid)
        results.floor = await floor.measure_relay(
            sim, ctx.viewers, [10], plan.window_s, warmup=plan.warmup_s
        )
        results.idle_again = cpu_report(marks0, Marks.take(ha.pid, sim.process.pid))
        log(f"bare relay: {to_json(results.floor)}")
        results.cold_start = await run_cold_starts(ctx, ha, sim, foscam, mjpeg)
    finally:
        if ha is not None:
            await ha.stop()
        await sim.stop()


async def _each_camera[T](
    ctx: Context,
    cameras: Iterable[Camera],
    label: str,
    measure: Callable[[Camera], Awaitable[T]],
    describe: Callable[[T], str],
    into: list[T],
) -> None:
    """Measure one phase per camera in turn, keep each result, and log it."""
    for camera in cameras:
        note_load(ctx, f"{camera.integration} {label}")
        result = await measure(camera)
        into.append(result)
        log(f"{camera.integration:>12} {describe(result)}")


def _describe_stream(phase: StreamPhase) -> str:
    return (
        f"N={phase.viewers:<3} upstream="
        f"{phase.upstream_streams_max} fps={phase.summary.fps_per_viewer_mean}"
        f" cpu={phase.cpu.ha_core_pct:.2f}%"
        f" {phase.ha_cpu_us_per_viewer_frame} us/frame"
        f" ttff p95={phase.ttff_p95_ms} ms"
    )


def _describe_stills(stills: StillsResult) -> str:
    return (
        f"stills: camera requests="
        f"{stills.camera_image_requests} p50={stills.latency_p50_ms} ms"
    )


def _describe_slow(slow: SlowViewerResult) -> str:
    return (
        f"slow viewer: others min fps="
        f"{slow.others_fps_min} slow behind={slow.slow_frames_behind_p50}"
        f" rss {slow.rss_start_mb}->{slow.rss_end_mb} MB"
    )


async def run_cold_starts(
    ctx: Context,
    ha: HomeAssistantProcess,
    sim: SimulatorProcess,
    foscam: Camera,
    mjpeg: Camera,
) -> list[ColdStartRow]:
    """First frame with no stream open: 1 camera, then a dashboard opened at once."""
    plan = ctx.plan
    extra = range(1, plan.dashboard_cameras)
    cameras = {
        FOSCAM: [foscam, *[await add_foscam(ha, sim.camera_port(i)) for i in extra]],
        MJPEG: [mjpeg, *[await add_mjpeg(ha, sim, i) for i in extra]],
    }
    await asyncio.sleep(3)  # the new entries' first polls are over
    indexes = tuple(range(plan.dashboard_cameras))
    urls = {cold_start.CAMERA: [sim.stream_url(i) for i in indexes]}
    for integration, entries in cameras.items():
        urls[integration] = [
            stream_url(ha, camera, await ha.camera_token(camera.entity_id))
            for camera in entries
        ]
    rows = []
    for width in (1, plan.dashboard_cameras):
        for label, group in urls.items():
            note_load(ctx, f"{label} cold start x{width}")
            row = await cold_start.measure(
                sim,
                ctx.viewers,
                cold_start.Group(label, tuple(group[:width]), indexes[:width]),
                plan.cold_starts,
            )
            rows.append(row)
            log(
                f"{label:>15} cold start x{width}: p50 {row.ttff_p50_ms} ms, "
                f"p95 {row.ttff_p95_ms} ms, failed {row.failed}"
            )
    return rows
