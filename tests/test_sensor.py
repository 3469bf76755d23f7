"""Sensors of get_status.cgi, fed by the simulated camera."""

from __future__ import annotations

from enum import IntEnum
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.sensor import ATTR_OPTIONS
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.foscam_mjpeg.foscam_cgi import (
    AlarmStatus,
    DdnsStatus,
    MsnStatus,
    Privilege,
    UpnpStatus,
    WifiStatus,
)
from simulator import SimulatedCamera

from .conftest import (
    assert_platform_snapshot,
    async_poll,
    camera_device,
    entity_id,
    setup_camera,
    state_of,
)

# Loopback sockets: the simulator.
pytestmark = pytest.mark.usefixtures("socket_enabled")

# key -> (enum, attribute of the simulator's ServiceStatus)
ENUM_SENSORS: dict[str, tuple[type[IntEnum], str]] = {
    "ddns_status": (DdnsStatus, "ddns_status"),
    "upnp_status": (UpnpStatus, "upnp_status"),
    "msn_status": (MsnStatus, "msn_status"),
    "wifi_status": (WifiStatus, "wifi_status"),
}


@pytest.mark.usefixtures("enable_all_entities")
@pytest.mark.parametrize("key", list(ENUM_SENSORS))
async def test_every_documented_code(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
    key: str,
) -> None:
    """Every code of the document is a state of its own."""
    enum, attribute = ENUM_SENSORS[key]
    await setup_camera(hass, sim_camera, Privilege.VISITOR, platforms=[Platform.SENSOR])
    entity = entity_id(entity_registry, "sensor", sim_camera, key)
    state = hass.states.get(entity)
    assert state is not None
    assert state.attributes[ATTR_OPTIONS] == [member.name.lower() for member in enum]

    for member in enum:
        setattr(sim_camera.state.status, attribute, int(member))
        await async_poll(hass, freezer)
        assert state_of(hass, entity) == member.name.lower()


@pytest.mark.usefixtures("enable_all_entities")
async def test_unknown_code(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An undocumented code is an unknown state, logged once, never an error."""
    await setup_camera(hass, sim_camera, Privilege.VISITOR, platforms=[Platform.SENSOR])
    caplog.set_level(logging.INFO)

    sim_camera.state.status.ddns_status = 999
    sim_camera.state.status.upnp_status = -7
    sim_camera.trigger_alarm(4)
    for _ in range(3):
        await async_poll(hass, freezer)
        assert state_of(hass, "sensor.front_door_ddns_status") == STATE_UNKNOWN
        assert state_of(hass, "sensor.front_door_upnp_status") == STATE_UNKNOWN
        assert state_of(hass, "sensor.front_door_alarm") == STATE_UNKNOWN

    ours = [r for r in caplog.records if r.name.startswith("custom_components")]
    logged = [r for r in ours if "undocumented code" in r.getMessage()]
    assert len(logged) == 3  # ddns, upnp and alarm status, once each
    assert all(r.levelno == logging.INFO for r in logged)
    assert all(r.levelno < logging.WARNING for r in ours)

    sim_camera.state.status.ddns_status = int(DdnsStatus.ORAY_SUCCEED)
    await async_poll(hass, freezer)
    assert state_of(hass, "sensor.front_door_ddns_status") == "oray_succeed"


async def test_alarm_status(
    hass: HomeAssistant, sim_camera: SimulatedCamera, freezer: FrozenDateTimeFactory
) -> None:
    """The alarm sensor names the current alarm."""
    await setup_camera(hass, sim_camera, Privilege.VISITOR, platforms=[Platform.SENSOR])
    assert state_of(hass, "sensor.front_door_alarm") == "none"

    for alarm in AlarmStatus:
        sim_camera.trigger_alarm(alarm)
        await async_poll(hass, freezer)
        assert state_of(hass, "sensor.front_door_alarm") == alarm.name.lower()


@pytest.mark.freeze_time("2025-05-01 12:00:00.7")
@pytest.mark.parametrize("offset", [0, 3600, -90, -1746100800])
@pytest.mark.usefixtures("freezer")
async def test_clock_offset(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    offset: int,
) -> None:
    """Camera clock minus Home Assistant's, in seconds."""
    sim_camera.state.clock_offset = offset
    await setup_camera(hass, sim_camera, Privilege.VISITOR, platforms=[Platform.SENSOR])

    state = hass.states.get("sensor.front_door_clock_offset")
    assert state is not None
    assert float(state.state) == offset
    assert state.attributes["unit_of_measurement"] == "s"
    assert state.attributes["device_class"] == "duration"


async def test_versions_are_device_info(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """Firmware and web UI versions are on the device page, not sensors."""
    entry = await setup_camera(
        hass, sim_camera, Privilege.VISITOR, platforms=[Platform.SENSOR]
    )
    device = camera_device(hass, entry)
    assert (device.sw_version, device.hw_version) == ("11.37.2.49", "Web UI 2.0.10.7")
    assert hass.states.get("sensor.front_door_firmware_version") is None
    assert hass.states.get("sensor.front_door_web_ui_version") is None


async def test_msn_status_disabled_by_default(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
) -> None:
    """MSN is long gone: its status sensor is disabled by default."""
    await setup_camera(hass, sim_camera, Privilege.VISITOR, platforms=[Platform.SENSOR])
    entry = entity_registry.async_get("sensor.front_door_msn_status")
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get("sensor.front_door_msn_status") is None


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
    """Registry entries and states of the sensors for each user level."""
    await assert_platform_snapshot(
        hass, sim_camera, entity_registry, snapshot, Platform.SENSOR, privilege
    )
