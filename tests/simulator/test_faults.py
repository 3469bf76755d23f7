"""Offline, latency, garbage bodies, reboots and alarms."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from simulator import AlarmStatus, CameraConfig, SimulatedCamera

from .conftest import ADMIN, fetch, parse_vars, wait_until


async def test_offline_refuses_then_comes_back(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """Offline closes the listening socket (connection refused) and cuts streams."""
    port = cam.port
    async with session.get(f"{cam.base_url}/videostream.cgi", headers=ADMIN) as resp:
        await resp.content.readexactly(1000)
        await cam.set_offline(True)
        assert not cam.online
        assert cam.faults.offline
        with pytest.raises((aiohttp.ClientPayloadError, asyncio.IncompleteReadError)):
            await resp.content.readexactly(10_000_000)
    with pytest.raises(aiohttp.ClientConnectorError):
        await fetch(session, cam, "get_status.cgi")
    await cam.set_offline(False)
    assert cam.port == port
    assert (await fetch(session, cam, "get_status.cgi"))[0] == 200
    await wait_until(lambda: cam.counters.stream_current == 0)


async def test_latency_and_garbage(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """The latency fault delays every reply; garbage_body sends random bytes."""
    cam.faults.latency = 0.3
    start = time.monotonic()
    assert (await fetch(session, cam, "get_status.cgi"))[0] == 200
    assert time.monotonic() - start >= 0.3
    cam.faults.latency = 0
    cam.faults.garbage_body = True
    status, body, headers = await fetch(session, cam, "get_status.cgi")
    assert (status, headers["Content-Type"]) == (200, "text/plain")
    assert not body.startswith(b"var ")
    assert len(body) >= 16


@pytest.mark.parametrize("configs", [[CameraConfig(reboot_downtime=0.3)]])
async def test_reboot_cgi(cam: SimulatedCamera, session: aiohttp.ClientSession) -> None:
    """ok., then offline for the downtime, then back with runtime state reset."""
    await fetch(session, cam, "set_misc.cgi?ptz_center_onstart=1")
    await fetch(session, cam, "set_datetime.cgi?ntp_enable=0")
    await fetch(session, cam, "decoder_control.cgi?command=4")
    cam.trigger_alarm(AlarmStatus.INPUT)
    cam.state.io_output = True
    assert (await fetch(session, cam, "reboot.cgi"))[:2] == (200, b"ok.\n")
    await wait_until(lambda: not cam.online)
    with pytest.raises(aiohttp.ClientConnectorError):
        await fetch(session, cam, "get_status.cgi")
    await wait_until(lambda: cam.online)
    status = parse_vars((await fetch(session, cam, "get_status.cgi"))[1])
    assert status["alarm_status"] == 0
    assert int(status["now"]) < 60  # no NTP: the clock restarts at 1970
    assert cam.state.boot_count == 2
    assert cam.state.io_output is False
    assert cam.state.ptz.moving  # self-centring
    assert cam.commands == [4]


async def test_reboot_method_and_alarm(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """reboot(downtime) awaits the whole cycle; alarms revert after their duration."""
    await cam.reboot(0.05)
    assert cam.online
    cam.trigger_alarm(AlarmStatus.MOTION, 0.2)
    assert (
        parse_vars((await fetch(session, cam, "get_status.cgi"))[1])["alarm_status"]
        == 1
    )
    await asyncio.sleep(0.3)
    assert (
        parse_vars((await fetch(session, cam, "get_status.cgi"))[1])["alarm_status"]
        == 0
    )
    cam.trigger_alarm(AlarmStatus.SOUND, 30)  # pending timer: stop() must cancel it
    assert cam.state.alarm_status == AlarmStatus.SOUND
