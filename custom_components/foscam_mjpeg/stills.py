"""Still images: the running stream's newest frame, else one shared snapshot."""

from __future__ import annotations

import asyncio
import time
from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .const import DOMAIN
from .foscam_cgi import FoscamCamera, FoscamError, FrameRate

STILL_MAX_AGE: Final = 1.0


class Stills:
    """Serves still images, asking the camera at most once at a time."""

    def __init__(
        self, hass: HomeAssistant, client: FoscamCamera, *, rate: FrameRate, name: str
    ) -> None:
        """No frame yet."""
        self._hass = hass
        self._client = client
        self._name = name
        # A frame of a slow stream (one every 5 s) is still the live picture.
        self._max_age = max(STILL_MAX_AGE, 2.0 / rate.fps)
        self._latest_jpeg: bytes | None = None
        self.latest_time = 0.0
        self.snapshot: asyncio.Task[bytes] | None = None
        self.closed = False
        # Counters (diagnostics and tests).
        self.snapshots_fetched = 0
        self.from_stream = 0

    def keep(self, jpeg: bytes) -> None:
        """Note the stream's newest frame."""
        self._latest_jpeg = jpeg
        self.latest_time = time.monotonic()

    def latest_frame(self, max_age: float = STILL_MAX_AGE) -> bytes | None:
        """Return the newest stream frame if it is at most max_age seconds old."""
        if self._latest_jpeg is None or time.monotonic() - self.latest_time > max_age:
            return None
        return self._latest_jpeg

    async def async_get_image(self) -> bytes | None:
        """Return a current JPEG: from the running stream, else one snapshot.

        Concurrent callers share one snapshot request.
        """
        if (frame := self.latest_frame(self._max_age)) is not None:
            self.from_stream += 1
            return frame
        if self.closed:
            return None
        if (task := self.snapshot) is None:
            task = self.snapshot = self._hass.async_create_task(
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
        self.snapshots_fetched += 1
        return image

    def _snapshot_done(self, task: asyncio.Task[bytes]) -> None:
        self.snapshot = None
        if not task.cancelled():
            task.exception()  # retrieved here in case every caller gave up
