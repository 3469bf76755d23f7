"""The params.bin blob of backup_params.cgi / restore_params.cgi."""

from __future__ import annotations

import json
import struct
from typing import Final
import zlib

from .params import IllegalParams, assign, collect, to_query
from .state import Settings

MAGIC: Final = b"IPCAMPRM"
_HEADER: Final = struct.Struct("<8sHII")  # magic, version, crc32, payload length
_VERSION: Final = 1


def dump(settings: Settings) -> bytes:
    """Serialise every settings group as the set queries that rebuild it."""
    document = {"alias": settings.alias} | {
        key: to_query(group) for key, group in settings.groups()
    }
    payload = zlib.compress(json.dumps(document, ensure_ascii=False).encode())
    return _HEADER.pack(MAGIC, _VERSION, zlib.crc32(payload), len(payload)) + payload


def load(blob: bytes, settings: Settings) -> None:
    """Validate a blob completely, then overwrite ``settings`` (IllegalParams if bad)."""
    try:
        magic, version, crc, length = _HEADER.unpack_from(blob)
        payload = blob[_HEADER.size :]
        if magic != MAGIC or version != _VERSION or len(payload) != length:
            raise IllegalParams
        if zlib.crc32(payload) != crc:
            raise IllegalParams
        document = json.loads(zlib.decompress(payload))
        alias = document["alias"]
        queries = {key: dict(document[key]) for key, _ in settings.groups()}
    except struct.error, zlib.error, ValueError, KeyError, TypeError:
        raise IllegalParams from None
    if not isinstance(alias, str) or len(alias.encode()) > 20:
        raise IllegalParams
    for query in queries.values():
        if not all(isinstance(v, str) for v in query.values()):
            raise IllegalParams
    changes = [
        (group, collect(group, queries[key], full=True))
        for key, group in settings.groups()
    ]
    settings.alias = alias
    for group, values in changes:
        assign(group, values)
