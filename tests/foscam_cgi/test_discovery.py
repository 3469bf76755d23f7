"""Tests of the UDP discovery protocol (loopback only; broadcasts are captured)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import socket
import struct
from typing import Any

import pytest

from custom_components.foscam_mjpeg.foscam_cgi import (
    BROADCAST_ADDRESS,
    DISCOVERY_PORT,
    DiscoveredCamera,
    DiscoveryProtocol,
    FoscamConnectionError,
    build_search_request,
    discover,
    parse_search_reply,
)


def make_reply(
    camera_id: bytes = b"00626E4A0001",
    alias: bytes = b"Front door",
    *,
    port: int = 8081,
    dhcp: int = 1,
    magic: bytes = b"MO_I",
    opcode: int = 1,
) -> bytes:
    """Build an 88-byte search reply laid out from the protocol notes' offsets."""
    data = bytearray(88)
    data[0:4] = magic
    data[4:6] = opcode.to_bytes(2, "little")
    data[15:19] = (65).to_bytes(4, "little")
    data[23 : 23 + len(camera_id)] = camera_id
    data[36 : 36 + len(alias)] = alias
    data[57:61] = socket.inet_aton("192.168.1.10")
    data[61:65] = socket.inet_aton("255.255.255.0")
    data[65:69] = socket.inet_aton("192.168.1.1")
    data[69:73] = socket.inet_aton("8.8.8.8")
    data[77:81] = bytes([11, 37, 2, 49])
    data[81:85] = bytes([2, 0, 10, 7])
    data[85:87] = port.to_bytes(2, "big")
    data[87] = dhcp
    return bytes(data)


FRONT_DOOR = DiscoveredCamera(
    id="00626E4A0001",
    alias="Front door",
    ip="192.168.1.10",
    mask="255.255.255.0",
    gateway="192.168.1.1",
    dns="8.8.8.8",
    sys_ver="11.37.2.49",
    app_ver="2.0.10.7",
    port=8081,
    dhcp=True,
)


def test_build_search_request() -> None:
    """The search request is the 27-byte MO_I probe of the protocol."""
    request = build_search_request()
    assert len(request) == 27
    assert request[:4] == b"MO_I"
    assert struct.unpack_from("<H", request, 4) == (0,)
    assert struct.unpack_from("<I", request, 15) == (4,)
    assert request[23:] == b"\x00\x00\x00\x01"


def test_parse_search_reply() -> None:
    """A camera's search reply parses into its id, alias, address and versions."""
    assert parse_search_reply(make_reply()) == FRONT_DOOR


def test_parse_odd_texts() -> None:
    """Texts padded with junk, Latin-1 or full-length UTF-8 aliases parse."""
    camera = parse_search_reply(
        make_reply(b"00626E4A0001\0junk", b"Caf\xe9", port=80, dhcp=0)
    )
    assert camera is not None
    assert camera.id == "00626E4A0001"
    assert camera.alias == "Caf\u00e9"
    assert camera.port == 80
    assert camera.dhcp is False
    full_alias = parse_search_reply(make_reply(alias="Ünïcode".encode()))
    assert full_alias is not None
    assert full_alias.alias == "Ünïcode"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        build_search_request(),
        make_reply()[:87],
        make_reply() + b"\0",
        make_reply() + bytes(33),  # 121-byte HD-model reply
        make_reply() + bytes(41),  # 129-byte HD-model reply
        make_reply(magic=b"MO_V"),
        make_reply(opcode=0),
    ],
)
def test_foreign_datagrams_ignored(data: bytes) -> None:
    """Probes, HD-model replies and truncated or foreign datagrams are ignored."""
    assert parse_search_reply(data) is None


def test_protocol_callback() -> None:
    """The protocol reports each camera reply, ignoring junk and errors."""
    seen: list[DiscoveredCamera] = []
    protocol = DiscoveryProtocol(seen.append)
    protocol.datagram_received(b"junk", ("127.0.0.1", 1))
    protocol.datagram_received(make_reply(), ("127.0.0.1", 1))
    protocol.error_received(ConnectionRefusedError())
    assert seen == [FRONT_DOOR]


class _Responder(asyncio.DatagramProtocol):
    """A fake camera on 127.0.0.1 answering each probe with some datagrams."""

    def __init__(self, replies: list[bytes]) -> None:
        self.replies = replies
        self.requests: list[bytes] = []
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        self.requests.append(data)
        assert self.transport is not None
        for reply in self.replies:
            self.transport.sendto(reply, addr)


@pytest.mark.usefixtures("socket_enabled")
async def test_discover_on_loopback() -> None:
    """Discovery sends one probe and lists each camera once, skipping junk."""
    garage = make_reply(b"00626E4A0002", b"Garage", port=81)
    responder = _Responder(
        [make_reply(), b"x" * 121, make_reply(), garage, make_reply(alias=b"Again")]
    )
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        lambda: responder, local_addr=("127.0.0.1", 0)
    )
    try:
        port = transport.get_extra_info("sockname")[1]
        found = await discover(target="127.0.0.1", port=port, timeout=0.3)
    finally:
        transport.close()
    assert responder.requests == [build_search_request()]
    assert sorted(camera.alias for camera in found) == ["Front door", "Garage"]


@pytest.mark.usefixtures("socket_enabled")
async def test_discover_nobody_answers() -> None:
    # An unused loopback port: ICMP port unreachable is ignored.
    """Without answers discovery returns nothing after its timeout."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert await discover(target="127.0.0.1", port=port, timeout=0.05) == []


class _CapturingTransport(asyncio.DatagramTransport):
    """Records sendto() and answers through the protocol: no socket at all."""

    def __init__(self, protocol: asyncio.DatagramProtocol) -> None:
        super().__init__()
        self.protocol = protocol
        self.sent: list[tuple[bytes, Any]] = []
        self.closed = False

    def sendto(self, data: Any, addr: Any = None) -> None:
        self.sent.append((bytes(data), addr))
        self.protocol.datagram_received(make_reply(), ("192.0.2.7", DISCOVERY_PORT))

    def close(self) -> None:
        self.closed = True


async def test_discover_default_is_broadcast(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default target is the broadcast address; named targets bind locally."""
    loop = asyncio.get_running_loop()
    calls: list[dict[str, Any]] = []
    transports: list[_CapturingTransport] = []

    async def fake_endpoint(
        factory: Callable[[], asyncio.DatagramProtocol], **kwargs: Any
    ) -> tuple[_CapturingTransport, asyncio.DatagramProtocol]:
        calls.append(kwargs)
        protocol = factory()
        transport = _CapturingTransport(protocol)
        transports.append(transport)
        protocol.connection_made(transport)
        return transport, protocol

    monkeypatch.setattr(loop, "create_datagram_endpoint", fake_endpoint)
    found = await discover(timeout=0.01)
    assert found == [FRONT_DOOR]
    assert calls == [{"local_addr": ("0.0.0.0", 0), "allow_broadcast": True}]
    (transport,) = transports
    assert transport.sent == [(build_search_request(), (BROADCAST_ADDRESS, 10000))]
    assert transport.closed

    calls.clear()
    await discover(target="localhost", timeout=0.01, local_port=10000)
    assert calls[0]["local_addr"] == ("127.0.0.1", 10000)
    calls.clear()
    await discover(target="camera.lan", timeout=0.01, local_host="127.0.0.1")
    assert calls[0]["local_addr"] == ("127.0.0.1", 0)


@pytest.mark.parametrize("error", [OSError(98, "in use"), PermissionError()])
async def test_discover_socket_error(
    monkeypatch: pytest.MonkeyPatch, error: OSError
) -> None:
    """A socket that cannot be opened raises FoscamConnectionError with the address."""

    async def failing_endpoint(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(
        asyncio.get_running_loop(), "create_datagram_endpoint", failing_endpoint
    )
    with pytest.raises(FoscamConnectionError, match=r"discovery on 127\.0\.0\.1:10000"):
        await discover(target="127.0.0.1", local_port=10000, timeout=0.01)
