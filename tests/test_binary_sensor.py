"""Alarm binary sensors, fed by the simulated camera's get_status.cgi."""

from __future__ import annotations

from dataclasses import replace

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import (
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.foscam_mjpeg.foscam_cgi import AlarmStatus, Privilege
from simulator import SimulatedCamera

from .conftest import assert_platform_snapshot, async_poll, entity_id, setup_camera

# Loopback sockets: the simulator.
pytestmark = pytest.mark.usefixtures("socket_enabled")

KEYS = {
    AlarmStatus.MOTION: "motion",
    AlarmStatus.INPUT: "input_alarm",
    AlarmStatus.SOUND: "sound",
}


def states(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, camera: SimulatedCamera
) -> dict[str, str]:
    """State of each alarm binary sensor by key."""
    result = {}
    for key in KEYS.values():
        state = hass.states.get(
            entity_id(entity_registry, "binary_sensor", camera, key)
        )
        assert state is not None
        result[key] = state.state
    return result


@pytest.mark.parametrize("privilege", list(Privilege), ids=lambda p: p.name.lower())
async def test_alarms(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
    privilege: Privilege,
) -> None:
    """Exactly the binary sensor of the current alarm is on."""
    await setup_camera(hass, sim_camera, privilege, platforms=[Platform.BINARY_SENSOR])
    assert set(states(hass, entity_registry, sim_camera).values()) == {STATE_OFF}

    for alarm, key in KEYS.items():
        sim_camera.trigger_alarm(alarm)
        await async_poll(hass, freezer)
        expected = {k: STATE_ON if k == key else STATE_OFF for k in KEYS.values()}
        assert states(hass, entity_registry, sim_camera) == expected

    # An undocumented alarm code turns nothing on.
    sim_camera.trigger_alarm(9)
    await async_poll(hass, freezer)
    assert set(states(hass, entity_registry, sim_camera).values()) == {STATE_OFF}


async def test_device_classes(
    hass: HomeAssistant, sim_camera: SimulatedCamera, entity_registry: er.EntityRegistry
) -> None:
    """Motion and sound use their device classes; keys are fixed for triggers."""
    await setup_camera(hass, sim_camera, platforms=[Platform.BINARY_SENSOR])

    entries = [
        entity_registry.async_get(
            entity_id(entity_registry, "binary_sensor", sim_camera, key)
        )
        for key in KEYS.values()
    ]
    classes = {
        key: entry.original_device_class
        for key, entry in zip(KEYS.values(), entries, strict=True)
        if entry is not None
    }
    assert classes == {"motion": "motion", "input_alarm": None, "sound": "sound"}


async def test_unavailable_and_unknown(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Camera gone: unavailable; alarm status no longer reported: unknown."""
    await setup_camera(hass, sim_camera, platforms=[Platform.BINARY_SENSOR])
    sim_camera.trigger_alarm(AlarmStatus.MOTION)

    await sim_camera.set_offline(True)
    await async_poll(hass, freezer)
    assert set(states(hass, entity_registry, sim_camera).values()) == {
        STATE_UNAVAILABLE
    }

    await sim_camera.set_offline(False)
    await async_poll(hass, freezer)
    assert states(hass, entity_registry, sim_camera)["motion"] == STATE_ON

    sim_camera.config = replace(
        sim_camera.config, omit_fields=frozenset({"alarm_status"})
    )
    await async_poll(hass, freezer)
    assert set(states(hass, entity_registry, sim_camera).values()) == {STATE_UNKNOWN}


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
    """Registry entries and states of the alarm binary sensors for each user level."""
    await assert_platform_snapshot(
        hass, sim_camera, entity_registry, snapshot, Platform.BINARY_SENSOR, privilege
    )
