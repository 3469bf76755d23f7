"""UDP responder for the vendor "IP Camera Tool" search (protocol-facts "Discovery")."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
import ipaddress
import re
import struct
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from .camera import SimulatedCamera

MAGIC: Final = b"MO_I"
OP_SEARCH_REQUEST: Final = 0
OP_SEARCH_REPLY: Final = 1
HEADER: Final = struct.Struct(
    "<4sHB8sI4s"
)  # magic, opcode, reserved, reserved, body length, reserved
REPLY_SIZE: Final = 88
REPLY_BODY: Final = REPLY_SIZE - HEADER.size  # 65
_VERSION_RE: Final = re.compile(r"(\d+)\.(\d+)\.(\d+)\.(\d+)")


def search_request() -> bytes:
    """Build what the search tool broadcasts."""
    return (
        HEADER.pack(MAGIC, OP_SEARCH_REQUEST, 0, bytes(8), 4, bytes(4))
        + b"\x00\x00\x00\x01"
    )


def is_search_request(data: bytes) -> bool:
    """Magic and opcode of a search request (anything else is ignored)."""
    if len(data) < HEADER.size:
        return False
    magic, opcode, *_ = HEADER.unpack_from(data)
    return bool(magic == MAGIC and opcode == OP_SEARCH_REQUEST)


def _ip(text: str) -> bytes:
    try:
        return ipaddress.IPv4Address(text).packed
    except ValueError:
        return bytes(4)


def _version(text: str) -> bytes:
    match = _VERSION_RE.fullmatch(text)
    return bytes(min(int(g), 255) for g in match.groups()) if match else bytes(4)


def search_reply(
    *,
    camera_id: str,
    alias: str,
    ip: str,
    mask: str,
    gateway: str,
    dns: str,
    sys_ver: str,
    app_ver: str,
    port: int,
    dhcp: bool,
) -> bytes:
    """Build the 88-byte reply (little-endian header, HTTP port big-endian)."""
    body = b"".join(
        (
            camera_id.encode("ascii", "replace")[:12].ljust(13, b"\x00"),
            alias.encode()[:20].ljust(21, b"\x00"),
            _ip(ip),
            _ip(mask),
            _ip(gateway),
            _ip(dns),
            bytes(4),
            _version(sys_ver),
            _version(app_ver),
            struct.pack(">H", port),
            bytes((int(dhcp),)),
        )
    )
    assert len(body) == REPLY_BODY
    return HEADER.pack(MAGIC, OP_SEARCH_REPLY, 0, bytes(8), REPLY_BODY, bytes(4)) + body


def camera_reply(camera: SimulatedCamera) -> bytes:
    """Reply describing one simulated camera (IP is the simulator's host)."""
    state = camera.state
    network = state.settings.network
    return search_reply(
        camera_id=state.id,
        alias=state.alias,
        ip=camera.host,
        mask=network.mask,
        gateway=network.gateway,
        dns=network.dns,
        sys_ver=state.sys_ver,
        app_ver=state.app_ver,
        port=camera.port,
        dhcp=not network.ip,
    )


class DiscoveryResponder(asyncio.DatagramProtocol):
    """Answers each search with one datagram per online camera, to the sender."""

    def __init__(self, cameras: Callable[[], Sequence[SimulatedCamera]]) -> None:
        """``cameras`` is read at every search."""
        self._cameras = cameras
        self._transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the socket."""
        assert isinstance(transport, asyncio.DatagramTransport)
        self._transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        """Reply to well-formed searches from loopback senders only."""
        host = addr[0]
        if (
            self._transport is None
            or not is_search_request(data)
            or not isinstance(host, str)
        ):
            return
        if not ipaddress.ip_address(host).is_loopback:
            return
        for camera in self._cameras():
            if camera.online:
                self._transport.sendto(camera_reply(camera), addr)
