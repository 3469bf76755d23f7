"""Hostile or broken reply bodies, from the protocol client up to the entities.

Every case is served by the hostile front on a real socket while Home
Assistant polls. A case either makes the poll fail (entities unavailable, one
warning, one info when the camera is sane again) or its bad values are
ignored (entities stay available with consistent states, nothing above INFO).
Never an error record or a traceback.

Memory caps (the client's constants): a text CGI body is read into at most
TEXT_MAX_SIZE = 1 MiB (+ one 64 KiB read) and parsed from that; a longer body
or a Content-Length above the cap drops the connection with
FoscamResponseError. Snapshots and backups are capped at 8 MiB the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
import logging
import random
import tracemalloc

import aiohttp
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import format_mac
import pytest

from custom_components.foscam_mjpeg.const import DOMAIN
from custom_components.foscam_mjpeg.foscam_cgi import (
    FoscamCamera,
    FoscamResponseError,
)
from custom_components.foscam_mjpeg.foscam_cgi.client import TEXT_MAX_SIZE

from ..conftest import setup_entry
from .conftest import (
    OURS,
    HostileFront,
    front_entry,
    http,
    messages,
    our_records,
    our_states,
)

pytestmark = pytest.mark.usefixtures("socket_enabled")

CAMERA = "camera.front_door"
CAMERA_ID = "00626E4A0001"
STATUS = (
    b"var id='00626E4A0001';\n"
    b"var sys_ver='11.37.2.49';\n"
    b"var app_ver='2.0.10.7';\n"
    b"var alias='Front door';\n"
    b"var now=1700000000;\n"
    b"var tz=0;\n"
    b"var alarm_status=0;\n"
    b"var ddns_status=0;\n"
    b"var ddns_host='';\n"
    b"var oray_type=0;\n"
    b"var upnp_status=0;\n"
    b"var msn_status=0;\n"
    b"var wifi_status=0;\n"
)
GARBAGE = random.Random(1234).randbytes(4096)
HOSTILE_TEXT = "<img src=x onerror=alert(1)>'; var id='evil'; \" --"


def status(**changes: bytes) -> bytes:
    """STATUS with some lines replaced (``name=b"raw value"``)."""
    lines = []
    for line in STATUS.splitlines():
        name = line.removeprefix(b"var ").split(b"=", 1)[0].decode()
        if name in changes:
            line = b"var %s=%s;" % (name.encode(), changes[name])
        lines.append(line)
    return b"\n".join(lines) + b"\n"


@dataclass(frozen=True)
class Case:
    """One hostile body for one CGI and what it must lead to."""

    cgi: str
    reply: bytes
    fails: bool  # the poll fails: entities unavailable
    check: Callable[[HomeAssistant], None] | None = None


def _state(hass: HomeAssistant, entity_id: str) -> State:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state


def _by_key(hass: HomeAssistant, domain: str, key: str) -> State:
    """Return the state of our entity with unique_id suffix ``key``."""
    entity_id = er.async_get(hass).async_get_entity_id(
        domain, DOMAIN, f"{format_mac(CAMERA_ID)}_{key}"
    )
    assert entity_id is not None, key
    return _state(hass, entity_id)


def _alarm_off(hass: HomeAssistant) -> None:
    assert _by_key(hass, "binary_sensor", "motion").state == "off"


def _codes_unknown(hass: HomeAssistant) -> None:
    for key in ("alarm_status", "ddns_status", "upnp_status", "wifi_status"):
        assert _by_key(hass, "sensor", key).state == STATE_UNKNOWN, key


STATUS_CASES = {
    "empty": Case("get_status.cgi", http(b""), fails=True),
    "megabytes_with_length": Case(
        "get_status.cgi", http(STATUS + b"var pad=1;\n" * 300_000), fails=True
    ),
    "megabytes_read_to_eof": Case(
        "get_status.cgi", http(STATUS + b"var pad=1;\n" * 300_000, length=None), True
    ),
    "binary_garbage": Case("get_status.cgi", http(GARBAGE), fails=True),
    "html_page": Case("get_status.cgi", http(b"<html><body>Hi</body></html>"), True),
    "no_id": Case("get_status.cgi", http(STATUS.split(b"\n", 1)[1]), fails=True),
    "unbalanced_quotes": Case(
        "get_status.cgi",
        http(status(alias=b"'Front door", sys_ver=b'"11.37.2.49')),
        fails=False,
    ),
    "no_semicolons": Case(
        "get_status.cgi", http(STATUS.replace(b";", b"")), fails=False
    ),
    "duplicate_fields": Case(
        "get_status.cgi",
        http(STATUS + b"var alarm_status=1;\nvar alarm_status=0;\n"),
        fails=False,
        check=_alarm_off,
    ),
    "out_of_range_and_unknown_enums": Case(
        "get_status.cgi",
        http(
            status(
                alarm_status=b"7",
                ddns_status=b"12345",
                upnp_status=b"-3",
                wifi_status=b"42",
            )
        ),
        fails=False,
        check=_codes_unknown,
    ),
    "negative_and_huge_integers": Case(
        "get_status.cgi",
        http(
            status(
                now=b"-" + b"9" * 39,
                tz=b"9" * 39,
                oray_type=b"-1",
                alarm_status=b"9" * 60,  # beyond the int digit limit: text
            )
        ),
        fails=False,
    ),
    "non_utf8_alias": Case(
        "get_status.cgi", http(status(alias=b"'Caf\xe9 \xff\xfe\x80'")), fails=False
    ),
    "alias_with_quotes_semicolons_html": Case(
        "get_status.cgi",
        http(status(alias=b"'" + HOSTILE_TEXT.replace("'", "\\'").encode() + b"'")),
        fails=False,
    ),
}

SETTINGS_CASES = {
    "camera_params_out_of_range": Case(
        "get_camera_params.cgi",
        http(
            b"var resolution=99;\nvar brightness=-5;\nvar contrast=99999999999;\n"
            b"var mode=9;\nvar flip=77;\n"
        ),
        fails=False,
    ),
    "camera_params_empty": Case("get_camera_params.cgi", http(b""), fails=False),
    "misc_duplicates_without_semicolons": Case(
        "get_misc.cgi",
        http(b"var led_mode=1\nvar led_mode=2\nvar ptz_patrol_rate=-1000000\n"),
        fails=False,
    ),
    "params_hostile_names": Case(
        "get_params.cgi",
        http(
            b"var id='00626E4A0001';\nvar alias='"
            + HOSTILE_TEXT.replace("'", "\\'").encode()
            + b"';\nvar user1_name='\xff\xfe<b>';\nvar user1_pwd='';\n"
            b"var user1_pri=7;\nvar alarm_motion_sensitivity=99;\n"
        ),
        fails=False,
    ),
    "params_garbage": Case("get_params.cgi", http(GARBAGE), fails=True),
    "params_megabytes": Case(
        "get_params.cgi", http(b"var a='" + b"x" * (2 * TEXT_MAX_SIZE) + b"';"), True
    ),
}


def assert_consistent(state: State) -> None:
    """Assert a state Home Assistant can store and the frontend can show."""
    assert isinstance(state.state, str)
    assert len(state.state) <= 255
    if state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
        return
    domain = state.entity_id.split(".")[0]
    if domain in ("switch", "binary_sensor"):
        assert state.state in ("on", "off"), state
    elif domain == "select":
        assert state.state in state.attributes["options"], state
    elif domain == "number":
        float(state.state)


async def _run_cases(
    hass: HomeAssistant,
    front: HostileFront,
    caplog: pytest.LogCaptureFixture,
    cases: dict[str, Case],
) -> None:
    caplog.set_level(logging.INFO, logger=OURS)
    entry = await setup_entry(hass, front_entry(front))
    coordinator = entry.runtime_data.coordinator

    async def poll() -> None:
        await coordinator.settings.async_refresh()  # read the settings CGIs now
        await coordinator.async_refresh()

    for name, case in cases.items():
        caplog.clear()
        front.overrides[case.cgi] = case.reply
        for _ in range(3):
            await poll()
        states = list(our_states(hass))
        camera = _state(hass, CAMERA)
        for state in states:
            assert_consistent(state)
        if case.fails:
            assert camera.state == STATE_UNAVAILABLE, name
            assert all(state.state == STATE_UNAVAILABLE for state in states), name
        else:
            assert camera.state != STATE_UNAVAILABLE, name
            if case.check is not None:
                case.check(hass)
        del front.overrides[case.cgi]
        await poll()
        assert _state(hass, CAMERA).state != STATE_UNAVAILABLE, name

        records = our_records(caplog)
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert not errors, (name, messages(errors))
        assert not any(r.exc_info for r in records), name
        above_debug = [r for r in records if r.levelno >= logging.INFO]
        if case.fails:
            # One warning for the three failed polls, one info when back.
            assert [r.levelno for r in above_debug] == [
                logging.WARNING,
                logging.INFO,
            ], (name, messages(above_debug))
        else:
            # Only the sensors' one-time notes about undocumented codes.
            assert all(r.levelno == logging.INFO for r in above_debug), name
            assert all("undocumented code" in r.getMessage() for r in above_debug)
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.usefixtures("enable_all_entities")
async def test_hostile_status_bodies(
    hass: HomeAssistant, front: HostileFront, caplog: pytest.LogCaptureFixture
) -> None:
    """get_status.cgi, polled every scan interval."""
    await _run_cases(hass, front, caplog, STATUS_CASES)


async def test_hostile_settings_bodies(
    hass: HomeAssistant, front: HostileFront, caplog: pytest.LogCaptureFixture
) -> None:
    """get_camera_params.cgi, get_misc.cgi and get_params.cgi."""
    await _run_cases(hass, front, caplog, SETTINGS_CASES)


async def test_overlong_version_string(
    hass: HomeAssistant, front: HostileFront, caplog: pytest.LogCaptureFixture
) -> None:
    """A version string the state machine cannot hold is not an error per poll."""
    case = Case("get_status.cgi", http(status(sys_ver=b"'" + b"9" * 300 + b"'")), False)
    await _run_cases(hass, front, caplog, {"overlong_sys_ver": case})


class _EndlessBody:
    """A reply of text lines without Content-Length that never ends."""

    def __init__(self) -> None:
        self.sent = 0

    async def __call__(
        self, _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writer.write(http(length=None))
        chunk = b"var pad=1;\n" * 6000
        while True:
            writer.write(chunk)
            await writer.drain()
            self.sent += len(chunk)


async def test_endless_body_memory_is_capped(front: HostileFront) -> None:
    """An endless body: dropped after TEXT_MAX_SIZE, memory stays near the cap."""
    endless = _EndlessBody()
    front.overrides["get_status.cgi"] = endless
    async with aiohttp.ClientSession() as session:
        client = FoscamCamera("127.0.0.1", front.port, session=session)
        tracemalloc.start()
        try:
            with pytest.raises(FoscamResponseError, match="reply over 1048576 bytes"):
                await client.get_status()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 3 * TEXT_MAX_SIZE
    await asyncio.sleep(0.05)
    assert front.open_connections == 0  # the connection was dropped
    assert endless.sent < 64 * TEXT_MAX_SIZE  # not read to the end (there is none)
