"""Faults of a real (simulated) camera on real loopback sockets.

Already covered elsewhere and not repeated here: offline at setup -> retry
(test_init), one warning/one info for a lost camera while polling (test_init),
password change -> reauth and no more polls (test_init), privilege reduced ->
repair issue (test_init), stream drop/reboot with one upstream (test_camera,
test_stream_hub). These tests combine the faults with streaming and check the
bounds: log lines per incident, requests per poll, tasks, connections, time.

Hub tests use real time: frozen time would stall the simulator's frame timer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import logging
import re
import time
from typing import Any

from aiohttp import ClientResponse
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_platform
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.foscam_mjpeg import helpers, upstream
from custom_components.foscam_mjpeg.const import (
    CONF_FRAME_RATE,
    CONF_RESOLUTION,
    CONF_STREAM_IDLE_TIMEOUT,
    DOMAIN,
)
from custom_components.foscam_mjpeg.foscam_cgi import FrameRate, Privilege
from simulator import SimulatedCamera

from ..conftest import entry_for, setup_entry
from ..test_stream_hub import read_part, wait_for
from .conftest import (
    OURS,
    HostileFront,
    Script,
    front_entry,
    http,
    messages,
    our_records,
    our_states,
    reset,
    task_count,
)

pytestmark = pytest.mark.usefixtures("socket_enabled")

CAMERA = "camera.front_door"
STREAM_URL = f"/api/camera_proxy_stream/{CAMERA}"
STREAM_OPTIONS: dict[str, Any] = {
    CONF_RESOLUTION: "qvga",
    CONF_FRAME_RATE: str(int(FrameRate.FPS_10)),
    CONF_STREAM_IDLE_TIMEOUT: 0,
}
_SIM_TS = re.compile(rb"sim-ts=([0-9.]+)")


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return the state of an entity that must exist."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def camera_state(hass: HomeAssistant) -> str:
    """Return the camera entity's state."""
    return state_of(hass, CAMERA)


def rendered_at(jpeg: bytes) -> float:
    """When the simulator rendered a frame (its COM segment), time.time()."""
    match = _SIM_TS.search(jpeg)
    assert match is not None
    return float(match[1])


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Set up an entry with fast stream options."""
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options=STREAM_OPTIONS)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


class Viewer:
    """An HTTP client of the camera proxy that reads every part it gets."""

    def __init__(self, response: ClientResponse) -> None:
        """Start reading in the background."""
        self.response = response
        self.frames: list[tuple[float, bytes]] = []  # (arrival time.time(), jpeg)
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            jpeg = await read_part(self.response)
            self.frames.append((time.time(), jpeg))

    def first_rendered_after(self, moment: float) -> tuple[float, bytes] | None:
        """Return the first frame that the camera rendered after ``moment``."""
        return next(
            (item for item in self.frames if rendered_at(item[1]) > moment), None
        )

    async def close(self) -> None:
        """Stop reading and disconnect."""
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        self.response.close()


@asynccontextmanager
async def viewers(
    hass_client: ClientSessionGenerator, count: int
) -> AsyncIterator[list[Viewer]]:
    """``count`` viewers of the camera, each with a first frame."""
    client = await hass_client()
    watching = [Viewer(await client.get(STREAM_URL)) for _ in range(count)]
    try:
        await wait_for(lambda: all(viewer.frames for viewer in watching))
        yield watching
    finally:
        for viewer in watching:
            await viewer.close()


def count_stream_attempts(entry: MockConfigEntry) -> list[float]:
    """Record when the hub opens a camera stream (time.monotonic())."""
    client = entry.runtime_data.client
    original = client.open_mjpeg
    attempts: list[float] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        attempts.append(time.monotonic())
        return original(*args, **kwargs)

    client.open_mjpeg = counting
    return attempts


async def test_outage_during_streaming_and_polling(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim_camera: SimulatedCamera,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The camera goes away for 1.5 s while 3 viewers watch and polls run.

    Entities go unavailable at the next poll; one warning when lost, one info
    when back (and one info each way for the stream); the viewers stay
    connected and get freshly rendered frames within 5 s of the camera's
    return; the hub backs off meanwhile and never holds two camera streams;
    the task count returns to where it was.
    """
    caplog.set_level(logging.INFO, logger=OURS)
    entry = await set_up(hass, entry_for(sim_camera))
    coordinator = entry.runtime_data.coordinator
    hub = entry.runtime_data.hub
    attempts = count_stream_attempts(entry)
    async with viewers(hass_client, 3) as watching:
        baseline = task_count()
        caplog.clear()

        await sim_camera.set_offline(True)
        gone = time.monotonic()
        for _ in range(3):
            await coordinator.async_refresh()
        states = list(our_states(hass))
        assert states
        assert all(state.state == STATE_UNAVAILABLE for state in states)
        await asyncio.sleep(1.5)
        await sim_camera.set_offline(False)
        back, back_wall = time.monotonic(), time.time()
        # Back-off while away: 0.5 s, then 1 s (no reconnect storm).
        assert len([t for t in attempts if gone <= t < back]) <= 3

        await wait_for(lambda: all(v.first_rendered_after(back_wall) for v in watching))
        for viewer in watching:
            first = viewer.first_rendered_after(back_wall)
            assert first is not None
            assert first[0] - back_wall < 5.0
        assert time.monotonic() - back < 5.0
        await coordinator.async_refresh()
        assert camera_state(hass) != STATE_UNAVAILABLE

        assert hub.stats["viewers"] == 3
        assert sim_camera.counters.stream_peak == 1
        assert sim_camera.counters.stream_total == 2
        records = our_records(caplog, logging.INFO)
        assert [r.levelno for r in records if r.levelno >= logging.WARNING] == [
            logging.WARNING
        ], messages(records)
        infos = sorted(r.getMessage() for r in records if r.levelno == logging.INFO)
        assert len(infos) == 3, infos
        assert "Stream of Front door lost" in infos[1]
        assert infos[2] == "Stream of Front door restored"
        assert "recovered" in infos[0]
        assert task_count() <= baseline
    await hass.config_entries.async_unload(entry.entry_id)


async def test_stalled_stream_is_replaced(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim_camera: SimulatedCamera,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A camera that keeps the stream open but sends nothing is replaced.

    The client's per-read timeout (10 s) would catch a silent socket
    eventually; the hub's watchdog (max(STALL_MIN, 5 frame periods), patched
    to 0.5 s here) replaces it, closing the old connection first.
    """
    monkeypatch.setattr(upstream, "STALL_MIN", 0.5)
    monkeypatch.setattr(upstream, "RECONNECT_MIN", 0.1)
    caplog.set_level(logging.INFO, logger=OURS)
    entry = await set_up(hass, entry_for(sim_camera))
    async with viewers(hass_client, 2) as watching:
        caplog.clear()
        sim_camera.faults.stall_stream = True
        await wait_for(lambda: sim_camera.counters.stream_total >= 2)
        sim_camera.faults.stall_stream = False
        resumed = time.time()
        await wait_for(lambda: all(v.first_rendered_after(resumed) for v in watching))
        assert sim_camera.counters.stream_peak == 1
        assert entry.runtime_data.hub.stats["viewers"] == 2
    assert messages(our_records(caplog, logging.INFO)) == [
        "INFO Stream of Front door lost (no frame for 0.5 s)",
        "INFO Stream of Front door restored",
    ]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_slow_camera(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Replies slower than the timeout: bounded polls, no blocking, no leak.

    Each poll costs one request and the timeout; an action fails in the same
    time with a clear error; the event loop keeps turning meanwhile.
    """
    monkeypatch.setattr(helpers, "REQUEST_TIMEOUT", 0.3)
    caplog.set_level(logging.INFO, logger=OURS)
    entry = await setup_entry(hass, entry_for(sim_camera))
    coordinator = entry.runtime_data.coordinator
    baseline = task_count()
    requests = sim_camera.counters.requests
    before = requests["get_status.cgi"]
    caplog.clear()

    loop = asyncio.get_running_loop()
    lags: list[float] = []

    async def monitor() -> None:
        while True:
            start = loop.time()
            await asyncio.sleep(0.01)
            lags.append(loop.time() - start - 0.01)

    watchdog = asyncio.create_task(monitor())
    sim_camera.faults.latency = 2.0
    for _ in range(3):
        start = time.monotonic()
        await coordinator.async_refresh()
        assert time.monotonic() - start < 1.0
    start = time.monotonic()
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            DOMAIN, "ptz_preset", {"entity_id": CAMERA, "preset": 1}, blocking=True
        )
    assert time.monotonic() - start < 1.0
    watchdog.cancel()
    await asyncio.gather(watchdog, return_exceptions=True)

    assert requests["get_status.cgi"] == before + 3  # no retries inside a poll
    assert max(lags) < 0.25
    assert camera_state(hass) == STATE_UNAVAILABLE
    assert [r.levelno for r in our_records(caplog, logging.WARNING)] == [
        logging.WARNING
    ]

    sim_camera.faults.latency = 0.0
    await coordinator.async_refresh()
    assert camera_state(hass) != STATE_UNAVAILABLE
    # The simulator cancels the handlers of the requests the client gave up on.
    await wait_for(lambda: task_count() <= baseline)
    await hass.config_entries.async_unload(entry.entry_id)


async def _half_close(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n")
    writer.write_eof()  # the camera's side of the socket is done
    await reader.read()


async def _reset_mid_body(
    _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    writer.write(http(b"var id='00626E4A0001';\nvar alias='Fr", length=400))
    await writer.drain()
    await asyncio.sleep(0.05)
    reset(writer)


async def _truncated_body(
    _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    writer.write(http(b"var id='00626E4A0001';\nvar alias='Fr", length=400))


async def _silence(reader: asyncio.StreamReader, _writer: asyncio.StreamWriter) -> None:
    await reader.read()  # never answer; returns when the client gives up


CONNECTION_FAULTS: dict[str, Script] = {
    "half_close": _half_close,
    "reset_mid_body": _reset_mid_body,
    "truncated_body": _truncated_body,
    "silence": _silence,
}


@pytest.mark.parametrize("fault", CONNECTION_FAULTS.values(), ids=CONNECTION_FAULTS)
async def test_connection_faults_while_polling(
    hass: HomeAssistant,
    front: HostileFront,
    fault: Script,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """get_status.cgi half-closes, resets, truncates or never answers.

    One request per poll, one warning for three failed polls, one info when
    the camera answers again, no connection or task left behind.
    """
    monkeypatch.setattr(helpers, "REQUEST_TIMEOUT", 0.3)
    caplog.set_level(logging.INFO, logger=OURS)
    entry = await setup_entry(hass, front_entry(front))
    coordinator = entry.runtime_data.coordinator
    baseline = task_count()
    caplog.clear()

    front.overrides["get_status.cgi"] = fault
    before = front.count("get_status.cgi")
    for _ in range(3):
        await coordinator.async_refresh()
    # No retry loop: aiohttp itself resends a GET once when the server drops
    # the connection before the status line (half_close), nothing more.
    assert before + 3 <= front.count("get_status.cgi") <= before + 6
    assert camera_state(hass) == STATE_UNAVAILABLE

    del front.overrides["get_status.cgi"]
    await coordinator.async_refresh()
    assert camera_state(hass) != STATE_UNAVAILABLE
    records = our_records(caplog, logging.INFO)
    assert [r.levelno for r in records] == [logging.WARNING, logging.INFO], messages(
        records
    )
    assert not any(r.exc_info for r in records)
    await wait_for(lambda: front.open_connections == 0)
    await wait_for(lambda: task_count() <= baseline)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_password_changed_while_streaming(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim_camera: SimulatedCamera,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """New password on the camera: reauth, and neither side keeps knocking.

    The hub tries the stream once more, gets 401, ends its viewers and logs
    once; polling stops (reauth flow) instead of retrying bad credentials.
    """
    caplog.set_level(logging.INFO, logger=OURS)
    entry = await set_up(hass, entry_for(sim_camera))
    coordinator = entry.runtime_data.coordinator
    client = await hass_client()
    response = await client.get(STREAM_URL)
    await read_part(response)
    caplog.clear()

    sim_camera.state.settings.users[0].pwd = "changed"
    sim_camera.drop_streams()
    async with asyncio.timeout(5):
        while await response.content.read(64 * 1024):
            pass  # the hub ends the viewer once the camera refuses the stream
    await coordinator.settings.async_refresh()  # read the settings CGIs now
    await coordinator.async_refresh()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]

    requests = sim_camera.counters.requests
    total = sum(requests.values())
    await asyncio.sleep(0.5)
    assert sum(requests.values()) == total
    # The first stream, then one retry: Basic, and the one-time query fallback.
    assert requests["videostream.cgi"] == 3

    records = our_records(caplog, logging.INFO)
    assert sorted(messages(records)) == [
        "INFO Stream of Front door lost (camera closed the stream)",
        "WARNING Authentication failed while fetching Front door settings data: "
        "The camera rejected the username or password",
        f"WARNING Stream of Front door refused: videostream.cgi on "
        f"127.0.0.1:{sim_camera.port}: HTTP 401",
    ], messages(records)
    await hass.config_entries.async_unload(entry.entry_id)


def _entities_and_cgis(hass: HomeAssistant) -> list[tuple[Any, str | None]]:
    """Every entity object of the integration with the CGI it needs."""
    found: list[tuple[Any, str | None]] = []
    for platform in entity_platform.async_get_platforms(hass, DOMAIN):
        for entity in platform.entities.values():
            description = getattr(entity, "entity_description", None)
            found.append((entity, getattr(description, "cgi", None)))
    return found


async def _reduce_privilege(
    hass: HomeAssistant, sim_camera: SimulatedCamera, caplog: pytest.LogCaptureFixture
) -> MockConfigEntry:
    """Set up an administrator entry whose user becomes an operator on the camera."""
    entry = await setup_entry(hass, entry_for(sim_camera))
    caplog.clear()
    sim_camera.state.settings.users[0].pri = 1  # operator on the 0..2 scale
    coordinator = entry.runtime_data.coordinator
    for _ in range(3):
        await coordinator.settings.async_refresh()  # read the settings CGIs now
        await coordinator.async_refresh()
    assert coordinator.privilege is Privilege.OPERATOR
    return entry


async def test_privilege_reduced_settings_unavailable(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Settings the new level cannot read go unavailable; one warning, no spam."""
    caplog.set_level(logging.INFO, logger=OURS)
    entry = await _reduce_privilege(hass, sim_camera, caplog)
    params_reads = sim_camera.counters.requests["get_params.cgi"]
    await entry.runtime_data.coordinator.async_refresh()
    assert sim_camera.counters.requests["get_params.cgi"] == params_reads

    checked = 0
    for entity, cgi in _entities_and_cgis(hass):
        state = hass.states.get(entity.entity_id)
        assert state is not None
        description = getattr(entity, "entity_description", None)
        reads_a_setting = getattr(description, "value_fn", None)
        if (
            cgi is not None
            and reads_a_setting
            and not entry.runtime_data.coordinator.privilege.allows(cgi)
        ):
            assert state.state == STATE_UNAVAILABLE, entity.entity_id
            checked += 1
        if cgi in (None, "get_status.cgi"):
            assert state.state != STATE_UNAVAILABLE, entity.entity_id
    assert checked
    records = our_records(caplog, logging.INFO)
    assert messages(records) == [
        "WARNING Front door: the camera now grants this user operator rights "
        "instead of administrator"
    ]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_privilege_reduced_commands_unavailable(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every entity whose CGI the granted level cannot call is unavailable."""
    entry = await _reduce_privilege(hass, sim_camera, caplog)
    coordinator = entry.runtime_data.coordinator
    usable_wrongly = [
        entity.entity_id
        for entity, cgi in _entities_and_cgis(hass)
        if cgi is not None
        and not coordinator.privilege.allows(cgi)
        and state_of(hass, entity.entity_id) != STATE_UNAVAILABLE
    ]
    await hass.config_entries.async_unload(entry.entry_id)
    assert usable_wrongly == []
