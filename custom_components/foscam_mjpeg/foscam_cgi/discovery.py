"""LAN discovery with the vendor "IP Camera Tool" UDP protocol (port 10000).

Wire format in protocol facts "Discovery": a 23-byte ``MO_I`` header
(little-endian) and, in a search reply, a 65-byte body. HD models answer the
same probe with longer replies; those are ignored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import ipaddress
import logging
import os
import struct
from typing import Final

from .exceptions import FoscamConnectionError
from .models import DiscoveredCamera

_LOGGER = logging.getLogger(__name__)

DISCOVERY_PORT: Final = 10000
BROADCAST_ADDRESS: Final = "255.255.255.255"

_MAGIC: Final = b"MO_I"
_OP_SEARCH: Final = 0
_OP_SEARCH_REPLY: Final = 1
# magic, opcode u16, 1 + 8 reserved bytes, body length u32, 4 reserved bytes
_HEADER: Final = struct.Struct("<4sH9xI4x")
_SEARCH_BODY: Final = b"\x00\x00\x00\x01"
# id 13, alias 21, ip/mask/gateway/dns 4 each, 4 reserved, sys_ver 4, app_ver 4,
# port big-endian u16 (!), dhcp flag
_REPLY_BODY: Final = struct.Struct("<13s21s4s4s4s4s4x4s4s2sB")
REPLY_SIZE: Final = _HEADER.size + _REPLY_BODY.size  # 88


def build_search_request() -> bytes:
    """Build the 27-byte search probe."""
    return _HEADER.pack(_MAGIC, _OP_SEARCH, len(_SEARCH_BODY)) + _SEARCH_BODY


def _text(raw: bytes) -> str:
    raw = raw.split(b"\0", 1)[0]
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_search_reply(data: bytes) -> DiscoveredCamera | None:
    """Decode an 88-byte search reply; None for anything else."""
    if len(data) != REPLY_SIZE:
        return None
    magic, opcode, _ = _HEADER.unpack_from(data)
    if magic != _MAGIC or opcode != _OP_SEARCH_REPLY:
        return None
    camera_id, alias, ip, mask, gateway, dns, sys_ver, app_ver, port, dhcp = (
        _REPLY_BODY.unpack_from(data, _HEADER.size)
    )

    def address(raw: bytes) -> str:
        return str(ipaddress.IPv4Address(raw))

    def version(raw: bytes) -> str:
        return ".".join(str(part) for part in raw)

    return DiscoveredCamera(
        id=_text(camera_id),
        alias=_text(alias),
        ip=address(ip),
        mask=address(mask),
        gateway=address(gateway),
        dns=address(dns),
        sys_ver=version(sys_ver),
        app_ver=version(app_ver),
        port=int.from_bytes(port, "big"),
        dhcp=bool(dhcp),
    )


class DiscoveryProtocol(asyncio.DatagramProtocol):
    """Calls ``callback`` for every valid search reply received."""

    def __init__(self, callback: Callable[[DiscoveredCamera], None]) -> None:
        """Remember the callback."""
        self._callback = callback

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        """Decode one datagram; foreign ones are ignored."""
        if (camera := parse_search_reply(data)) is not None:
            self._callback(camera)
        else:
            _LOGGER.debug("Ignoring %d-byte datagram from %s", len(data), addr[0])

    def error_received(self, exc: Exception) -> None:
        """ICMP errors (e.g. port unreachable on loopback) are not fatal."""
        _LOGGER.debug("Discovery socket error: %s", exc)


async def discover(
    *,
    target: str = BROADCAST_ADDRESS,
    port: int = DISCOVERY_PORT,
    timeout: float = 2.0,  # noqa: ASYNC109 - how long to listen, not a deadline
    local_port: int = 0,
    local_host: str | None = None,
) -> list[DiscoveredCamera]:
    """Send one search probe and collect the replies for ``timeout`` seconds.

    Cameras answer to the probe's source port. ``local_host`` defaults to
    127.0.0.1 for a loopback target and to all interfaces otherwise.
    Replies are deduplicated by camera id. FoscamConnectionError if the
    socket cannot be opened (e.g. the local port is taken).
    """
    if local_host is None:
        local_host = "127.0.0.1" if _is_loopback(target) else "0.0.0.0"
    found: dict[str, DiscoveredCamera] = {}

    def collect(camera: DiscoveredCamera) -> None:
        found.setdefault(camera.id, camera)

    loop = asyncio.get_running_loop()
    try:
        transport, _ = await loop.create_datagram_endpoint(
            lambda: DiscoveryProtocol(collect),
            local_addr=(local_host, local_port),
            allow_broadcast=True,
        )
    except OSError as err:
        raise FoscamConnectionError(
            f"discovery on {local_host}:{local_port}: {type(err).__name__}"
            + (f" ({os.strerror(err.errno)})" if err.errno else "")
        ) from None
    try:
        transport.sendto(build_search_request(), (target, port))
        await asyncio.sleep(timeout)
    finally:
        transport.close()
    return list(found.values())


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
