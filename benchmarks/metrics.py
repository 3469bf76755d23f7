"""Statistics, the summary of one streaming window, and result tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
import math
from typing import Any, Final

from .viewers import Frame, Viewer

# Field metadata for to_json: write the value's own fields in place of the field.
FLATTEN: Final = {"flatten": True}
# Field metadata for to_json: leave the field out while it is None (not measured).
OMIT_IF_NONE: Final = {"omit_if_none": True}


def to_json(value: Any) -> Any:
    """JSON-ready data of a result (dataclasses to dicts, tuples to lists).

    A field with :data:`FLATTEN` metadata is merged into its parent, so that a
    result made of parts keeps the flat shape of the result files.
    """
    if is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for item in fields(value):
            data = getattr(value, item.name)
            if data is None and item.metadata.get("omit_if_none"):
                continue
            if item.metadata.get("flatten"):
                out.update(to_json(data))
            else:
                out[item.name] = to_json(data)
        return out
    if isinstance(value, dict):
        return {key: to_json(data) for key, data in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(data) for data in value]
    return value


@dataclass(frozen=True, slots=True)
class WindowSummary:
    """Delivery numbers of a set of viewers over one window."""

    viewers: int
    viewers_failed: int
    errors: list[str] = field(default_factory=list)
    window_s: float = 0.0
    frames_delivered: int = 0
    fps_per_viewer_mean: float = 0.0
    fps_per_viewer_min: float = 0.0
    camera_fps: float | None = None
    frame_coverage_min: float | None = None
    latency_p50_ms: float | None = None
    latency_p99_ms: float | None = None
    latency_max_ms: float | None = None
    frame_bytes_mean: int = 0


def percentile(values: Iterable[float], fraction: float) -> float | None:
    """Nearest-rank percentile (None for no values)."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(0, math.ceil(fraction * len(ordered)) - 1)
    return ordered[rank]


def ms(value: float | None) -> float | None:
    """Seconds to milliseconds, rounded for the report."""
    return None if value is None else round(value * 1000, 2)


def slope_per_minute(samples: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, value) samples, per minute."""
    if len(samples) < 2:
        return 0.0
    mean_t = sum(t for t, _ in samples) / len(samples)
    mean_v = sum(v for _, v in samples) / len(samples)
    var = sum((t - mean_t) ** 2 for t, _ in samples)
    if var == 0:
        return 0.0
    cov = sum((t - mean_t) * (v - mean_v) for t, v in samples)
    return 60 * cov / var


def distinct(frames: Sequence[Frame]) -> list[Frame]:
    """Frames without repeats (the hub sends a joining viewer's first frame twice)."""
    seen: set[int] = set()
    unique = []
    for frame in frames:
        if frame.number not in seen:
            seen.add(frame.number)
            unique.append(frame)
    return unique


def coverage(frames: Sequence[Frame]) -> float | None:
    """Share of the camera's frames a viewer received (its first..last frame).

    The simulator numbers every frame it renders, so a gap in the numbers is a
    frame the viewer never got.
    """
    unique = distinct(frames)
    if len(unique) < 2:
        return None
    numbers = [frame.number for frame in unique]
    span = max(numbers) - min(numbers) + 1
    return len(unique) / span


def camera_fps(viewers: Sequence[Viewer], start: float, end: float) -> float | None:
    """Frames the camera rendered per second, from the frame numbers seen."""
    best: float | None = None
    for viewer in viewers:
        frames = viewer.in_window(start, end)
        if len(frames) < 2:
            continue
        first = min(frames, key=lambda f: f.sim_ts)
        last = max(frames, key=lambda f: f.sim_ts)
        if last.sim_ts > first.sim_ts:
            rate = (last.number - first.number) / (last.sim_ts - first.sim_ts)
            best = rate if best is None else max(best, rate)
    return best


def window_summary(
    viewers: Sequence[Viewer], start: float, end: float
) -> WindowSummary:
    """Delivery numbers of a set of viewers over a time.time() window."""
    duration = end - start
    per_viewer = [viewer.in_window(start, end) for viewer in viewers]
    delivered = sum(len(frames) for frames in per_viewer)
    fps = [len(frames) / duration for frames in per_viewer]
    latencies = [frame.latency for frames in per_viewer for frame in frames]
    sizes = [frame.size for frames in per_viewer for frame in frames]
    covered = [c for frames in per_viewer if (c := coverage(frames)) is not None]
    return WindowSummary(
        viewers=len(viewers),
        viewers_failed=sum(1 for v in viewers if v.error and not v.frames),
        errors=sorted({v.error for v in viewers if v.error}),
        window_s=round(duration, 3),
        frames_delivered=delivered,
        fps_per_viewer_mean=round(sum(fps) / len(fps), 2) if fps else 0.0,
        fps_per_viewer_min=round(min(fps), 2) if fps else 0.0,
        camera_fps=_round(camera_fps(viewers, start, end), 2),
        frame_coverage_min=_round(min(covered, default=None), 4),
        latency_p50_ms=ms(percentile(latencies, 0.50)),
        latency_p99_ms=ms(percentile(latencies, 0.99)),
        latency_max_ms=ms(max(latencies, default=None)),
        frame_bytes_mean=round(sum(sizes) / len(sizes)) if sizes else 0,
    )


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def fmt(value: Any, digits: int = 1) -> str:
    """Cell text of a table."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Format a Markdown table (readable as plain text too)."""
    widths = [
        max(len(h), *(len(row[i]) for row in rows)) if rows else len(h)
        for i, h in enumerate(headers)
    ]

    def line(cells: Sequence[str]) -> str:
        return (
            "| "
            + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
            + " |"
        )

    return "\n".join(
        [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        + [line(row) for row in rows]
    )
