"""A hostile front for the simulator, and helpers shared by the robustness tests.

``HostileFront`` listens on 127.0.0.1 and relays every request byte for byte to
a simulated camera, except the CGIs listed in ``overrides``: those get canned
bytes or a scripted misbehaviour on the raw socket (half-close, reset, silence,
endless headers...). Home Assistant talks to the front as if it were the
camera, so setup and the healthy CGIs stay real while one CGI turns hostile.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
import logging
import socket
import struct
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from homeassistant.const import CONF_PORT
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.foscam_mjpeg.const import DOMAIN
from custom_components.foscam_mjpeg.foscam_cgi import Privilege
from simulator import SimulatedCamera

from ..conftest import entry_for
from ..raw_http import http as http

OURS = "custom_components.foscam_mjpeg"
REQUEST_HEAD_LIMIT = 64 * 1024

type Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
type Reply = bytes | Script


def reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0), like a camera that crashes."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with suppress(OSError):
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
    writer.transport.abort()


@dataclass(slots=True)
class SeenRequest:
    """One request as the front received it."""

    cgi: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class HostileFront:
    """Relay to ``camera`` with per-CGI hostile overrides (see module docstring)."""

    camera: SimulatedCamera
    overrides: dict[str, Reply] = field(default_factory=dict)
    requests: list[SeenRequest] = field(default_factory=list)
    # Drop the Authorization header: firmware that only takes query logins.
    strip_basic: bool = False
    port: int = 0
    # Connections per CGI being served now, and the most at any time.
    active: Counter[str] = field(default_factory=Counter)
    peak: Counter[str] = field(default_factory=Counter)
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> None:
        """Listen on an ephemeral loopback port."""
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and end every connection."""
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks)
        if self._server is not None:
            await self._server.wait_closed()

    def count(self, cgi: str) -> int:
        """How many requests for ``cgi`` arrived."""
        return sum(1 for request in self.requests if request.cgi == cgi)

    @property
    def open_connections(self) -> int:
        """Connections still being served."""
        return len(self._tasks)

    async def _handle(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        cgi = ""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *lines = head.decode("latin-1").split("\r\n")
            target = request_line.split(" ")[1]
            url = urlsplit(target)
            headers = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in lines if line)
            }
            cgi = url.path.lstrip("/")
            self.active[cgi] += 1
            self.peak[cgi] = max(self.peak[cgi], self.active[cgi])
            self.requests.append(
                SeenRequest(
                    cgi, dict(parse_qsl(url.query, keep_blank_values=True)), headers
                )
            )
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            override = self.overrides.get(cgi)
            if override is None:
                if self.strip_basic:
                    head = b"\r\n".join(
                        line
                        for line in head.split(b"\r\n")
                        if not line.lower().startswith(b"authorization:")
                    )
                await self._relay(head + body, writer)
            elif isinstance(override, bytes):
                writer.write(override)
                await writer.drain()
            else:
                await override(reader, writer)
        except (
            ConnectionError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
        ):
            pass
        finally:
            if cgi:
                self.active[cgi] -= 1
            self._tasks.discard(task)
            writer.close()

    async def _relay(self, request: bytes, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(
                self.camera.host, self.camera.port
            )
        except OSError:
            reset(writer)  # the camera is away: the client sees a dead connection
            return
        try:
            up_writer.write(request)
            await up_writer.drain()
            while chunk := await up_reader.read(64 * 1024):
                writer.write(chunk)
                await writer.drain()
        finally:
            up_writer.close()


@pytest.fixture
async def front(sim_camera: SimulatedCamera) -> AsyncIterator[HostileFront]:
    """Yield a hostile front of the simulated camera."""
    hostile = HostileFront(sim_camera)
    await hostile.start()
    try:
        yield hostile
    finally:
        await hostile.stop()


def front_entry(
    front: HostileFront,
    privilege: Privilege = Privilege.ADMINISTRATOR,
    options: dict[str, Any] | None = None,
) -> MockConfigEntry:
    """Return a config entry that reaches the camera through the front."""
    entry = entry_for(front.camera, privilege)
    return MockConfigEntry(
        domain=DOMAIN,
        title=entry.title,
        unique_id=entry.unique_id,
        data={**entry.data, CONF_PORT: front.port},
        options=options or {},
    )


def our_records(
    caplog: pytest.LogCaptureFixture, level: int = logging.DEBUG
) -> list[logging.LogRecord]:
    """Return records of the integration (and its protocol client) at ``level`` or above."""
    return [
        record
        for record in caplog.records
        if record.name.startswith(OURS) and record.levelno >= level
    ]


def messages(records: list[logging.LogRecord]) -> list[str]:
    """Return the formatted messages (assertion output)."""
    return [f"{record.levelname} {record.getMessage()}" for record in records]


def our_states(hass: HomeAssistant) -> Iterator[State]:
    """Return the states of every entity of the integration."""
    registry = er.async_get(hass)
    for entity in registry.entities.values():
        if entity.platform == DOMAIN and (state := hass.states.get(entity.entity_id)):
            yield state


def task_count() -> int:
    """Tasks of the running loop that are not done."""
    return sum(1 for task in asyncio.all_tasks() if not task.done())
