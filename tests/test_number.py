"""Numbers, driven through Home Assistant, checked on the simulated camera."""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.components.number.const import (
    ATTR_MAX,
    ATTR_MIN,
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.foscam_mjpeg.foscam_cgi import Privilege
from simulator import SimulatedCamera
from simulator.state import CameraState

from .conftest import (
    assert_platform_snapshot,
    entity_id,
    setup_camera,
    state_of,
)

# Loopback sockets: the simulator.
pytestmark = pytest.mark.usefixtures("socket_enabled", "enable_all_entities")

# key -> (maximum, camera value read back, shown value set, camera value expected)
CASES: dict[str, tuple[int, Callable[[CameraState], int], int, int]] = {
    "brightness": (255, lambda s: s.camera.brightness, 200, 200),
    "contrast": (6, lambda s: s.camera.contrast, 2, 2),
    # Shown inverted: the camera's 0 is the most sensitive.
    "motion_sensitivity": (9, lambda s: s.alarm.motion_sensitivity, 7, 2),
    "sound_sensitivity": (9, lambda s: s.alarm.sounddetect_sensitivity, 0, 9),
    "ptz_patrol_rate": (100, lambda s: s.misc.ptz_patrol_rate, 55, 55),
    "ptz_patrol_up_rate": (100, lambda s: s.misc.ptz_patrol_up_rate, 1, 1),
    "ptz_patrol_down_rate": (100, lambda s: s.misc.ptz_patrol_down_rate, 100, 100),
    "ptz_patrol_left_rate": (100, lambda s: s.misc.ptz_patrol_left_rate, 0, 0),
    "ptz_patrol_right_rate": (100, lambda s: s.misc.ptz_patrol_right_rate, 42, 42),
}


async def set_value(hass: HomeAssistant, entity: str, value: float) -> None:
    """Set a number through Home Assistant."""
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: entity, ATTR_VALUE: value},
        blocking=True,
    )


@pytest.mark.parametrize("key", list(CASES))
async def test_set(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    key: str,
) -> None:
    """Each number writes its camera setting; the state follows the camera."""
    maximum, read, shown, stored = CASES[key]
    await setup_camera(hass, sim_camera, platforms=[Platform.NUMBER])
    entity = entity_id(entity_registry, "number", sim_camera, key)
    state = hass.states.get(entity)
    assert state is not None
    assert (state.attributes[ATTR_MIN], state.attributes[ATTR_MAX]) == (0, maximum)

    await set_value(hass, entity, shown)

    assert read(sim_camera.state) == stored
    assert float(state_of(hass, entity)) == shown


async def test_sensitivity_shown_inverted(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """A camera at its most sensitive (0) shows the highest number."""
    sim_camera.state.alarm.motion_sensitivity = 0
    sim_camera.state.alarm.sounddetect_sensitivity = 9
    await setup_camera(hass, sim_camera, platforms=[Platform.NUMBER])

    assert state_of(hass, "number.front_door_motion_sensitivity") == "9"
    assert state_of(hass, "number.front_door_sound_sensitivity") == "0"


async def test_out_of_range(hass: HomeAssistant, sim_camera: SimulatedCamera) -> None:
    """Values outside the camera's range never reach it."""
    await setup_camera(hass, sim_camera, platforms=[Platform.NUMBER])

    with pytest.raises(ServiceValidationError):
        await set_value(hass, "number.front_door_contrast", 7)
    assert sim_camera.counters.requests["camera_control.cgi"] == 0


@pytest.mark.freeze_time("2025-05-01 12:00:00.2")
@pytest.mark.parametrize("privilege", list(Privilege), ids=lambda p: p.name.lower())
async def test_snapshot(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    privilege: Privilege,
) -> None:
    """Registry entries and states of the numbers for each user level."""
    await assert_platform_snapshot(
        hass, sim_camera, entity_registry, snapshot, Platform.NUMBER, privilege
    )
