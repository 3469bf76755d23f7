"""Pan/tilt motor model and decoder_control."""

from __future__ import annotations

import aiohttp
import pytest

from simulator import CameraConfig, SimulatedCamera
from simulator.ptz import PanTilt

from .conftest import OPERATOR, fetch


class FakeClock:
    """Manual monotonic clock."""

    def __init__(self) -> None:
        """Start at 0."""
        self.now = 0.0

    def __call__(self) -> float:
        """Return the current time."""
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    """Return a manual clock."""
    return FakeClock()


def moving(ptz: PanTilt) -> bool:
    """Read the property afresh (keeps mypy from narrowing it)."""
    return ptz.moving


def io_output(cam: SimulatedCamera) -> bool:
    """Return the IO output state."""
    return cam.state.io_output


def motor(clock: FakeClock, *, reversed_pan: bool = False) -> PanTilt:
    """10 units/s, starts centred at (180, 45)."""
    return PanTilt(speed=10.0, pan_reversed=reversed_pan, clock=clock)


@pytest.mark.parametrize(
    ("command", "pan", "tilt"),
    [
        (0, 180, 65),
        (2, 180, 25),
        (4, 160, 45),
        (6, 200, 45),
        (90, 160, 65),
        (91, 200, 65),
        (92, 160, 25),
        (93, 200, 25),
    ],
)
def test_moves_until_stopped(
    clock: FakeClock, command: int, pan: float, tilt: float
) -> None:
    """Each direction moves at the set speed until a stop; any stop stops all."""
    ptz = motor(clock)
    ptz.command(command)
    clock.now = 2.0
    assert (ptz.pan, ptz.tilt) == (pan, tilt)
    assert moving(ptz)
    ptz.command(1)
    clock.now = 10.0
    assert (ptz.pan, ptz.tilt) == (pan, tilt)
    assert not moving(ptz)


def test_travel_limits_and_reversed_pan(clock: FakeClock) -> None:
    """Moves clamp at the ends; pan_reversed turns the pan motor the other way."""
    ptz = motor(clock, reversed_pan=True)
    ptz.command(6)  # right, reversed: pan decreases
    ptz.command(0)
    clock.now = 100.0
    assert (ptz.pan, ptz.tilt) == (0.0, 90.0)
    assert not moving(ptz)


def test_onestep_centre_and_patrol(clock: FakeClock) -> None:
    """A onestep move goes `degree` then stops; 25 centres; 28 patrols until 29."""
    ptz = motor(clock)
    ptz.command(4, onestep=True, degree=12)
    clock.now = 10.0
    assert ptz.pan == 168.0
    assert not moving(ptz)
    ptz.command(2, onestep=True)  # default step
    clock.now = 20.0
    assert ptz.tilt == 40.0
    ptz.command(28)
    clock.now = 20.0 + 19.2 + 2.0  # reaches 360 after 19.2 s, then bounces back
    assert ptz.pan == pytest.approx(340.0)
    clock.now = 20.0 + 55.2 + 1.0  # down to 0, then up again
    assert ptz.pan == pytest.approx(10.0)
    assert moving(ptz)
    ptz.command(29)
    stopped = ptz.pan
    clock.now += 5
    assert ptz.pan == stopped
    ptz.command(25)
    clock.now += 100
    assert (ptz.pan, ptz.tilt) == (180.0, 45.0)


def test_presets(clock: FakeClock) -> None:
    """30+2(n-1) stores, 31+2(n-1) goes; unset presets are ignored."""
    ptz = motor(clock)
    ptz.command(6)
    clock.now = 3.0
    ptz.command(1)
    ptz.command(30 + 2 * 15)  # set preset 16 at pan 210
    ptz.command(25)
    clock.now = 20.0
    assert ptz.pan == 180.0
    ptz.command(31 + 2 * 15)
    clock.now = 40.0
    assert ptz.pan == 210.0
    ptz.command(31)  # preset 1 unset
    clock.now = 60.0
    assert ptz.pan == 210.0


@pytest.mark.parametrize(
    "configs", [[CameraConfig(pan_reversed=True, ptz_speed=1000.0)]]
)
async def test_decoder_control_cgi(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """Commands are recorded in order; 94/95 drive the (unreadable) IO output."""
    for path in ("decoder_control.cgi?command=6", "decoder_control.cgi?command=1"):
        assert (await fetch(session, cam, path, auth=OPERATOR))[1] == b"ok.\n"
    # "right" on a reversed motor turned left (checked before the step below
    # turns it back by 5 degrees).
    assert cam.state.ptz.pan < 180.0
    for path in (
        "decoder_control.cgi?command=94",
        "decoder_control.cgi?command=4&onestep=1&degree=5",
    ):
        assert (await fetch(session, cam, path, auth=OPERATOR))[1] == b"ok.\n"
    assert cam.commands == [6, 1, 94, 4]
    assert io_output(cam)
    _, body, _ = await fetch(session, cam, "get_params.cgi")
    assert b"io_output" not in body
    await fetch(session, cam, "decoder_control.cgi?command=95", auth=OPERATOR)
    assert not io_output(cam)
    assert cam.commands[-1] == 95
