"""Just enough ASF framing for ``videostream.asf`` to look like the real thing."""

from __future__ import annotations

import struct
from typing import Final
import uuid

HEADER_GUID: Final = uuid.UUID("75B22630-668E-11CF-A6D9-00AA0062CE6C").bytes_le
DATA_GUID: Final = uuid.UUID("75B22636-668E-11CF-A6D9-00AA0062CE6C").bytes_le
_FILE_PROPERTIES_GUID: Final = uuid.UUID(
    "8CABDCA1-A947-11CF-8EE4-00C00C205365"
).bytes_le
PACKET_SIZE: Final = 3200
_BROADCAST: Final = 1


def _file_properties(file_id: bytes) -> bytes:
    body = file_id + struct.pack(
        "<QQQQQQIIII",
        0,
        0,
        0,
        0,
        0,
        3000,
        _BROADCAST,
        PACKET_SIZE,
        PACKET_SIZE,
        2_000_000,
    )
    return _FILE_PROPERTIES_GUID + struct.pack("<Q", 24 + len(body)) + body


def stream_header(camera_id: str) -> bytes:
    """ASF header object then the start of an open-ended (broadcast) data object."""
    file_id = uuid.uuid5(uuid.NAMESPACE_OID, camera_id).bytes_le
    objects = _file_properties(file_id)
    header = HEADER_GUID + struct.pack("<QIBB", 30 + len(objects), 1, 1, 2) + objects
    data = DATA_GUID + struct.pack("<Q", 0) + file_id + struct.pack("<QH", 0, 0x0101)
    return header + data


def packets(payload: bytes) -> list[bytes]:
    """Fixed-size data packets (error-correction preamble, payload, zero padding)."""
    room = PACKET_SIZE - 3
    return [
        b"\x82\x00\x00" + payload[i : i + room].ljust(room, b"\x00")
        for i in range(0, len(payload), room)
    ]
