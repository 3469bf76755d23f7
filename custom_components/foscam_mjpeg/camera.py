"""Camera entity: the live MJPEG stream and still images, both via the hub.

No ``stream_source``: the only URL the camera offers carries the credentials,
and the shared hub is what keeps the camera within its few stream slots.
"""

from __future__ import annotations

from typing import override

from aiohttp import web
from homeassistant.components.camera import Camera
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import FoscamCoordinator
from .data import FoscamConfigEntry
from .entity import FoscamEntity, model_from_firmware
from .stream_hub import StreamHub

# Reads go through the hub, which coalesces them itself.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FoscamConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the camera entity of a config entry."""
    data = entry.runtime_data
    async_add_entities([FoscamCameraEntity(data.coordinator, data.hub)])


# The camera is the device's main feature: it takes the device name.
CAMERA_DESCRIPTION = EntityDescription(key="", name=None)


class FoscamCameraEntity(FoscamEntity, Camera):
    """The camera itself: the main feature of the device."""

    _attr_brand = "Foscam"

    def __init__(self, coordinator: FoscamCoordinator, hub: StreamHub) -> None:
        """Initialise the entity on the camera's device."""
        FoscamEntity.__init__(self, coordinator, CAMERA_DESCRIPTION)
        Camera.__init__(self)
        self._hub = hub
        self._attr_model = model_from_firmware(coordinator.data.status.sys_ver)

    @override
    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """Return a current JPEG; Home Assistant scales it when asked to."""
        return await self._hub.async_get_image()

    async def handle_async_mjpeg_stream(
        self, request: web.Request
    ) -> web.StreamResponse | None:
        """Serve the shared live stream."""
        return await self._hub.async_handle_mjpeg_stream(request)
