"""MJPEG viewers: real HTTP clients of ``/api/camera_proxy_stream/<entity>``.

They run in the harness process, never in Home Assistant's. Each viewer has its
own TCP connection (HTTP/1.1, chunked, as a browser tab). Only the first bytes
of every JPEG are kept: they hold the simulator's COM segment
``sim-ts=<time.time()> frame=<n>``, which gives the frame latency.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
import re
import socket
import time
from typing import Final
from urllib.parse import urlsplit

import aiohttp

LOOPBACK_HOST: Final = "127.0.0.1"
_STAMP: Final = re.compile(rb"sim-ts=(\d+\.\d+) frame=(\d+)")
_HEAD_BYTES: Final = 512  # the COM segment comes right after SOI/APP0
_MAX_HEADERS: Final = 8192
_LENGTH: Final = re.compile(rb"content-length:\s*(\d+)", re.IGNORECASE)


class StreamFormatError(ValueError):
    """The multipart stream could not be parsed."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One received frame."""

    received: float  # time.time() when its last byte arrived
    sim_ts: float  # time.time() the simulator stamped into the JPEG
    number: int  # the simulator's frame number
    size: int  # JPEG bytes

    @property
    def latency(self) -> float:
        """Camera stamp to client receive, seconds."""
        return self.received - self.sim_ts


class MultipartParser:
    """Incremental multipart/x-mixed-replace parser (parts need Content-Length).

    Bodies are skipped, not copied, apart from their first bytes.
    """

    def __init__(self, on_frame: Callable[[bytes, int], None]) -> None:
        """``on_frame(head, size)`` is called once per complete part."""
        self._on_frame = on_frame
        self._headers = bytearray()
        self._head = bytearray()
        self._remaining = 0
        self._size = 0

    def feed(self, data: bytes) -> None:
        """Consume a chunk of the body."""
        view = memoryview(data)
        while view:
            if self._remaining:
                take = min(self._remaining, len(view))
                if len(self._head) < _HEAD_BYTES:
                    self._head += view[: min(take, _HEAD_BYTES - len(self._head))]
                self._remaining -= take
                view = view[take:]
                if not self._remaining:
                    self._on_frame(bytes(self._head), self._size)
                    self._head.clear()
                continue
            self._headers += view
            view = memoryview(b"")
            end = self._headers.find(b"\r\n\r\n")
            if end < 0:
                if len(self._headers) > _MAX_HEADERS:
                    raise StreamFormatError("no part header found")
                return
            match = _LENGTH.search(self._headers, 0, end)
            if match is None:
                raise StreamFormatError("part without Content-Length")
            # Read the match before clearing: it refers to the bytearray.
            self._size = self._remaining = int(match.group(1))
            rest = bytes(self._headers[end + 4 :])
            self._headers.clear()
            view = memoryview(rest)
            if not self._remaining:
                self._on_frame(b"", 0)


def stamp(head: bytes) -> tuple[float, int] | None:
    """(sim-ts, frame number) from the first bytes of a JPEG."""
    if (match := _STAMP.search(head)) is None:
        return None
    return float(match.group(1)), int(match.group(2))


def new_session() -> aiohttp.ClientSession:
    """Client session for viewers: no connection limit, no keep-alive reuse."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0, force_close=True),
        timeout=aiohttp.ClientTimeout(total=None, sock_connect=10),
        auto_decompress=False,
    )


@dataclass(eq=False)
class Viewer:
    """One viewer (aiohttp, HTTP/1.1) reading a stream as fast as it comes."""

    session: aiohttp.ClientSession
    url: str
    frames: list[Frame] = field(default_factory=list)
    started: float = 0.0  # perf_counter at request start
    first_frame: float | None = None  # seconds from request start
    status: int | None = None
    error: str | None = None
    local_port: int | None = None
    unstamped: int = 0
    _task: asyncio.Task[None] | None = None
    # Set at the first frame or when the stream fails.
    settled: asyncio.Event = field(default_factory=asyncio.Event)

    def start(self) -> None:
        """Connect and read in a task."""
        self._task = asyncio.create_task(self._guarded())

    def _on_frame(self, head: bytes, size: int) -> None:
        now = time.time()
        if self.first_frame is None:
            self.first_frame = time.perf_counter() - self.started
            self.settled.set()
        if (found := stamp(head)) is None:
            self.unstamped += 1
            return
        self.frames.append(Frame(now, found[0], found[1], size))

    async def _guarded(self) -> None:
        self.started = time.perf_counter()
        try:
            await self._run()
            self.error = "stream ended"
        except (aiohttp.ClientError, OSError, ValueError) as err:
            self.error = f"{type(err).__name__}: {err}"
        finally:
            self.settled.set()

    async def _run(self) -> None:
        parser = MultipartParser(self._on_frame)
        async with self.session.get(self.url) as response:
            self.status = response.status
            if response.status != 200:
                raise StreamFormatError(f"HTTP {response.status}")
            if response.connection is not None and (
                transport := response.connection.transport
            ):
                self.local_port = transport.get_extra_info("sockname")[1]
            while chunk := await response.content.readany():
                parser.feed(chunk)

    def in_window(self, start: float, end: float) -> list[Frame]:
        """Frames received between two time.time() values."""
        return [frame for frame in self.frames if start <= frame.received < end]

    async def close(self) -> None:
        """Disconnect."""
        if (task := self._task) is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


class ChunkedDecoder:
    """Incremental decoder of an HTTP/1.1 chunked body."""

    def __init__(self, sink: Callable[[bytes], None]) -> None:
        """``sink`` receives the decoded body bytes."""
        self._sink = sink
        self._buffer = bytearray()
        self._remaining = 0  # body bytes left in the current chunk
        self._trailer = 0  # CRLF bytes left after the current chunk

    def feed(self, data: bytes) -> None:
        """Consume raw bytes."""
        view = memoryview(data)
        while view:
            if self._remaining:
                take = min(self._remaining, len(view))
                self._sink(bytes(view[:take]))
                self._remaining -= take
                view = view[take:]
                if not self._remaining:
                    self._trailer = 2
                continue
            if self._trailer:
                take = min(self._trailer, len(view))
                self._trailer -= take
                view = view[take:]
                continue
            self._buffer += view
            view = memoryview(b"")
            end = self._buffer.find(b"\r\n")
            if end < 0:
                if len(self._buffer) > 1024:
                    raise StreamFormatError("bad chunk size line")
                return
            size = int(bytes(self._buffer[:end]).split(b";")[0], 16)
            rest = bytes(self._buffer[end + 2 :])
            self._buffer.clear()
            if size == 0:
                raise StreamFormatError("end of the chunked body")
            self._remaining = size
            view = memoryview(rest)


@dataclass(eq=False)
class SlowViewer(Viewer):
    """A viewer behind a slow link: it takes ``bytes_per_s`` and buffers ~nothing.

    A raw socket with a tiny SO_RCVBUF, read in 100 ms slices of the byte
    budget: whatever the link cannot take waits on the sender's side, where
    Home Assistant either skips frames or builds a backlog.
    """

    bytes_per_s: float = 36_000.0
    receive_buffer: int = 4096

    async def _run(self) -> None:
        parsed = urlsplit(self.url)
        host, port = parsed.hostname or LOOPBACK_HOST, parsed.port or 80
        target = parsed.path + (f"?{parsed.query}" if parsed.query else "")
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.receive_buffer)
            sock.setblocking(False)
            async with asyncio.timeout(10):
                await loop.sock_connect(sock, (host, port))
            self.local_port = sock.getsockname()[1]
            request = (
                f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                "Accept: multipart/x-mixed-replace,image/jpeg,*/*\r\n\r\n"
            )
            await loop.sock_sendall(sock, request.encode())
            head = bytearray()
            while (end := head.find(b"\r\n\r\n")) < 0:
                if len(head) > 16384 or not (data := await loop.sock_recv(sock, 4096)):
                    raise StreamFormatError("no response head")
                head += data
            status_line, *header_lines = (
                bytes(head[:end]).decode("latin-1").split("\r\n")
            )
            self.status = int(status_line.split()[1])
            if self.status != 200:
                raise StreamFormatError(f"HTTP {self.status}")
            parser = MultipartParser(self._on_frame)
            chunked = any(
                line.lower().replace(" ", "") == "transfer-encoding:chunked"
                for line in header_lines
            )
            feed = ChunkedDecoder(parser.feed).feed if chunked else parser.feed
            feed(bytes(head[end + 4 :]))
            slice_s = 0.1
            budget = max(1, int(self.bytes_per_s * slice_s))
            next_read = time.monotonic()
            while True:
                want = budget
                while want > 0:
                    if not (data := await loop.sock_recv(sock, want)):
                        return
                    feed(data)
                    want -= len(data)
                next_read += slice_s
                await asyncio.sleep(max(0.0, next_read - time.monotonic()))
        finally:
            sock.close()


async def start_slow_viewer(
    session: aiohttp.ClientSession, url: str, bytes_per_s: float, *, within: float
) -> SlowViewer:
    """Start a slow viewer; wait (bounded) for its first frame."""
    viewer = SlowViewer(session, url, bytes_per_s=bytes_per_s)
    viewer.start()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(within):
            await viewer.settled.wait()
    return viewer


async def start_viewers(
    session: aiohttp.ClientSession,
    url: str,
    count: int,
    *,
    within: float,
) -> list[Viewer]:
    """Start ``count`` viewers at once; wait (bounded) for each one's first frame."""
    viewers = [Viewer(session, url) for _ in range(count)]
    for viewer in viewers:
        viewer.start()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(within):
            await asyncio.gather(*(viewer.settled.wait() for viewer in viewers))
    return viewers


async def close_viewers(viewers: list[Viewer]) -> None:
    """Disconnect every viewer."""
    await asyncio.gather(*(viewer.close() for viewer in viewers))


async def join_once(
    session: aiohttp.ClientSession, url: str, within: float
) -> float | None:
    """Time to first complete frame of a new viewer, seconds (None: none came)."""
    viewer = Viewer(session, url)
    viewer.start()
    try:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                await viewer.settled.wait()
        return viewer.first_frame
    finally:
        await viewer.close()


async def fetch_still(
    session: aiohttp.ClientSession, url: str, within: float = 15.0
) -> tuple[float, int]:
    """(latency seconds, bytes) of one still image request."""
    start = time.perf_counter()
    async with asyncio.timeout(within), session.get(url) as response:
        body = await response.read()
        elapsed = time.perf_counter() - start
        if response.status != 200 or not body.startswith(b"\xff\xd8"):
            raise StreamFormatError(f"still image: HTTP {response.status}")
    return elapsed, len(body)
