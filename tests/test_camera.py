"""Tests of the camera entity through Home Assistant's camera proxy endpoints."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
import socket
import time
from typing import Any

from aiohttp import ClientResponse
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.foscam_mjpeg.const import (
    CONF_FRAME_RATE,
    CONF_RESOLUTION,
    CONF_STREAM_IDLE_TIMEOUT,
)
from custom_components.foscam_mjpeg.data import FoscamConfigEntry
from custom_components.foscam_mjpeg.foscam_cgi import FrameRate
from custom_components.foscam_mjpeg.stream_hub import StreamHub
from simulator import SimulatedCamera

from .conftest import entry_for
from .test_stream_hub import read_part, wait_for

# Loopback sockets: the simulator and the HTTP servers of these tests.
pytestmark = pytest.mark.usefixtures("socket_enabled")

ENTITY_ID = "camera.front_door"
STREAM_URL = f"/api/camera_proxy_stream/{ENTITY_ID}"
IMAGE_URL = f"/api/camera_proxy/{ENTITY_ID}"
JPEG_SOI = b"\xff\xd8"

type SetUp = Callable[..., Awaitable[MockConfigEntry]]


@pytest.fixture
def set_up(hass: HomeAssistant, sim_camera: SimulatedCamera) -> SetUp:
    """Set up the administrator entry with stream options (QVGA, 10 fps default)."""

    async def _set_up(**options: Any) -> MockConfigEntry:
        entry = entry_for(sim_camera)
        entry.add_to_hass(hass)
        hass.config_entries.async_update_entry(
            entry,
            options={
                CONF_RESOLUTION: "qvga",
                CONF_FRAME_RATE: str(int(FrameRate.FPS_10)),
                CONF_STREAM_IDLE_TIMEOUT: 0,
            }
            | options,
        )
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        return entry

    return _set_up


def camera_state(hass: HomeAssistant) -> State:
    """Return the camera entity's state."""
    state = hass.states.get(ENTITY_ID)
    assert state is not None
    return state


def hub_of(entry: MockConfigEntry) -> StreamHub:
    """Return the entry's stream hub."""
    hub: StreamHub = entry.runtime_data.hub
    return hub


@pytest.fixture
async def unload() -> AsyncGenerator[list[tuple[HomeAssistant, MockConfigEntry]]]:
    """Entries to unload at the end of a test (closes the hub)."""
    entries: list[tuple[HomeAssistant, MockConfigEntry]] = []
    yield entries
    for hass, entry in entries:
        if entry.state is ConfigEntryState.LOADED:
            await hass.config_entries.async_unload(entry.entry_id)


async def test_entity(
    hass: HomeAssistant,
    init_integration: FoscamConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The camera is the device's main entity and exposes no URL or secret."""
    state = camera_state(hass)
    assert state.state == "idle"
    assert state.attributes["brand"] == "Foscam"
    assert state.attributes["model_name"].startswith("CGI v1 camera")
    assert state.attributes["supported_features"] == 0
    assert "frontend_stream_type" not in state.attributes
    for value in state.attributes.values():
        assert "http" not in str(value)
        assert "pwd" not in str(value)
    entity = entity_registry.async_get(ENTITY_ID)
    assert entity is not None
    assert entity.unique_id == init_integration.unique_id
    # The device's main feature: it takes the device name.
    assert entity.original_name is None
    assert state.attributes["friendly_name"] == "Front door"
    await hass.config_entries.async_unload(init_integration.entry_id)


async def test_availability_follows_coordinator(
    hass: HomeAssistant, sim_camera: SimulatedCamera, set_up: SetUp
) -> None:
    """The camera is unavailable while the camera does not answer."""
    entry = await set_up()
    coordinator = entry.runtime_data.coordinator
    await sim_camera.set_offline(True)
    await coordinator.async_refresh()
    assert camera_state(hass).state == "unavailable"
    await sim_camera.set_offline(False)
    await coordinator.async_refresh()
    assert camera_state(hass).state == "idle"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_viewers_share_one_camera_stream(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim_camera: SimulatedCamera,
    set_up: SetUp,
    unload: list[tuple[HomeAssistant, MockConfigEntry]],
) -> None:
    """More viewers than the camera's stream slots, one camera connection."""
    entry = await set_up()
    unload.append((hass, entry))
    client = await hass_client()
    responses = [await client.get(STREAM_URL) for _ in range(6)]
    for response in responses:
        assert response.status == 200
        assert response.headers["Content-Type"] == (
            "multipart/x-mixed-replace;boundary=frameboundary"
        )

    async def read_parts(response: ClientResponse) -> list[bytes]:
        return [await read_part(response) for _ in range(6)]

    received = await asyncio.gather(*(read_parts(r) for r in responses))
    for parts in received:
        assert all(part.startswith(JPEG_SOI) for part in parts)
    # The viewers joined a few milliseconds apart, then got the same frames.
    assert len(set.intersection(*(set(parts) for parts in received))) >= 3
    assert sim_camera.counters.stream_peak == 1
    assert sim_camera.counters.stream_total == 1
    assert hub_of(entry).stats["viewers"] == 6

    for response in responses:
        response.close()
    await wait_for(lambda: sim_camera.counters.stream_current == 0)


async def test_still_while_streaming_uses_stream(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim_camera: SimulatedCamera,
    set_up: SetUp,
    unload: list[tuple[HomeAssistant, MockConfigEntry]],
) -> None:
    """A still image during streaming costs the camera nothing."""
    entry = await set_up()
    unload.append((hass, entry))
    client = await hass_client()
    viewer = await client.get(STREAM_URL)
    await read_part(viewer)
    for _ in range(3):
        response = await client.get(IMAGE_URL)
        assert response.status == 200
        assert response.content_type == "image/jpeg"
        assert (await response.read()).startswith(JPEG_SOI)
    assert sim_camera.counters.snapshot_count == 0
    assert sim_camera.counters.requests["snapshot.cgi"] == 0
    assert hub_of(entry).stats["stills_from_stream"] == 3
    viewer.close()


async def test_concurrent_stills_coalesce(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim_camera: SimulatedCamera,
    set_up: SetUp,
    unload: list[tuple[HomeAssistant, MockConfigEntry]],
) -> None:
    """Without a stream, concurrent stills share one snapshot request."""
    entry = await set_up()
    unload.append((hass, entry))
    client = await hass_client()
    sim_camera.faults.latency = 0.2
    responses = await asyncio.gather(*(client.get(IMAGE_URL) for _ in range(5)))
    bodies = {await response.read() for response in responses}
    assert [response.status for response in responses] == [200] * 5
    assert len(bodies) == 1
    assert bodies.pop().startswith(JPEG_SOI)
    assert sim_camera.counters.snapshot_count == 1
    assert sim_camera.counters.stream_total == 0
    assert hub_of(entry).stats["snapshots_fetched"] == 1


async def test_still_error(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim_camera: SimulatedCamera,
    set_up: SetUp,
    unload: list[tuple[HomeAssistant, MockConfigEntry]],
) -> None:
    """An unreachable camera answers a still request with an error status."""
    entry = await set_up()
    unload.append((hass, entry))
    client = await hass_client()
    await sim_camera.set_offline(True)
    response = await client.get(IMAGE_URL)
    assert response.status == 500
    await sim_camera.set_offline(False)


async def count_frames(response: ClientResponse, seconds: float) -> int:
    """Parts received during the given time."""
    count = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await read_part(response)
        count += 1
    return count


async def test_stalled_viewer_does_not_slow_others(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    set_up: SetUp,
    unload: list[tuple[HomeAssistant, MockConfigEntry]],
) -> None:
    """A viewer that stops reading skips frames; the others get every frame."""
    entry = await set_up(**{CONF_FRAME_RATE: str(int(FrameRate.FULL))})
    unload.append((hass, entry))
    hub = hub_of(entry)
    client = await hass_client()
    readers = [await client.get(STREAM_URL) for _ in range(2)]
    await asyncio.gather(*(read_part(reader) for reader in readers))

    # A raw client with a tiny receive window that never reads.
    token = camera_state(hass).attributes["access_token"]
    url = client.make_url(f"{STREAM_URL}?token={token}")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await hass.loop.sock_connect(sock, (url.host, url.port))
    request = f"GET {url.path_qs} HTTP/1.1\r\nHost: {url.host}\r\n\r\n"
    await hass.loop.sock_sendall(sock, request.encode())
    try:
        await wait_for(lambda: hub.stats["viewers"] == 3)
        port = sock.getsockname()[1]
        (stalled,) = (
            viewer
            for viewer in hub._viewers
            if viewer.socket.transport is not None
            and viewer.socket.transport.get_extra_info("peername")[1] == port
        )
        # A small send buffer on Home Assistant's side too (as on a slow
        # network): back-pressure comes after a few frames, not megabytes.
        assert stalled.socket.transport is not None
        stalled.socket.transport.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_SNDBUF, 4096
        )
        received = hub.stats["frames_received"]
        counts = await asyncio.gather(*(count_frames(r, 2.0) for r in readers))
        received = hub.stats["frames_received"] - received
        buffers = [len(viewer.buffer) for viewer in hub._viewers]
    finally:
        sock.close()
    # Each reader keeps up with the camera (about 30 fps) ...
    for count in counts:
        assert count >= received - 2
        assert count >= 40
    # ... while the stalled viewer skips frames within its two-frame buffer.
    assert max(buffers) <= 2
    assert stalled.dropped > received / 2
    assert hub.stats["frames_dropped"] == stalled.dropped
    for reader in readers:
        reader.close()


async def test_stream_loss_is_survived(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim_camera: SimulatedCamera,
    set_up: SetUp,
    unload: list[tuple[HomeAssistant, MockConfigEntry]],
) -> None:
    """The camera dropping its streams does not drop the viewers."""
    entry = await set_up()
    unload.append((hass, entry))
    hub = hub_of(entry)
    client = await hass_client()
    viewers = [await client.get(STREAM_URL) for _ in range(5)]
    await asyncio.gather(*(read_part(viewer) for viewer in viewers))
    sim_camera.drop_streams()
    await wait_for(lambda: hub.stats["upstream_connects"] == 2)
    for viewer in viewers:
        parts = {await read_part(viewer) for _ in range(4)}
        assert len(parts) >= 3
    assert hub.stats["viewers"] == 5
    assert sim_camera.counters.stream_total == 2
    assert sim_camera.counters.stream_peak == 1
    for viewer in viewers:
        viewer.close()


async def test_idle_timeout(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim_camera: SimulatedCamera,
    set_up: SetUp,
    unload: list[tuple[HomeAssistant, MockConfigEntry]],
) -> None:
    """The camera stream closes idle_timeout after the last viewer left."""
    entry = await set_up(**{CONF_STREAM_IDLE_TIMEOUT: 0.5})
    unload.append((hass, entry))
    client = await hass_client()
    viewer = await client.get(STREAM_URL)
    await read_part(viewer)
    viewer.close()
    left = time.monotonic()
    await wait_for(lambda: hub_of(entry).stats["viewers"] == 0)
    await asyncio.sleep(0.2)
    assert sim_camera.counters.stream_current == 1
    await wait_for(lambda: sim_camera.counters.stream_current == 0)
    assert time.monotonic() - left >= 0.5
    assert sim_camera.counters.stream_total == 1


async def test_unload_ends_viewers(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim_camera: SimulatedCamera,
    set_up: SetUp,
) -> None:
    """Unloading the entry ends the viewers' responses and the camera stream."""
    entry = await set_up(**{CONF_STREAM_IDLE_TIMEOUT: 60})
    client = await hass_client()
    viewer = await client.get(STREAM_URL)
    await read_part(viewer)
    assert await hass.config_entries.async_unload(entry.entry_id)
    async with asyncio.timeout(5):
        await viewer.content.read()  # returns at the end of the response
    assert viewer.content.at_eof()
    await wait_for(lambda: sim_camera.counters.stream_current == 0)
