"""The report of ``benchmarks.run``: the issue's targets and the Markdown tables."""

from __future__ import annotations

from . import cold_start, floor
from .cold_start import ColdStartRow
from .harness import FOSCAM, MJPEG
from .metrics import fmt, table
from .results import (
    Results,
    ScaleResults,
    SlowViewerResult,
    StillsResult,
    StreamingResults,
    StreamPhase,
    Target,
)


def _phase(
    streaming: StreamingResults, integration: str, count: int
) -> StreamPhase | None:
    return next(
        (
            phase
            for phase in streaming.phases
            if phase.integration == integration and phase.viewers == count
        ),
        None,
    )


def _first[R: (StillsResult, SlowViewerResult)](
    rows: list[R], integration: str
) -> R | None:
    return next((row for row in rows if row.integration == integration), None)


def evaluate_targets(results: Results) -> list[Target]:
    """Check the issue's targets: met / not met, with the measured values."""
    targets: list[Target] = []
    if results.streaming is not None:
        targets += _streaming_targets(results.streaming)
    if results.scale is not None:
        targets += _scale_targets(results.scale)
    return targets


def _streaming_targets(streaming: StreamingResults) -> list[Target]:
    targets: list[Target] = []

    def add(name: str, met: bool | None, measured: str) -> None:
        targets.append(Target(name, met, measured))

    ours = [p for p in streaming.phases if p.integration == FOSCAM]
    theirs = [p for p in streaming.phases if p.integration == MJPEG]
    if ours:
        add(
            "Upstream connections = 1 for every N (mjpeg: N)",
            all(p.upstream_streams_max == 1 for p in ours),
            "foscam_mjpeg: "
            + ", ".join(f"N={p.viewers}: {p.upstream_streams_max}" for p in ours)
            + "; mjpeg: "
            + ", ".join(f"N={p.viewers}: {p.upstream_streams_max}" for p in theirs),
        )
    ours10, theirs10 = _phase(streaming, FOSCAM, 10), _phase(streaming, MJPEG, 10)
    if ours10 and theirs10:
        a, b = (
            ours10.ha_cpu_us_per_viewer_frame,
            theirs10.ha_cpu_us_per_viewer_frame,
        )
        add(
            "HA CPU per delivered viewer-frame at N=10 <= 0.5x mjpeg",
            a is not None and b is not None and a <= 0.5 * b,
            f"{a} us vs {b} us (ratio {a / b:.2f})" if a and b else f"{a} vs {b}",
        )
    relays = streaming.floor or []
    relay10 = next((row for row in relays if row.viewers == 10), None)
    if ours10 and relay10:
        idle = streaming.idle_pct()
        net = ours10.cpu.ha_core_pct - idle
        relay = relay10.cpu_percent_core
        add(
            "HA CPU at N=10 (net of idle) <= 1.3x the bare relay's",
            net <= 1.3 * relay,
            f"{net:.2f} % vs bare asyncio relay {relay:.2f} % of a core "
            f"(ratio {net / relay:.2f}; relay reading only: "
            f"{relays[0].cpu_percent_core:.2f} %)"
            if relay
            else f"{net:.2f} % vs {relay}",
        )
    if ours10:
        idle = streaming.idle_pct()
        net = ours10.cpu.ha_core_pct - idle
        add(
            "1 VGA 30 fps camera, 10 viewers <= 1.5 % of one core",
            net <= 1.5,
            f"{net:.2f} % net of idle Home Assistant ({ours10.cpu.ha_core_pct:.2f} % "
            f"total, idle {idle:.2f} %), {ours10.summary.fps_per_viewer_mean} fps/viewer",
        )
    targets += _cold_start_targets(streaming.cold_start or [])
    stills = _first(streaming.stills, FOSCAM)
    if stills:
        p50 = stills.latency_p50_ms
        add(
            "Still image while streaming: 0 camera requests, p50 <= 5 ms",
            stills.camera_image_requests == 0 and p50 is not None and p50 <= 5,
            f"{stills.camera_image_requests} camera requests, p50 {p50} ms, "
            f"p95 {stills.latency_p95_ms} ms",
        )
    if ours:
        worst = max(ours, key=lambda p: p.ttff_p95_ms or float("inf"))
        add(
            "Time to first frame joining a live stream: p95 <= 50 ms",
            all(p.ttff_p95_ms is not None and p.ttff_p95_ms <= 50 for p in ours),
            ", ".join(f"N={p.viewers}: {p.ttff_p95_ms} ms" for p in ours)
            + f" (worst N={worst.viewers})",
        )
    if slow := _first(streaming.slow_viewer, FOSCAM):
        targets += _slow_viewer_targets(slow)
    return targets


def _cold_start_targets(cold: list[ColdStartRow]) -> list[Target]:
    bound = cold_start.bound_ms(cold)
    if bound is None:
        return []
    targets: list[Target] = []
    for row in cold:
        if row.integration != FOSCAM:
            continue
        p95 = row.ttff_p95_ms
        mjpeg_row = next(
            (r for r in cold if r.integration == MJPEG and r.cameras == row.cameras),
            None,
        )
        what = (
            "first viewer, no stream open"
            if row.cameras == 1
            else f"{row.cameras} cameras opened at once (slowest)"
        )
        targets.append(
            Target(
                f"Cold start, {what}: first frame p95 <= camera's own + 50 ms",
                p95 is not None and row.failed == 0 and p95 <= bound,
                f"p50/p95 {row.ttff_p50_ms} / {p95} ms (mjpeg "
                f"{mjpeg_row.ttff_p50_ms if mjpeg_row else None} / "
                f"{mjpeg_row.ttff_p95_ms if mjpeg_row else None} ms); bound "
                f"{bound:.1f} ms; {row.failed} of {row.starts} failed",
            )
        )
    return targets


def _slow_viewer_targets(slow: SlowViewerResult) -> list[Target]:
    cam = slow.camera_fps or 0.0
    others_ok = (
        slow.others_fps_min >= 0.95 * cam
        and (slow.others_frame_coverage_min or 0.0) >= 0.95
    )
    held = slow.hub_buffered_frames_max
    growth = (slow.rss_slope_mb_per_min or 0.0) * slow.window_s / 60
    flat = abs(growth) <= max(2.0, 0.02 * (slow.rss_start_mb or 0.0))
    frame_kb = (slow.frame_bytes_mean or 36_000) / 1024
    transport = (slow.hub_transport_buffer_max_kb or 0.0) / frame_kb
    held_total = slow.ha_held_frames_max
    return [
        Target(
            "Slow viewer: others lose 0 frames (+-5 %)",
            others_ok,
            f"others min {slow.others_fps_min} fps vs camera {cam} fps, "
            f"min coverage {slow.others_frame_coverage_min}",
        ),
        Target(
            "Slow viewer: holds <= 2 frames (Home Assistant side)",
            held is not None and held_total <= 2,
            f"{held_total:.1f} frames held by Home Assistant (hub buffer {held}, "
            f"transport {transport:.1f}, kernel send queue "
            f"{slow.server_kernel_sendq_max_frames}); slow viewer latency p50 "
            f"{slow.slow_latency_p50_ms} ms, {slow.slow_latency_end_ms} ms at the end",
        ),
        Target(
            "Slow viewer: RSS flat",
            flat,
            f"{slow.rss_start_mb} -> {slow.rss_end_mb} MB over {slow.window_s} s "
            f"(trend {growth:+.2f} MB)",
        ),
    ]


def _scale_targets(scale: ScaleResults) -> list[Target]:
    targets: list[Target] = []
    n = scale.cameras
    if scale.all_set_up_s is not None:
        targets.append(
            Target(
                f"{n} cameras: all set up <= 30 s",
                scale.entries_loaded == n and scale.all_set_up_s <= 30,
                f"{scale.entries_loaded}/{n} loaded {scale.all_set_up_s} s after "
                f"process start (Home Assistant alone: {scale.running_no_entries_s} s)",
            )
        )
    if (polling := scale.polling) is not None:
        targets += [
            Target(
                f"{n} cameras: polling <= 2 % of one core",
                polling.ha_core_pct_net <= 2.0,
                f"{polling.ha_core_pct_net:.2f} % net ({polling.cpu.ha_core_pct:.2f} % "
                f"total, {polling.camera_requests_per_s} camera requests/s)",
            ),
            Target(
                f"{n} cameras: event-loop lag p99 <= 20 ms",
                polling.loop_lag_p99_ms <= 20,
                f"p99 {polling.loop_lag_p99_ms} ms, max {polling.loop_lag_max_ms} ms",
            ),
        ]
    return targets


# Tables


def render(results: Results) -> str:
    """Render the human-readable tables."""
    out: list[str] = []
    if (streaming := results.streaming) is not None:
        out += _streaming_tables(streaming)
    if (scale := results.scale) is not None and scale.polling is not None:
        polling = scale.polling
        out.append(f"\nScale: {scale.cameras} cameras on one Home Assistant")
        out.append(
            table(
                [
                    "all set up s",
                    "HA alone s",
                    "polling %core (net)",
                    "polling %core (total)",
                    "loop lag p99 / max ms",
                ],
                [
                    [
                        fmt(scale.all_set_up_s),
                        fmt(scale.running_no_entries_s),
                        fmt(polling.ha_core_pct_net, 2),
                        fmt(polling.cpu.ha_core_pct, 2),
                        f"{fmt(polling.loop_lag_p99_ms)} / {fmt(polling.loop_lag_max_ms)}",
                    ]
                ],
            )
        )
    if targets := results.targets:
        out.append("\nTargets")
        out.extend(
            f"- [{'met' if t.met else 'NOT met'}] {t.target}: {t.measured}"
            for t in targets
        )
    meta = results.meta
    out.append(
        f"\nLoad (1 min) before: {meta.load_before if meta else None}, after: "
        f"{meta.load_after if meta else None}; {meta.cpus if meta else None} CPUs; "
        f"mode {meta.mode if meta else None}"
    )
    return "\n".join(out)


def _streaming_tables(streaming: StreamingResults) -> list[str]:
    out: list[str] = []
    if phases := streaming.phases:
        out += _phase_table(streaming, phases)
    if relay := streaming.floor:
        out.append("\nBare asyncio relay (benchmarks.floor), same camera, same run")
        out.append(floor.relay_table(relay))
    if cold := streaming.cold_start:
        out.append("\nCold start: first frame when no stream is open")
        out.append(cold_start.render(cold))
    if stills := streaming.stills:
        out.append("\nStill image while streaming (/api/camera_proxy)")
        out.append(
            table(
                ["integration", "requests", "camera requests", "p50 ms", "p95 ms"],
                [
                    [
                        s.integration,
                        str(s.requests),
                        str(s.camera_image_requests),
                        fmt(s.latency_p50_ms, 2),
                        fmt(s.latency_p95_ms, 2),
                    ]
                    for s in stills
                ],
            )
        )
    if slow := streaming.slow_viewer:
        out.append(
            "\nSlow viewer (a link of 1 frame/s, "
            f"{fmt(slow[0].slow_link_kb_s, 0)} KB/s) among 9 normal viewers"
        )
        out.append(
            table(
                [
                    "integration",
                    "others fps min / camera",
                    "others coverage",
                    "slow fps",
                    "slow latency p50 ms",
                    "hub buffer max",
                    "HA holds max (frames)",
                    "RSS start -> end MB",
                ],
                [
                    [
                        s.integration,
                        f"{fmt(s.others_fps_min)} / {fmt(s.camera_fps)}",
                        fmt(s.others_frame_coverage_min, 3),
                        fmt(s.slow_fps, 2),
                        fmt(s.slow_latency_p50_ms, 0),
                        fmt(s.hub_buffered_frames_max),
                        fmt(s.ha_held_frames_max),
                        f"{fmt(s.rss_start_mb)} -> {fmt(s.rss_end_mb)}",
                    ]
                    for s in slow
                ],
            )
        )
    return out


def _phase_table(streaming: StreamingResults, phases: list[StreamPhase]) -> list[str]:
    rows = [
        [
            integration,
            str(p.viewers),
            fmt(p.upstream_streams_max),
            fmt(p.summary.fps_per_viewer_mean),
            fmt(p.cpu.ha_core_pct, 2),
            fmt(p.ha_cpu_us_per_viewer_frame, 0),
            f"{fmt(p.ttff_p50_ms)} / {fmt(p.ttff_p95_ms)}",
            f"{fmt(p.summary.latency_p50_ms)} / {fmt(p.summary.latency_p99_ms)}",
            fmt(p.rss_mb, 0),
        ]
        for integration in (FOSCAM, MJPEG)
        for p in phases
        if p.integration == integration
    ]
    if direct := streaming.direct:
        rows.append(
            [
                cold_start.CAMERA,
                "1",
                "1",
                fmt(direct.summary.fps_per_viewer_mean),
                "-",
                "-",
                f"{fmt(direct.ttff_p50_ms)} / {fmt(direct.ttff_p95_ms)}",
                f"{fmt(direct.summary.latency_p50_ms)} / "
                f"{fmt(direct.summary.latency_p99_ms)}",
                "-",
            ]
        )
    idle = streaming.idle.cpu.ha_core_pct if streaming.idle else None
    idle_again = streaming.idle_again.ha_core_pct if streaming.idle_again else None
    return [
        "Streaming (VGA, camera at "
        f"{fmt(phases[0].summary.camera_fps)} fps, "
        f"{fmt(phases[0].summary.frame_bytes_mean, 0)} B/frame; "
        f"idle Home Assistant {fmt(idle, 2)} % of a core, "
        f"{fmt(idle_again, 2)} % "
        "after the streaming phases)",
        table(
            [
                "integration",
                "N",
                "upstream",
                "fps/viewer",
                "HA CPU %core",
                "HA CPU us/viewer-frame",
                "TTFF p50/p95 ms",
                "latency p50/p99 ms",
                "RSS MB",
            ],
            rows,
        ),
    ]
