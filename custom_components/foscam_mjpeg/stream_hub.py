"""One upstream MJPEG connection per camera, fanned out to every viewer.

Legacy Foscam cameras serve only a handful of simultaneous streams (about 4)
and each one costs the camera CPU, so Home Assistant must not open one per
browser tab the way the generic ``mjpeg`` integration does. The hub opens one
``videostream.cgi`` connection for the first viewer (``upstream``), turns every
frame once into the multipart part bytes and hands that same object to every
viewer (``fan_out``, writing through ``viewer_socket``), and serves still
images (``stills``). It closes the connection once the last viewer has been
gone for the idle timeout.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from aiohttp import hdrs, web
from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later

from .const import DOMAIN, LOGGER
from .fan_out import CONTENT_TYPE, FanOut, Viewer, multipart_part
from .foscam_cgi import FoscamCamera, FrameRate, Resolution
from .stills import STILL_MAX_AGE, Stills
from .upstream import Upstream
from .viewer_socket import ViewerSocket, body_is_chunked


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
        self._idle_timeout = idle_timeout
        self._name = name
        self._viewers = FanOut(hass.loop, name)
        self._stills = Stills(hass, client, rate=rate, name=name)
        self._upstream = Upstream(
            hass,
            client,
            self._viewers,
            self._on_jpeg,
            resolution=resolution,
            rate=rate,
            name=name,
        )
        self._cancel_idle_timer: CALLBACK_TYPE | None = None
        self._closed = False

    @property
    def stats(self) -> dict[str, Any]:
        """Counters for diagnostics."""
        upstream, stills = self._upstream, self._stills
        return {
            "viewers": len(self._viewers),
            "upstream_connected": upstream.connected,
            "upstream_connects": upstream.connects,
            "frames_received": upstream.frames_received,
            "frames_invalid": upstream.frames_invalid,
            "frames_sent": self._viewers.sent,
            "frames_dropped": self._viewers.dropped,
            "snapshots_fetched": stills.snapshots_fetched,
            "stills_from_stream": stills.from_stream,
        }

    def _on_jpeg(self, jpeg: bytes) -> None:
        """Keep a usable frame of the camera for stills and send it to viewers."""
        self._stills.keep(jpeg)
        self._viewers.send(multipart_part(jpeg))

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
        viewer = self._add_viewer(request.transport, body_is_chunked(response))
        try:
            await self._viewers.pump(viewer, response)
        except ConnectionResetError:
            LOGGER.debug("Viewer of %s disconnected", self._name)
        finally:
            self._remove_viewer(viewer)
        return response

    def _add_viewer(
        self, transport: asyncio.Transport | None, chunked: bool = True
    ) -> Viewer:
        self._cancel_idle()
        viewer = self._viewers.add(ViewerSocket.of(transport, chunked))
        if not self._upstream.running:
            self._upstream.start()
        return viewer

    def _remove_viewer(self, viewer: Viewer) -> None:
        self._viewers.remove(viewer)
        if self._viewers or self._closed:
            return
        if self._idle_timeout <= 0:
            self._upstream.stop()
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
        self._upstream.stop()

    # Stills

    def latest_frame(self, max_age: float = STILL_MAX_AGE) -> bytes | None:
        """Return the newest stream frame if it is at most max_age seconds old."""
        return self._stills.latest_frame(max_age)

    async def async_get_image(self) -> bytes | None:
        """Return a current JPEG: from the running stream, else one snapshot.

        Concurrent callers share one snapshot request.
        """
        return await self._stills.async_get_image()

    # Lifecycle

    async def async_shutdown(self) -> None:
        """Stop the stream, end every viewer and cancel pending requests."""
        self._closed = self._stills.closed = True
        self._cancel_idle()
        self._viewers.end_all()
        upstream = self._upstream
        tasks = [
            task
            for task in (upstream.task, self._stills.snapshot, *upstream.stopping)
            if task is not None
        ]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
