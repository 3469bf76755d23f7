"""Binary sensors: the alarm the camera reports in get_status.cgi."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import FoscamData
from .data import FoscamConfigEntry
from .entity import FoscamEntity, FoscamEntityDescription, supported_entities
from .foscam_cgi import AlarmStatus

# Read-only: the coordinator polls for every entity.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class FoscamBinarySensorEntityDescription(
    BinarySensorEntityDescription, FoscamEntityDescription
):
    """On while get_status reports this alarm (exists when it reports any)."""

    alarm: AlarmStatus
    cgi: str = "get_status.cgi"
    value_fn: Callable[[FoscamData], AlarmStatus | int | None] = lambda data: (
        data.status.alarm_status
    )


def _has_sound_detection(data: FoscamData) -> bool:
    """Older firmware has no sound detection; only administrators can tell."""
    if data.params is None:
        return True
    return data.params.alarm is not None and (
        data.params.alarm.sounddetect_armed is not None
    )


BINARY_SENSORS: tuple[FoscamBinarySensorEntityDescription, ...] = (
    FoscamBinarySensorEntityDescription(
        key="motion",
        translation_key="motion",
        device_class=BinarySensorDeviceClass.MOTION,
        alarm=AlarmStatus.MOTION,
    ),
    FoscamBinarySensorEntityDescription(
        key="input_alarm",
        translation_key="input_alarm",
        alarm=AlarmStatus.INPUT,
    ),
    FoscamBinarySensorEntityDescription(
        key="sound",
        translation_key="sound",
        device_class=BinarySensorDeviceClass.SOUND,
        alarm=AlarmStatus.SOUND,
        exists_fn=_has_sound_detection,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FoscamConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the alarm binary sensors."""
    async_add_entities(supported_entities(entry, FoscamBinarySensor, BINARY_SENSORS))


class FoscamBinarySensor(FoscamEntity, BinarySensorEntity):
    """One kind of alarm of the camera."""

    entity_description: FoscamBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Whether the camera reports this alarm now."""
        alarm_status = self.entity_description.value_fn(self.coordinator.data)
        if alarm_status is None:
            return None
        return alarm_status == self.entity_description.alarm
