"""JSON admin endpoint."""

from __future__ import annotations

import aiohttp

from simulator import SimulatedCamera, Simulator, StreamMode

from .conftest import fetch, wait_until


def online(cam: SimulatedCamera) -> bool:
    """Read the property afresh (keeps mypy from narrowing it)."""
    return cam.online


async def test_admin_endpoint(
    sim: Simulator, cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """List, state, faults, alarm, reboot, drop_streams; errors for bad input."""
    base = f"http://127.0.0.1:{sim.admin_port}"
    await fetch(session, cam, "get_status.cgi")
    async with session.get(f"{base}/cameras") as resp:
        cameras = await resp.json()
    assert cameras[0]["port"] == cam.port
    assert cameras[0]["url"] == cam.base_url
    assert cameras[0]["counters"]["requests"] == {"get_status.cgi": 1}

    async with session.post(
        f"{base}/cameras/0/faults",
        json={"latency": 0.01, "stream_mode": "bare_lf", "offline": True},
    ) as resp:
        assert resp.status == 200
        assert (await resp.json())["offline"] is True
    assert cam.faults.stream_mode is StreamMode.BARE_LF
    assert not online(cam)
    async with session.post(
        f"{base}/cameras/0/faults", json={"offline": False, "latency": 0}
    ) as resp:
        assert resp.status == 200
    assert online(cam)

    async with session.post(
        f"{base}/cameras/0/alarm", json={"status": 3, "duration": 5}
    ) as resp:
        assert (await resp.json()) == {"alarm_status": 3}
    async with session.post(f"{base}/cameras/0/drop_streams") as resp:
        assert resp.status == 200
    async with session.get(f"{base}/cameras/0/state") as resp:
        state = await resp.json()
    assert state["alarm_status"] == 3
    assert state["pan"] == 180.0
    assert state["faults"]["latency"] == 0

    async with session.post(
        f"{base}/cameras/0/reboot", json={"downtime": 0.05}
    ) as resp:
        assert resp.status == 202
    await wait_until(lambda: cam.state.boot_count == 2 and cam.online)
    assert cam.state.alarm_status == 0

    for method, path, body, status in [
        ("GET", "/cameras/5/state", None, 404),
        ("GET", "/cameras/x/state", None, 404),
        ("POST", "/cameras/0/faults", {"latency": "slow"}, 400),
        ("POST", "/cameras/0/faults", {"bogus": 1}, 400),
        ("POST", "/cameras/0/faults", {"offline": "yes"}, 400),
        ("POST", "/cameras/0/faults", [1], 400),
        ("POST", "/cameras/0/alarm", {"status": "x"}, 400),
        ("POST", "/cameras/0/reboot", {"downtime": "x"}, 400),
    ]:
        async with session.request(method, base + path, json=body) as resp:
            assert resp.status == status, path
    async with session.post(
        f"{base}/cameras/0/faults",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    ) as resp:
        assert resp.status == 400
