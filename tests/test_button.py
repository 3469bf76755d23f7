"""Buttons, pressed through Home Assistant, checked on the simulated camera."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
import time

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button.const import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.foscam_mjpeg.const import (
    CONF_PAN_REVERSED,
    CONF_PTZ_DEGREE,
    CONF_PTZ_DURATION,
    CONF_PTZ_MODE,
    PTZ_MODE_STEP,
)
from custom_components.foscam_mjpeg.foscam_cgi import (
    ImageOrientation,
    Privilege,
    PtzCommand,
)
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

FAST: dict[str, object] = {CONF_PTZ_DURATION: 0.05}


def motor_running(camera: SimulatedCamera) -> bool:
    """Whether the simulated pan/tilt motor is moving."""
    return camera.state.ptz.moving


# Picture direction -> command the camera must receive, per image orientation.
MOVES = {
    "up": (PtzCommand.UP, PtzCommand.DOWN, PtzCommand.UP),
    "down": (PtzCommand.DOWN, PtzCommand.UP, PtzCommand.DOWN),
    "left": (PtzCommand.LEFT, PtzCommand.LEFT, PtzCommand.RIGHT),
    "right": (PtzCommand.RIGHT, PtzCommand.RIGHT, PtzCommand.LEFT),
    "up_left": (PtzCommand.UP_LEFT, PtzCommand.DOWN_LEFT, PtzCommand.UP_RIGHT),
    "up_right": (PtzCommand.UP_RIGHT, PtzCommand.DOWN_RIGHT, PtzCommand.UP_LEFT),
    "down_left": (PtzCommand.DOWN_LEFT, PtzCommand.UP_LEFT, PtzCommand.DOWN_RIGHT),
    "down_right": (PtzCommand.DOWN_RIGHT, PtzCommand.UP_RIGHT, PtzCommand.DOWN_LEFT),
}
ORIENTATIONS = (ImageOrientation.NORMAL, ImageOrientation.FLIP, ImageOrientation.MIRROR)


async def press(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    camera: SimulatedCamera,
    key: str,
) -> None:
    """Press a button of the camera through Home Assistant."""
    await hass.services.async_call(
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: entity_id(entity_registry, "button", camera, key)},
        blocking=True,
    )


@pytest.mark.parametrize("orientation", ORIENTATIONS, ids=lambda o: o.name.lower())
@pytest.mark.usefixtures("enable_all_entities")
async def test_moves(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    orientation: ImageOrientation,
) -> None:
    """Each move follows the picture's orientation, then stops."""
    sim_camera.state.camera.flip = orientation
    await setup_camera(hass, sim_camera, platforms=[Platform.BUTTON], options=FAST)

    for direction, commands in MOVES.items():
        sim_camera.commands.clear()
        await press(hass, entity_registry, sim_camera, f"ptz_{direction}")

        expected = commands[ORIENTATIONS.index(orientation)]
        assert sim_camera.commands == [expected, PtzCommand.STOP_UP], direction
        assert not motor_running(sim_camera)


@pytest.mark.usefixtures("enable_all_entities")
async def test_move_flipped_mirrored_and_reversed(
    hass: HomeAssistant, sim_camera: SimulatedCamera, entity_registry: er.EntityRegistry
) -> None:
    """Flip and mirror swap both axes; a reversed pan motor swaps back."""
    sim_camera.state.camera.flip = ImageOrientation.FLIP_MIRROR
    await setup_camera(hass, sim_camera, platforms=[Platform.BUTTON], options=FAST)
    await press(hass, entity_registry, sim_camera, "ptz_up_left")
    assert sim_camera.commands == [PtzCommand.DOWN_RIGHT, PtzCommand.STOP_UP]


async def test_move_pan_reversed(
    hass: HomeAssistant, sim_camera: SimulatedCamera, entity_registry: er.EntityRegistry
) -> None:
    """The pan_reversed option swaps left and right."""
    await setup_camera(
        hass,
        sim_camera,
        platforms=[Platform.BUTTON],
        options=FAST | {CONF_PAN_REVERSED: True},
    )
    await press(hass, entity_registry, sim_camera, "ptz_left")
    assert sim_camera.commands == [PtzCommand.RIGHT, PtzCommand.STOP_UP]


async def test_move_duration(
    hass: HomeAssistant, sim_camera: SimulatedCamera, entity_registry: er.EntityRegistry
) -> None:
    """The motor runs for the configured duration."""
    await setup_camera(
        hass, sim_camera, platforms=[Platform.BUTTON], options={CONF_PTZ_DURATION: 0.2}
    )
    pan = sim_camera.state.ptz.pan

    started = time.monotonic()
    await press(hass, entity_registry, sim_camera, "ptz_right")
    pressed_for = time.monotonic() - started

    # The motor (30 units/s) ran at least the 0.2 s duration and stopped when
    # the press returned: bounded by the press's own time, whatever the load.
    moved = sim_camera.state.ptz.pan - pan
    assert 30 * 0.2 * 0.9 <= moved <= 30 * pressed_for + 1
    assert sim_camera.commands[-2:] == [PtzCommand.RIGHT, PtzCommand.STOP_UP]
    assert not sim_camera.state.ptz.moving


async def test_move_one_step(
    hass: HomeAssistant, sim_camera: SimulatedCamera, entity_registry: er.EntityRegistry
) -> None:
    """In step mode the camera moves one step of the configured degree."""
    await setup_camera(
        hass,
        sim_camera,
        platforms=[Platform.BUTTON],
        options={CONF_PTZ_MODE: PTZ_MODE_STEP, CONF_PTZ_DEGREE: 9},
    )
    tilt = sim_camera.state.ptz.tilt

    await press(hass, entity_registry, sim_camera, "ptz_up")
    await asyncio.sleep(0.4)

    assert sim_camera.commands == [PtzCommand.UP]
    assert sim_camera.state.ptz.tilt == pytest.approx(tilt + 9)


@pytest.mark.usefixtures("enable_all_entities")
async def test_center_and_patrols(
    hass: HomeAssistant, sim_camera: SimulatedCamera, entity_registry: er.EntityRegistry
) -> None:
    """Center and patrol buttons send their commands; a patrol runs until stopped."""
    await setup_camera(hass, sim_camera, platforms=[Platform.BUTTON])

    await press(hass, entity_registry, sim_camera, "patrol_horizontal")
    await press(hass, entity_registry, sim_camera, "patrol_vertical")
    await asyncio.sleep(0.1)
    assert motor_running(sim_camera)
    await press(hass, entity_registry, sim_camera, "patrol_stop")
    assert not motor_running(sim_camera)
    await press(hass, entity_registry, sim_camera, "ptz_center")

    assert sim_camera.commands == [
        PtzCommand.PATROL_HORIZONTAL,
        PtzCommand.PATROL_VERTICAL,
        PtzCommand.STOP_PATROL_HORIZONTAL,
        PtzCommand.STOP_PATROL_VERTICAL,
        PtzCommand.CENTER,
    ]
    assert motor_running(sim_camera)  # on its way to the middle


async def test_reboot(
    hass: HomeAssistant, sim_camera: SimulatedCamera, entity_registry: er.EntityRegistry
) -> None:
    """The reboot button reboots the camera."""
    await setup_camera(hass, sim_camera, platforms=[Platform.BUTTON])

    await press(hass, entity_registry, sim_camera, "reboot")

    assert sim_camera.counters.requests["reboot.cgi"] == 1
    while sim_camera.state.boot_count == 1:  # noqa: ASYNC110
        await asyncio.sleep(0.05)


@pytest.mark.parametrize(
    ("time_zone", "now", "tz", "dst"),
    [
        # tz is seconds WEST of UTC; DST as the separate daylight_saving_time.
        ("Europe/Madrid", "2025-07-01 10:00:00", -3600, 3600),
        ("Europe/Madrid", "2025-01-15 10:00:00", -3600, 0),
        ("America/New_York", "2025-07-01 10:00:00", 18000, 3600),
        ("Asia/Kolkata", "2025-07-01 10:00:00", -19800, 0),
        ("UTC", "2025-07-01 10:00:00", 0, 0),
    ],
)
async def test_sync_clock(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
    time_zone: str,
    now: str,
    tz: int,
    dst: int,
) -> None:
    """The camera gets Home Assistant's time and time zone."""
    await hass.config.async_set_time_zone(time_zone)
    freezer.move_to(datetime.fromisoformat(now).replace(tzinfo=UTC))
    sim_camera.state.clock_offset = -1e9  # a camera that booted without NTP
    await setup_camera(hass, sim_camera, platforms=[Platform.BUTTON, Platform.SENSOR])
    offset = entity_id(entity_registry, "sensor", sim_camera, "clock_offset")
    assert float(state_of(hass, offset)) < -1e8

    await press(hass, entity_registry, sim_camera, "sync_clock")
    await hass.async_block_till_done()

    datetime_settings = sim_camera.state.settings.datetime
    assert (datetime_settings.tz, datetime_settings.daylight_saving_time) == (tz, dst)
    assert sim_camera.state.now == int(datetime.fromisoformat(now).timestamp())
    # The settings and the status are re-read at once.
    assert state_of(hass, offset) == "0"


async def test_press_fails(
    hass: HomeAssistant, sim_camera: SimulatedCamera, entity_registry: er.EntityRegistry
) -> None:
    """A camera that does not answer properly gives a translated error."""
    await setup_camera(hass, sim_camera, platforms=[Platform.BUTTON])
    sim_camera.faults.garbage_body = True

    with pytest.raises(HomeAssistantError) as err:
        await press(hass, entity_registry, sim_camera, "ptz_center")

    assert err.value.translation_key == "communication_error"


async def test_move_while_camera_offline(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Buttons go unavailable with the camera."""
    await setup_camera(hass, sim_camera, platforms=[Platform.BUTTON])
    await sim_camera.set_offline(True)
    await async_poll(hass, freezer)

    state = hass.states.get(entity_id(entity_registry, "button", sim_camera, "ptz_up"))
    assert state is not None
    assert state.state == "unavailable"


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
    """Registry entries and states of the buttons for each user level."""
    await assert_platform_snapshot(
        hass, sim_camera, entity_registry, snapshot, Platform.BUTTON, privilege
    )
