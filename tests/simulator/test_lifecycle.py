"""Clean shutdown: no task, timer, thread or socket survives stop()."""

from __future__ import annotations

import asyncio
import threading

import aiohttp
import pytest

from simulator import AlarmStatus, CameraConfig, Simulator

from .conftest import VISITOR


async def test_stop_leaves_nothing_behind(session: aiohttp.ClientSession) -> None:
    """Stop while streaming, rebooting and with an alarm timer pending."""
    before = asyncio.all_tasks()
    sim = Simulator([CameraConfig(), CameraConfig(reboot_downtime=30)], admin_port=0)
    await sim.start()
    first, second = sim.cameras
    async with session.get(
        f"{first.base_url}/videostream.cgi", headers=VISITOR
    ) as resp:
        await resp.content.readexactly(5000)
        first.trigger_alarm(AlarmStatus.MOTION, 60)
        second.start_reboot()
        await asyncio.sleep(0.05)
        await sim.stop()
        await sim.stop()  # idempotent
    assert asyncio.all_tasks() - before == set()
    assert not [t for t in threading.enumerate() if t.name.startswith("sim-render")]
    with pytest.raises(aiohttp.ClientConnectorError):
        await session.get(f"{first.base_url}/get_status.cgi")
    with pytest.raises(aiohttp.ClientConnectorError):
        await session.get(f"http://127.0.0.1:{sim.admin_port}/cameras")


async def test_only_loopback() -> None:
    """Any other host is refused."""
    with pytest.raises(ValueError, match="loopback"):
        Simulator(host="0.0.0.0")
