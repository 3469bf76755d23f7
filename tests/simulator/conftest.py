"""Fixtures for the simulator tests: real sockets on 127.0.0.1 only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
import re
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
import yarl

from custom_components.foscam_mjpeg.foscam_cgi.client import basic_authorization
from simulator import CameraConfig, SimulatedCamera, Simulator


def basic(user: str, password: str) -> dict[str, str]:
    """Request headers carrying HTTP Basic credentials (UTF-8)."""
    return {"Authorization": basic_authorization(user, password)}


ADMIN = basic("admin", "admin")
OPERATOR = basic("operator", "operator")
VISITOR = basic("visitor", "visitor")


@pytest.fixture(autouse=True)
def _loopback_sockets(socket_enabled: None) -> None:
    """pytest-homeassistant disables sockets; the simulator needs loopback ones."""


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override tests/conftest.py's: simulator tests need no hass instance."""


@pytest.fixture(autouse=True)
def enable_event_loop_debug() -> None:
    """Override pytest-homeassistant's: asyncio debug mode doubles these tests' time."""


@pytest.fixture(autouse=True, scope="module")
def garbage_collection() -> None:
    """Override pytest-homeassistant's per-module gc.collect() (0.4 s each)."""


@pytest.fixture
def configs() -> list[CameraConfig]:
    """Override in a module to change the cameras."""
    return [CameraConfig(alias="Front door", reboot_downtime=0.2)]


@pytest.fixture
async def sim(configs: list[CameraConfig]) -> AsyncIterator[Simulator]:
    """Yield a running simulator (stopped after the test)."""
    async with Simulator(configs, admin_port=0) as simulator:
        yield simulator


@pytest.fixture
def cam(sim: Simulator) -> SimulatedCamera:
    """Return the first camera."""
    return sim.cameras[0]


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """Yield a plain aiohttp session (no connection reuse: the camera closes anyway)."""
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(force_close=True),
        timeout=aiohttp.ClientTimeout(total=10),
    ) as client:
        yield client


async def fetch(
    session: aiohttp.ClientSession,
    cam: SimulatedCamera,
    path: str,
    *,
    auth: Mapping[str, str] | None = ADMIN,
    headers: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> tuple[int, bytes, Mapping[str, str]]:
    """GET (or POST with data=) a CGI; returns status, body, headers."""
    method = "POST" if "data" in kwargs else "GET"
    url = yarl.URL(f"{cam.base_url}/{path}", encoded=True)
    sent = {**(auth or {}), **(headers or {})}
    async with session.request(method, url, headers=sent, **kwargs) as resp:
        return resp.status, await resp.read(), resp.headers


async def wait_until(condition: Callable[[], bool]) -> None:
    """Poll ``condition`` for up to 3 seconds."""
    for _ in range(300):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met in time")


def query(path: str, **params: object) -> str:
    """``path?k=v&...`` with every value percent-encoded (safe="")."""
    encoded = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())
    return f"{path}?{encoded}" if params else path


_ESCAPE = re.compile(r"\\(.)")
_UNESCAPE = {"n": "\n", "r": "\r"}


def parse_vars(body: bytes) -> dict[str, int | str]:
    """Tiny test-side parser of ``var a=1;`` / ``var b='x';`` lines."""
    out: dict[str, int | str] = {}
    for line in body.decode().split("\n"):
        if not line:
            continue
        assert line.startswith("var "), line
        assert line.endswith(";"), line
        name, _, value = line[4:-1].partition("=")
        if value.startswith("'"):
            assert value.endswith("'"), line
            out[name] = _ESCAPE.sub(lambda m: _UNESCAPE.get(m[1], m[1]), value[1:-1])
        else:
            out[name] = int(value)
    return out
