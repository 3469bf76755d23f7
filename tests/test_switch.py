"""Switches, driven through Home Assistant, checked on the simulated camera."""

from __future__ import annotations

from collections.abc import Callable

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch.const import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ASSUMED_STATE,
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import mock_restore_cache
from syrupy.assertion import SnapshotAssertion

from custom_components.foscam_mjpeg.foscam_cgi import Privilege, PtzCommand
from custom_components.foscam_mjpeg.switch import UPLOAD_INTERVAL_ON
from simulator import SimulatedCamera
from simulator.state import Settings

from .conftest import (
    assert_platform_snapshot,
    async_poll,
    entity_id,
    setup_camera,
    state_of,
)

# Loopback sockets: the simulator.
pytestmark = pytest.mark.usefixtures("socket_enabled")

IO_OUTPUT = "switch.front_door_io_output"

# key -> (getter, setter) of the camera's setting, as the camera stores it
SETTINGS: dict[
    str, tuple[Callable[[Settings], int], Callable[[Settings, int], None]]
] = {
    "motion_detection": (
        lambda s: s.alarm.motion_armed,
        lambda s, v: setattr(s.alarm, "motion_armed", v),
    ),
    "input_alarm": (
        lambda s: s.alarm.input_armed,
        lambda s, v: setattr(s.alarm, "input_armed", v),
    ),
    "sound_detection": (
        lambda s: s.alarm.sounddetect_armed,
        lambda s, v: setattr(s.alarm, "sounddetect_armed", v),
    ),
    "alarm_io_linkage": (
        lambda s: s.alarm.iolinkage,
        lambda s, v: setattr(s.alarm, "iolinkage", v),
    ),
    "alarm_mail": (lambda s: s.alarm.mail, lambda s, v: setattr(s.alarm, "mail", v)),
    "alarm_http": (lambda s: s.alarm.http, lambda s, v: setattr(s.alarm, "http", v)),
    "alarm_upload": (
        lambda s: s.alarm.upload_interval,
        lambda s, v: setattr(s.alarm, "upload_interval", v),
    ),
    "upnp": (lambda s: s.upnp.enable, lambda s, v: setattr(s.upnp, "enable", v)),
    "ntp": (
        lambda s: s.datetime.ntp_enable,
        lambda s, v: setattr(s.datetime, "ntp_enable", v),
    ),
}
ON_VALUE = {"alarm_upload": UPLOAD_INTERVAL_ON}


async def switch(hass: HomeAssistant, entity: str, on: bool) -> None:
    """Turn a switch on or off through Home Assistant."""
    await hass.services.async_call(
        SWITCH_DOMAIN,
        SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
        {ATTR_ENTITY_ID: entity},
        blocking=True,
    )


@pytest.mark.usefixtures("enable_all_entities")
@pytest.mark.parametrize("on", [True, False], ids=["on", "off"])
@pytest.mark.parametrize("key", list(SETTINGS))
async def test_setting(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    key: str,
    on: bool,
) -> None:
    """Each switch writes its camera setting; the state follows the camera."""
    read, write = SETTINGS[key]
    settings = sim_camera.state.settings
    write(settings, 0 if on else 30)
    await setup_camera(hass, sim_camera, platforms=[Platform.SWITCH])
    entity = entity_id(entity_registry, "switch", sim_camera, key)
    assert state_of(hass, entity) == (STATE_OFF if on else STATE_ON)

    await switch(hass, entity, on)

    assert read(settings) == (ON_VALUE.get(key, 1) if on else 0)
    assert state_of(hass, entity) == (STATE_ON if on else STATE_OFF)


async def test_linkages_disabled_by_default(
    hass: HomeAssistant, sim_camera: SimulatedCamera, entity_registry: er.EntityRegistry
) -> None:
    """Alarm linkages, UPnP and NTP are there but disabled until the user enables them."""
    entry = await setup_camera(hass, sim_camera, platforms=[Platform.SWITCH])

    disabled = {
        entity.unique_id.removeprefix(f"{entry.unique_id}_")
        for entity in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        if entity.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    }
    assert disabled == {
        "alarm_io_linkage",
        "alarm_mail",
        "alarm_http",
        "alarm_upload",
        "upnp",
        "ntp",
    }


async def test_io_output(hass: HomeAssistant, sim_camera: SimulatedCamera) -> None:
    """The IO output is driven with 94/95; its state is assumed."""
    await setup_camera(hass, sim_camera, platforms=[Platform.SWITCH])
    state = hass.states.get(IO_OUTPUT)
    assert state is not None
    assert state.state == STATE_UNKNOWN
    assert state.attributes[ATTR_ASSUMED_STATE] is True

    outputs = []
    await switch(hass, IO_OUTPUT, True)
    outputs.append(sim_camera.state.io_output)
    assert state_of(hass, IO_OUTPUT) == STATE_ON

    await switch(hass, IO_OUTPUT, False)
    outputs.append(sim_camera.state.io_output)
    assert outputs == [True, False]
    assert state_of(hass, IO_OUTPUT) == STATE_OFF

    assert sim_camera.commands == [PtzCommand.IO_OUTPUT_HIGH, PtzCommand.IO_OUTPUT_LOW]
    # The output cannot be read back, so nothing is re-read either.
    assert sim_camera.counters.requests["get_params.cgi"] == 1


@pytest.mark.parametrize(
    ("restored", "expected"),
    [(STATE_ON, STATE_ON), (STATE_OFF, STATE_OFF), ("unavailable", STATE_UNKNOWN)],
)
async def test_io_output_restored(
    hass: HomeAssistant, sim_camera: SimulatedCamera, restored: str, expected: str
) -> None:
    """The IO output's last state survives a restart; nothing is sent."""
    mock_restore_cache(hass, [State(IO_OUTPUT, restored)])
    await setup_camera(hass, sim_camera, platforms=[Platform.SWITCH])

    assert state_of(hass, IO_OUTPUT) == expected
    assert sim_camera.commands == []


async def test_state_follows_camera(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A setting changed in the camera's web UI shows up with the settings poll."""
    await setup_camera(hass, sim_camera, platforms=[Platform.SWITCH])
    entity = entity_id(entity_registry, "switch", sim_camera, "motion_detection")

    sim_camera.state.alarm.motion_armed = 1
    await async_poll(hass, freezer)
    assert state_of(hass, entity) == STATE_OFF

    await async_poll(hass, freezer, 61)
    assert state_of(hass, entity) == STATE_ON


@pytest.mark.freeze_time("2025-05-01 12:00:00.2")
@pytest.mark.usefixtures("enable_all_entities")
@pytest.mark.parametrize("privilege", list(Privilege), ids=lambda p: p.name.lower())
async def test_snapshot(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    privilege: Privilege,
) -> None:
    """Registry entries and states of the switches for each user level."""
    await assert_platform_snapshot(
        hass, sim_camera, entity_registry, snapshot, Platform.SWITCH, privilege
    )
