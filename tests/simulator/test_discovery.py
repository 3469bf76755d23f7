"""UDP discovery responder."""

from __future__ import annotations

import asyncio
import socket
import struct

import pytest

from simulator import CameraConfig, Simulator
from simulator.discovery import is_search_request, search_request
from simulator.simulator import only_loopback_interfaces

SEARCH = (
    b"MO_I"
    + b"\x00\x00"
    + bytes(9)
    + struct.pack("<I", 4)
    + bytes(4)
    + b"\x00\x00\x00\x01"
)


class Collector(asyncio.DatagramProtocol):
    """Gathers datagrams."""

    def __init__(self) -> None:
        """Empty."""
        self.datagrams: asyncio.Queue[tuple[bytes, tuple[str, int]]] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        """Queue it."""
        self.datagrams.put_nowait((data, addr))


async def search(port: int, payload: bytes, expect: int) -> list[bytes]:
    """Send ``payload`` from an ephemeral loopback port, gather replies for 0.3 s."""
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        Collector, local_addr=("127.0.0.1", 0), family=socket.AF_INET
    )
    try:
        transport.sendto(payload, ("127.0.0.1", port))
        replies: list[bytes] = []
        if expect < 0:  # fire and forget
            return replies
        try:
            async with asyncio.timeout(0.3 if expect == 0 else 2):
                while len(replies) < max(expect, 1):
                    data, addr = await protocol.datagrams.get()
                    assert addr == ("127.0.0.1", port)
                    replies.append(data)
        except TimeoutError:
            pass
        return replies
    finally:
        transport.close()


def test_search_request_shape() -> None:
    """The 27-byte search the vendor tool broadcasts."""
    assert search_request() == SEARCH
    assert is_search_request(SEARCH)
    assert not is_search_request(SEARCH[:22])
    assert not is_search_request(b"MO_X" + SEARCH[4:])


async def test_one_reply_per_camera() -> None:
    """88 bytes each: id, alias, IP 127.0.0.1, versions, big-endian HTTP port."""
    configs = [
        CameraConfig(alias="Front door"),
        CameraConfig(alias="Garage", sys_ver="0.22.2.21", app_ver="x.y"),
    ]
    async with Simulator(configs) as sim:
        assert sim.discovery_port
        replies = await search(sim.discovery_port, SEARCH, expect=2)
        ports = {c.port for c in sim.cameras}
    assert len(replies) == 2
    by_alias = {}
    for reply in replies:
        assert len(reply) == 88
        magic, opcode, body_len = (
            reply[:4],
            struct.unpack_from("<H", reply, 4)[0],
            struct.unpack_from("<I", reply, 15)[0],
        )
        assert (magic, opcode, body_len) == (b"MO_I", 1, 65)
        alias = reply[36:57].rstrip(b"\x00").decode()
        by_alias[alias] = reply
        assert reply[57:61] == bytes([127, 0, 0, 1])
        assert reply[61:65] == bytes([255, 0, 0, 0])
        assert struct.unpack_from(">H", reply, 85)[0] in ports
        assert reply[87] == 0  # static IP
    front, garage = by_alias["Front door"], by_alias["Garage"]
    assert front[23:36] == b"00626E4A0001\x00"
    assert garage[23:36] == b"00626E4A0002\x00"
    assert front[77:81] == bytes([11, 37, 2, 49])
    assert front[81:85] == bytes([2, 0, 10, 7])
    assert garage[77:81] == bytes([0, 22, 2, 21])
    assert garage[81:85] == bytes(4)  # not a dotted version


MALFORMED = [
    b"",
    b"MO_I",
    b"garbage" * 10,
    SEARCH.replace(b"MO_I", b"MO_V"),
    b"MO_I\x01\x00" + SEARCH[6:],  # a reply, not a search
]


async def test_malformed_datagrams_are_ignored() -> None:
    """No reply, and the responder keeps working."""
    async with Simulator([CameraConfig()]) as sim:
        assert sim.discovery_port
        for payload in MALFORMED[:-1]:
            await search(sim.discovery_port, payload, expect=-1)
        assert await search(sim.discovery_port, MALFORMED[-1], expect=0) == []
        assert len(await search(sim.discovery_port, SEARCH, expect=1)) == 1


async def test_offline_cameras_stay_silent() -> None:
    """A camera that is offline does not answer searches."""
    async with Simulator([CameraConfig(), CameraConfig()]) as sim:
        assert sim.discovery_port
        await sim.cameras[0].set_offline(True)
        replies = await search(sim.discovery_port, SEARCH, expect=0)
    assert len(replies) == 1
    assert replies[0][23:35] == b"00626E4A0002"


def test_broadcast_responder_needs_a_loopback_only_network() -> None:
    """Listening on every address is refused where a real interface exists."""
    if only_loopback_interfaces():
        pytest.skip("this process already runs in a loopback-only network")
    with pytest.raises(ValueError, match="loopback only"):
        Simulator(discovery_broadcast=True)
