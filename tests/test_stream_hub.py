"""Tests of the stream hub: fan-out, back-pressure, reconnects, stills, shutdown.

Most tests run the hub against a scripted fake client (exact control over
frames and failures); the ``real_*`` tests run it against the simulator
through the real protocol client.
"""

from __future__ import annotations

import asyncio
from collections.abc import (
    AsyncGenerator,
    Awaitable,
    Callable,
    Sequence,
)
import logging
import socket
import sys
import time
from typing import Any, cast

from aiohttp import ClientResponse, ClientSession, web
from aiohttp.test_utils import TestClient, TestServer
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest

from custom_components.foscam_mjpeg import upstream, viewer_socket
from custom_components.foscam_mjpeg.const import DOMAIN
from custom_components.foscam_mjpeg.fan_out import multipart_part
from custom_components.foscam_mjpeg.foscam_cgi import (
    FoscamAuthenticationError,
    FoscamCamera,
    FoscamConnectionError,
    FoscamTimeoutError,
    FrameHandler,
    FrameRate,
    FrameStream,
    Resolution,
)
from custom_components.foscam_mjpeg.stream_hub import StreamHub
from simulator import SimulatedCamera

# Loopback sockets: the simulator and the HTTP servers of these tests.
pytestmark = pytest.mark.usefixtures("socket_enabled")

type Item = bytes | Exception | None


class FakeClient:
    """Stands in for FoscamCamera: frames and failures are fed by the test."""

    def __init__(self) -> None:
        """Start with no connection."""
        self.items: asyncio.Queue[Item] = asyncio.Queue()
        self.connect_errors: list[Exception] = []
        self.current = 0
        self.peak = 0
        self.total = 0
        self.close_delay = 0.0
        self.snapshot_calls = 0
        self.snapshot_gate = asyncio.Event()
        self.snapshot_gate.set()
        self.snapshot_error: Exception | None = None

    async def open_mjpeg(
        self,
        on_frame: FrameHandler,
        resolution: Resolution | None = None,
        rate: FrameRate | None = None,
        *,
        stall_timeout: float,
    ) -> FrameStream:
        """Open a connection fed from the queue.

        An exception item ends it with that error, None ends it in order.
        """
        del resolution, rate  # the fake streams its queue whatever is asked
        if self.connect_errors:
            raise self.connect_errors.pop(0)
        self.current += 1
        self.total += 1
        self.peak = max(self.peak, self.current)
        return FakeStream(self, on_frame, stall_timeout)

    async def snapshot(self) -> bytes:
        """Count the request, wait for the gate, fail or answer."""
        self.snapshot_calls += 1
        await self.snapshot_gate.wait()
        if self.snapshot_error is not None:
            raise self.snapshot_error
        return b"snapshot"


class FakeStream(FrameStream):
    """The real consumer side (frame handler, stall timer) on a scripted feed."""

    def __init__(
        self, client: FakeClient, on_frame: FrameHandler, stall_timeout: float
    ) -> None:
        """Start feeding the client's queued items."""
        super().__init__("videostream.cgi on fake", on_frame, stall_timeout)
        self._client = client
        self._arm()
        self._task = asyncio.create_task(self._feed())

    async def _feed(self) -> None:
        error: Exception | None = None
        try:
            while (item := await self._client.items.get()) is not None:
                if isinstance(item, Exception):
                    error = item
                    break
                self._deliver(item)
        except asyncio.CancelledError:
            pass
        except Exception as err:  # a hub bug ends the connection
            error = err
        finally:
            if self._client.close_delay:
                await asyncio.sleep(self._client.close_delay)
            self._client.current -= 1
            self._ended(error)

    def _close_transport(self) -> None:
        self._task.cancel()


def make_hub(
    hass: HomeAssistant, client: object, *, idle_timeout: float = 0.0
) -> StreamHub:
    """Return a hub on a fake or real client."""
    return StreamHub(
        hass,
        cast(FoscamCamera, client),
        resolution=Resolution.QVGA,
        rate=FrameRate.FPS_10,
        idle_timeout=idle_timeout,
        name="Front door",
    )


type Serve = Callable[[StreamHub], Awaitable[TestClient[web.Request, web.Application]]]


@pytest.fixture
async def serve() -> AsyncGenerator[Serve]:
    """Serve hubs over HTTP on loopback; everything is closed at the end."""
    clients: list[TestClient[web.Request, web.Application]] = []

    async def _serve(hub: StreamHub) -> TestClient[web.Request, web.Application]:
        async def handler(request: web.Request) -> web.StreamResponse:
            return await hub.async_handle_mjpeg_stream(request)

        app = web.Application()
        app.router.add_get("/stream", handler)
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return client

    yield _serve
    for client in clients:
        await client.close()


async def read_part(response: ClientResponse) -> bytes:
    """Read one multipart part, checking the exact framing; return the JPEG."""
    content = response.content
    assert await content.readline() == b"--frameboundary\r\n"
    assert await content.readline() == b"Content-Type: image/jpeg\r\n"
    name, _, value = (await content.readline()).partition(b":")
    assert name == b"Content-Length"
    assert await content.readline() == b"\r\n"
    jpeg = await content.readexactly(int(value))
    assert await content.readexactly(2) == b"\r\n"
    return jpeg


async def wait_for(condition: Callable[[], bool]) -> None:
    """Poll until condition() holds (at most 5 s)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition not reached in 5 s")


def connected(hub: StreamHub) -> bool:
    """Whether the hub's camera stream is delivering."""
    return bool(hub.stats["upstream_connected"])


def idle_timer_pending(hub: StreamHub) -> bool:
    """Whether the hub waits to close an unwatched stream."""
    return hub._cancel_idle_timer is not None


def frame(n: int) -> bytes:
    """Return a distinguishable fake JPEG."""
    return b"\xff\xd8jpeg %d\xff\xd9" % n


async def feed_and_read(
    fake: FakeClient, responses: Sequence[ClientResponse], numbers: range
) -> None:
    """Feed frames one by one; every viewer reads each (the first one twice)."""
    for n in numbers:
        fake.items.put_nowait(frame(n))
        for response in responses:
            assert await read_part(response) == frame(n)
            if n == 0:  # the first frame comes twice
                assert await read_part(response) == frame(0)


async def test_multipart_part() -> None:
    """A part is boundary, headers, JPEG and CRLF."""
    assert multipart_part(b"abc") == (
        b"--frameboundary\r\nContent-Type: image/jpeg\r\nContent-Length: 3\r\n\r\nabc\r\n"
    )


async def test_viewers_share_one_upstream(hass: HomeAssistant, serve: Serve) -> None:
    """Every viewer gets the same frames from one connection; the first twice."""
    fake = FakeClient()
    hub = make_hub(hass, fake)
    http = await serve(hub)
    responses = [await http.get("/stream") for _ in range(5)]
    for response in responses:
        assert response.status == 200
        assert response.headers["Content-Type"] == (
            "multipart/x-mixed-replace;boundary=frameboundary"
        )
    await wait_for(lambda: hub.stats["viewers"] == 5)
    assert (fake.total, fake.peak) == (1, 1)

    await feed_and_read(fake, responses, range(3))

    # A late viewer sees the latest frame at once (twice), then the live ones.
    late = await http.get("/stream")
    assert [await read_part(late), await read_part(late)] == [frame(2), frame(2)]
    fake.items.put_nowait(frame(3))
    assert await read_part(late) == frame(3)
    assert await read_part(responses[0]) == frame(3)

    stats = hub.stats
    assert stats["upstream_connected"] is True
    assert stats["upstream_connects"] == 1
    assert stats["frames_received"] == 4
    assert stats["frames_dropped"] == 0
    assert fake.total == 1
    await hub.async_shutdown()


async def test_fan_out_shares_one_bytes_object(hass: HomeAssistant) -> None:
    """Viewer buffers hold the very same part object: no per-viewer copy."""
    fake = FakeClient()
    hub = make_hub(hass, fake)
    viewers = [hub._add_viewer(None) for _ in range(3)]
    fake.items.put_nowait(frame(1))
    await wait_for(lambda: hub.stats["frames_received"] == 1)
    parts = [viewer.buffer[0] for viewer in viewers]
    assert all(part is parts[0] for part in parts)
    assert parts[0] == multipart_part(frame(1))
    await hub.async_shutdown()


async def test_stalled_viewer_skips_frames(hass: HomeAssistant, serve: Serve) -> None:
    """A viewer that does not read keeps two frames and drops the rest."""
    fake = FakeClient()
    hub = make_hub(hass, fake)
    http = await serve(hub)
    reader = await http.get("/stream")
    stalled = hub._add_viewer(None)  # never pumped: the slowest possible viewer
    await wait_for(lambda: hub.stats["viewers"] == 2)

    for n in range(10):
        fake.items.put_nowait(frame(n))
        assert await read_part(reader) == frame(n)
        if n == 0:
            assert await read_part(reader) == frame(0)
        assert len(stalled.buffer) <= 2
    assert list(stalled.buffer) == [multipart_part(frame(8)), multipart_part(frame(9))]
    assert stalled.dropped == 8
    assert hub.stats["frames_dropped"] == 8
    hub._remove_viewer(stalled)
    assert hub.stats["frames_dropped"] == 8
    await hub.async_shutdown()


@pytest.mark.skipif(sys.platform != "linux", reason="kernel send queue probe")
async def test_slow_link_gets_fresh_frames_not_a_backlog(
    hass: HomeAssistant, serve: Serve
) -> None:
    """A viewer whose socket has not sent the last frame skips the next ones.

    The kernel queue of a slow viewer would otherwise fill with seconds of
    frames (megabytes on loopback), and the picture would lag ever more.
    """
    fake = FakeClient()
    hub = make_hub(hass, fake)
    http = await serve(hub)
    reader = await http.get("/stream")
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.setblocking(False)
    await hass.loop.sock_connect(slow, ("127.0.0.1", http.port))
    await hass.loop.sock_sendall(slow, b"GET /stream HTTP/1.1\r\nHost: camera\r\n\r\n")
    await wait_for(lambda: hub.stats["viewers"] == 2)
    slow_address = slow.getsockname()
    viewer = next(
        v
        for v in hub._viewers
        if v.socket.transport is not None
        and v.socket.transport.get_extra_info("peername") == slow_address
    )
    big = b"\xff\xd8" + bytes(200_000)

    for n in range(30):
        fake.items.put_nowait(big + b"%d" % n)
        assert (await read_part(reader)).endswith(b"%d" % n)
        if n == 0:
            await read_part(reader)
    # The normal viewer got every frame; the slow one dropped most, while its
    # handler sat idle (the kernel queue probe skipped them, not the deque).
    assert viewer.waiter is not None
    assert viewer.dropped >= 25
    assert viewer.socket.transport is not None
    assert viewer.socket.transport.get_write_buffer_size() <= 2 * len(big) + 1024
    assert viewer.socket.unsent_bytes() > 0

    # Once it reads, the slow viewer finds at most three frames queued (the
    # first one sent twice), then the live picture.
    slow.setblocking(True)
    slow.settimeout(5)
    received = b""
    while received.count(b"--frameboundary") < 4:
        fake.items.put_nowait(big + b"%d" % 99)
        await read_part(reader)
        received += await hass.async_add_executor_job(slow.recv, 1 << 20)
    assert received.count(b"--frameboundary") <= 5
    assert b"99\r\n" in received
    slow.close()
    await hub.async_shutdown()


async def test_viewer_that_left_is_released(hass: HomeAssistant, serve: Serve) -> None:
    """A viewer that disconnects is removed (its handler ends); the others go on."""
    fake = FakeClient()
    hub = make_hub(hass, fake)
    http = await serve(hub)
    staying, leaving = await http.get("/stream"), await http.get("/stream")
    await wait_for(lambda: hub.stats["viewers"] == 2)
    await feed_and_read(fake, (staying, leaving), range(2))
    leaving.close()
    await wait_for(lambda: hub.stats["viewers"] == 1)
    fake.items.put_nowait(frame(2))
    assert await read_part(staying) == frame(2)
    assert hub.stats["frames_sent"] == 5
    await hub.async_shutdown()


async def test_gone_viewer_released_by_next_frame(hass: HomeAssistant) -> None:
    """An idle viewer whose connection closed is ended by the next frame.

    Home Assistant's server cancels the handler of a client that leaves; a
    server that does not still gets the viewer released.
    """
    fake = FakeClient()
    hub = make_hub(hass, fake)
    transport = _OpenTransport()
    viewer = hub._add_viewer(cast(asyncio.Transport, transport))
    viewer.sent = 1  # past its first frame: fed by direct writes
    viewer.waiter = waiter = hass.loop.create_future()
    transport.closing = True
    fake.items.put_nowait(frame(1))
    await wait_for(waiter.done)
    assert viewer.closed
    assert not viewer.buffer
    await hub.async_shutdown()


async def test_idle_viewers_get_frames_without_their_handler(
    hass: HomeAssistant, serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the first frame, the upstream task writes to idle viewers itself."""
    writes = 0
    original = web.StreamResponse.write

    async def counting_write(self: web.StreamResponse, data: bytes) -> None:
        nonlocal writes
        writes += 1
        await original(self, data)

    monkeypatch.setattr(web.StreamResponse, "write", counting_write)
    fake = FakeClient()
    hub = make_hub(hass, fake)
    http = await serve(hub)
    responses = [await http.get("/stream") for _ in range(3)]
    await wait_for(lambda: hub.stats["viewers"] == 3)
    await feed_and_read(fake, responses, range(10))
    assert writes == 2 * 3  # the first frame, twice, by each handler
    assert hub.stats["frames_sent"] == 30
    await hub.async_shutdown()


async def test_failing_write_ends_only_that_viewer(hass: HomeAssistant) -> None:
    """A transport that raises on write ends its viewer, not the stream."""

    class _BrokenTransport(_OpenTransport):
        def get_write_buffer_size(self) -> int:
            return 0

        def write(self, data: bytes) -> None:
            del data  # an override: the caller's argument name is kept
            raise RuntimeError("broken transport")

    fake = FakeClient()
    hub = make_hub(hass, fake)
    broken = hub._add_viewer(cast(asyncio.Transport, _BrokenTransport()))
    broken.sent = 1  # past its first frame: fed by direct writes
    broken.waiter = waiter = hass.loop.create_future()
    healthy = hub._add_viewer(None)
    fake.items.put_nowait(frame(1))
    await wait_for(waiter.done)
    assert broken.closed
    assert not healthy.closed
    assert list(healthy.buffer) == [multipart_part(frame(1))]
    assert hub.stats["upstream_connects"] == 1
    assert fake.total == 1
    await hub.async_shutdown()


@pytest.mark.parametrize("stall_with", [None, b"not a jpeg"])
async def test_stall_watchdog(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch, stall_with: bytes | None
) -> None:
    """No usable frame for the stall time replaces the connection, in time.

    Whether the camera sends nothing or parts that are no JPEG, the hub gives
    up between stall and 1.25 x stall seconds after the last good frame.
    """
    monkeypatch.setattr(upstream, "STALL_MIN", 0.3)
    monkeypatch.setattr(upstream, "RECONNECT_MIN", 60.0)
    fake = FakeClient()
    hub = make_hub(hass, fake)  # 10 fps: 5 frame periods, 0.5 s
    stall = hub._upstream.stall_timeout
    hub._add_viewer(None)
    for n in range(5):
        fake.items.put_nowait(frame(n))
        await asyncio.sleep(stall / 8)
    last_good = time.monotonic()
    while fake.current:
        if stall_with is not None:
            fake.items.put_nowait(stall_with)
        await asyncio.sleep(0.01)
        assert time.monotonic() - last_good < 3 * stall, "watchdog did not fire"
    lost_after = time.monotonic() - last_good
    assert stall * 0.9 <= lost_after
    # The fake's connection ends first; the hub notices a few loop turns later.
    await wait_for(lambda: not connected(hub))
    assert hub.stats["frames_received"] == 5
    assert (hub.stats["frames_invalid"] > 0) is (stall_with is not None)
    await hub.async_shutdown()


async def test_http10_viewer_gets_plain_parts(
    hass: HomeAssistant, serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An HTTP/1.0 client gets the multipart body without chunk framing.

    The unsent-bytes probe is absent there (as off Linux): frames still flow.
    """
    monkeypatch.setattr(viewer_socket, "fcntl", None)
    fake = FakeClient()
    hub = make_hub(hass, fake)
    http = await serve(hub)
    reader, writer = await asyncio.open_connection("127.0.0.1", http.port)
    writer.write(b"GET /stream HTTP/1.0\r\n\r\n")
    head = await reader.readuntil(b"\r\n\r\n")
    assert b"chunked" not in head.lower()
    await wait_for(lambda: hub.stats["viewers"] == 1)
    for n in range(3):
        fake.items.put_nowait(frame(n))
        expected = multipart_part(frame(n)) * (2 if n == 0 else 1)
        assert await reader.readexactly(len(expected)) == expected
    writer.close()
    await hub.async_shutdown()


async def test_unsent_probe_unavailable(hass: HomeAssistant, serve: Serve) -> None:
    """A socket the ioctl does not apply to stops being probed."""
    fake = FakeClient()
    hub = make_hub(hass, fake)
    http = await serve(hub)
    response = await http.get("/stream")
    await wait_for(lambda: hub.stats["viewers"] == 1)
    (viewer,) = hub._viewers
    not_tcp, other = socket.socketpair()
    with not_tcp, other:
        viewer.socket.fd = not_tcp.fileno()
        assert viewer.socket.unsent_bytes() == 0
    assert viewer.socket.fd == -1
    await feed_and_read(fake, (response,), range(3))
    await hub.async_shutdown()


async def test_idle_timeout(hass: HomeAssistant, serve: Serve) -> None:
    """The stream outlives its last viewer by idle_timeout, and is reused meanwhile."""
    fake = FakeClient()
    hub = make_hub(hass, fake, idle_timeout=0.3)
    http = await serve(hub)

    response = await http.get("/stream")
    fake.items.put_nowait(frame(1))
    await read_part(response)
    response.close()
    await wait_for(lambda: hub.stats["viewers"] == 0)
    await asyncio.sleep(0.1)
    assert fake.current == 1

    # Back within the timeout: same connection, latest frame at once.
    response = await http.get("/stream")
    assert await read_part(response) == frame(1)
    assert fake.total == 1
    response.close()
    await wait_for(lambda: hub.stats["viewers"] == 0)
    await asyncio.sleep(0.15)
    assert fake.current == 1
    await wait_for(lambda: fake.current == 0)
    # The hub notices the ended connection a few loop turns after the fake.
    await wait_for(lambda: hub.stats["upstream_connected"] is False)

    # A new viewer opens a new connection; the stale frame is not replayed.
    response = await http.get("/stream")
    await wait_for(lambda: fake.total == 2)
    fake.items.put_nowait(frame(2))
    assert await read_part(response) == frame(2)
    await hub.async_shutdown()


async def test_zero_idle_timeout_and_no_overlap(
    hass: HomeAssistant, serve: Serve
) -> None:
    """idle_timeout 0 closes at once; quick returns wait for the old close."""
    fake = FakeClient()
    fake.close_delay = 0.2
    hub = make_hub(hass, fake, idle_timeout=0)
    http = await serve(hub)

    response = await http.get("/stream")
    await wait_for(lambda: fake.current == 1)
    # Come and go twice while the first connection is still closing.
    for _ in range(2):
        response.close()
        await wait_for(lambda: hub.stats["viewers"] == 0)
        response = await http.get("/stream")
    await wait_for(lambda: fake.total == 2)
    assert fake.peak == 1
    fake.items.put_nowait(frame(1))
    assert await read_part(response) == frame(1)
    await hub.async_shutdown()
    assert fake.current == 0


async def test_reconnect_keeps_viewers(
    hass: HomeAssistant,
    serve: Serve,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Lost stream: one log line, retries with back-off, viewers stay connected."""
    monkeypatch.setattr(upstream, "RECONNECT_MIN", 0.01)
    caplog.set_level(logging.INFO, logger="custom_components.foscam_mjpeg")
    fake = FakeClient()
    hub = make_hub(hass, fake)
    http = await serve(hub)
    response = await http.get("/stream")
    fake.items.put_nowait(frame(1))
    assert await read_part(response) == frame(1)
    assert await read_part(response) == frame(1)

    fake.connect_errors = [FoscamConnectionError("refused"), FoscamTimeoutError("t")]
    fake.items.put_nowait(FoscamConnectionError("reset"))
    await wait_for(lambda: not fake.connect_errors and fake.total == 2)
    assert connected(hub) is False
    fake.items.put_nowait(frame(2))
    assert await read_part(response) == frame(2)
    assert connected(hub) is True
    assert hub.stats["upstream_connects"] == 2

    # The iterator simply ending is a loss too.
    fake.items.put_nowait(None)
    await wait_for(lambda: fake.total == 3)
    fake.items.put_nowait(frame(3))
    assert await read_part(response) == frame(3)
    assert fake.peak == 1

    messages = [r.getMessage() for r in caplog.records if r.name.startswith("custom")]
    assert messages == [
        "Stream of Front door lost (reset)",
        "Stream of Front door restored",
        "Stream of Front door lost (camera closed the stream)",
        "Stream of Front door restored",
    ]
    await hub.async_shutdown()


async def test_loss_while_idle_is_not_retried(
    hass: HomeAssistant, serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    """Nobody watching: a lost stream waits for the next viewer to reconnect."""
    caplog.set_level(logging.INFO, logger="custom_components.foscam_mjpeg")
    fake = FakeClient()
    hub = make_hub(hass, fake, idle_timeout=60)
    http = await serve(hub)
    response = await http.get("/stream")
    fake.items.put_nowait(frame(1))
    await read_part(response)
    response.close()
    await wait_for(lambda: hub.stats["viewers"] == 0)
    fake.items.put_nowait(None)
    await wait_for(lambda: hub._upstream.task is not None and hub._upstream.task.done())
    assert fake.total == 1

    response = await http.get("/stream")
    fake.items.put_nowait(frame(2))
    assert await read_part(response) == frame(2)
    assert fake.total == 2
    assert "Stream of Front door restored" in caplog.text
    await hub.async_shutdown()


async def test_unexpected_error_is_logged_once_and_retried(
    hass: HomeAssistant,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A client bug does not kill the hub."""
    monkeypatch.setattr(upstream, "RECONNECT_MIN", 0.01)
    fake = FakeClient()
    fake.connect_errors = [RuntimeError("bug"), RuntimeError("bug")]
    hub = make_hub(hass, fake)
    hub._add_viewer(None)
    await wait_for(lambda: fake.total == 1)
    assert caplog.text.count("Unexpected error in the stream of Front door") == 1
    await hub.async_shutdown()


async def test_authentication_error_stops(
    hass: HomeAssistant,
    serve: Serve,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Rejected credentials: no retry loop, viewers are ended."""
    monkeypatch.setattr(upstream, "RECONNECT_MIN", 0.01)
    fake = FakeClient()
    fake.connect_errors = [FoscamAuthenticationError("videostream.cgi: 401")]
    hub = make_hub(hass, fake)
    http = await serve(hub)
    response = await http.get("/stream")
    assert await response.content.read() == b""
    await wait_for(lambda: hub.stats["viewers"] == 0)
    await asyncio.sleep(0.05)
    assert fake.total == 0
    assert not fake.connect_errors
    assert caplog.text.count("Stream of Front door refused") == 1

    # Each new viewer tries again (after a reauth the entry reloads anyway),
    # without a new log line.
    fake.connect_errors = [FoscamAuthenticationError("videostream.cgi: 401")]
    response = await http.get("/stream")
    assert await response.content.read() == b""
    assert caplog.text.count("Stream of Front door refused") == 1
    response = await http.get("/stream")
    fake.items.put_nowait(frame(1))
    assert await read_part(response) == frame(1)
    await hub.async_shutdown()


class _OpenTransport:
    """A transport whose client is still there (no socket)."""

    closing = False

    def is_closing(self) -> bool:
        """Whether the connection is closed."""
        return self.closing

    def get_extra_info(self, name: str) -> None:
        """No socket to inspect."""


class _ClosedTransport(_OpenTransport):
    """A transport whose client has gone."""

    closing = True


async def test_disconnect_noticed_while_upstream_down(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A viewer that left during an outage is released (no write would notice)."""
    monkeypatch.setattr(upstream, "RECONNECT_MIN", 0.01)
    monkeypatch.setattr(upstream, "RECONNECT_MAX", 0.02)
    fake = FakeClient()
    fake.connect_errors = [FoscamConnectionError("down")] * 1000
    hub = make_hub(hass, fake)
    gone = hub._add_viewer(cast(asyncio.Transport, _ClosedTransport()))
    present = hub._add_viewer(cast(asyncio.Transport, _OpenTransport()))
    await wait_for(lambda: gone.closed)
    assert not present.closed
    await hub.async_shutdown()
    assert present.closed


async def test_still_from_stream(hass: HomeAssistant) -> None:
    """A fresh stream frame answers a still request with no camera request."""
    fake = FakeClient()
    hub = make_hub(hass, fake)
    assert hub.latest_frame() is None
    hub._add_viewer(None)
    fake.items.put_nowait(frame(1))
    await wait_for(lambda: hub.stats["frames_received"] == 1)
    assert hub.latest_frame() == frame(1)
    assert await hub.async_get_image() == frame(1)
    assert fake.snapshot_calls == 0
    assert hub.stats["stills_from_stream"] == 1
    hub._stills.latest_time -= 60
    assert hub.latest_frame() is None
    assert hub.latest_frame(max_age=120) == frame(1)
    assert await hub.async_get_image() == b"snapshot"
    assert fake.snapshot_calls == 1
    await hub.async_shutdown()


async def test_concurrent_stills_coalesce(hass: HomeAssistant) -> None:
    """Concurrent callers share one snapshot request.

    A cancelled caller does not cancel it for the others.
    """
    fake = FakeClient()
    fake.snapshot_gate.clear()
    hub = make_hub(hass, fake)
    callers = [asyncio.create_task(hub.async_get_image()) for _ in range(5)]
    await wait_for(lambda: fake.snapshot_calls == 1)
    callers[0].cancel()
    fake.snapshot_gate.set()
    results = await asyncio.gather(*callers, return_exceptions=True)
    assert isinstance(results[0], asyncio.CancelledError)
    assert results[1:] == [b"snapshot"] * 4
    assert fake.snapshot_calls == 1
    assert hub.stats["snapshots_fetched"] == 1

    # The next request is a new one.
    assert await hub.async_get_image() == b"snapshot"
    assert fake.snapshot_calls == 2
    await hub.async_shutdown()


async def test_still_error(hass: HomeAssistant) -> None:
    """Camera errors become a translated HomeAssistantError for every caller."""
    fake = FakeClient()
    fake.snapshot_gate.clear()
    fake.snapshot_error = FoscamConnectionError("snapshot.cgi on 127.0.0.1:80: reset")
    hub = make_hub(hass, fake)
    callers = [asyncio.create_task(hub.async_get_image()) for _ in range(3)]
    await wait_for(lambda: fake.snapshot_calls == 1)
    fake.snapshot_gate.set()
    results = await asyncio.gather(*callers, return_exceptions=True)
    for result in results:
        assert isinstance(result, HomeAssistantError)
        assert result.translation_domain == DOMAIN
        assert result.translation_key == "snapshot_failed"
        assert result.translation_placeholders == {
            "name": "Front door",
            "error": "snapshot.cgi on 127.0.0.1:80: reset",
        }
    assert hub.stats["snapshots_fetched"] == 0

    # Nobody waiting for a failing request: the error is not left unretrieved.
    fake.snapshot_gate.clear()
    caller = asyncio.create_task(hub.async_get_image())
    await wait_for(lambda: fake.snapshot_calls == 2)
    caller.cancel()
    fake.snapshot_gate.set()
    await wait_for(lambda: hub._stills.snapshot is None)
    await hub.async_shutdown()


async def test_shutdown(hass: HomeAssistant, serve: Serve) -> None:
    """Shutdown ends viewers, closes the stream and cancels pending stills."""
    fake = FakeClient()
    fake.snapshot_gate.clear()
    hub = make_hub(hass, fake, idle_timeout=60)
    http = await serve(hub)
    response = await http.get("/stream")
    fake.items.put_nowait(frame(1))
    await read_part(response)
    await read_part(response)
    hub._stills.latest_time -= 60  # force a camera request
    still = asyncio.create_task(hub.async_get_image())
    await wait_for(lambda: fake.snapshot_calls == 1)

    await hub.async_shutdown()
    assert await response.content.read() == b""
    assert fake.current == 0
    assert still.done()
    assert hub.stats["viewers"] == 0
    assert hub._upstream.task is not None
    assert hub._upstream.task.done()
    assert await hub.async_get_image() is None
    assert (await http.get("/stream")).status == 503

    # Shut down while idle (timer pending) and twice: both harmless.
    hub = make_hub(hass, fake, idle_timeout=60)
    viewer = hub._add_viewer(None)
    hub._remove_viewer(viewer)
    assert idle_timer_pending(hub)
    await hub.async_shutdown()
    assert not idle_timer_pending(hub)
    await hub.async_shutdown()


# Against the simulator, through the real protocol client.


@pytest.fixture
async def real_client(sim_camera: SimulatedCamera) -> AsyncGenerator[FoscamCamera]:
    """Yield a protocol client logged in to the simulated camera as administrator."""
    async with ClientSession() as session:
        yield FoscamCamera(
            sim_camera.host, sim_camera.port, "admin", "admin", session=session
        )


def real_hub(hass: HomeAssistant, client: FoscamCamera, **kwargs: Any) -> StreamHub:
    """Return a hub on the simulator at a low frame rate (fast tests)."""
    options: dict[str, Any] = {
        "resolution": Resolution.QVGA,
        "rate": FrameRate.FPS_10,
        "idle_timeout": 0.0,
        "name": "Front door",
    } | kwargs
    return StreamHub(hass, client, **options)


async def test_real_many_viewers_one_camera_stream(
    hass: HomeAssistant,
    serve: Serve,
    real_client: FoscamCamera,
    sim_camera: SimulatedCamera,
) -> None:
    """More viewers than the camera's stream limit, one camera connection."""
    hub = real_hub(hass, real_client)
    http = await serve(hub)
    responses = [await http.get("/stream") for _ in range(6)]

    async def read_parts(response: ClientResponse) -> set[bytes]:
        return {await read_part(response) for _ in range(6)}

    received = await asyncio.gather(*(read_parts(r) for r in responses))
    # Viewers joined a few milliseconds apart, then got the same frames.
    assert len(set.intersection(*received)) >= 3
    assert sim_camera.counters.stream_peak == 1
    assert sim_camera.counters.stream_total == 1
    await hub.async_shutdown()
    await wait_for(lambda: sim_camera.counters.stream_current == 0)


async def test_real_reboot_survived(
    hass: HomeAssistant,
    serve: Serve,
    real_client: FoscamCamera,
    sim_camera: SimulatedCamera,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A camera reboot: viewers stay connected and frames resume."""
    monkeypatch.setattr(upstream, "RECONNECT_MIN", 0.05)
    hub = real_hub(hass, real_client)
    http = await serve(hub)
    response = await http.get("/stream")
    await read_part(response)
    await read_part(response)  # the first frame comes twice
    await sim_camera.reboot(0.3)
    await wait_for(lambda: hub.stats["upstream_connects"] == 2)
    frames = {await read_part(response) for _ in range(3)}
    assert len(frames) == 3
    assert hub.stats["viewers"] == 1
    assert sim_camera.counters.stream_peak == 1
    await hub.async_shutdown()
