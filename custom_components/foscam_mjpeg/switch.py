"""Switches: alarm arming and linkages, the IO output, UPnP and NTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import STATE_OFF, STATE_ON, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import FoscamData
from .data import FoscamConfigEntry
from .entity import (
    FoscamEntityDescription,
    FoscamSettingEntity,
    SettingFields,
    setting_fields,
    supported_entities,
)
from .foscam_cgi import AlarmSettings, FoscamCamera, Params

# The protocol client serialises the requests to the camera itself.
PARALLEL_UPDATES = 0

# alarm_upload is "upload_interval > 0"; switching it on asks for one image per
# second while the alarm lasts (the shortest interval the camera takes).
UPLOAD_INTERVAL_ON = 1


@dataclass(frozen=True, kw_only=True)
class FoscamSwitchEntityDescription(SwitchEntityDescription, FoscamEntityDescription):
    """A switch: how to read it and how to set it.

    Without `value_fn` the camera cannot report the state: the switch assumes
    the state it set last, kept across restarts.
    """

    value_fn: Callable[[FoscamData], bool | None] | None = None
    set_fn: Callable[[FoscamCamera, bool], Awaitable[None]]


def _alarm_fields(key: str, *, linkage: bool) -> SettingFields:
    """Return the fields of a set_alarm.cgi switch; linkages are disabled by default."""
    return setting_fields(
        key,
        "set_alarm.cgi",
        enabled=not linkage,
        category=EntityCategory.CONFIG if linkage else None,
    )


def _alarm_switch(
    key: str, field: str, *, linkage: bool = False
) -> FoscamSwitchEntityDescription:
    """Describe the on/off set_alarm.cgi setting `field`."""
    return FoscamSwitchEntityDescription(
        **_alarm_fields(key, linkage=linkage),
        value_fn=lambda data: getattr(alarm, field) if (alarm := data.alarm) else None,
        set_fn=lambda client, on: client.set_alarm(**cast(AlarmSettings, {field: on})),
    )


def _params_switch(
    key: str,
    value_fn: Callable[[Params], bool | None],
    set_fn: Callable[[FoscamCamera, bool], Awaitable[None]],
    cgi: str,
) -> FoscamSwitchEntityDescription:
    """Describe a network setting of get_params.cgi, disabled by default."""
    return FoscamSwitchEntityDescription(
        **setting_fields(key, cgi, enabled=False),
        value_fn=lambda data: value_fn(data.params) if data.params else None,
        set_fn=set_fn,
    )


SWITCHES: tuple[FoscamSwitchEntityDescription, ...] = (
    _alarm_switch("motion_detection", "motion_armed"),
    _alarm_switch("input_alarm", "input_armed"),
    _alarm_switch("sound_detection", "sounddetect_armed"),
    _alarm_switch("alarm_io_linkage", "iolinkage", linkage=True),
    _alarm_switch("alarm_mail", "mail", linkage=True),
    _alarm_switch("alarm_http", "http", linkage=True),
    FoscamSwitchEntityDescription(
        **_alarm_fields("alarm_upload", linkage=True),
        value_fn=lambda data: (
            None
            if (alarm := data.alarm) is None or alarm.upload_interval is None
            else alarm.upload_interval > 0
        ),
        set_fn=lambda client, on: client.set_alarm(
            upload_interval=UPLOAD_INTERVAL_ON if on else 0
        ),
    ),
    FoscamSwitchEntityDescription(
        key="io_output",
        translation_key="io_output",
        cgi="decoder_control.cgi",
        set_fn=lambda client, on: client.set_io_output(on),
    ),
    _params_switch(
        "upnp",
        lambda params: params.upnp_enable,
        lambda client, on: client.set_upnp(on),
        "set_upnp.cgi",
    ),
    _params_switch(
        "ntp",
        lambda params: params.ntp_enable,
        lambda client, on: client.set_datetime(ntp_enable=on),
        "set_datetime.cgi",
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FoscamConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the switches the user's privilege allows and the camera reports."""
    async_add_entities(supported_entities(entry, FoscamSwitch, SWITCHES))


class FoscamSwitch(FoscamSettingEntity, SwitchEntity):
    """A switch of the camera: its setting, or the state last set (assumed)."""

    entity_description: FoscamSwitchEntityDescription

    @property
    def assumed_state(self) -> bool:
        """Return whether the state is the one set last (the camera cannot tell)."""
        return self.unreported

    @property
    def is_on(self) -> bool | None:
        """Return the camera's setting, or the state last set."""
        if (value_fn := self.entity_description.value_fn) is None:
            return self._attr_is_on
        return value_fn(self.coordinator.data)

    def _remember(self, state: str) -> None:
        if state in (STATE_ON, STATE_OFF):
            self._attr_is_on = state == STATE_ON

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the setting on."""
        await self._async_set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the setting off."""
        await self._async_set(False)

    async def _async_set(self, on: bool) -> None:
        await self.async_write_setting(
            self.entity_description.set_fn(self.coordinator.client, on),
            STATE_ON if on else STATE_OFF,
        )
