"""The MJPEG upstream: one videostream.cgi connection read by an asyncio protocol.

``MjpegConnection`` sends the GET itself, parses the reply head, then frames
the body with the one ``MjpegParser`` and hands every frame, as one bytes
object, to a callback, inside the read that completed it. It reads into one
fixed 64 KiB buffer (no per-read allocation, no per-read timeout) and arms one
stall timer per connection, moved on by a timestamp check rather than
re-armed per frame. CGI requests keep using aiohttp; this is for the one
long-lived stream per camera, where aiohttp's per-chunk machinery is most of
the cost of relaying.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
import re
from typing import Final

import aiohttp

from .exceptions import FoscamResponseError, FoscamTimeoutError, connection_error
from .mjpeg import DEFAULT_MAX_FRAME_SIZE, READ_SIZE, MjpegParser

type FrameHandler = Callable[[bytes], bool]
"""Takes one frame; True if it was usable (only usable frames hold off a stall)."""

MAX_HEAD: Final = 16 * 1024  # reply status line + headers
MAX_HEAD_FIELDS: Final = 64
_STALL_SLACK: Final = 0.25
_HEAD_END: Final = re.compile(rb"\r?\n\r?\n")
_STATUS_LINE: Final = re.compile(rb"HTTP/1\.[01] (\d{3})(?: .*)?")


def http_get(path_qs: str, host: str, headers: dict[str, str] | None) -> bytes:
    """Build the request head of a GET (``path_qs`` already percent-encoded)."""
    lines = [f"GET {path_qs} HTTP/1.1", f"Host: {host}", "Accept: */*"]
    lines.extend(f"{name}: {value}" for name, value in (headers or {}).items())
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class FrameStream:
    """The consumer's side of one open MJPEG connection.

    Frames go to ``on_frame`` as they complete. No usable frame for
    ``stall_timeout`` seconds ends the connection with FoscamTimeoutError: one
    timer per connection fires 1.25 x ``stall_timeout`` after the last usable
    frame. A frame only notes the time; the timer is moved on when it fires
    (about once per stall period), never re-armed per frame. A
    transport (the protocol below, or a test double) calls ``_deliver``,
    ``_fail`` and, once its connection is really closed, ``_ended``.
    """

    def __init__(
        self, label: str, on_frame: FrameHandler, stall_timeout: float
    ) -> None:
        """Nothing is armed before ``_arm``."""
        self.label = label  # "videostream.cgi on host:port", for messages
        self._loop = asyncio.get_running_loop()
        self._on_frame = on_frame
        self._stall_timeout = stall_timeout
        self._stall_after = stall_timeout * (1 + _STALL_SLACK)
        self._progress_at = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._paused = False
        self._error: BaseException | None = None
        self._closed: asyncio.Future[None] = self._loop.create_future()
        self._on_closed: list[Callable[[], None]] = []

    # For the transport

    def _arm(self) -> None:
        """Start the stall timer (frames flow from now on)."""
        self._progress_at = now = self._loop.time()
        self._timer = self._loop.call_at(now + self._stall_after, self._check_stall)

    def _deliver(self, frame: bytes) -> None:
        if self._on_frame(frame):
            self._progress_at = self._loop.time()

    def _check_stall(self) -> None:
        now = self._loop.time()
        if self._paused:  # the consumer holds the stream back: not the camera
            self._progress_at = now
        if now < (due := self._progress_at + self._stall_after):
            self._timer = self._loop.call_at(due, self._check_stall)
            return
        self._timer = None
        self._fail(
            FoscamTimeoutError(
                f"{self.label}: timed out (no frame for {self._stall_timeout:g} s)"
            )
        )

    def _fail(self, error: BaseException) -> None:
        """End the connection with ``error`` (the first error wins)."""
        if self._error is None and not self._closed.done():
            self._error = error
        self._disarm()
        self._close_transport()

    def _ended(self, error: BaseException | None = None) -> None:
        """Settle all: the connection is closed; ``error`` is why (first wins)."""
        self._disarm()
        if self._closed.done():
            return
        if self._error is None:
            self._error = error
        self._closed.set_result(None)
        for callback in self._on_closed:
            callback()

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _close_transport(self) -> None:
        """Close the connection; ``_ended`` follows once it is closed."""
        raise NotImplementedError

    # For the consumer

    @property
    def closed(self) -> bool:
        """The connection has ended."""
        return self._closed.done()

    def when_closed(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the connection has ended."""
        if self._closed.done():
            callback()
        else:
            self._on_closed.append(callback)

    async def wait_closed(self) -> None:
        """Wait until the connection ends; raise its error if it failed.

        Returns when the camera ended the stream in order.
        """
        await asyncio.wait((self._closed,))
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        """Close the connection now (``wait_closed`` returns once it is closed)."""
        self._disarm()
        if not self._closed.done():
            self._close_transport()

    async def aclose(self) -> None:
        """Close the connection and wait until it is closed."""
        self.close()
        await asyncio.wait((self._closed,))


class MjpegConnection(FrameStream, asyncio.BufferedProtocol):
    """One videostream.cgi connection: the GET, the reply head, then frames."""

    def __init__(
        self,
        label: str,
        request: bytes,
        on_frame: FrameHandler,
        stall_timeout: float,
        *,
        max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
    ) -> None:
        """Describe the request; ``loop.create_connection`` makes the connection."""
        super().__init__(label, on_frame, stall_timeout)
        self._request = request
        self._max_frame_size = max_frame_size
        self._read_buffer = memoryview(bytearray(READ_SIZE))
        self._transport: asyncio.Transport | None = None
        self._head = bytearray()
        self._head_done: asyncio.Future[None] = self._loop.create_future()
        self._early_body = b""  # what came after the head, before start()
        self._parser: MjpegParser | None = None
        self._body_left: int | None = None  # of a reply with a Content-Length
        self.status = 0
        self.headers: dict[str, str] = {}

    # asyncio.BufferedProtocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Send the request."""
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        transport.write(self._request)

    def get_buffer(self, _sizehint: int) -> memoryview:
        """Lend the one read buffer (a read adds at most 64 KiB to the parser's)."""
        return self._read_buffer

    def buffer_updated(self, nbytes: int) -> None:
        """Parse what was read; frames go to the consumer from here."""
        data = self._read_buffer[:nbytes]
        try:
            if (parser := self._parser) is None:
                self._read_head(data)
                return
            if (left := self._body_left) is not None:
                data = data[:left]
                self._body_left = left - len(data)
            parser.feed(data, self._deliver)
            if parser.done or self._body_left == 0:
                self._close_transport()  # close delimiter, or the whole body
        except Exception as err:  # a consumer bug ends this connection only
            self._fail(err)

    def eof_received(self) -> bool:
        """Let the transport close."""
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        """Settle the head and the stream: the connection is closed."""
        self._transport = None
        if not self._head_done.done():
            error = connection_error(
                self.label, exc or aiohttp.ServerDisconnectedError()
            )
            self._head_done.set_exception(error)
            self._head_done.exception()  # retrieved: open() may have given up
            self._ended(error)
            return
        if self._body_left:
            # The reply's own Content-Length was not reached; the same error
            # (and message) aiohttp gives for it.
            payload = aiohttp.ClientPayloadError("Response payload is not completed")
            self._ended(connection_error(self.label, payload))
            return
        # Without a Content-Length (the firmware sends none) a cut cannot be
        # told from an orderly end: either ends the stream.
        self._ended()

    # The reply head

    def _read_head(self, data: memoryview) -> None:
        if self._head_done.done():  # paused between the head and start()
            self._early_body += data
            return
        self._head += data
        if (end := _HEAD_END.search(self._head)) is None:
            if len(self._head) > MAX_HEAD:
                raise FoscamResponseError(
                    f"{self.label}: reply head over {MAX_HEAD} bytes"
                )
            return
        if end.start() > MAX_HEAD:
            raise FoscamResponseError(f"{self.label}: reply head over {MAX_HEAD} bytes")
        self._early_body = bytes(self._head[end.end() :])
        self._parse_head(bytes(self._head[: end.start()]))
        self._head = bytearray()
        if self._transport is not None:
            self._transport.pause_reading()  # until start()
        self._head_done.set_result(None)

    def _parse_head(self, head: bytes) -> None:
        status_line, *fields = head.split(b"\n")
        if (match := _STATUS_LINE.fullmatch(status_line.rstrip(b"\r"))) is None:
            raise FoscamResponseError(f"{self.label}: not an HTTP reply")
        if len(fields) > MAX_HEAD_FIELDS:
            raise FoscamResponseError(
                f"{self.label}: reply with over {MAX_HEAD_FIELDS} headers"
            )
        self.status = int(match[1])
        for field in fields:
            name, sep, value = field.decode("latin-1").partition(":")
            if sep:
                self.headers[name.strip().lower()] = value.strip()

    async def head_received(self) -> None:
        """Wait for the reply head (raises if the connection ends first)."""
        await asyncio.wait((self._head_done,))
        self._head_done.result()

    def start(self, boundary: str) -> None:
        """Frame the body from now on (after a 200 reply with ``boundary``)."""
        if self.headers.get("transfer-encoding", "").lower() not in ("", "identity"):
            # The firmware never sends chunked replies (protocol facts "Video").
            raise FoscamResponseError(f"{self.label}: chunked stream reply")
        length = self.headers.get("content-length", "")
        if length.isdigit():
            self._body_left = int(length)
        self._parser = MjpegParser(boundary, max_frame_size=self._max_frame_size)
        self._arm()
        early, self._early_body = self._early_body, b""
        view = memoryview(early)
        while view and not self.closed and self._error is None:
            # At most one read came with the head (reading pauses there).
            chunk, view = view[:READ_SIZE], view[READ_SIZE:]
            self._read_buffer[: len(chunk)] = chunk
            self.buffer_updated(len(chunk))
        if self._transport is not None and not self._paused:
            self._transport.resume_reading()

    def pause_reading(self) -> None:
        """Stop reading until ``resume_reading`` (a slow consumer; no stall)."""
        self._paused = True
        if self._transport is not None and self._parser is not None:
            self._transport.pause_reading()

    def resume_reading(self) -> None:
        """Read again."""
        self._paused = False
        if self._transport is not None and self._parser is not None:
            self._transport.resume_reading()

    def _close_transport(self) -> None:
        if self._transport is not None:
            self._transport.close()
        elif not self._head_done.done():
            # Never connected (the connect failed or was cancelled).
            self._head_done.cancel()
            self._ended()

    def _fail(self, error: BaseException) -> None:
        if isinstance(error, FoscamResponseError) and not str(error).startswith(
            self.label
        ):
            error = type(error)(f"{self.label}: {error}")
        if not self._head_done.done():
            self._head_done.set_exception(error)
            self._head_done.exception()
        super()._fail(error)


class FrameQueue:
    """Frames of one connection for a consumer that pulls (``stream_frames``).

    Holds at most ``backlog`` frames: reading pauses until the consumer has
    taken one.
    """

    def __init__(self, backlog: int = 2) -> None:
        """Empty; ``attach`` the connection once it is open."""
        self._frames: deque[bytes] = deque()
        self._backlog = backlog
        self._stream: MjpegConnection | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._ended = False

    def put(self, frame: bytes) -> bool:
        """Queue a frame (the connection's frame handler)."""
        self._frames.append(frame)
        if len(self._frames) >= self._backlog and self._stream is not None:
            self._stream.pause_reading()
        self._wake()
        return True

    def attach(self, stream: MjpegConnection) -> None:
        """Follow ``stream`` (pause it when full; end with it)."""
        self._stream = stream
        if len(self._frames) >= self._backlog:
            stream.pause_reading()
        stream.when_closed(self._end)

    def _end(self) -> None:
        self._ended = True
        self._wake()

    def _wake(self) -> None:
        if (waiter := self._waiter) is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> bytes | None:
        """Wait for the next frame; None once the connection ended and all are taken."""
        while not self._frames:
            if self._ended:
                return None
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        frame = self._frames.popleft()
        if self._stream is not None and len(self._frames) < self._backlog:
            self._stream.resume_reading()
        return frame


__all__ = [
    "FrameHandler",
    "FrameQueue",
    "FrameStream",
    "MjpegConnection",
    "http_get",
]
