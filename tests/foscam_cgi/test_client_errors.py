"""Error mapping, odd replies, serialisation and the client's lifecycle.

Most failures come from the simulator's faults. Replies the simulator never
sends (404, HTML, truncated bodies...) come from ``RawCamera``, a socket server
that writes canned bytes and closes, like the firmware's one-shot HTTP server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import time

import aiohttp
import pytest

from custom_components.foscam_mjpeg.foscam_cgi import (
    BaudRate,
    CameraControlParam,
    Device,
    FoscamCamera,
    FoscamCommandError,
    FoscamConnectionError,
    FoscamError,
    FoscamNotSupportedError,
    FoscamResponseError,
    FoscamTimeoutError,
    MailTestResult,
    Privilege,
    User,
    WifiCountry,
    encode_query,
)
from simulator import SimulatedCamera

from .conftest import (
    JPEG,
    ClientFactory,
    RawCamera,
    Wire,
    http,
    rebooting,
    wait_until,
    with_camera,
)

# --- failures of the simulated camera --------------------------------------------


@pytest.mark.parametrize(
    ("call", "cgi", "reason"),
    [
        (lambda c: c.set_alias("x" * 21), "set_alias.cgi", "illegal params."),
        (
            lambda c: c.camera_control(CameraControlParam.FLIP, 9),
            "camera_control.cgi",
            "illegal params.",
        ),
        (lambda c: c.set_decoder(7), "set_decoder.cgi", "illegal params."),
        (lambda c: c.restore_params(b"junk"), "restore_params.cgi", "illegal params."),
        (
            lambda c: c.upgrade_firmware(b""),
            "upgrade_firmware.cgi",
            "illegal http frame.",
        ),
        (
            lambda c: c.set_network(ip="not an address"),
            "set_network.cgi",
            "illegal params.",
        ),
    ],
    ids=["alias", "flip", "baud", "restore", "empty-upload", "network"],
)
async def test_command_error(
    call: Callable[[FoscamCamera], Awaitable[None]],
    cgi: str,
    reason: str,
    admin: FoscamCamera,
    cam: SimulatedCamera,
) -> None:
    """``error: ...`` with HTTP 200 is FoscamCommandError naming the CGI."""
    boots = cam.state.boot_count
    with pytest.raises(FoscamCommandError) as info:
        await call(admin)
    assert (info.value.cgi, info.value.reason) == (cgi, reason)
    assert str(info.value) == f"{cgi} on 127.0.0.1:{cam.port}: error: {reason}"
    await asyncio.sleep(0.1)
    assert cam.state.boot_count == boots  # a refused upload does not reboot


@pytest.mark.parametrize(
    "call",
    [
        FoscamCamera.get_status,
        FoscamCamera.check_user,
        FoscamCamera.test_ftp,
        lambda c: c.set_alias("x"),
    ],
    ids=["status", "check-user", "test-ftp", "set"],
)
async def test_garbage_body(
    call: Callable[[FoscamCamera], Awaitable[object]],
    admin: FoscamCamera,
    cam: SimulatedCamera,
) -> None:
    """Random bytes instead of the reply: FoscamResponseError.

    Only CGIs whose reply has a required field: see test_garbage_get_params.
    """
    cam.faults.garbage_body = True
    with pytest.raises(FoscamResponseError):
        await call(admin)


async def test_offline(admin: FoscamCamera, cam: SimulatedCamera) -> None:
    """Connection refused: FoscamConnectionError (not a timeout); back when online."""
    await cam.set_offline(True)
    with pytest.raises(FoscamConnectionError) as info:
        await admin.get_status()
    assert not isinstance(info.value, FoscamTimeoutError)
    assert str(info.value) == (
        f"get_status.cgi on 127.0.0.1:{cam.port}: "
        "ClientConnectorError (Connection refused)"
    )
    await cam.set_offline(False)
    assert (await admin.get_status()).id == cam.state.id


async def test_latency_beyond_timeout(
    make_client: ClientFactory, cam: SimulatedCamera
) -> None:
    """A reply later than request_timeout: FoscamTimeoutError."""
    client = make_client(request_timeout=0.2)
    cam.faults.latency = 3.0
    started = time.monotonic()
    with pytest.raises(FoscamTimeoutError) as info:
        await client.check_user()
    # Gave up long before the reply (margin for a loaded machine).
    assert time.monotonic() - started < 2.0
    assert isinstance(info.value, FoscamConnectionError)
    assert str(info.value) == f"check_user.cgi on 127.0.0.1:{cam.port}: timed out"
    cam.faults.latency = 0.1
    assert (await client.check_user()).privilege is Privilege.ADMINISTRATOR


@with_camera(reboot_downtime=0.5)
async def test_unreachable_while_rebooting(
    admin: FoscamCamera, cam: SimulatedCamera
) -> None:
    """After reboot.cgi the camera refuses connections, then comes back."""
    await admin.reboot()
    await wait_until(lambda: not cam.online, what="the camera to go down")
    with pytest.raises(FoscamConnectionError):
        await admin.get_status()
    await wait_until(lambda: cam.online and not cam.rebooting)
    assert (await admin.get_status()).id == cam.state.id


@with_camera(omit_fields=frozenset({"id"}))
async def test_status_without_id(admin: FoscamCamera) -> None:
    """A reply without ``id`` is not a CGI v1.x camera."""
    with pytest.raises(FoscamNotSupportedError, match=r"get_status\.cgi"):
        await admin.get_status()


@with_camera(omit_fields=frozenset({"pri"}))
async def test_check_user_without_privilege(admin: FoscamCamera) -> None:
    """A check_user reply without a level is refused, naming the CGI."""
    with pytest.raises(FoscamResponseError, match=r"check_user\.cgi"):
        await admin.check_user()


@with_camera(omit_fields=frozenset({"result"}))
async def test_test_mail_without_result(admin: FoscamCamera) -> None:
    """A test_mail reply without a result is refused, naming the CGI."""
    with pytest.raises(FoscamResponseError, match=r"test_mail\.cgi.*no result"):
        await admin.test_mail()


@with_camera(omit_fields=frozenset({"wifi_country", "sounddetect_armed"}))
async def test_older_firmware(admin: FoscamCamera, cam: SimulatedCamera) -> None:
    """Missing fields are None; read-modify-write leaves them out."""
    params = await admin.get_params()
    assert params.wifi is not None
    assert params.wifi.country is None
    await admin.set_wifi(ssid="older")
    assert cam.state.settings.wifi.ssid == "older"
    await admin.set_wifi(country=WifiCountry.EUROPE)
    assert cam.state.settings.wifi.country == 1


@with_camera(
    extra_fields={
        "get_status.cgi": {"new_field": 7},
        "test_mail.cgi": {"detail": "x"},
    }
)
async def test_newer_firmware(admin: FoscamCamera, cam: SimulatedCamera) -> None:
    """Unknown fields are kept in ``raw``; unknown enum values stay ints."""
    cam.trigger_alarm(9)
    status = await admin.get_status()
    assert status.raw["new_field"] == 7
    assert status.alarm_status == 9
    assert type(status.alarm_status) is int
    assert await admin.test_mail() is MailTestResult.SUCCEED


@with_camera(extra_fields={"check_user.cgi": {"pri": 7}})
async def test_unknown_privilege_level(admin: FoscamCamera) -> None:
    """A ``pri`` outside the scale is kept raw and does not set ``privilege``."""
    result = await admin.check_user()
    assert result.privilege == 7
    assert type(result.privilege) is int
    assert admin.privilege is None


MAIL_FIELDS = ("svr", "port", "tls", "user", "pwd", "sender", "inet_ip")
MAIL_RECEIVERS = tuple(f"receiver{n}" for n in range(1, 5))


@with_camera(omit_fields=frozenset(f"mail_{n}" for n in MAIL_FIELDS + MAIL_RECEIVERS))
async def test_read_modify_write_without_section(
    admin: FoscamCamera, cam: SimulatedCamera
) -> None:
    """No mail section in get_params: only the given settings are sent."""
    assert (await admin.get_params()).mail is None
    with pytest.raises(FoscamCommandError):  # the camera wants the full set
        await admin.set_mail(svr="smtp.example.org")
    await admin.set_mail(
        svr="smtp.example.org",
        port=25,
        user="u",
        password="p",
        sender="s",
        receiver1="r1",
        receiver2="",
        receiver3="",
        receiver4="",
        inet_ip=False,
    )
    assert cam.state.settings.mail.svr == "smtp.example.org"


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.decoder_control(256),
        lambda c: c.decoder_control(-1),
        lambda c: c.set_extra_io(256),
        lambda c: c.comm_write(4, BaudRate.B9600, b"x"),
        lambda c: c.comm_write(0, BaudRate.B9600, b"x" * 256),
        lambda c: c.set_users([User(0, "x", "y", Privilege.VISITOR)]),
        lambda c: c.set_devices([Device(1, "x", "h", 80, "u", "p")]),
        lambda c: c.set_mac("00:12:a0:74:6f"),
        lambda c: c.preset_go(17),
        lambda c: c.preset_set(0),
    ],
)
async def test_bad_arguments(
    call: Callable[[FoscamCamera], Awaitable[None]],
    admin: FoscamCamera,
    cam: SimulatedCamera,
) -> None:
    """Rejected before anything is sent."""
    with pytest.raises(ValueError):  # noqa: PT011 - the messages vary
        await call(admin)
    assert not cam.counters.requests


def test_encode_query() -> None:
    """Values are percent-encoded (UTF-8, nothing safe), None left out."""
    assert (
        encode_query({"a": "#&% +'\"é/", "b": None, "c": True, "d": 7, "e": b"\xff "})
        == "a=%23%26%25%20%2B%27%22%C3%A9%2F&c=1&d=7&e=%FF%20"
    )
    with pytest.raises(TypeError, match="float"):
        encode_query({"x": 1.5})


async def test_user_privilege_as_raw_level(
    admin: FoscamCamera, cam: SimulatedCamera
) -> None:
    """A privilege that is not a Privilege goes out as is (userN_pri 0/1/2 scale)."""
    await admin.set_users([User(4, "raw", "raw", 1)])
    assert cam.state.users[3].pri == 1
    assert (await admin.get_params()).users[3].privilege is Privilege.OPERATOR


# --- serialisation ------------------------------------------------------------------


async def test_requests_are_serialised(
    admin: FoscamCamera, cam: SimulatedCamera, wire: Wire
) -> None:
    """Five concurrent calls on one client never overlap at the camera."""
    cam.faults.latency = 0.1
    started = time.monotonic()
    statuses = await asyncio.gather(*(admin.get_status() for _ in range(5)))
    assert time.monotonic() - started >= 0.5
    assert {s.id for s in statuses} == {cam.state.id}
    assert wire.max_in_flight == 1


async def test_clients_are_not_serialised_with_each_other(
    make_client: ClientFactory, cam: SimulatedCamera, wire: Wire
) -> None:
    """The lock is per client: the measurement above can see overlap."""
    cam.faults.latency = 0.1
    clients = [make_client() for _ in range(5)]
    await asyncio.gather(*(client.get_status() for client in clients))
    assert wire.max_in_flight >= 2


async def test_read_modify_write_is_atomic(
    admin: FoscamCamera, cam: SimulatedCamera, wire: Wire
) -> None:
    """No other request of the client slips between get_params and the set."""
    cam.faults.latency = 0.02
    await asyncio.gather(
        admin.get_status(),
        admin.set_network(dns="127.0.0.9"),
        admin.get_status(),
        admin.set_mail(svr="smtp.example.org"),
        admin.get_misc(),
    )
    cgis = wire.cgis()
    assert len(cgis) == 7
    for cgi in ("set_network.cgi", "set_mail.cgi"):
        assert cgis[cgis.index(cgi) - 1] == "get_params.cgi"
    assert cam.state.settings.network.dns == "127.0.0.9"
    assert cam.state.settings.mail.svr == "smtp.example.org"


# --- lifecycle ---------------------------------------------------------------------


async def test_own_session_is_closed(cam: SimulatedCamera) -> None:
    """Without an injected session the client makes one and closes it."""
    async with FoscamCamera(cam.host, cam.port, "admin", "admin") as client:
        assert client.base_url == f"http://127.0.0.1:{cam.port}"
        await client.check_user()
        own = client._session
        assert own is not None
        open_inside = not own.closed
    assert open_inside
    assert own.closed
    await client.close()  # twice is fine


async def test_injected_session_is_kept(
    make_client: ClientFactory, session: aiohttp.ClientSession
) -> None:
    """A client given a session leaves it open; its repr names no password."""
    async with make_client() as client:
        await client.check_user()
    assert not session.closed
    assert repr(client) == f"FoscamCamera('127.0.0.1:{client.port}', username='admin')"


async def test_uploads_are_multipart_posts(
    admin: FoscamCamera, cam: SimulatedCamera, wire: Wire
) -> None:
    """Field ``file``; the other CGIs are GETs."""
    await rebooting(cam, admin.upgrade_htmls(b"web ui"))
    await admin.set_factory_params(b"params")
    methods = [(s.cgi, s.method) for s in wire.sent]
    assert methods == [
        ("upgrade_htmls.cgi", "POST"),
        ("set_factory_params.cgi", "POST"),
    ]
    assert all(
        s.headers["Content-Type"].startswith("multipart/form-data") for s in wire.sent
    )
    await admin.get_status()
    assert wire.sent[-1].method == "GET"


# --- replies the simulator never sends -----------------------------------------------


HTML = http(b"<html><body>IPCam</body></html>", content_type="text/html")
TEXT_MAX = 1024 * 1024


@pytest.mark.parametrize(
    ("cgi", "reply", "call", "error", "message"),
    [
        ("get_status.cgi", None, FoscamCamera.get_status, FoscamConnectionError, "ServerDisconnectedError"),
        ("get_status.cgi", http(b"x", status="500 Oops"), FoscamCamera.get_status, FoscamConnectionError, "HTTP 500"),
        ("get_status.cgi", http(b"Not Found", status="404 Not Found"), FoscamCamera.get_status, FoscamNotSupportedError, "HTTP 404"),
        ("get_status.cgi", HTML, FoscamCamera.get_status, FoscamNotSupportedError, "get_status.cgi"),
        ("get_status.cgi", http(b'{"id": "x"}'), FoscamCamera.get_status, FoscamNotSupportedError, "get_status.cgi"),
        ("get_status.cgi", http(b"var alias='x';\n"), FoscamCamera.get_status, FoscamNotSupportedError, "no camera id"),
        ("get_status.cgi", http(b"x" * (TEXT_MAX + 1), length=None), FoscamCamera.get_status, FoscamResponseError, "over 1048576 bytes"),
        ("get_status.cgi", http(b"var id='x';", length=TEXT_MAX + 1), FoscamCamera.get_status, FoscamResponseError, "over 1048576 bytes"),
        ("get_status.cgi", http(b"var id='x';", length=100), FoscamCamera.get_status, FoscamConnectionError, "ClientPayloadError"),
        ("check_user.cgi", http(b"var user='admin';\n"), FoscamCamera.check_user, FoscamResponseError, "no privilege"),
        ("set_alias.cgi", HTML, lambda c: c.set_alias("x"), FoscamNotSupportedError, "unexpected reply"),
        ("set_alias.cgi", http(b"done\n"), lambda c: c.set_alias("x"), FoscamResponseError, "unexpected reply"),
        ("set_alias.cgi", http(b"ERROR: odd thing.\n"), lambda c: c.set_alias("x"), FoscamCommandError, "error: odd thing."),
        ("snapshot.cgi", http(b"error: illegal params.\n"), FoscamCamera.snapshot, FoscamCommandError, "illegal params."),
        ("snapshot.cgi", HTML, FoscamCamera.snapshot, FoscamNotSupportedError, "not a JPEG"),
        ("snapshot.cgi", http(b"junk"), FoscamCamera.snapshot, FoscamResponseError, "not a JPEG"),
        ("backup_params.cgi", http(b"error: illegal params.\n"), FoscamCamera.backup_params, FoscamCommandError, "backup_params.cgi"),
    ],
    ids=[
        "no-reply",
        "http-500",
        "http-404",
        "html",
        "json",
        "no-id",
        "oversized-eof",
        "oversized-length",
        "truncated",
        "no-privilege",
        "set-html",
        "set-other",
        "set-error",
        "snapshot-error",
        "snapshot-html",
        "snapshot-junk",
        "backup-error",
    ],
)  # fmt: skip
async def test_foreign_replies(
    cgi: str,
    reply: bytes | None,
    call: Callable[[FoscamCamera], Awaitable[object]],
    error: type[FoscamError],
    message: str,
    raw_camera: RawCamera,
    session: aiohttp.ClientSession,
) -> None:
    """Each odd reply maps to one exception whose text names the CGI."""
    raw_camera.replies[cgi] = reply
    client = FoscamCamera(
        "127.0.0.1", raw_camera.port, "admin", "admin", session=session
    )
    with pytest.raises(FoscamError) as info:
        await call(client)
    assert type(info.value) is error
    assert message in str(info.value)
    assert f"on 127.0.0.1:{raw_camera.port}" in str(info.value)


# Seeded random bytes: one of the lines happens to look like ``name=value``.
GARBAGE = b"\x8f\x01\xfe\xd3\x07\nQz=\x9c\xd1\x07\x00\x13\n\xff\xfe\x81"


async def test_garbage_get_params(
    raw_camera: RawCamera, session: aiohttp.ClientSession
) -> None:
    """A stray ``x=y`` line in binary noise is not a reply (needs ``var``)."""
    raw_camera.replies["get_params.cgi"] = http(GARBAGE)
    client = FoscamCamera("127.0.0.1", raw_camera.port, session=session)
    with pytest.raises(FoscamResponseError):
        await client.get_params()


async def test_lenient_success_replies(
    raw_camera: RawCamera, session: aiohttp.ClientSession
) -> None:
    """``ok`` without the dot; a JPEG whatever its Content-Type."""
    raw_camera.replies["set_alias.cgi"] = http(b"OK\r\n")
    raw_camera.replies["snapshot.cgi"] = http(JPEG, content_type="text/plain")
    client = FoscamCamera("127.0.0.1", raw_camera.port, session=session)
    await client.set_alias("x")
    assert await client.snapshot() == JPEG
