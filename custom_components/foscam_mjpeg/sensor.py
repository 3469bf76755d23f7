"""Sensors from get_status.cgi: alarm, network services, clock and versions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.const import MAX_LENGTH_STATE_STATE, EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .const import LOGGER
from .coordinator import FoscamCoordinator, FoscamData
from .data import FoscamConfigEntry
from .entity import FoscamEntity, FoscamEntityDescription, supported_entities
from .foscam_cgi import (
    AlarmStatus,
    DdnsStatus,
    MsnStatus,
    UpnpStatus,
    WifiStatus,
)

# Read-only: the coordinator polls for every entity.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class FoscamSensorEntityDescription(SensorEntityDescription, FoscamEntityDescription):
    """A sensor of get_status; it exists when the camera reports its field."""

    value_fn: Callable[[FoscamData], StateType]
    # Enum sensors: the status code's enum. Its member names, lower-cased, are
    # the states; a code outside the table is an unknown state.
    enum: type[IntEnum] | None = None
    cgi: str = "get_status.cgi"


def _clock_offset(data: FoscamData) -> int | None:
    """Camera clock minus Home Assistant's clock when the camera answered, in s.

    ``now`` is whole UTC seconds, truncated: adding half a second makes a
    clock that is right read 0 rather than flicker between 0 and -1.
    """
    if data.status.now is None:
        return None
    return round(data.status.now + 0.5 - data.status_time)


def _enum_sensor(
    key: str,
    enum: type[IntEnum],
    value_fn: Callable[[FoscamData], StateType],
    *,
    category: EntityCategory | None = EntityCategory.DIAGNOSTIC,
    enabled: bool = True,
) -> FoscamSensorEntityDescription:
    return FoscamSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.ENUM,
        options=[member.name.lower() for member in enum],
        entity_category=category,
        entity_registry_enabled_default=enabled,
        enum=enum,
        value_fn=value_fn,
    )


SENSORS: tuple[FoscamSensorEntityDescription, ...] = (
    _enum_sensor(
        "alarm_status",
        AlarmStatus,
        lambda data: data.status.alarm_status,
        category=None,
    ),
    _enum_sensor(
        "ddns_status", DdnsStatus, lambda data: data.status.ddns_status, enabled=False
    ),
    _enum_sensor(
        "upnp_status", UpnpStatus, lambda data: data.status.upnp_status, enabled=False
    ),
    _enum_sensor(
        "msn_status", MsnStatus, lambda data: data.status.msn_status, enabled=False
    ),
    _enum_sensor("wifi_status", WifiStatus, lambda data: data.status.wifi_status),
    FoscamSensorEntityDescription(
        key="clock_offset",
        translation_key="clock_offset",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_clock_offset,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FoscamConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors the camera reports."""
    async_add_entities(supported_entities(entry, FoscamSensor, SENSORS))


class FoscamSensor(FoscamEntity, SensorEntity):
    """A value of the camera's status."""

    entity_description: FoscamSensorEntityDescription

    def __init__(
        self,
        coordinator: FoscamCoordinator,
        description: FoscamSensorEntityDescription,
    ) -> None:
        """Initialise from the description."""
        super().__init__(coordinator, description)
        self._unknown_logged = False

    @property
    def native_value(self) -> StateType:
        """The status value; enum codes as their names."""
        description = self.entity_description
        value = description.value_fn(self.coordinator.data)
        if isinstance(value, str):
            # Hostile or broken firmware: the state machine refuses longer states.
            return value[:MAX_LENGTH_STATE_STATE]
        if description.enum is None or value is None:
            return value
        if isinstance(value, description.enum):
            return value.name.lower()
        if not self._unknown_logged:
            self._unknown_logged = True
            LOGGER.info(
                "%s: %s reports the undocumented code %s",
                self.coordinator.config_entry.title,
                description.key,
                value,
            )
        return None
