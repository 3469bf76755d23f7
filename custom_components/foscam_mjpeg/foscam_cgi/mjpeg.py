"""Framing of ``multipart/x-mixed-replace`` MJPEG streams (videostream.cgi).

``MjpegParser`` is the one frame parser: it is fed bytes as they arrive (by
the stream connection's protocol or by ``read_mjpeg_frames``) and hands on
each part's body. It uses Content-Length when a part has one and searches for
the boundary otherwise; it tolerates stray CRLFs between parts (protocol facts
"Video"). Every buffer is bounded: a frame over ``max_frame_size``, a header
line over ``max_header_line`` or more than ``max_headers`` headers end the
stream with FoscamResponseError. It holds at most
max(max_frame_size + the delimiter, max_header_line) bytes plus one feed.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from enum import IntEnum
from typing import Final, Protocol

from .exceptions import FoscamResponseError

DEFAULT_MAX_FRAME_SIZE: Final = 2 * 1024 * 1024
DEFAULT_MAX_HEADER_LINE: Final = 1024
DEFAULT_MAX_HEADERS: Final = 32
READ_SIZE: Final = 64 * 1024


class StreamReaderLike(Protocol):
    """What is needed of aiohttp's / asyncio's StreamReader."""

    async def read(self, n: int = -1, /) -> bytes:
        """Up to n bytes; b"" at end of stream."""


def parse_boundary(content_type: str) -> str:
    """Return the ``boundary`` parameter of a multipart Content-Type header.

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


def _content_length(headers: list[bytes]) -> int | None:
    for header in headers:
        name, sep, value = header.partition(b":")
        if sep and name.strip().lower() == b"content-length":
            text = value.strip()
            if text.isdigit() and len(text) <= 12:
                return int(text)
    return None


class _State(IntEnum):
    SEEK = 0  # junk or blank lines up to the next delimiter
    DELIMITER_LINE = 1  # the rest of the delimiter line
    HEADERS = 2
    BODY_LENGTH = 3  # Content-Length bytes
    BODY_SEARCH = 4  # up to the next delimiter
    DONE = 5  # close delimiter seen


class MjpegParser:
    """Incremental multipart parser: ``feed`` bytes, get whole part bodies.

    Anything between the end of a part and the next delimiter (extra CRLFs,
    the tail of a part whose Content-Length was short) is skipped, but no more
    than ``max_frame_size`` bytes of it. A truncated last part is never handed
    on.
    """

    __slots__ = (
        "_buf",
        "_delimiter",
        "_headers",
        "_length",
        "_max_frame",
        "_max_headers",
        "_max_line",
        "_scan",
        "_state",
    )

    def __init__(
        self,
        boundary: str,
        *,
        max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
        max_header_line: int = DEFAULT_MAX_HEADER_LINE,
        max_headers: int = DEFAULT_MAX_HEADERS,
    ) -> None:
        """Check the boundary; no frame is buffered yet."""
        token = boundary.lstrip("-").encode("latin-1", "replace")
        if not token:
            raise FoscamResponseError("empty multipart boundary")
        self._delimiter = b"--" + token
        self._max_frame = max_frame_size
        self._max_line = max_header_line
        self._max_headers = max_headers
        self._buf = bytearray()
        self._state = _State.SEEK
        self._scan = 0  # where the next search in _buf starts
        self._headers: list[bytes] = []
        self._length = 0

    @property
    def done(self) -> bool:
        """The close delimiter was seen: nothing more will be handed on."""
        return self._state is _State.DONE

    def feed(
        self, data: bytes | memoryview, on_frame: Callable[[bytes], object]
    ) -> None:
        """Append ``data`` and call ``on_frame`` with every part body it completes.

        Raises FoscamResponseError when a bound is broken (frames completed
        before that point have been handed on).
        """
        self._buf += data
        while self._step(on_frame):
            pass

    def _step(self, on_frame: Callable[[bytes], object]) -> bool:
        """Advance by one item; False when more data is needed (or done)."""
        state = self._state
        if state is _State.BODY_LENGTH:
            if len(self._buf) < self._length:
                return False
            frame = self._take(self._length)
        elif state is _State.SEEK or state is _State.BODY_SEARCH:
            if (end := self._find(self._delimiter, self._max_frame)) < 0:
                return False
            if state is _State.SEEK:
                del self._buf[:end]
                self._state = _State.DELIMITER_LINE
                return True
            frame = self._take(end).removesuffix(b"\n").removesuffix(b"\r")
        elif state is _State.DONE:
            return False
        else:
            return self._line()
        self._state = _State.SEEK
        on_frame(frame)
        return True

    def _line(self) -> bool:
        """One line of the delimiter or part headers."""
        if (end := self._find(b"\n", self._max_line)) < 0:
            return False
        line = self._take(end + 1)[:-1]
        if self._state is _State.DELIMITER_LINE:
            if line[len(self._delimiter) :].strip().startswith(b"--"):
                self._state = _State.DONE  # close delimiter
            else:
                self._state = _State.HEADERS
                self._headers = []
            return True
        if header := line.strip():
            self._headers.append(header)
            if len(self._headers) > self._max_headers:
                raise FoscamResponseError(
                    f"stream part with over {self._max_headers} headers"
                )
            return True
        length = _content_length(self._headers)
        if length is None:
            self._state = _State.BODY_SEARCH
        elif length > self._max_frame:
            raise FoscamResponseError(
                f"stream frame of {length} bytes over {self._max_frame}"
            )
        else:
            self._state = _State.BODY_LENGTH
            self._length = length
        return True

    def _find(self, marker: bytes, limit: int) -> int:
        """Index of ``marker`` in the buffer, -1 if not there yet; bounded."""
        buf = self._buf
        end = buf.find(marker, self._scan)
        if end < 0:
            if len(buf) > limit + (len(marker) if len(marker) > 1 else 0):
                raise self._too_long(marker, limit)
            self._scan = max(0, len(buf) - len(marker) + 1)
        elif end > limit:
            raise self._too_long(marker, limit)
        else:
            self._scan = 0
        return end

    @staticmethod
    def _too_long(marker: bytes, limit: int) -> FoscamResponseError:
        if marker == b"\n":
            return FoscamResponseError(f"stream header line over {limit} bytes")
        return FoscamResponseError(f"stream frame over {limit} bytes")

    def _take(self, n: int) -> bytes:
        with memoryview(self._buf) as view:
            data = bytes(view[:n])  # one copy (a bytearray slice would be two)
        del self._buf[:n]
        return data


async def read_mjpeg_frames(
    reader: StreamReaderLike,
    boundary: str,
    *,
    max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
    max_header_line: int = DEFAULT_MAX_HEADER_LINE,
    max_headers: int = DEFAULT_MAX_HEADERS,
) -> AsyncGenerator[bytes]:
    """Yield the body of every part of a multipart stream read from ``reader``.

    The stream ends at end of input or at the close delimiter; a truncated last
    part is dropped.
    """
    parser = MjpegParser(
        boundary,
        max_frame_size=max_frame_size,
        max_header_line=max_header_line,
        max_headers=max_headers,
    )
    frames: list[bytes] = []
    while not parser.done:
        if not (chunk := await reader.read(READ_SIZE)):
            return
        error: FoscamResponseError | None = None
        try:
            parser.feed(chunk, frames.append)
        except FoscamResponseError as err:
            error = err
        ready, frames = frames, []
        for frame in ready:
            yield frame
        if error is not None:
            raise error
