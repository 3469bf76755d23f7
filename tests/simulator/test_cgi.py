"""CGI table, permissions, state persistence, validation and body format."""

from __future__ import annotations

import time

import aiohttp
import pytest

from simulator import CameraConfig, Privilege, SimulatedCamera, Simulator
from simulator.cgi_handlers import CGI_TABLE

from .conftest import ADMIN, OPERATOR, VISITOR, basic, fetch, parse_vars, query

# Straight from the vendor document's per-CGI "Permission" lines.
DOCUMENTED: dict[str, Privilege | None] = {
    "get_status.cgi": None,
    **dict.fromkeys(
        [
            "check_user.cgi",
            "snapshot.cgi",
            "videostream.cgi",
            "videostream.asf",
            "get_camera_params.cgi",
        ],
        Privilege.VISITOR,
    ),
    **dict.fromkeys(
        [
            "decoder_control.cgi",
            "set_extra_io.cgi",
            "camera_control.cgi",
            "comm_write.cgi",
        ],
        Privilege.OPERATOR,
    ),
    **dict.fromkeys(
        [
            "reboot.cgi",
            "restore_factory.cgi",
            "get_params.cgi",
            "upgrade_firmware.cgi",
            "upgrade_htmls.cgi",
            "set_alias.cgi",
            "set_datetime.cgi",
            "set_users.cgi",
            "set_devices.cgi",
            "set_network.cgi",
            "set_wifi.cgi",
            "set_pppoe.cgi",
            "set_upnp.cgi",
            "set_ddns.cgi",
            "set_ftp.cgi",
            "set_mail.cgi",
            "set_msn.cgi",
            "set_alarm.cgi",
            "set_forbidden.cgi",
            "get_forbidden.cgi",
            "set_misc.cgi",
            "get_misc.cgi",
            "set_decoder.cgi",
            "wifi_scan.cgi",
            "get_wifi_scan_result.cgi",
            "get_log.cgi",
            "test_mail.cgi",
            "test_ftp.cgi",
            "backup_params.cgi",
            "restore_params.cgi",
            "set_factory_params.cgi",
            "set_mac.cgi",
            "set_factory_ddns.cgi",
            "get_factory_ddns.cgi",
            "restore_factory_ddns.cgi",
        ],
        Privilege.ADMINISTRATOR,
    ),
}
BELOW = {
    Privilege.VISITOR: None,
    Privilege.OPERATOR: VISITOR,
    Privilege.ADMINISTRATOR: OPERATOR,
}
LOGIN = {
    Privilege.VISITOR: VISITOR,
    Privilege.OPERATOR: OPERATOR,
    Privilege.ADMINISTRATOR: ADMIN,
}

FORBIDDEN_SET: dict[str, object] = {"schedule_enable": 1}
FORBIDDEN_SET.update(
    (f"schedule_{day}_{i}", 0xFFFFFFFF - i)
    for day in ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
    for i in range(3)
)
FULL_SETS: dict[str, dict[str, object]] = {
    "set_users.cgi": {
        f"{key}{n}": value
        for n in range(1, 9)
        for key, value in (("user", f"u{n}"), ("pwd", f"p{n}"), ("pri", n % 3))
    },
    "set_wifi.cgi": {
        "enable": 1,
        "ssid": "home net",
        "channel": 6,
        "mode": 0,
        "encrypt": 4,
        "authtype": 0,
        "keyformat": 0,
        "defkey": 0,
        "key1": "",
        "key2": "",
        "key3": "",
        "key4": "",
        "key1_bits": 0,
        "key2_bits": 0,
        "key3_bits": 0,
        "key4_bits": 0,
        "wpa_psk": "s3cret&#%",
    },
    "set_mail.cgi": {
        "svr": "smtp.example.com",
        "port": 587,
        "user": "mailer",
        "pwd": "mailpw",
        "sender": "cam@example.com",
        "receiver1": "me@example.com",
        "receiver2": "",
        "receiver3": "",
        "receiver4": "",
        "mail_inet_ip": 1,
    },
    "set_forbidden.cgi": FORBIDDEN_SET,
    "set_ddns.cgi": {
        "service": 2,
        "user": "dyn",
        "pwd": "dynpw",
        "host": "cam.dyndns.org",
        "proxy_svr": "",
        "proxy_port": 0,
    },
    "set_network.cgi": {
        "ip": "192.168.1.50",
        "mask": "255.255.255.0",
        "gateway": "192.168.1.1",
        "dns": "192.168.1.1",
        "port": 8080,
    },
}
# cgi -> (get cgi, variable prefix there, set name -> get name overrides)
READ_BACK: dict[str, tuple[str, str]] = {
    "set_wifi.cgi": ("get_params.cgi", "wifi_"),
    "set_mail.cgi": ("get_params.cgi", "mail_"),
    "set_forbidden.cgi": ("get_forbidden.cgi", ""),
    "set_ddns.cgi": ("get_params.cgi", "ddns_"),
    "set_network.cgi": ("get_params.cgi", ""),
}


@pytest.fixture
def configs() -> list[CameraConfig]:
    """No reboots here: they would take the camera away mid-test."""
    return [CameraConfig(alias="Front door", rebooting_cgis=frozenset())]


def test_table_matches_document() -> None:
    """All 45 CGIs, with the documented permission."""
    assert len(DOCUMENTED) == 45
    assert {name: cgi.privilege for name, cgi in CGI_TABLE.items()} == DOCUMENTED


async def _status(
    session: aiohttp.ClientSession,
    cam: SimulatedCamera,
    name: str,
    auth: dict[str, str] | None,
) -> int:
    async with session.get(f"{cam.base_url}/{name}", headers=auth) as resp:
        return resp.status  # streams: headers only


async def test_permissions(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """Below the level or bad password: 401 with the Basic challenge; at the level: 200."""
    for name, required in DOCUMENTED.items():
        if required is None:
            assert await _status(session, cam, name, None) == 200
            assert await _status(session, cam, name, basic("admin", "x")) == 200
            continue
        async with session.get(
            f"{cam.base_url}/{name}", headers=BELOW[required]
        ) as resp:
            assert resp.status == 401, name
            assert resp.headers["WWW-Authenticate"] == 'Basic realm="ipcamera"'
        assert await _status(session, cam, name, basic("admin", "x")) == 401, name
        assert await _status(session, cam, name, LOGIN[required]) == 200, name
        assert cam.counters.requests[name] == 3, name


async def test_firmware_headers(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """Server, no charset, no-cache, Connection: close even on HTTP/1.1 keep-alive."""
    status, body, headers = await fetch(session, cam, "get_status.cgi", auth=None)
    assert status == 200
    assert headers["Server"] == "Netwave IP Camera"
    assert headers["Content-Type"] == "text/plain"
    assert headers["Cache-Control"] == "no-cache"
    assert headers["Connection"] == "close"
    assert b"\r" not in body
    assert body.endswith(b";\n")
    status, body, headers = await fetch(session, cam, "set_alias.cgi?alias=x")
    assert (status, body) == (200, b"ok.\n")


async def test_status_fields(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """get_status lists the documented fields; now is UTC epoch."""
    _, body, _ = await fetch(session, cam, "get_status.cgi", auth=None)
    status = parse_vars(body)
    assert list(status) == [
        "id",
        "sys_ver",
        "app_ver",
        "alias",
        "now",
        "tz",
        "alarm_status",
        "ddns_status",
        "ddns_host",
        "oray_type",
        "upnp_status",
        "msn_status",
        "wifi_status",
    ]
    assert status["id"] == "00626E4A0001"
    assert status["alias"] == "Front door"
    assert abs(int(status["now"]) - time.time()) < 5


# (set query, get cgi, expected variables)
PERSISTENCE = [
    (
        query(
            "set_alarm.cgi",
            motion_armed=1,
            motion_sensitivity=3,
            iolin_level=1,
            sounddetect_enabled=1,
            schedule_mon_1=4294967295,
            http_url="http://h/a?b=c&d=e",
        ),
        "get_params.cgi",
        {
            "alarm_motion_armed": 1,
            "alarm_motion_sensitivity": 3,
            "alarm_ioin_level": 1,
            "alarm_sounddetect_armed": 1,
            "alarm_schedule_mon_1": 4294967295,
            "alarm_schedule_mon_0": 0,
            "alarm_http_url": "http://h/a?b=c&d=e",
            "alarm_input_armed": 0,
        },
    ),
    ("camera_control.cgi?param=5&value=3", "get_camera_params.cgi", {"flip": 3}),
    (
        "camera_control.cgi?param=1&value=200",
        "get_camera_params.cgi",
        {"brightness": 200},
    ),
    ("camera_control.cgi?param=0&value=8", "get_camera_params.cgi", {"resolution": 8}),
    ("camera_control.cgi?param=2&value=6", "get_camera_params.cgi", {"contrast": 6}),
    ("camera_control.cgi?param=3&value=2", "get_camera_params.cgi", {"mode": 2}),
    (
        "set_misc.cgi?led_mode=2&ptz_center_onstart=1&ptz_patrol_rate=50",
        "get_misc.cgi",
        {
            "led_mode": 2,
            "ptz_center_onstart": 1,
            "ptz_patrol_rate": 50,
            "ptz_disable_preset": 0,
        },
    ),
    (
        "set_factory_ddns.cgi?service=13&user=fu&pwd=fp&host=h.example&proxy_port=7",
        "get_factory_ddns.cgi",
        {
            "factory_ddns_service": 13,
            "factory_ddns_user": "fu",
            "factory_ddns_pwd": "fp",
            "factory_ddns_host": "h.example",
            "factory_ddns_proxy_svr": "",
            "factory_ddns_proxy_port": 7,
        },
    ),
    (
        "set_datetime.cgi?tz=18000&ntp_enable=0&ntp_svr=pool.ntp.org&daylight_saving_time=3600",
        "get_params.cgi",
        {
            "tz": 18000,
            "ntp_enable": 0,
            "ntp_svr": "pool.ntp.org",
            "daylight_saving_time": 3600,
        },
    ),
    ("set_alias.cgi?alias=Back%20yard", "get_status.cgi", {"alias": "Back yard"}),
    (
        "set_devices.cgi?dev2_alias=Garage&dev2_host=10.0.0.2&dev2_port=81&dev9_user=v",
        "get_params.cgi",
        {
            "dev2_alias": "Garage",
            "dev2_host": "10.0.0.2",
            "dev2_port": 81,
            "dev9_user": "v",
            "dev3_alias": "",
        },
    ),
    (
        "set_pppoe.cgi?enable=1&user=isp&pwd=isp%26pw&mail_ip=1",
        "get_params.cgi",
        {"pppoe_enable": 1, "pppoe_user": "isp", "pppoe_pwd": "isp&pw"},
    ),
    ("set_upnp.cgi?enable=1", "get_params.cgi", {"upnp_enable": 1}),
    (
        "set_ftp.cgi?svr=ftp.example&port=2121&user=f&pwd=g&mode=1&schedule_sat_2=5",
        "get_params.cgi",
        {
            "ftp_svr": "ftp.example",
            "ftp_port": 2121,
            "ftp_user": "f",
            "ftp_pwd": "g",
            "ftp_mode": 1,
            "ftp_schedule_sat_2": 5,
            "ftp_dir": "",
        },
    ),
    (
        "set_msn.cgi?user=m&pwd=n&friend3=x%40y",
        "get_params.cgi",
        {"msn_user": "m", "msn_pwd": "n", "msn_friend3": "x@y", "msn_friend10": ""},
    ),
    ("set_decoder.cgi?baud=4098", "get_params.cgi", {"decoder_baud": 4098}),
    ("set_mac.cgi?mac=0012a0746f01", "get_status.cgi", {"id": "0012A0746F01"}),
]


@pytest.mark.parametrize(("set_path", "get_cgi", "expected"), PERSISTENCE)
async def test_set_is_visible_in_get(
    set_path: str,
    get_cgi: str,
    expected: dict[str, object],
    cam: SimulatedCamera,
    session: aiohttp.ClientSession,
) -> None:
    """Every set CGI changes what the matching get CGI reports."""
    status, body, _ = await fetch(session, cam, set_path)
    assert (status, body) == (200, b"ok.\n")
    _, body, _ = await fetch(session, cam, get_cgi)
    values = parse_vars(body)
    assert {k: values[k] for k in expected} == expected


async def test_datetime_now_sets_the_clock(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """set_datetime now= moves the camera clock."""
    assert (await fetch(session, cam, "set_datetime.cgi?now=1000000&tz=-3600"))[
        1
    ] == b"ok.\n"
    status = parse_vars((await fetch(session, cam, "get_status.cgi"))[1])
    assert 1000000 <= int(status["now"]) <= 1000002
    assert status["tz"] == -3600


async def test_restore_factory_ddns(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """restore_factory_ddns copies the factory DDNS settings over the live ones."""
    await fetch(session, cam, "set_factory_ddns.cgi?service=14&user=fac&host=f.example")
    await fetch(session, cam, query("set_ddns.cgi", **FULL_SETS["set_ddns.cgi"]))
    assert (await fetch(session, cam, "restore_factory_ddns.cgi"))[1] == b"ok.\n"
    params = parse_vars((await fetch(session, cam, "get_params.cgi"))[1])
    assert (params["ddns_service"], params["ddns_user"], params["ddns_host"]) == (
        14,
        "fac",
        "f.example",
    )


async def test_set_users_changes_logins(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """get_params shows the 0/1/2 scale; the new users log in, the old ones do not."""
    users = dict(FULL_SETS["set_users.cgi"]) | {
        "user1": "root",
        "pwd1": "p&#% +'\"é",
        "pri1": 2,
    }
    assert (await fetch(session, cam, query("set_users.cgi", **users)))[1] == b"ok.\n"
    params = parse_vars(
        (
            await fetch(
                session,
                cam,
                query("get_params.cgi", user="root", pwd="p&#% +'\"é"),
                auth=None,
            )
        )[1]
    )
    assert (params["user1_name"], params["user1_pwd"], params["user1_pri"]) == (
        "root",
        "p&#% +'\"é",
        2,
    )
    assert (params["user2_name"], params["user2_pri"]) == ("u2", 2)
    assert (params["user3_name"], params["user3_pri"]) == ("u3", 0)
    assert (await fetch(session, cam, "check_user.cgi"))[
        0
    ] == 401  # admin/admin is gone


async def _settings(
    session: aiohttp.ClientSession, cam: SimulatedCamera
) -> dict[str, int | str]:
    values = parse_vars((await fetch(session, cam, "get_params.cgi"))[1])
    del values["now"]
    return values


@pytest.mark.parametrize("name", sorted(FULL_SETS))
async def test_full_sets_reject_partial_sets(
    name: str, cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """Firmware fact: these CGIs answer illegal params unless every field is sent."""
    full = FULL_SETS[name]
    before = await _settings(session, cam)
    for missing in full:
        partial = {k: v for k, v in full.items() if k != missing}
        status, body, _ = await fetch(session, cam, query(name, **partial))
        assert (status, body) == (200, b"error: illegal params.\n"), missing
    assert await _settings(session, cam) == before
    assert (await fetch(session, cam, query(name, **full)))[1] == b"ok.\n"
    if name in READ_BACK:
        get_cgi, prefix = READ_BACK[name]
        values = parse_vars((await fetch(session, cam, get_cgi))[1])
        renamed = {"mail_mail_inet_ip": "mail_inet_ip"}
        for key, value in full.items():
            var = renamed.get(prefix + key, prefix + key)
            assert values[var] == value, var


BAD_VALUES = [
    "set_alarm.cgi?motion_sensitivity=10",
    "set_alarm.cgi?motion_armed=yes",
    "set_alarm.cgi?schedule_sun_0=4294967296",
    "set_alias.cgi?alias=123456789012345678901",
    "set_alias.cgi",
    "camera_control.cgi?param=4&value=1",
    "camera_control.cgi?param=0&value=16",
    "camera_control.cgi?param=1",
    "decoder_control.cgi?command=256",
    "decoder_control.cgi?command=abc",
    "decoder_control.cgi",
    "set_misc.cgi?led_mode=3",
    "set_datetime.cgi?tz=abc",
    "set_extra_io.cgi?value=256",
    "set_mac.cgi?mac=0012a0746f0g",
    "set_decoder.cgi?baud=10",
    "comm_write.cgi?port=4&baud=13&bytes=1&data=a",
    "videostream.cgi?rate=24",
    "videostream.cgi?resolution=16",
    query("set_network.cgi", **(FULL_SETS["set_network.cgi"] | {"ip": "192.168.1"})),
    query("set_users.cgi", **(FULL_SETS["set_users.cgi"] | {"pri1": 3})),
    query("set_users.cgi", **(FULL_SETS["set_users.cgi"] | {"user1": "thirteen_char"})),
]


async def test_bad_values(cam: SimulatedCamera, session: aiohttp.ClientSession) -> None:
    """HTTP 200 with the error body; nothing changes."""
    before = await _settings(session, cam)
    for path in BAD_VALUES:
        status, body, headers = await fetch(session, cam, path)
        assert (status, body) == (200, b"error: illegal params.\n"), path
        assert headers["Content-Type"] == "text/plain"
    assert await _settings(session, cam) == before


async def test_percent_decoding_and_escaping(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """# & % + space ' " and UTF-8 survive; quotes and backslashes are escaped."""
    alias = "a#&%+ '\"\\é"
    await fetch(session, cam, query("set_alias.cgi", alias=alias))
    _, body, _ = await fetch(session, cam, "get_status.cgi")
    assert "var alias='a#&%+ \\'\"\\\\é';\n".encode() in body
    assert parse_vars(body)["alias"] == alias
    await fetch(session, cam, "set_alias.cgi?alias=a+b")  # a raw + is a space
    assert cam.state.alias == "a b"


async def test_other_commands_reach_state(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """State only visible in-process: extra io, serial writes, test results."""
    assert (await fetch(session, cam, "set_extra_io.cgi?value=129", auth=OPERATOR))[
        1
    ] == b"ok.\n"
    assert cam.state.extra_io == 129
    path = query("comm_write.cgi", port=1, baud=13, bytes=3, data="a&b")
    assert (await fetch(session, cam, path, auth=OPERATOR))[1] == b"ok.\n"
    assert (cam.state.serial_writes[-1].port, cam.state.serial_writes[-1].data) == (
        1,
        "a&b",
    )
    cam.state.test_mail_result = 4
    assert (await fetch(session, cam, "test_mail.cgi"))[1] == b"var result=4;\n"
    assert (await fetch(session, cam, "test_ftp.cgi"))[1] == b"var result=0;\n"
    assert (await fetch(session, cam, "wifi_scan.cgi"))[1] == b"ok.\n"


async def test_wifi_scan_result_arrays(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """Scan results: new Array() declarations, indexed elements, then the count."""
    _, body, _ = await fetch(session, cam, "get_wifi_scan_result.cgi")
    lines = body.decode().splitlines()
    assert lines[:4] == [
        "var ap_bssid=new Array();",
        "var ap_ssid=new Array();",
        "var ap_mode=new Array();",
        "var ap_security=new Array();",
    ]
    assert "ap_ssid[2]='Calvin&Cici';" in lines
    assert lines[-1] == "var ap_number=5;"


async def test_get_log_literal_newlines(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """One string, entries separated by a literal backslash-n."""
    await fetch(session, cam, "check_user.cgi")
    _, body, _ = await fetch(session, cam, "get_log.cgi")
    assert body.startswith(b"var log_text='")
    assert body.endswith(b"\\n';\n")
    assert body.count(b"\n") == 1
    entries = parse_vars(body)["log_text"]
    assert isinstance(entries, str)
    assert "admin" in entries.splitlines()[-1]


async def test_unknown_path_and_method(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """404 for unknown CGIs, 501 for other methods, index page at /."""
    assert (await fetch(session, cam, "nope.cgi"))[0] == 404
    async with session.put(f"{cam.base_url}/get_status.cgi") as resp:
        assert resp.status == 501
    status, _, headers = await fetch(session, cam, "")
    assert (status, headers["Content-Type"]) == (200, "text/html")
    assert cam.counters.requests["nope.cgi"] == 1


async def test_post_form_body(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """The web UI's forms may POST url-encoded bodies."""
    status, body, _ = await fetch(
        session, cam, "set_alias.cgi", data={"alias": "Posted"}
    )
    assert (status, body) == (200, b"ok.\n")
    assert cam.state.alias == "Posted"


@pytest.mark.parametrize(
    "configs",
    [
        [
            CameraConfig(
                omit_fields=frozenset({"wifi_status", "alarm_sounddetect_armed"}),
                extra_fields={"get_status.cgi": {"new_field": 7, "odd": b"\xff'"}},
            )
        ]
    ],
)
async def test_omit_and_extra_fields(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """Older/newer firmware variants."""
    _, body, _ = await fetch(session, cam, "get_status.cgi")
    assert b"wifi_status" not in body
    assert body.endswith(b"var new_field=7;\nvar odd='\xff\\'';\n")
    _, body, _ = await fetch(session, cam, "get_params.cgi")
    assert b"alarm_sounddetect_armed" not in body
    assert b"alarm_sounddetect_sensitivity" in body


async def test_multiple_cameras_are_independent(session: aiohttp.ClientSession) -> None:
    """Each camera has its own port, id and state."""
    async with Simulator(
        [CameraConfig(alias="A"), CameraConfig(alias="B", camera_id="e8abfa000001")],
        discovery_port=None,
    ) as sim:
        first, second = sim.cameras
        assert first.port != second.port
        await fetch(session, first, "set_alias.cgi?alias=Changed")
        assert (
            parse_vars((await fetch(session, second, "get_status.cgi"))[1])["alias"]
            == "B"
        )
        assert second.state.id == "E8ABFA000001"
        assert (
            parse_vars((await fetch(session, first, "get_params.cgi"))[1])["port"]
            == first.port
        )
