"""Selects: pan/tilt presets, image settings and the status LED."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity

from .const import RESOLUTION_OPTIONS
from .coordinator import FoscamCoordinator, FoscamData
from .data import FoscamConfigEntry
from .entity import FoscamEntity, FoscamEntityDescription
from .foscam_cgi import (
    PRESET_COUNT,
    CameraControlParam,
    FoscamCamera,
    ImageOrientation,
    LedMode,
    PowerFrequency,
)

# The protocol client serialises the requests to the camera itself.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class FoscamSelectEntityDescription(SelectEntityDescription, FoscamEntityDescription):
    """A select: its options with the camera's code for each, and the write."""

    codes: Mapping[str, int]
    select_fn: Callable[[FoscamCamera, int], Awaitable[None]]
    # None: the camera cannot report the value; the entity remembers the last
    # choice instead. Otherwise the entity exists when the camera reports it.
    value_fn: Callable[[FoscamData], int | None] | None = None

    def is_supported(self, coordinator: FoscamCoordinator) -> bool:
        """Whether the user may write it and the camera reports it."""
        return super().is_supported(coordinator) and (
            self.value_fn is None or self.value_fn(coordinator.data) is not None
        )


def _codes(enum: type[IntEnum]) -> dict[str, int]:
    return {member.name.lower(): int(member) for member in enum}


def _camera_control(
    param: CameraControlParam,
) -> Callable[[FoscamCamera, int], Awaitable[None]]:
    return lambda client, value: client.camera_control(param, value)


SELECTS: tuple[FoscamSelectEntityDescription, ...] = (
    FoscamSelectEntityDescription(
        key="ptz_preset",
        translation_key="ptz_preset",
        cgi="decoder_control.cgi",
        pan_tilt=True,
        # Presets switched off in the camera's settings (administrators see them).
        exists_fn=lambda data: not (data.misc and data.misc.ptz_disable_preset),
        codes={str(n): n for n in range(1, PRESET_COUNT + 1)},
        select_fn=lambda client, preset: client.preset_go(preset),
    ),
    FoscamSelectEntityDescription(
        key="resolution",
        translation_key="resolution",
        entity_category=EntityCategory.CONFIG,
        cgi="camera_control.cgi",
        codes={option: int(value) for option, value in RESOLUTION_OPTIONS.items()},
        value_fn=lambda data: (
            data.camera_params.resolution if data.camera_params else None
        ),
        select_fn=_camera_control(CameraControlParam.RESOLUTION),
    ),
    FoscamSelectEntityDescription(
        key="power_frequency",
        translation_key="power_frequency",
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        cgi="camera_control.cgi",
        codes=_codes(PowerFrequency),
        value_fn=lambda data: data.camera_params.mode if data.camera_params else None,
        select_fn=_camera_control(CameraControlParam.MODE),
    ),
    FoscamSelectEntityDescription(
        key="image_orientation",
        translation_key="image_orientation",
        entity_category=EntityCategory.CONFIG,
        cgi="camera_control.cgi",
        codes=_codes(ImageOrientation),
        value_fn=lambda data: data.camera_params.flip if data.camera_params else None,
        select_fn=_camera_control(CameraControlParam.FLIP),
    ),
    FoscamSelectEntityDescription(
        key="led_mode",
        translation_key="led_mode",
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        cgi="set_misc.cgi",
        codes=_codes(LedMode),
        value_fn=lambda data: data.misc.led_mode if data.misc else None,
        select_fn=lambda client, mode: client.set_misc(led_mode=mode),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FoscamConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the selects the user's privilege allows and the camera reports."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        (FoscamSelect if description.value_fn else FoscamRestoredSelect)(
            coordinator, description
        )
        for description in SELECTS
        if description.is_supported(coordinator)
    )


class FoscamSelectBase(FoscamEntity, SelectEntity):
    """A select of the camera: options and the write."""

    entity_description: FoscamSelectEntityDescription

    def __init__(
        self,
        coordinator: FoscamCoordinator,
        description: FoscamSelectEntityDescription,
    ) -> None:
        """Initialise from the description."""
        super().__init__(coordinator, description)
        self._attr_options = list(description.codes)

    async def _async_send(self, option: str, *, refresh: bool) -> None:
        description = self.entity_description
        await self.async_camera_write(
            description.select_fn(self.coordinator.client, description.codes[option]),
            refresh=refresh,
        )


class FoscamSelect(FoscamSelectBase):
    """A select that shows the camera's setting."""

    def _value(self) -> int | None:
        value_fn = self.entity_description.value_fn
        assert value_fn is not None
        return value_fn(self.coordinator.data)

    @property
    def available(self) -> bool:
        """Unavailable when the setting was not read (e.g. privilege reduced)."""
        return super().available and self._value() is not None

    @property
    def current_option(self) -> str | None:
        """The option of the camera's value (None for a code outside the table)."""
        value = self._value()
        codes = self.entity_description.codes
        return next((option for option in codes if codes[option] == value), None)

    async def async_select_option(self, option: str) -> None:
        """Write the option to the camera, then re-read the settings."""
        await self._async_send(option, refresh=True)


class FoscamRestoredSelect(FoscamSelectBase, RestoreEntity):
    """A select whose value the camera cannot report: the last choice is kept."""

    _attr_current_option = None

    async def async_added_to_hass(self) -> None:
        """Restore the last choice."""
        await super().async_added_to_hass()
        if (state := await self.async_get_last_state()) and state.state in self.options:
            self._attr_current_option = state.state

    async def async_select_option(self, option: str) -> None:
        """Send the choice; it changes no setting, so nothing to re-read."""
        await self._async_send(option, refresh=False)
        self._attr_current_option = option
        self.async_write_ha_state()
