"""Selects, driven through Home Assistant, checked on the simulated camera."""

from __future__ import annotations

import asyncio

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.select import (
    ATTR_OPTION,
    ATTR_OPTIONS,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import mock_restore_cache
from syrupy.assertion import SnapshotAssertion

from custom_components.foscam_mjpeg.foscam_cgi import Privilege, preset_go_command
from simulator import SimulatedCamera

from .conftest import (
    assert_platform_snapshot,
    async_poll,
    entity_id,
    setup_camera,
    state_of,
)

# Loopback sockets: the simulator.
pytestmark = pytest.mark.usefixtures("socket_enabled")

PRESET_ENTITY = "select.front_door_preset_position"


async def select(hass: HomeAssistant, entity: str, option: str) -> None:
    """Choose an option through Home Assistant."""
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: entity, ATTR_OPTION: option},
        blocking=True,
    )


async def test_preset(hass: HomeAssistant, sim_camera: SimulatedCamera) -> None:
    """Choosing a preset moves there; the choice is shown afterwards."""
    sim_camera.state.ptz.presets[3] = (100.0, 50.0)
    await setup_camera(hass, sim_camera, platforms=[Platform.SELECT])
    state = hass.states.get(PRESET_ENTITY)
    assert state is not None
    assert state.state == STATE_UNKNOWN
    assert state.attributes[ATTR_OPTIONS] == [str(n) for n in range(1, 17)]

    await select(hass, PRESET_ENTITY, "3")

    assert sim_camera.commands == [preset_go_command(3)] == [35]
    assert state_of(hass, PRESET_ENTITY) == "3"
    # Nothing to re-read: only the one command went out.
    assert sim_camera.counters.requests["decoder_control.cgi"] == 1
    assert sim_camera.counters.requests["get_params.cgi"] == 1
    await asyncio.sleep(0.2)
    assert sim_camera.state.ptz.moving


@pytest.mark.parametrize(
    ("restored", "expected"),
    [("5", "5"), ("unavailable", STATE_UNKNOWN), ("17", STATE_UNKNOWN)],
)
async def test_preset_restored(
    hass: HomeAssistant, sim_camera: SimulatedCamera, restored: str, expected: str
) -> None:
    """The last chosen preset survives a restart without moving the camera."""
    mock_restore_cache(hass, [State(PRESET_ENTITY, restored)])
    await setup_camera(hass, sim_camera, platforms=[Platform.SELECT])

    assert state_of(hass, PRESET_ENTITY) == expected
    assert sim_camera.commands == []


@pytest.mark.parametrize(
    ("key", "option", "setting", "value"),
    [
        ("resolution", "qvga", "resolution", 8),
        ("power_frequency", "outdoor", "mode", 2),
        ("power_frequency", "hz_60", "mode", 1),
        ("image_orientation", "flip_mirror", "flip", 3),
        ("image_orientation", "mirror", "flip", 2),
    ],
)
@pytest.mark.usefixtures("enable_all_entities")
async def test_camera_settings(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    key: str,
    option: str,
    setting: str,
    value: int,
) -> None:
    """Image settings go to camera_control.cgi; the state follows the camera."""
    await setup_camera(hass, sim_camera, platforms=[Platform.SELECT])
    entity = entity_id(entity_registry, "select", sim_camera, key)

    await select(hass, entity, option)

    assert getattr(sim_camera.state.camera, setting) == value
    assert state_of(hass, entity) == option


@pytest.mark.usefixtures("enable_all_entities")
async def test_led_mode(
    hass: HomeAssistant, sim_camera: SimulatedCamera, entity_registry: er.EntityRegistry
) -> None:
    """The status LED mode goes to set_misc.cgi."""
    await setup_camera(hass, sim_camera, platforms=[Platform.SELECT])
    entity = entity_id(entity_registry, "select", sim_camera, "led_mode")
    assert state_of(hass, entity) == "network_state"

    await select(hass, entity, "off")

    assert sim_camera.state.misc.led_mode == 2
    assert state_of(hass, entity) == "off"


async def test_state_follows_camera(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Changes made elsewhere show up; codes outside the table are unknown."""
    await setup_camera(hass, sim_camera, platforms=[Platform.SELECT])
    entity = entity_id(entity_registry, "select", sim_camera, "resolution")
    orientation = entity_id(entity_registry, "select", sim_camera, "image_orientation")

    sim_camera.state.camera.resolution = 2  # QQVGA: not offered
    sim_camera.state.camera.flip = 1
    await async_poll(hass, freezer, 61)

    assert state_of(hass, entity) == STATE_UNKNOWN
    assert state_of(hass, orientation) == "flip"


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
    """Registry entries and states of the selects for each user level."""
    await assert_platform_snapshot(
        hass, sim_camera, entity_registry, snapshot, Platform.SELECT, privilege
    )
