"""One upstream MJPEG connection per camera, fanned out to every viewer.

Legacy Foscam cameras serve only a handful of simultaneous streams (about 4)
and each one costs the camera CPU, so Home Assistant must not open one per
browser tab the way the generic ``mjpeg`` integration does. The hub opens one
``videostream.cgi`` connection for the first viewer, turns every frame once into
the multipart part bytes and hands that same object to every viewer. A viewer
that is ready gets each frame written to its socket at once; one whose link has
not sent the previous frame yet skips frames (a backlog would only make the
picture lag), and a viewer whose handler is busy has a two-frame buffer. A slow
viewer never delays the others or grows memory.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
import sys
import time
from typing import Any, Final

from aiohttp import hdrs, web
from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_call_later

from .const import DOMAIN, LOGGER
from .foscam_cgi import (
    FoscamAuthenticationError,
    FoscamCamera,
    FoscamError,
    FoscamPrivilegeError,
    FoscamTimeoutError,
    FrameRate,
    Resolution,
)

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

BOUNDARY: Final = "frameboundary"
CONTENT_TYPE: Final = f"multipart/x-mixed-replace;boundary={BOUNDARY}"
_PART_HEAD: Final = (
    f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ".encode()
)

VIEWER_BUFFER: Final = 2
RECONNECT_MIN: Final = 0.5
# Capped low enough that viewers get frames again within 5 s of a camera's
# return; a refused connection to a camera that is away costs it nothing.
RECONNECT_MAX: Final = 4.0
# A connection counts as healthy (the back-off starts anew after it ends) only
# once it has delivered frames this long: a camera that drops every stream
# right after its first frame is not reconnected to twice a second.
STABLE_AFTER: Final = 10.0
# Stall watchdog: no usable frame for max(STALL_MIN, STALL_FRAMES frame
# periods) replaces the connection (the connection's one stall timer; a
# camera that keeps trickling bytes or sends parts that are no JPEG is caught
# as well as a silent one).
STALL_MIN: Final = 10.0
STALL_FRAMES: Final = 5
STILL_MAX_AGE: Final = 1.0
JPEG_SOI: Final = b"\xff\xd8"
# Linux ioctl SIOCOUTQNSD: bytes in a socket's send queue that the kernel has
# not sent yet (data in flight does not count). Non-zero when the next frame is
# due means the viewer's link is the bottleneck.
_SIOCOUTQNSD: Final = 0x894B


def _unsent_bytes(viewer: _Viewer) -> int:
    """Bytes the kernel holds for a viewer and has not sent yet (0: unknown).

    Where the ioctl does not exist (not Linux) the viewer stops asking and only
    the transport's own buffer tells that it is behind.
    """
    if viewer.fd < 0 or fcntl is None:
        return 0
    try:
        value = fcntl.ioctl(viewer.fd, _SIOCOUTQNSD, b"\0\0\0\0")
    except OSError:
        viewer.fd = -1
        return 0
    return int.from_bytes(value, sys.byteorder, signed=True)


def _socket_fd(transport: asyncio.BaseTransport | None) -> int:
    """File descriptor of a transport's socket (-1: none)."""
    sock = transport.get_extra_info("socket") if transport is not None else None
    return int(sock.fileno()) if sock is not None else -1


def chunk_of(part: bytes) -> bytes:
    """One part framed as an HTTP/1.1 chunk (Transfer-Encoding: chunked)."""
    return b"".join((b"%x\r\n" % len(part), part, b"\r\n"))


def multipart_part(jpeg: bytes) -> bytes:
    """Wrap a JPEG into one part of the multipart/x-mixed-replace body."""
    return b"".join((_PART_HEAD, str(len(jpeg)).encode(), b"\r\n\r\n", jpeg, b"\r\n"))


@dataclass(slots=True, eq=False)
class _Viewer:
    """One HTTP client of the MJPEG endpoint."""

    transport: asyncio.Transport | None
    chunked: bool = True
    fd: int = -1
    buffer: deque[bytes] = field(default_factory=lambda: deque(maxlen=VIEWER_BUFFER))
    # Set only while the viewer waits on an empty buffer.
    waiter: asyncio.Future[None] | None = None
    closed: bool = False
    sent: int = 0
    dropped: int = 0

    def wake(self) -> None:
        """Resume the viewer's pump if it is waiting."""
        if (waiter := self.waiter) is not None:
            self.waiter = None
            if not waiter.done():
                waiter.set_result(None)


class StreamHub:
    """Shares one camera stream between all viewers and serves still images."""

    def __init__(
        self,
        hass: HomeAssistant,
        client: FoscamCamera,
        *,
        resolution: Resolution,
        rate: FrameRate,
        idle_timeout: float,
        name: str,
    ) -> None:
        """Prepare the hub; nothing connects before the first viewer."""
        self._hass = hass
        self._client = client
        self._resolution = resolution
        self._rate = rate
        self._idle_timeout = idle_timeout
        self._name = name
        # A frame of a slow stream (one every 5 s) is still the live picture.
        self._still_max_age = max(STILL_MAX_AGE, 2.0 / rate.fps)
        self._stall_timeout = max(STALL_MIN, STALL_FRAMES / rate.fps)
        self._viewers: set[_Viewer] = set()
        self._upstream: asyncio.Task[None] | None = None
        # Cancelled upstream tasks that may still be closing their connection.
        self._stopping: set[asyncio.Task[None]] = set()
        self._cancel_idle_timer: CALLBACK_TYPE | None = None
        self._snapshot: asyncio.Task[bytes] | None = None
        self._closed = False
        self._connected = False
        self._connected_at = 0.0
        self._lost = False
        self._refused = False
        self._latest_jpeg: bytes | None = None
        self._latest_part: bytes | None = None
        self._latest_time = 0.0
        # Counters (diagnostics and tests).
        self._connects = 0
        self._frames_received = 0
        self._frames_invalid = 0
        self._past_dropped = 0
        self._past_sent = 0
        self._snapshots_fetched = 0
        self._stills_from_stream = 0

    @property
    def stats(self) -> dict[str, Any]:
        """Counters for diagnostics."""
        viewers = self._viewers
        return {
            "viewers": len(viewers),
            "upstream_connected": self._connected,
            "upstream_connects": self._connects,
            "frames_received": self._frames_received,
            "frames_invalid": self._frames_invalid,
            "frames_sent": self._past_sent + sum(v.sent for v in viewers),
            "frames_dropped": self._past_dropped + sum(v.dropped for v in viewers),
            "snapshots_fetched": self._snapshots_fetched,
            "stills_from_stream": self._stills_from_stream,
        }

    # Viewers

    async def async_handle_mjpeg_stream(
        self, request: web.Request
    ) -> web.StreamResponse:
        """Serve the shared stream to one HTTP client until it disconnects."""
        if self._closed:
            raise web.HTTPServiceUnavailable
        response = web.StreamResponse(
            headers={hdrs.CONTENT_TYPE: CONTENT_TYPE, hdrs.CACHE_CONTROL: "no-store"}
        )
        await response.prepare(request)
        # aiohttp chose the framing (chunked for HTTP/1.1 and later); the hub
        # frames the bytes it writes to the socket itself in the same way.
        chunked = response.headers.get(hdrs.TRANSFER_ENCODING, "") == "chunked"
        viewer = self._add_viewer(request.transport, chunked)
        try:
            await self._pump(viewer, response)
        except ConnectionResetError:
            LOGGER.debug("Viewer of %s disconnected", self._name)
        finally:
            self._remove_viewer(viewer)
        return response

    async def _pump(self, viewer: _Viewer, response: web.StreamResponse) -> None:
        """Write the viewer's buffered parts; runs in the request handler task."""
        loop = self._hass.loop
        buffer = viewer.buffer
        first = True
        while not viewer.closed:
            if not buffer:
                viewer.waiter = waiter = loop.create_future()
                await waiter
                continue
            part = buffer.popleft()
            await response.write(part)
            if first:
                # Chrome shows frame n-1 of an MJPEG stream: send the first twice
                # so that a still picture appears at once (as Home Assistant's
                # async_get_still_stream does).
                first = False
                await response.write(part)
            viewer.sent += 1

    def _add_viewer(
        self, transport: asyncio.Transport | None, chunked: bool = True
    ) -> _Viewer:
        self._cancel_idle()
        viewer = _Viewer(transport, chunked, _socket_fd(transport))
        if self._latest_part is not None:
            viewer.buffer.append(self._latest_part)
        self._viewers.add(viewer)
        if self._upstream is None or self._upstream.done():
            self._start_upstream()
        return viewer

    def _remove_viewer(self, viewer: _Viewer) -> None:
        self._viewers.discard(viewer)
        self._past_sent += viewer.sent
        self._past_dropped += viewer.dropped
        if self._viewers or self._closed:
            return
        if self._idle_timeout <= 0:
            self._stop_upstream()
        else:
            self._cancel_idle_timer = async_call_later(
                self._hass,
                self._idle_timeout,
                HassJob(
                    self._idle_expired,
                    f"{DOMAIN} idle stream of {self._name}",
                    cancel_on_shutdown=True,
                ),
            )

    def _cancel_idle(self) -> None:
        if self._cancel_idle_timer is not None:
            self._cancel_idle_timer()
            self._cancel_idle_timer = None

    @callback
    def _idle_expired(self, _now: datetime) -> None:
        self._cancel_idle_timer = None
        self._stop_upstream()

    def _end_viewers(self) -> None:
        for viewer in self._viewers:
            viewer.closed = True
            viewer.wake()

    def _end_disconnected_viewers(self) -> None:
        """Release viewers that left while no frame came to notice it."""
        for viewer in self._viewers:
            transport = viewer.transport
            if transport is None or transport.is_closing():
                viewer.closed = True
                viewer.wake()

    # Upstream

    def _start_upstream(self) -> None:
        self._upstream = self._hass.async_create_background_task(
            self._run_upstream(tuple(self._stopping)),
            f"{DOMAIN} stream of {self._name}",
        )

    def _stop_upstream(self) -> None:
        if (task := self._upstream) is not None:
            self._upstream = None
            if not task.done():
                task.cancel()
                self._stopping.add(task)
                task.add_done_callback(self._stopping.discard)

    async def _run_upstream(self, previous: tuple[asyncio.Task[None], ...]) -> None:
        """Keep one camera stream open while there are viewers."""
        if previous:
            # Never two connections: let cancelled predecessors close first.
            await asyncio.wait(previous)
        delay = RECONNECT_MIN
        try:
            while True:
                try:
                    await self._read_upstream()
                except (FoscamAuthenticationError, FoscamPrivilegeError) as err:
                    # The coordinator sees the same error and starts reauth;
                    # each new viewer tries once more, logged only once.
                    if not self._refused:
                        self._refused = True
                        LOGGER.warning("Stream of %s refused: %s", self._name, err)
                    self._end_viewers()
                    return
                except FoscamError as err:
                    reason: object = err
                except Exception:  # the hub must outlive a client bug
                    if not self._lost:
                        LOGGER.exception(
                            "Unexpected error in the stream of %s", self._name
                        )
                    reason = "unexpected error"
                else:
                    reason = "camera closed the stream"
                if self._connected:
                    self._connected = False
                    if time.monotonic() - self._connected_at >= STABLE_AFTER:
                        # A healthy stream was lost: start backing off anew.
                        delay = RECONNECT_MIN
                if not self._lost:
                    self._lost = True
                    LOGGER.info("Stream of %s lost (%s)", self._name, reason)
                if not self._viewers:
                    return  # lost while idle: reconnect for the next viewer
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX)
                self._end_disconnected_viewers()
        finally:
            self._connected = False
            self._latest_part = None

    async def _read_upstream(self) -> None:
        """Read one stream connection until it ends, fanning frames out."""
        stall = self._stall_timeout
        stream = await self._client.open_mjpeg(
            self._on_frame, self._resolution, self._rate, stall_timeout=stall
        )
        try:
            await stream.wait_closed()
        except FoscamTimeoutError:
            # The connection's stall timer: no usable frame for that long.
            raise FoscamTimeoutError(f"no frame for {stall:g} s") from None
        finally:
            # Close this connection before any reconnect (stream slots are few).
            await stream.aclose()

    def _on_frame(self, jpeg: bytes) -> bool:
        """One frame of the camera (called as it is read); False if unusable."""
        if not jpeg.startswith(JPEG_SOI):
            # Not a JPEG (a lying Content-Length, garbage parts): never handed
            # to browsers or used as a still, and no sign of a live stream.
            self._frames_invalid += 1
            return False
        part = multipart_part(jpeg)
        self._latest_jpeg = jpeg
        self._latest_part = part
        self._latest_time = time.monotonic()
        self._frames_received += 1
        if not self._connected:
            self._on_connected()
        self._fan_out(part)
        return True

    def _fan_out(self, part: bytes) -> None:
        """Hand one frame to every viewer.

        A viewer whose pump is idle gets the frame written to its socket right
        here (no task switch), unless its link has not sent the previous frame
        yet: then it skips this one, so a slow viewer gets fresh frames rather
        than a backlog in the kernel. A viewer without a frame yet, or whose
        pump is busy, gets it through its two-frame buffer.
        """
        chunk: bytes | None = None
        for viewer in self._viewers:
            if viewer.waiter is None or not viewer.sent:
                # Busy pump, or no frame yet (the pump writes the first twice).
                buffer = viewer.buffer
                if len(buffer) == VIEWER_BUFFER:
                    viewer.dropped += 1  # the deque drops the oldest
                buffer.append(part)
                if viewer.waiter is not None:
                    viewer.wake()
                continue
            transport = viewer.transport
            if transport is None or transport.is_closing():
                viewer.closed = True
                viewer.wake()
                continue
            if transport.get_write_buffer_size() or _unsent_bytes(viewer):
                viewer.dropped += 1
                continue
            data = part
            if viewer.chunked:
                data = chunk = chunk or chunk_of(part)
            try:
                transport.write(data)
            except Exception:  # one broken connection must not end the others'
                LOGGER.debug("Viewer of %s: write failed", self._name, exc_info=True)
                viewer.closed = True
                viewer.wake()
                continue
            viewer.sent += 1

    def _on_connected(self) -> None:
        self._connected = True
        self._connected_at = time.monotonic()
        self._connects += 1
        self._refused = False
        if self._lost:
            self._lost = False
            LOGGER.info("Stream of %s restored", self._name)

    # Stills

    def latest_frame(self, max_age: float = STILL_MAX_AGE) -> bytes | None:
        """Return the newest stream frame if it is at most max_age seconds old."""
        if self._latest_jpeg is None or time.monotonic() - self._latest_time > max_age:
            return None
        return self._latest_jpeg

    async def async_get_image(self) -> bytes | None:
        """Return a current JPEG: from the running stream, else one snapshot.

        Concurrent callers share one snapshot request.
        """
        if (frame := self.latest_frame(self._still_max_age)) is not None:
            self._stills_from_stream += 1
            return frame
        if self._closed:
            return None
        if (task := self._snapshot) is None:
            task = self._snapshot = self._hass.async_create_task(
                self._fetch_snapshot(),
                f"{DOMAIN} snapshot of {self._name}",
                eager_start=False,
            )
            task.add_done_callback(self._snapshot_done)
        # One caller timing out must not cancel the request the others wait for.
        # (Not asyncio.shield: since Python 3.14 it reports the request's error
        # as unhandled once the caller that shielded it is cancelled.)
        await asyncio.wait((task,))
        return task.result()

    async def _fetch_snapshot(self) -> bytes:
        try:
            image = await self._client.snapshot()
        except FoscamError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="snapshot_failed",
                translation_placeholders={"name": self._name, "error": str(err)},
            ) from err
        self._snapshots_fetched += 1
        return image

    def _snapshot_done(self, task: asyncio.Task[bytes]) -> None:
        self._snapshot = None
        if not task.cancelled():
            task.exception()  # retrieved here in case every caller gave up

    # Lifecycle

    async def async_shutdown(self) -> None:
        """Stop the stream, end every viewer and cancel pending requests."""
        self._closed = True
        self._cancel_idle()
        self._end_viewers()
        tasks = [
            task
            for task in (self._upstream, self._snapshot, *self._stopping)
            if task is not None
        ]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
