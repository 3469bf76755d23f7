"""Runtime data kept on a Foscam MJPEG config entry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from .coordinator import FoscamCoordinator
    from .foscam_cgi import FoscamCamera
    from .stream_hub import StreamHub


@dataclass
class FoscamRuntimeData:
    """Everything one configured camera needs at runtime."""

    client: FoscamCamera
    coordinator: FoscamCoordinator
    hub: StreamHub


type FoscamConfigEntry = ConfigEntry[FoscamRuntimeData]
