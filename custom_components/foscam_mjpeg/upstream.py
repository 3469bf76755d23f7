"""The one camera stream connection: opened for viewers, kept up while they watch.

The library's ``FrameStream`` reads the camera and hands each frame over as it
completes; this keeps one such connection open, replaces it when it stalls and
reconnects with back-off when the camera drops it, while viewers stay connected.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import time
from typing import Final

from homeassistant.core import HomeAssistant

from .const import DOMAIN, LOGGER
from .fan_out import FanOut
from .foscam_cgi import (
    FoscamAuthenticationError,
    FoscamCamera,
    FoscamError,
    FoscamPrivilegeError,
    FoscamTimeoutError,
    FrameRate,
    Resolution,
)

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
JPEG_SOI: Final = b"\xff\xd8"


class Upstream:
    """Keeps one camera stream open while there are viewers."""

    def __init__(
        self,
        hass: HomeAssistant,
        client: FoscamCamera,
        viewers: FanOut,
        on_jpeg: Callable[[bytes], None],
        *,
        resolution: Resolution,
        rate: FrameRate,
        name: str,
    ) -> None:
        """Nothing connects before ``start``."""
        self._hass = hass
        self._client = client
        self._viewers = viewers
        self._on_jpeg = on_jpeg
        self._resolution = resolution
        self._rate = rate
        self._name = name
        self.stall_timeout = max(STALL_MIN, STALL_FRAMES / rate.fps)
        self.task: asyncio.Task[None] | None = None
        # Cancelled tasks that may still be closing their connection.
        self.stopping: set[asyncio.Task[None]] = set()
        self.connected = False
        self._connected_at = 0.0
        self._lost = False
        self._refused = False
        # Counters (diagnostics and tests).
        self.connects = 0
        self.frames_received = 0
        self.frames_invalid = 0

    @property
    def running(self) -> bool:
        """Whether a connection is open or being retried."""
        return self.task is not None and not self.task.done()

    def start(self) -> None:
        """Open the camera stream (after any predecessor has closed)."""
        self.task = self._hass.async_create_background_task(
            self._run(tuple(self.stopping)), f"{DOMAIN} stream of {self._name}"
        )

    def stop(self) -> None:
        """Close the camera stream; it finishes closing in the background."""
        if (task := self.task) is not None:
            self.task = None
            if not task.done():
                task.cancel()
                self.stopping.add(task)
                task.add_done_callback(self.stopping.discard)

    async def _run(self, previous: tuple[asyncio.Task[None], ...]) -> None:
        if previous:
            # Never two connections: let cancelled predecessors close first.
            await asyncio.wait(previous)
        delay = RECONNECT_MIN
        try:
            while (reason := await self._connection()) is not None:
                if self._note_lost(reason):
                    # A healthy stream was lost: start backing off anew.
                    delay = RECONNECT_MIN
                if not self._viewers:
                    return  # lost while idle: reconnect for the next viewer
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX)
                self._viewers.end_disconnected()
        finally:
            self.connected = False
            self._viewers.latest_part = None

    async def _connection(self) -> object | None:
        """Read one connection; return why it ended (None: refused, give up)."""
        try:
            await self._read()
        except (FoscamAuthenticationError, FoscamPrivilegeError) as err:
            # The coordinator sees the same error and starts reauth; each new
            # viewer tries once more, logged only once.
            if not self._refused:
                self._refused = True
                LOGGER.warning("Stream of %s refused: %s", self._name, err)
            self._viewers.end_all()
            return None
        except FoscamError as err:
            return err
        except Exception:  # the hub must outlive a client bug
            if not self._lost:
                LOGGER.exception("Unexpected error in the stream of %s", self._name)
            return "unexpected error"
        return "camera closed the stream"

    def _note_lost(self, reason: object) -> bool:
        """Note that the connection ended; return whether it had been healthy."""
        healthy = False
        if self.connected:
            self.connected = False
            healthy = time.monotonic() - self._connected_at >= STABLE_AFTER
        if not self._lost:
            self._lost = True
            LOGGER.info("Stream of %s lost (%s)", self._name, reason)
        return healthy

    async def _read(self) -> None:
        """Read one stream connection until it ends, handing frames on."""
        stall = self.stall_timeout
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
        """Take one frame of the camera (called as it is read); False if unusable."""
        if not jpeg.startswith(JPEG_SOI):
            # Not a JPEG (a lying Content-Length, garbage parts): never handed
            # to browsers or used as a still, and no sign of a live stream.
            self.frames_invalid += 1
            return False
        self.frames_received += 1
        if not self.connected:
            self._on_connected()
        self._on_jpeg(jpeg)
        return True

    def _on_connected(self) -> None:
        self.connected = True
        self._connected_at = time.monotonic()
        self.connects += 1
        self._refused = False
        if self._lost:
            self._lost = False
            LOGGER.info("Stream of %s restored", self._name)
