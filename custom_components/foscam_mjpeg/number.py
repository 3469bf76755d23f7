"""Numbers: image brightness/contrast, detection sensitivities, patrol rates."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import cast

from homeassistant.components.number import (
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import FoscamData
from .data import FoscamConfigEntry
from .entity import (
    FoscamEntity,
    FoscamEntityDescription,
    setting_fields,
    supported_entities,
)
from .foscam_cgi import (
    AlarmSettings,
    CameraControlParam,
    CameraParams,
    FoscamCamera,
    MiscSettings,
)

# The protocol client serialises the requests to the camera itself.
PARALLEL_UPDATES = 0

# The camera's detection sensitivity runs 0 (high) .. 9 (low). Shown inverted,
# 9 - camera value, so that a higher number means more sensitive.
SENSITIVITY_MAX = 9


@dataclass(frozen=True, kw_only=True)
class FoscamNumberEntityDescription(NumberEntityDescription, FoscamEntityDescription):
    """A number: how to read it and how to set it (both as shown)."""

    value_fn: Callable[[FoscamData], int | None]
    set_fn: Callable[[FoscamCamera, int], Awaitable[None]]


def _camera_number(
    key: str,
    maximum: int,
    read: Callable[[CameraParams], int | None],
    param: CameraControlParam,
) -> FoscamNumberEntityDescription:
    """Describe a sensor setting of camera_control.cgi (operator)."""
    return FoscamNumberEntityDescription(
        **setting_fields(key, "camera_control.cgi"),
        native_max_value=maximum,
        value_fn=lambda data: read(data.camera_params) if data.camera_params else None,
        set_fn=lambda client, value: client.camera_control(param, value),
    )


def _sensitivity(key: str, field: str) -> FoscamNumberEntityDescription:
    """Describe the detection sensitivity `field` of set_alarm.cgi, shown inverted."""

    def value(data: FoscamData) -> int | None:
        alarm = data.alarm
        camera_value: int | None = None if alarm is None else getattr(alarm, field)
        return None if camera_value is None else SENSITIVITY_MAX - camera_value

    return FoscamNumberEntityDescription(
        **setting_fields(key, "set_alarm.cgi"),
        native_max_value=SENSITIVITY_MAX,
        value_fn=value,
        set_fn=lambda client, shown: client.set_alarm(
            **cast(AlarmSettings, {field: SENSITIVITY_MAX - shown})
        ),
    )


def _patrol_rate(field: str) -> FoscamNumberEntityDescription:
    """Describe the pan/tilt patrol rate `field` of set_misc.cgi, 0..100 as is.

    Not converted to a speed: the document calls 0 the fastest for
    ptz_patrol_rate and the slowest for the four direction rates.
    """
    return FoscamNumberEntityDescription(
        **setting_fields(field, "set_misc.cgi", enabled=False),
        native_max_value=100,
        pan_tilt=True,
        value_fn=lambda data: getattr(data.misc, field) if data.misc else None,
        set_fn=lambda client, value: client.set_misc(
            **cast(MiscSettings, {field: value})
        ),
    )


NUMBERS: tuple[FoscamNumberEntityDescription, ...] = (
    _camera_number(
        "brightness",
        255,
        lambda params: params.brightness,
        CameraControlParam.BRIGHTNESS,
    ),
    _camera_number(
        "contrast", 6, lambda params: params.contrast, CameraControlParam.CONTRAST
    ),
    _sensitivity("motion_sensitivity", "motion_sensitivity"),
    _sensitivity("sound_sensitivity", "sounddetect_sensitivity"),
    _patrol_rate("ptz_patrol_rate"),
    _patrol_rate("ptz_patrol_up_rate"),
    _patrol_rate("ptz_patrol_down_rate"),
    _patrol_rate("ptz_patrol_left_rate"),
    _patrol_rate("ptz_patrol_right_rate"),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FoscamConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the numbers the user's privilege allows and the camera reports."""
    async_add_entities(supported_entities(entry, FoscamNumber, NUMBERS))


class FoscamNumber(FoscamEntity, NumberEntity):
    """A numeric setting of the camera."""

    entity_description: FoscamNumberEntityDescription
    _attr_native_min_value = 0
    _attr_native_step = 1
    _attr_mode = NumberMode.SLIDER
    _unavailable_without_value = True

    @property
    def native_value(self) -> int | None:
        """The setting as shown."""
        return self.entity_description.value_fn(self.coordinator.data)

    async def async_set_native_value(self, value: float) -> None:
        """Write the value, then re-read the settings."""
        await self.async_camera_write(
            self.entity_description.set_fn(self.coordinator.client, int(value))
        )
