"""Selects: pan/tilt presets, image settings and the status LED."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import RESOLUTION_OPTIONS
from .coordinator import FoscamCoordinator, FoscamData
from .data import FoscamConfigEntry
from .entity import (
    FoscamEntityDescription,
    FoscamSettingEntity,
    setting_fields,
    supported_entities,
)
from .foscam_cgi import (
    PRESET_COUNT,
    CameraControlParam,
    CameraParams,
    FoscamCamera,
    ImageOrientation,
    LedMode,
    PowerFrequency,
)

# The protocol client serialises the requests to the camera itself.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class FoscamSelectEntityDescription(SelectEntityDescription, FoscamEntityDescription):
    """A select: its options with the camera's code for each, the read and the write.

    Without `value_fn` the camera cannot report the value: the select shows the
    option chosen last, kept across restarts.
    """

    codes: Mapping[str, int]
    value_fn: Callable[[FoscamData], int | None] | None = None
    set_fn: Callable[[FoscamCamera, int], Awaitable[None]]


def _codes(enum: type[IntEnum]) -> dict[str, int]:
    return {member.name.lower(): int(member) for member in enum}


def _setting(
    key: str,
    codes: Mapping[str, int],
    value_fn: Callable[[FoscamData], int | None],
    set_fn: Callable[[FoscamCamera, int], Awaitable[None]],
    cgi: str,
    *,
    enabled: bool = True,
) -> FoscamSelectEntityDescription:
    """Describe a setting the camera reports, of the configuration category."""
    return FoscamSelectEntityDescription(
        **setting_fields(key, cgi, enabled=enabled),
        codes=codes,
        value_fn=value_fn,
        set_fn=set_fn,
    )


def _image_setting(
    key: str,
    codes: Mapping[str, int],
    read: Callable[[CameraParams], int | None],
    param: CameraControlParam,
    *,
    enabled: bool = True,
) -> FoscamSelectEntityDescription:
    """Describe an image setting of camera_control.cgi."""
    return _setting(
        key,
        codes,
        lambda data: read(data.camera_params) if data.camera_params else None,
        lambda client, value: client.camera_control(param, value),
        "camera_control.cgi",
        enabled=enabled,
    )


SELECTS: tuple[FoscamSelectEntityDescription, ...] = (
    FoscamSelectEntityDescription(
        key="ptz_preset",
        translation_key="ptz_preset",
        cgi="decoder_control.cgi",
        pan_tilt=True,
        # Presets switched off in the camera's settings (administrators see them).
        exists_fn=lambda data: not (data.misc and data.misc.ptz_disable_preset),
        codes={str(n): n for n in range(1, PRESET_COUNT + 1)},
        set_fn=lambda client, preset: client.preset_go(preset),
    ),
    _image_setting(
        "resolution",
        {option: int(value) for option, value in RESOLUTION_OPTIONS.items()},
        lambda params: params.resolution,
        CameraControlParam.RESOLUTION,
    ),
    _image_setting(
        "power_frequency",
        _codes(PowerFrequency),
        lambda params: params.mode,
        CameraControlParam.MODE,
        enabled=False,
    ),
    _image_setting(
        "image_orientation",
        _codes(ImageOrientation),
        lambda params: params.flip,
        CameraControlParam.FLIP,
    ),
    _setting(
        "led_mode",
        _codes(LedMode),
        lambda data: data.misc.led_mode if data.misc else None,
        lambda client, mode: client.set_misc(led_mode=mode),
        "set_misc.cgi",
        enabled=False,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FoscamConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the selects the user's privilege allows and the camera reports."""
    async_add_entities(supported_entities(entry, FoscamSelect, SELECTS))


class FoscamSelect(FoscamSettingEntity, SelectEntity):
    """A select of the camera: its setting, or the option chosen last."""

    entity_description: FoscamSelectEntityDescription
    _attr_current_option = None

    def __init__(
        self,
        coordinator: FoscamCoordinator,
        description: FoscamSelectEntityDescription,
    ) -> None:
        """Initialise from the description."""
        super().__init__(coordinator, description)
        self._attr_options = list(description.codes)

    @property
    def current_option(self) -> str | None:
        """Return the option of the camera's value (None for an unknown code).

        For a value the camera cannot report: the option chosen last.
        """
        if (value_fn := self.entity_description.value_fn) is None:
            return self._attr_current_option
        value = value_fn(self.coordinator.data)
        codes = self.entity_description.codes
        return next((option for option in codes if codes[option] == value), None)

    def _remember(self, state: str) -> None:
        if state in self.options:
            self._attr_current_option = state

    async def async_select_option(self, option: str) -> None:
        """Write the option."""
        description = self.entity_description
        await self.async_write_setting(
            description.set_fn(self.coordinator.client, description.codes[option]),
            option,
        )
