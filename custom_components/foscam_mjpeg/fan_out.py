"""The viewers of one camera: each frame, framed once, handed to all of them.

A viewer that is ready gets each frame written to its socket at once; one whose
link has not sent the previous frame yet skips frames (a backlog would only make
the picture lag), and a viewer whose handler is busy has a two-frame buffer. A
slow viewer never delays the others or grows memory.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

from aiohttp import web

from .const import LOGGER
from .viewer_socket import ViewerSocket

BOUNDARY: Final = "frameboundary"
CONTENT_TYPE: Final = f"multipart/x-mixed-replace;boundary={BOUNDARY}"
_PART_HEAD: Final = (
    f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ".encode()
)
VIEWER_BUFFER: Final = 2


def multipart_part(jpeg: bytes) -> bytes:
    """Wrap a JPEG into one part of the multipart/x-mixed-replace body."""
    return b"".join((_PART_HEAD, str(len(jpeg)).encode(), b"\r\n\r\n", jpeg, b"\r\n"))


@dataclass(slots=True, eq=False)
class Viewer:
    """One HTTP client of the MJPEG endpoint."""

    socket: ViewerSocket
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

    def end(self) -> None:
        """Let the viewer's handler return."""
        self.closed = True
        self.wake()


class FanOut:
    """The set of viewers and the newest part, for a viewer that joins."""

    def __init__(self, loop: asyncio.AbstractEventLoop, name: str) -> None:
        """No viewers yet."""
        self._loop = loop
        self._name = name
        self._viewers: set[Viewer] = set()
        # Cleared when the camera connection ends: never replayed after it.
        self.latest_part: bytes | None = None
        # Of viewers that have left (diagnostics).
        self._past_sent = 0
        self._past_dropped = 0

    def __len__(self) -> int:
        """Return the number of viewers."""
        return len(self._viewers)

    def __iter__(self) -> Iterator[Viewer]:
        """Return the viewers."""
        return iter(self._viewers)

    @property
    def sent(self) -> int:
        """Frames written to viewers, those that left included."""
        return self._past_sent + sum(v.sent for v in self._viewers)

    @property
    def dropped(self) -> int:
        """Frames viewers skipped, those that left included."""
        return self._past_dropped + sum(v.dropped for v in self._viewers)

    def add(self, socket: ViewerSocket) -> Viewer:
        """Add a viewer, handed the newest part at once if there is one."""
        viewer = Viewer(socket)
        if self.latest_part is not None:
            viewer.buffer.append(self.latest_part)
        self._viewers.add(viewer)
        return viewer

    def remove(self, viewer: Viewer) -> None:
        """Forget a viewer that has left, keeping its counts."""
        self._viewers.discard(viewer)
        self._past_sent += viewer.sent
        self._past_dropped += viewer.dropped

    def end_all(self) -> None:
        """End every viewer's handler."""
        for viewer in self._viewers:
            viewer.end()

    def end_disconnected(self) -> None:
        """Release viewers that left while no frame came to notice it."""
        for viewer in self._viewers:
            if viewer.socket.is_gone():
                viewer.end()

    async def pump(self, viewer: Viewer, response: web.StreamResponse) -> None:
        """Write the viewer's buffered parts; runs in the request handler task."""
        loop = self._loop
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

    def send(self, part: bytes) -> None:
        """Hand one frame to every viewer.

        A viewer whose pump is idle gets the frame written to its socket right
        here (no task switch), unless its link has not sent the previous frame
        yet: then it skips this one, so a slow viewer gets fresh frames rather
        than a backlog in the kernel. A viewer without a frame yet, or whose
        pump is busy, gets it through its two-frame buffer.
        """
        self.latest_part = part
        chunk: bytes | None = None
        for viewer in self._viewers:
            if viewer.waiter is None or not viewer.sent:
                # Busy pump, or no frame yet (the pump writes the first twice,
                # through aiohttp: only then may the socket be written to).
                buffer = viewer.buffer
                if len(buffer) == VIEWER_BUFFER:
                    viewer.dropped += 1  # the deque drops the oldest
                buffer.append(part)
                if viewer.waiter is not None:
                    viewer.wake()
                continue
            socket = viewer.socket
            if socket.is_gone():
                viewer.end()
                continue
            if socket.is_behind():
                viewer.dropped += 1
                continue
            try:
                chunk = socket.send(part, chunk)
            except Exception:  # one broken connection must not end the others'
                LOGGER.debug("Viewer of %s: write failed", self._name, exc_info=True)
                viewer.end()
                continue
            viewer.sent += 1
