"""Injectable faults and the per-camera counters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from .const import StreamMode


@dataclass(slots=True)
class Faults:
    """Faults of one camera.

    ``offline`` is read-only here: use ``SimulatedCamera.set_offline()``.
    ``latency``: seconds before any reply. ``garbage_body``: random bytes instead
    of text/snapshot bodies. ``stall_stream``: streams stay open but send nothing.
    ``truncated_jpeg``: frames lose their tail (framing stays consistent).
    ``stream_mode``: hostile multipart framing variants.
    """

    offline: bool = False
    latency: float = 0.0
    garbage_body: bool = False
    stall_stream: bool = False
    truncated_jpeg: bool = False
    stream_mode: StreamMode = StreamMode.NORMAL

    def update(self, changes: Mapping[str, Any]) -> None:
        """Apply JSON-ish changes (admin endpoint); ValueError on bad names/types.

        ``offline`` is not handled here (it needs the camera's server).
        """
        parsed: dict[str, Any] = {}
        for name, value in changes.items():
            if name == "latency" and isinstance(value, int | float) and value >= 0:
                parsed[name] = float(value)
            elif name in {
                "garbage_body",
                "stall_stream",
                "truncated_jpeg",
            } and isinstance(value, bool):
                parsed[name] = value
            elif name == "stream_mode" and isinstance(value, str):
                parsed[name] = StreamMode(value)
            else:
                raise ValueError(f"bad fault {name}={value!r}")
        for name, value in parsed.items():
            setattr(self, name, value)

    def as_dict(self) -> dict[str, Any]:
        """JSON view."""
        return asdict(self)


@dataclass(slots=True)
class Counters:
    """Request and stream statistics of one camera."""

    requests: Counter[str] = field(default_factory=Counter)  # per CGI, 401s included
    stream_current: int = 0
    stream_peak: int = 0
    stream_total: int = 0
    stream_rejected: int = 0
    snapshot_count: int = 0

    def stream_opened(self) -> None:
        """Count a stream connection that started."""
        self.stream_current += 1
        self.stream_total += 1
        self.stream_peak = max(self.stream_peak, self.stream_current)

    def stream_closed(self) -> None:
        """Count a stream connection that ended."""
        self.stream_current -= 1

    def as_dict(self) -> dict[str, Any]:
        """JSON view."""
        return asdict(self) | {"requests": dict(self.requests)}
