"""Tracking of the largest buffer an MJPEG frame parser holds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

from custom_components.foscam_mjpeg.foscam_cgi import mjpeg


@contextmanager
def tracking_buffer_peak() -> Iterator[list[int]]:
    """While active, ``peak[0]`` is the largest parser buffer so far (bytes).

    A parser's buffer is largest right after a feed is appended, before the
    frames in it are taken out.
    """
    peak = [0]
    feed = mjpeg.MjpegParser.feed

    def tracking(
        self: Any, data: bytes | memoryview, on_frame: Callable[[bytes], object]
    ) -> None:
        peak[0] = max(peak[0], len(self._buf) + len(data))
        feed(self, data, on_frame)

    with patch.object(mjpeg.MjpegParser, "feed", tracking):
        yield peak
