"""Tracking of the largest buffer an MJPEG frame reader holds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

from custom_components.foscam_mjpeg.foscam_cgi import mjpeg


@contextmanager
def tracking_buffer_peak() -> Iterator[list[int]]:
    """While active, ``peak[0]`` is the largest reader buffer so far (bytes)."""
    peak = [0]
    fill = mjpeg._Buffer._fill

    async def tracking(self: Any) -> bool:
        more = await fill(self)
        peak[0] = max(peak[0], len(self._buf))
        return more

    with patch.object(mjpeg._Buffer, "_fill", tracking):
        yield peak
