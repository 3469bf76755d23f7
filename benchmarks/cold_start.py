"""Cold start: the first viewer's first frame when no camera stream is open.

The integration has to open the camera's stream for that viewer (``mjpeg``
always does). Each start waits until the simulator has no stream open on the
cameras involved, then the viewers join at the same moment: one camera, or a
dashboard of several cameras opened at once (one upstream each, in parallel).
For a dashboard the slowest of its first frames counts. The camera's own
figure is the same measurement straight on the simulator.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiohttp

from .metrics import fmt, ms, percentile, table
from .sim_process import SimulatorProcess
from .viewers import join_once

CAMERA: str = "camera (direct)"


@dataclass(frozen=True, slots=True)
class Group:
    """Stream URLs opened together, and the simulator cameras they read."""

    label: str  # integration, or CAMERA
    urls: tuple[str, ...]
    cameras: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ColdStartRow:
    """``starts`` cold starts of one group: the slowest first frame of each."""

    integration: str  # integration, or CAMERA
    cameras: int
    starts: int
    failed: int
    stream_open_before: int  # starts that found a stream still open
    streams_opened: int  # every start must have opened its cameras' streams anew
    ttff_p50_ms: float | None
    ttff_p95_ms: float | None
    ttff_max_ms: float | None


async def measure(
    sim: SimulatorProcess,
    session: aiohttp.ClientSession,
    group: Group,
    starts: int,
    *,
    within: float = 10.0,
) -> ColdStartRow:
    """Cold-start ``group`` ``starts`` times: p50/p95 of the slowest first frame."""
    slowest: list[float] = []
    failed = 0
    not_idle = 0
    before = await sim.counters_all()
    for _ in range(starts):
        for index in group.cameras:
            if not await sim.wait_streams(index, 0, within=within):
                not_idle += 1
        times = await asyncio.gather(
            *(join_once(session, url, within=within) for url in group.urls)
        )
        if any(time is None for time in times):
            failed += 1
            continue
        slowest.append(max(time for time in times if time is not None))
    after = await sim.counters_all()
    return ColdStartRow(
        integration=group.label,
        cameras=len(group.urls),
        starts=starts,
        failed=failed,
        stream_open_before=not_idle,
        streams_opened=sum(
            after[i]["stream_total"] - before[i]["stream_total"] for i in group.cameras
        ),
        ttff_p50_ms=ms(percentile(slowest, 0.50)),
        ttff_p95_ms=ms(percentile(slowest, 0.95)),
        ttff_max_ms=ms(max(slowest, default=None)),
    )


def bound_ms(rows: list[ColdStartRow], margin_ms: float = 50.0) -> float | None:
    """Return the target: the camera's own single cold start p95 + ``margin_ms``."""
    for row in rows:
        if row.integration == CAMERA and row.cameras == 1:
            p95 = row.ttff_p95_ms
            return None if p95 is None else p95 + margin_ms
    return None


def render(rows: list[ColdStartRow]) -> str:
    """Render the cold start table."""
    return table(
        [
            "integration",
            "cameras at once",
            "starts",
            "first frame p50 / p95 ms (slowest camera)",
            "max ms",
            "camera streams opened",
            "failed",
        ],
        [
            [
                row.integration,
                str(row.cameras),
                str(row.starts),
                f"{fmt(row.ttff_p50_ms)} / {fmt(row.ttff_p95_ms)}",
                fmt(row.ttff_max_ms),
                str(row.streams_opened),
                str(row.failed),
            ]
            for row in rows
        ],
    )
