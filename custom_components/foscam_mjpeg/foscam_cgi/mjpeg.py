"""Reader for ``multipart/x-mixed-replace`` MJPEG streams (videostream.cgi).

Uses Content-Length when a part has one and searches for the boundary
otherwise; tolerates stray CRLFs between parts (protocol facts "Video").
Every buffer is bounded: a frame over ``max_frame_size``, a header line over
``max_header_line`` or more than ``max_headers`` headers end the stream with
FoscamResponseError.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Final, Protocol

from .exceptions import FoscamResponseError

DEFAULT_MAX_FRAME_SIZE: Final = 2 * 1024 * 1024
DEFAULT_MAX_HEADER_LINE: Final = 1024
DEFAULT_MAX_HEADERS: Final = 32
_READ_SIZE: Final = 64 * 1024


class StreamReaderLike(Protocol):
    """What is needed of aiohttp's / asyncio's StreamReader."""

    async def read(self, n: int = -1, /) -> bytes:
        """Up to n bytes; b"" at end of stream."""


def parse_boundary(content_type: str) -> str:
    """The ``boundary`` parameter of a multipart Content-Type header.

    Accepts ``multipart/x-mixed-replace;boundary=ipcamera`` (no space, as the
    camera sends it), quoted values and any case of the parameter name.
    """
    _, *params = content_type.split(";")
    for param in params:
        name, sep, value = param.partition("=")
        if sep and name.strip().lower() == "boundary":
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            if value.lstrip("-"):
                return value
    raise FoscamResponseError("stream reply has no multipart boundary")


class _Buffer:
    """Minimal buffered reader over ``read(n)`` with bounded lookahead."""

    __slots__ = ("_buf", "_reader")

    def __init__(self, reader: StreamReaderLike) -> None:
        self._reader = reader
        self._buf = bytearray()

    async def _fill(self) -> bool:
        """Read more data; False at end of stream."""
        chunk = await self._reader.read(_READ_SIZE)
        self._buf += chunk
        return bool(chunk)

    def _take(self, n: int) -> bytes:
        data = bytes(self._buf[:n])
        del self._buf[:n]
        return data

    async def readline(self, limit: int) -> bytes | None:
        """One line without its LF; None at end of stream."""
        start = 0
        while (end := self._buf.find(b"\n", start)) < 0:
            if len(self._buf) > limit:
                raise FoscamResponseError(f"stream header line over {limit} bytes")
            start = len(self._buf)
            if not await self._fill():
                return None
        if end > limit:
            raise FoscamResponseError(f"stream header line over {limit} bytes")
        return self._take(end + 1)[:-1]

    async def readexactly(self, n: int) -> bytes | None:
        """Exactly n bytes; None if the stream ends first."""
        while len(self._buf) < n:
            if not await self._fill():
                return None
        return self._take(n)

    async def read_until(self, marker: bytes, limit: int) -> bytes | None:
        """Data before ``marker`` (marker left in the buffer); None at end."""
        start = 0
        while (end := self._buf.find(marker, start)) < 0:
            if len(self._buf) > limit + len(marker):
                raise FoscamResponseError(f"stream frame over {limit} bytes")
            start = max(0, len(self._buf) - len(marker) + 1)
            if not await self._fill():
                return None
        if end > limit:
            raise FoscamResponseError(f"stream frame over {limit} bytes")
        return self._take(end)


def _content_length(headers: list[bytes]) -> int | None:
    for header in headers:
        name, sep, value = header.partition(b":")
        if sep and name.strip().lower() == b"content-length":
            text = value.strip()
            if text.isdigit() and len(text) <= 12:
                return int(text)
    return None


async def read_mjpeg_frames(
    reader: StreamReaderLike,
    boundary: str,
    *,
    max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
    max_header_line: int = DEFAULT_MAX_HEADER_LINE,
    max_headers: int = DEFAULT_MAX_HEADERS,
) -> AsyncGenerator[bytes]:
    """Yield the body of every part of a multipart stream until it ends.

    A truncated last part is dropped. Anything between the end of a part and
    the next delimiter (extra CRLFs, the tail of a part whose Content-Length
    was short) is skipped, but no more than ``max_frame_size`` bytes of it.
    """
    token = boundary.lstrip("-").encode("latin-1", "replace")
    if not token:
        raise FoscamResponseError("empty multipart boundary")
    delimiter = b"--" + token
    buf = _Buffer(reader)
    while True:
        # Skip blank lines and junk up to the next delimiter line.
        if await buf.read_until(delimiter, max_frame_size) is None:
            return
        line = await buf.readline(max_header_line)
        if line is None or line[len(delimiter) :].strip().startswith(b"--"):
            return  # end of stream or close delimiter
        headers: list[bytes] = []
        while (line := await buf.readline(max_header_line)) is not None:
            if not (header := line.strip()):
                break
            headers.append(header)
            if len(headers) > max_headers:
                raise FoscamResponseError(
                    f"stream part with over {max_headers} headers"
                )
        if line is None:
            return
        length = _content_length(headers)
        if length is not None:
            if length > max_frame_size:
                raise FoscamResponseError(
                    f"stream frame of {length} bytes over {max_frame_size}"
                )
            frame = await buf.readexactly(length)
        else:
            frame = await buf.read_until(delimiter, max_frame_size)
            if frame is not None:
                frame = frame.removesuffix(b"\n").removesuffix(b"\r")
        if frame is None:
            return
        yield frame
