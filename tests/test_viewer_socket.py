"""Pins the aiohttp behaviour that viewer_socket's direct writes rely on.

The hub writes frames to ``request.transport`` itself once aiohttp has written
a viewer's first frame. If an aiohttp release changes the body framing it
chooses, starts holding written bytes back, or hides the socket, these tests
fail rather than viewers' pictures.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
import os
import socket
import sys

from aiohttp import hdrs, web
from aiohttp.test_utils import TestServer
import pytest

from custom_components.foscam_mjpeg.fan_out import CONTENT_TYPE, multipart_part
from custom_components.foscam_mjpeg.viewer_socket import (
    ViewerSocket,
    body_is_chunked,
    chunk_of,
    socket_fd,
)

pytestmark = pytest.mark.usefixtures("socket_enabled")

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
type Serve = Callable[[Handler], Awaitable[TestServer]]

# Parts of different sizes: chunk sizes of one, two and three hex digits.
PARTS = [b"\xff\xd8one", multipart_part(b"\xff\xd8" + bytes(40)), bytes(3000)]


@pytest.fixture
async def serve() -> AsyncGenerator[Serve]:
    """Serve one handler over HTTP on loopback."""
    servers: list[TestServer] = []

    async def _serve(handler: Handler) -> TestServer:
        app = web.Application()
        app.router.add_get("/stream", handler)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        return server

    yield _serve
    for server in servers:
        await server.close()


async def prepare(request: web.Request) -> web.StreamResponse:
    """Prepare the hub's response as the hub prepares it."""
    response = web.StreamResponse(
        headers={hdrs.CONTENT_TYPE: CONTENT_TYPE, hdrs.CACHE_CONTROL: "no-store"}
    )
    await response.prepare(request)
    return response


async def interleaved(request: web.Request) -> web.StreamResponse:
    """Write through aiohttp and directly in turn, as the hub does."""
    response = await prepare(request)
    chunked = body_is_chunked(response)
    sock = ViewerSocket.of(request.transport, chunked)
    await response.write(PARTS[0])  # a viewer's first frame goes through aiohttp
    assert sock.send(PARTS[1], None) == (chunk_of(PARTS[1]) if chunked else None)
    await response.write(PARTS[2])  # the pump, when the handler is busy
    sock.send(PARTS[0], chunk_of(PARTS[0]) if chunked else None)
    await response.write_eof()
    return response


async def fetch(server: TestServer, request_line: bytes) -> tuple[bytes, bytes]:
    """Send a raw request; the raw reply head and body (until the server closes)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(request_line + b"Host: camera\r\nConnection: close\r\n\r\n")
    reply = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    head, _, body = reply.partition(b"\r\n\r\n")
    return head.lower(), body


async def test_http11_chunks_match_aiohttps(serve: Serve) -> None:
    """HTTP/1.1: aiohttp frames the body as chunks exactly like chunk_of.

    It sends each write before returning, and ends the body validly after direct
    writes.
    """
    server = await serve(interleaved)
    head, body = await fetch(server, b"GET /stream HTTP/1.1\r\n")
    assert b"\r\ntransfer-encoding: chunked" in head
    assert b"content-length" not in head
    expected = [PARTS[0], PARTS[1], PARTS[2], PARTS[0]]
    assert body == b"".join(chunk_of(part) for part in expected) + b"0\r\n\r\n"


async def test_http10_body_is_plain(serve: Serve) -> None:
    """HTTP/1.0: no chunks; the body is the parts in order until the server closes."""
    server = await serve(interleaved)
    head, body = await fetch(server, b"GET /stream HTTP/1.0\r\n")
    assert b"transfer-encoding" not in head
    assert b"content-length" not in head
    assert body == PARTS[0] + PARTS[1] + PARTS[2] + PARTS[0]


async def test_transport_is_the_client_socket(serve: Serve) -> None:
    """The request's transport reaches the client's TCP socket.

    Once the client has left, the kept transport says it is closing.
    """
    seen: list[ViewerSocket] = []
    peers: list[object] = []
    left = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        response = await prepare(request)
        await response.write(PARTS[0])
        transport = request.transport
        assert isinstance(transport, asyncio.Transport)
        sock = ViewerSocket.of(transport, body_is_chunked(response))
        seen.append(sock)
        assert sock.fd == socket_fd(transport) >= 0
        with socket.socket(fileno=os.dup(sock.fd)) as dup:
            assert dup.type == socket.SOCK_STREAM
            peers.append(dup.getpeername())
        assert isinstance(transport.get_write_buffer_size(), int)
        assert not sock.is_gone()
        sock.unsent_bytes()
        if sys.platform == "linux":
            assert sock.fd >= 0  # the send queue ioctl applies to this socket
        await left.wait()
        return response

    server = await serve(handler)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"GET /stream HTTP/1.1\r\nHost: camera\r\n\r\n")
    await reader.readuntil(PARTS[0])
    assert peers == [writer.get_extra_info("sockname")]
    writer.close()
    await writer.wait_closed()
    left.set()
    for _ in range(500):
        if seen[0].is_gone():
            break
        await asyncio.sleep(0.01)
    assert seen[0].is_gone()


@pytest.mark.skipif(sys.platform != "linux", reason="Linux send queue ioctl")
async def test_send_queue_probe_sees_unsent_bytes(serve: Serve) -> None:
    """On aiohttp's socket, the probe counts what the kernel has not sent yet."""
    unsent: list[int] = []
    done = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        response = await prepare(request)
        await response.write(PARTS[0])
        sock = ViewerSocket.of(request.transport, body_is_chunked(response))
        raw = request.transport.get_extra_info("socket")  # type: ignore[union-attr]
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        for _ in range(200):
            if sock.is_behind():
                break
            sock.send(bytes(64 * 1024), None)
            await asyncio.sleep(0.005)
        unsent.append(sock.unsent_bytes())
        done.set()
        return response

    server = await serve(handler)
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    client.setblocking(False)
    with client:
        loop = asyncio.get_running_loop()
        await loop.sock_connect(client, ("127.0.0.1", server.port))
        await loop.sock_sendall(client, b"GET /stream HTTP/1.1\r\nHost: camera\r\n\r\n")
        await asyncio.wait_for(done.wait(), 10)
    assert unsent[0] > 0


async def test_probe_off_for_other_sockets() -> None:
    """A socket the ioctl does not apply to is not asked again."""
    not_tcp, other = socket.socketpair()
    with not_tcp, other:
        sock = ViewerSocket(None, fd=not_tcp.fileno())
        assert sock.unsent_bytes() == 0
    assert sock.fd == -1
    assert ViewerSocket.of(None).is_gone()
