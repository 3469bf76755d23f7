"""Property-based tests (hypothesis) with generated hostile input.

They extend tests/foscam_cgi/test_parser.py and test_mjpeg.py (which check
that arbitrary bytes raise nothing but FoscamResponseError) with the
properties the robustness issue asks for: garbage never passes as a reply,
every reply model survives any parsed body, the frame reader's memory is
bounded by its caps whatever the camera sends and however it is cut, and the
hub's own multipart output is read back frame for frame.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.foscam_mjpeg.fan_out import BOUNDARY, multipart_part
from custom_components.foscam_mjpeg.foscam_cgi import (
    CameraParams,
    CheckUserResult,
    FactoryDdns,
    ForbiddenSchedule,
    FoscamCamera,
    FoscamError,
    FoscamResponseError,
    Misc,
    Params,
    Status,
    WifiNetwork,
    parse_vars,
    read_mjpeg_frames,
)
from custom_components.foscam_mjpeg.foscam_cgi.models import (
    AlarmParams,
    DdnsParams,
    FtpParams,
    MailParams,
    MsnParams,
    WifiParams,
)
from custom_components.foscam_mjpeg.foscam_cgi.parser import Value

from .buffer_peak import tracking_buffer_peak


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the repository-wide one: pure functions need no hass instance."""


type Builder = Callable[[dict[str, Value]], object]

BUILDERS: dict[str, Builder] = {
    "get_status.cgi": Status.from_vars,
    "check_user.cgi": CheckUserResult.from_vars,
    "get_camera_params.cgi": CameraParams.from_vars,
    "get_misc.cgi": Misc.from_vars,
    "get_forbidden.cgi": ForbiddenSchedule.from_vars,
    "get_params.cgi": Params.from_vars,
    "get_factory_ddns.cgi": FactoryDdns.from_vars,
    "get_wifi_scan_result.cgi": WifiNetwork.list_from_vars,
}


def _model_keys() -> list[str]:
    """Field names the models read (with their get_params prefixes)."""
    keys: set[str] = {"pri", "user", "pwd", "log_text", "result", "ap_number"}
    models: list[tuple[type[Any], str]] = [
        (Status, ""),
        (CameraParams, ""),
        (Misc, ""),
        (ForbiddenSchedule, ""),
        (Params, ""),
        (FactoryDdns, "factory_ddns_"),
        (WifiParams, "wifi_"),
        (DdnsParams, "ddns_"),
        (MailParams, "mail_"),
        (FtpParams, "ftp_"),
        (AlarmParams, "alarm_"),
        (MsnParams, "msn_"),
    ]
    for model, prefix in models:
        assert is_dataclass(model)
        for spec in fields(model):
            for key in spec.metadata.get("keys") or (spec.name,):
                keys.add(prefix + key)
    for prefix in ("", "alarm_", "ftp_"):
        keys.update(
            f"{prefix}schedule_{day}_{i}" for day in ("sun", "sat") for i in (0, 2)
        )
    keys.update({"user1_name", "user8_pwd", "user3_pri", "user999_pri", "dev2_port"})
    keys.update({"dev9_pwd", "ap_ssid", "ap_bssid", "ap_mode", "ap_security"})
    return sorted(keys)


KEYS = st.sampled_from(_model_keys()) | st.from_regex(
    r"[a-z_][a-z0-9_]{0,12}", fullmatch=True
)
INTS = st.integers() | st.sampled_from(
    [-(2**63), 2**32, 2**32 - 1, -1, 10**40, -(10**40), 2**64]
)
SCALARS = INTS | st.text(max_size=30) | st.from_regex(r"-?[0-9]{1,45}", fullmatch=True)
VALUES: st.SearchStrategy[Value] = SCALARS | st.lists(SCALARS, max_size=4)
REPLIES = st.dictionaries(KEYS, VALUES, max_size=25)


@settings(max_examples=300, deadline=None)
@given(values=REPLIES, cgi=st.sampled_from(sorted(BUILDERS)))
def test_models_survive_any_parsed_reply(values: dict[str, Value], cgi: str) -> None:
    """Any parsed body builds a model or raises FoscamResponseError; no crash."""
    try:
        model = BUILDERS[cgi](values)
    except FoscamResponseError:
        return
    repr(model)
    if isinstance(model, Status):
        model.camera_time  # noqa: B018 - the property must not raise
        model.utc_offset  # noqa: B018


FRAGMENTS = st.sampled_from(
    [f"var {key}=".encode() for key in _model_keys()[::7]]
    + [b"var ", b"'", b'"', b";", b"\n", b"\\", b"new Array();", b"[0]=", b"-"]
    + [b"9" * 45, b"\xff", b"\xc3", b"<html>", b"error: ", b"ok.", b"=", b"id"]
)
BODIES = st.lists(FRAGMENTS | st.binary(max_size=8), max_size=50).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(body=BODIES | st.binary(max_size=1024), cgi=st.sampled_from(sorted(BUILDERS)))
def test_client_replies_raise_only_foscam_errors(body: bytes, cgi: str) -> None:
    """What the client does with a 200 reply body: a model or a FoscamError."""
    client = FoscamCamera("127.0.0.1", 80)
    message = "127.0.0.1:80"
    try:
        client._model(cgi, BUILDERS[cgi], body)
    except FoscamError as err:
        message = str(err)
    assert "127.0.0.1:80" in message  # errors name the CGI and the camera


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048).filter(lambda b: b"var" not in b and b"[" not in b))
def test_garbage_is_never_a_reply(body: bytes) -> None:
    """Without a ``var`` statement or an array element nothing is a reply."""
    try:
        values = parse_vars(body)
    except FoscamResponseError:
        return
    assert values == {}  # only a blank body parses, to nothing


class _ChunkedReader:
    """Hands ``data`` out in pieces of at most ``chunk`` bytes."""

    def __init__(self, data: bytes, chunk: int) -> None:
        self.data = data
        self.chunk = chunk

    async def read(self, n: int = -1, /) -> bytes:
        piece = self.data[: min(n, self.chunk)]
        self.data = self.data[len(piece) :]
        return piece


STREAM_PIECES = st.sampled_from(
    [
        b"--ipcamera",
        b"--ipcamera--",
        b"\r\n",
        b"\n",
        b"Content-Length: ",
        b"Content-Length: 7\r\n\r\n",
        b"Content-Length: 999999999\r\n\r\n",
        b"X-Junk: 1\r\n",
        b"\xff\xd8",
        b"\xff\xd9",
        b"a" * 100,
        b"-",
    ]
)
STREAMS = st.lists(STREAM_PIECES | st.binary(max_size=30), max_size=80).map(b"".join)
MAX_FRAME, MAX_LINE, MAX_HEADERS = 256, 48, 4


@settings(max_examples=300, deadline=None)
@given(data=STREAMS, chunk=st.integers(min_value=1, max_value=512))
def test_frame_reader_memory_is_bounded(data: bytes, chunk: int) -> None:
    """The reader never buffers more than its caps plus one read.

    Bound: max(max_frame_size + len(delimiter), max_header_line) + one read.
    """

    async def run() -> None:
        reader = _ChunkedReader(data, chunk)
        frames = read_mjpeg_frames(
            reader,
            "ipcamera",
            max_frame_size=MAX_FRAME,
            max_header_line=MAX_LINE,
            max_headers=MAX_HEADERS,
        )
        try:
            async for frame in frames:
                assert len(frame) <= MAX_FRAME
        except FoscamResponseError:
            pass

    with tracking_buffer_peak() as peak:
        asyncio.run(run())
    delimiter = len(b"--ipcamera")
    assert peak[0] <= max(MAX_FRAME + delimiter, MAX_LINE) + chunk


@settings(max_examples=200, deadline=None)
@given(
    frames=st.lists(st.binary(min_size=1, max_size=300), max_size=8),
    chunk=st.integers(min_value=1, max_value=700),
)
def test_hub_parts_read_back(frames: list[bytes], chunk: int) -> None:
    """What the hub sends viewers is read back frame for frame, however cut."""
    data = b"".join(multipart_part(frame) for frame in frames)

    async def run() -> list[bytes]:
        reader = _ChunkedReader(data, chunk)
        return [frame async for frame in read_mjpeg_frames(reader, BOUNDARY)]

    assert asyncio.run(run()) == frames
