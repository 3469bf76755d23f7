"""Fixtures for the client-against-simulator tests (real sockets on 127.0.0.1 only).

The names differ from the repository-wide ``simulator``/``sim_camera`` fixtures on
purpose: other modules of this directory use those unchanged.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass, field, replace
import io
from pathlib import Path
import time
from types import SimpleNamespace
from typing import Any
import uuid

import aiohttp
from aiohttp import web
from PIL import Image
import pytest
import yarl

from custom_components.foscam_mjpeg.foscam_cgi import FoscamCamera
from simulator import CameraConfig, SimulatedCamera, Simulator

from ..raw_http import http as http

HERE = Path(__file__).parent
REPO = HERE.parents[1]
CGI_LIST_FILE = HERE / "cgi_list.txt"
# CI runs with ../shared/ next to the clone.
SPEC_FILE = REPO.parent / "shared" / "spec" / "ipcam-cgi-v1.27.txt"

FAST_CONFIG = CameraConfig(
    alias="Front door",
    reboot_downtime=0.05,
    ptz_speed=1e6,  # pan/tilt moves end at once: positions are exact
)


# ASF Header Object GUID (ASF specification, not the simulator).
ASF_HEADER = uuid.UUID("75B22630-668E-11CF-A6D9-00AA0062CE6C").bytes_le
JPEG = b"\xff\xd8\xff\xfe\x00\x04hi\xff\xd9"  # the smallest thing with SOI/EOI


def load_cgi_list() -> list[str]:
    """Return the checked-in list of the 45 CGIs of the document's contents table."""
    return [
        line.strip()
        for line in CGI_LIST_FILE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


@dataclass(slots=True)
class Sent:
    """One request as it left the client."""

    method: str
    url: yarl.URL
    headers: dict[str, str]

    @property
    def cgi(self) -> str:
        """The path without the leading slash."""
        return self.url.path.lstrip("/")


@dataclass(slots=True)
class Wire:
    """Every request of the test's session, and how many overlapped at most."""

    sent: list[Sent] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0

    def trace_config(self) -> aiohttp.TraceConfig:
        """Hooks recording what the client sends."""
        config = aiohttp.TraceConfig()

        async def start(_s: Any, _c: SimpleNamespace, _p: Any) -> None:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

        async def end(_s: Any, _c: SimpleNamespace, _p: Any) -> None:
            self.in_flight -= 1

        async def headers_sent(
            _s: Any, _c: SimpleNamespace, params: aiohttp.TraceRequestHeadersSentParams
        ) -> None:
            self.sent.append(Sent(params.method, params.url, dict(params.headers)))

        config.on_request_start.append(start)
        config.on_request_end.append(end)
        config.on_request_exception.append(end)
        config.on_request_headers_sent.append(headers_sent)
        return config

    def cgis(self) -> list[str]:
        """CGI names in the order they were sent."""
        return [request.cgi for request in self.sent]


def with_camera(**changes: Any) -> pytest.MarkDecorator:
    """Mark: run the test against FAST_CONFIG with ``changes``."""
    return pytest.mark.parametrize(
        "camera_config", [replace(FAST_CONFIG, **changes)], ids=["camera"]
    )


@pytest.fixture
def camera_config() -> CameraConfig:
    """Override (or parametrize indirectly) to change the simulated camera."""
    return FAST_CONFIG


@pytest.fixture
async def sim(
    socket_enabled: None, camera_config: CameraConfig
) -> AsyncIterator[Simulator]:
    """One started simulated camera (no discovery responder)."""
    del socket_enabled  # requested for its side effect only
    async with Simulator([camera_config], discovery_port=None) as simulator:
        yield simulator


@pytest.fixture
def cam(sim: Simulator) -> SimulatedCamera:
    """Return the simulated camera."""
    return sim.cameras[0]


@pytest.fixture
def wire() -> Wire:
    """Record what the test's session sent."""
    return Wire()


@pytest.fixture
async def session(
    socket_enabled: None, wire: Wire
) -> AsyncIterator[aiohttp.ClientSession]:
    """Yield an injected session (the clients must never close it)."""
    del socket_enabled  # requested for its side effect only
    async with aiohttp.ClientSession(trace_configs=[wire.trace_config()]) as client:
        yield client


type ClientFactory = Callable[..., FoscamCamera]


@pytest.fixture
def make_client(cam: SimulatedCamera, session: aiohttp.ClientSession) -> ClientFactory:
    """``make_client(user, password, **kwargs)`` for the simulated camera.

    ``port=`` aims it elsewhere (e.g. at ``basic_refusing_port``).
    """

    def make(
        username: str = "admin", password: str = "admin", **kwargs: Any
    ) -> FoscamCamera:
        kwargs.setdefault("request_timeout", 2.0)
        kwargs.setdefault("session", session)
        port = kwargs.pop("port", cam.port)
        return FoscamCamera(cam.host, port, username, password, **kwargs)

    return make


@pytest.fixture
def admin(make_client: ClientFactory) -> FoscamCamera:
    """Administrator client (privilege not yet known)."""
    return make_client()


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[int]:
    """Run an aiohttp app on 127.0.0.1; yields its port."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        yield int(runner.addresses[0][1])
    finally:
        await runner.cleanup()


@pytest.fixture
async def basic_refusing_port(
    cam: SimulatedCamera, socket_enabled: None
) -> AsyncIterator[int]:
    """Put the simulator behind a front that drops ``Authorization``; yield its port.

    Stands in for firmware that ignores HTTP Basic but takes query credentials
    (the simulator itself always accepts Basic).
    """
    del socket_enabled  # requested for its side effect only
    async with aiohttp.ClientSession() as upstream:

        async def forward(request: web.Request) -> web.Response:
            url = yarl.URL(cam.base_url + request.raw_path, encoded=True)
            headers = {}
            if content_type := request.headers.get("Content-Type"):
                headers["Content-Type"] = content_type
            async with upstream.request(
                request.method, url, headers=headers, data=await request.read()
            ) as reply:
                body = await reply.read()
                kept = ("Content-Type", "WWW-Authenticate")
                return web.Response(
                    status=reply.status,
                    body=body,
                    headers={k: reply.headers[k] for k in kept if k in reply.headers},
                )

        app = web.Application()
        app.router.add_route("*", "/{name}", forward)
        async with serve(app) as port:
            yield port


async def wait_until(predicate: Callable[[], bool], what: str = "condition") -> None:
    """Poll ``predicate`` every 10 ms, for at most 5 s."""
    deadline = time.monotonic() + 5.0
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def rebooting(cam: SimulatedCamera, call: Awaitable[None]) -> None:
    """Await a CGI that reboots the camera, then wait until it is back."""
    before = cam.state.boot_count
    await call
    await wait_until(
        lambda: cam.state.boot_count > before and cam.online, what="the reboot"
    )


def jpeg_size(data: bytes) -> tuple[int, int]:
    """Size of a complete JPEG (SOI ... EOI) that Pillow can decode."""
    assert data[:2] == b"\xff\xd8", data[:8]
    assert data[-2:] == b"\xff\xd9", data[-8:]
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.size


async def take[T](stream: AsyncGenerator[T], count: int) -> list[T]:
    """Return the first ``count`` items of a stream, then close it."""
    items: list[T] = []
    async with aclosing(stream):
        async for item in stream:
            items.append(item)
            if len(items) == count:
                break
    return items


type Answer = Callable[[bytes], bytes | None]


@dataclass(slots=True)
class RawCamera:
    """Canned bytes for replies the simulator never sends (404, HTML, cut bodies).

    Writes ``replies[cgi]`` and closes, like the firmware's one-shot HTTP
    server; None closes without a word, an unknown CGI gets a 404. With
    ``answer`` set, the reply is ``answer(head)`` instead. Every request head
    is kept in ``heads``.
    """

    replies: dict[str, bytes | None] = field(default_factory=dict)
    answer: Answer | None = None
    heads: list[bytes] = field(default_factory=list)
    port: int = 0

    def reply_to(self, head: bytes) -> bytes | None:
        """Return the reply to a request head (None: close without a word)."""
        if self.answer is not None:
            return self.answer(head)
        target = head.split(b" ", 2)[1].decode()
        cgi = target.split("?")[0].lstrip("/")
        return self.replies.get(cgi, http(b"404 Not Found\n", status="404 Not Found"))

    async def handle(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Answer one request, then close."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            self.heads.append(head)
            if (reply := self.reply_to(head)) is not None:
                writer.write(reply)
                await writer.drain()
        except ConnectionError, asyncio.IncompleteReadError:
            pass
        finally:
            writer.close()


@pytest.fixture
async def raw_camera(socket_enabled: None) -> AsyncIterator[RawCamera]:
    """Yield a RawCamera listening on 127.0.0.1."""
    del socket_enabled  # requested for its side effect only
    camera = RawCamera()
    server = await asyncio.start_server(camera.handle, "127.0.0.1", 0)
    camera.port = server.sockets[0].getsockname()[1]
    async with server:
        yield camera


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the repository-wide one for this directory.

    The protocol client imports nothing from Home Assistant, so its tests skip
    the ``hass`` instance that fixture starts for every test (it halves the run).
    """
