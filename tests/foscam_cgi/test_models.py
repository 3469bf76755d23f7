"""Tests of the reply models, enums and exceptions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.foscam_mjpeg.foscam_cgi import (
    CGI_PRIVILEGE,
    AlarmStatus,
    CameraParams,
    CheckUserResult,
    DdnsService,
    DdnsStatus,
    Device,
    FactoryDdns,
    ForbiddenSchedule,
    FoscamCommandError,
    FoscamNotSupportedError,
    FoscamPrivilegeError,
    FoscamResponseError,
    FrameRate,
    FtpTestResult,
    ImageOrientation,
    LedMode,
    LogEntry,
    Misc,
    Params,
    PowerFrequency,
    Privilege,
    Resolution,
    Status,
    User,
    Value,
    WeekSchedule,
    WifiEncryption,
    WifiMode,
    WifiNetwork,
    WifiSecurity,
    parse_vars,
    preset_go_command,
    preset_set_command,
)
from custom_components.foscam_mjpeg.foscam_cgi.models import to_bool, to_int, to_str

SECRETS = ("s3cret-user", "s3cret-dev", "s3cret-wifi", "s3cret-psk", "s3cret-mail")

PARAMS_BODY = f"""var id='00626E4A0001';
var sys_ver='11.37.2.49';
var app_ver='2.0.10.7';
var alias='Front door';
var now=1300000000;
var tz=18000;
var daylight_saving_time=0;
var ntp_enable=1;
var ntp_svr='time.nist.gov';
var user1_name='admin';
var user1_pwd='{SECRETS[0]}';
var user1_pri=2;
var user2_name='guest';
var user2_pwd='';
var user2_pri=0;
var user3_name='';
var user3_pwd='';
var user3_pri=7;
var user4_name='nopri';
var dev2_alias='Garage';
var dev2_host='192.168.1.20';
var dev2_port=80;
var dev2_user='admin';
var dev2_pwd='{SECRETS[1]}';
var dev9_alias='';
var dev9_port='x';
var ip='192.168.1.10';
var mask='255.255.255.0';
var gateway='192.168.1.1';
var dns='192.168.1.1';
var dhcp_vendor='';
var port=80;
var wifi_enable=1;
var wifi_ssid='home';
var wifi_encrypt=4;
var wifi_key1='{SECRETS[2]}';
var wifi_wpa_psk='{SECRETS[3]}';
var pppoe_enable=0;
var pppoe_pwd='{SECRETS[4]}';
var upnp_enable=1;
var mail_svr='smtp.example.com';
var mail_pwd='{SECRETS[4]}';
var mail_tls=9;
var mail_inet_ip=0;
var alarm_motion_armed=1;
var alarm_motion_sensitivity='5';
var alarm_ioin_level=1;
var alarm_schedule_enable=1;
var alarm_schedule_sun_0=-1;
var alarm_schedule_mon_2=4194288;
var decoder_baud=13;
var alarm_msn=0;
""".encode()


def test_params() -> None:
    """get_params parses users, devices, Wi-Fi, mail and alarm; raw odd values are kept."""
    params = Params.from_vars(parse_vars(PARAMS_BODY))
    assert params.id == "00626E4A0001"
    assert params.ntp_enable is True
    assert [(u.slot, u.name, u.privilege) for u in params.users] == [
        (1, "admin", Privilege.ADMINISTRATOR),
        (2, "guest", Privilege.VISITOR),
        (3, "", 7),
        (4, "nopri", Privilege.VISITOR),
    ]
    assert params.users[0].password == SECRETS[0]
    assert [(d.slot, d.alias, d.port) for d in params.devices] == [
        (2, "Garage", 80),
        (9, "", None),
    ]
    assert params.wifi is not None
    assert params.wifi.encrypt is WifiEncryption.WPA2_AES
    assert params.wifi.wpa_psk == SECRETS[3]
    assert params.wifi.country is None  # older firmware lacks it
    assert params.mail is not None
    assert params.mail.tls == 9  # out-of-table value kept raw
    assert params.mail.inet_ip is False
    assert params.alarm is not None
    assert params.alarm.motion_sensitivity == 5
    assert params.alarm.ioin_level == 1
    assert params.alarm.schedule is not None
    assert params.alarm.schedule.words[0] == (0xFFFFFFFF, 0, 0)
    assert params.alarm.schedule.words[1] == (0, 0, 4194288)
    assert params.ddns is None
    assert params.ftp is None
    assert params.msn is None
    assert params.decoder_baud == 13
    assert params.raw["alarm_msn"] == 0


def test_secrets_not_in_repr() -> None:
    """No password or key of any model shows in its repr."""
    params = Params.from_vars(parse_vars(PARAMS_BODY))
    text = repr(params)
    assert "Front door" in text
    for secret in SECRETS:
        assert secret not in text
    assert "s3cret" not in repr(User(1, "a", "s3cret", Privilege.VISITOR))
    assert "s3cret" not in repr(Device(2, "a", "h", 80, "u", "s3cret"))
    ddns = FactoryDdns.from_vars({"factory_ddns_pwd": "s3cret"})
    assert ddns.password == "s3cret"
    assert "s3cret" not in repr(ddns)


def test_alarm_ioint_level_spelling() -> None:
    """The firmware's alarm_ioint_level spelling fills ioin_level."""
    params = Params.from_vars({"alarm_ioint_level": 1})
    assert params.alarm is not None
    assert params.alarm.ioin_level == 1
    assert params.alarm.schedule is None


def test_status() -> None:
    """get_status values parse into enums, offset and camera time; unknown codes stay raw."""
    status = Status.from_vars(
        {
            "id": "00626E4A0001",
            "now": 86400,
            "tz": 18000,
            "alarm_status": "1",
            "ddns_status": 29,
            "upnp_status": 99,
            "msn_status": -4,
            "wifi_status": "x",
            "extra": [1],
        }
    )
    assert status.alarm_status is AlarmStatus.MOTION
    assert status.ddns_status is DdnsStatus.DNS3322_SUCCEED
    assert status.upnp_status == 99
    assert status.wifi_status is None
    assert status.utc_offset == -18000  # tz=18000 is UTC-5 (seconds west)
    assert status.camera_time == datetime(1970, 1, 2, tzinfo=UTC)
    assert status.raw["extra"] == [1]
    assert status.alias is None


def test_status_time_edge_cases() -> None:
    """An impossible clock gives no camera time; a numeric id becomes text."""
    status = Status.from_vars({"id": 123, "now": 10**20})
    assert status.id == "123"
    assert status.camera_time is None
    assert status.utc_offset is None
    assert Status.from_vars({"id": ""}).camera_time is None


def test_status_without_id_is_not_supported() -> None:
    """A status without an id is not a Foscam MJPEG camera."""
    with pytest.raises(FoscamNotSupportedError):
        Status.from_vars({"alias": "x"})


def test_check_user_drops_password() -> None:
    """check_user keeps the user and level but drops the echoed password."""
    result = CheckUserResult.from_vars({"user": "admin", "pwd": "s3cret", "pri": 3})
    assert result.user == "admin"
    assert result.privilege is Privilege.ADMINISTRATOR
    assert "pwd" not in result.raw
    assert "s3cret" not in repr(result)
    assert CheckUserResult.from_vars({"pri": 9}).privilege == 9
    with pytest.raises(FoscamResponseError):
        CheckUserResult.from_vars({"user": "admin"})


def test_camera_params_and_misc() -> None:
    """Camera params and misc settings parse into their enums and values."""
    params = CameraParams.from_vars(
        {"resolution": 32, "brightness": 96, "contrast": 4, "mode": 2, "flip": 3}
    )
    assert params.resolution is Resolution.VGA
    assert params.mode is PowerFrequency.OUTDOOR
    assert params.flip is ImageOrientation.FLIP_MIRROR
    misc = Misc.from_vars(
        {"led_mode": 2, "ptz_center_onstart": 1, "ptz_patrol_rate": 7}
    )
    assert misc.led_mode is LedMode.OFF
    assert misc.ptz_center_onstart is True
    assert misc.ptz_patrol_rate == 7
    assert misc.ptz_disable_preset is None


def test_forbidden() -> None:
    """The forbidden schedule parses; absent fields give an empty schedule."""
    forbidden = ForbiddenSchedule.from_vars({"schedule_enable": 1, "schedule_sat_2": 1})
    assert forbidden.enabled is True
    assert forbidden.schedule.is_set(6, 64)
    empty = ForbiddenSchedule.from_vars({})
    assert empty.enabled is None
    assert empty.schedule == WeekSchedule()


def test_factory_ddns() -> None:
    """Factory DDNS parses its service and host."""
    ddns = FactoryDdns.from_vars(
        {"factory_ddns_service": 14, "factory_ddns_host": "x.9299.org"}
    )
    assert ddns.service is DdnsService.DNS_9299
    assert ddns.host == "x.9299.org"


def test_wifi_networks() -> None:
    """Scan results parse by index, capped by ap_number, missing fields None."""
    values: dict[str, Value] = {
        "ap_bssid": ["a", "b", "c"],
        "ap_ssid": ["one", "two"],
        "ap_security": [4, 42, 1],
        "ap_mode": 0,
        "ap_number": 3,
    }
    networks = WifiNetwork.list_from_vars(values)
    assert [(n.bssid, n.ssid, n.mode, n.security) for n in networks] == [
        ("a", "one", 0, WifiSecurity.WPA2_PSK_AES),
        ("b", "two", None, 42),
        ("c", None, None, WifiSecurity.WEP),
    ]
    assert len(WifiNetwork.list_from_vars({**values, "ap_number": 1})) == 1
    assert WifiNetwork.list_from_vars({"ap_number": 0}) == []


def test_week_schedule() -> None:
    """Week schedule slots set, clear and round-trip; bad slots and words are refused."""
    schedule = WeekSchedule().with_slot(1, 33)
    assert schedule.is_set(1, 33)
    assert not schedule.is_set(1, 32)
    assert schedule.words[1] == (0, 2, 0)
    assert schedule.with_slot(1, 33, False) == WeekSchedule()
    assert WeekSchedule.always().is_set(6, 95)
    assert schedule.as_vars("alarm_schedule_")["alarm_schedule_mon_1"] == 2
    assert len(schedule.as_vars()) == 21
    assert WeekSchedule.from_vars(schedule.as_vars()) == schedule
    assert WeekSchedule.from_vars({}) is None
    with pytest.raises(ValueError, match="slot"):
        schedule.is_set(7, 0)
    with pytest.raises(ValueError, match="slot"):
        schedule.with_slot(0, 96)
    with pytest.raises(ValueError, match="32-bit"):
        WeekSchedule(((0, 0, 0),) * 6)
    with pytest.raises(ValueError, match="32-bit"):
        WeekSchedule(((0, 0, 2**32),) * 7)


@pytest.mark.parametrize(
    ("value", "as_int", "as_str", "as_bool"),
    [
        (5, 5, "5", True),
        ("0", 0, "0", False),
        (" -7 ", -7, " -7 ", True),
        ("x", None, "x", None),
        ("", None, "", None),
        (["1"], None, None, None),
        (None, None, None, None),
    ],
)
def test_converters(
    value: Value | None, as_int: int | None, as_str: str | None, as_bool: bool | None
) -> None:
    """Each converter turns a raw value into its type or None."""
    assert to_int(value) == as_int
    assert to_str(value) == as_str
    assert to_bool(value) == as_bool


def test_enums() -> None:
    """Enum helpers: user levels, sizes, frame rates, orientation and FTP codes."""
    assert Privilege.from_user_level(0) is Privilege.VISITOR
    assert Privilege.ADMINISTRATOR.user_level == 2
    with pytest.raises(ValueError):  # noqa: PT011
        Privilege.from_user_level(3)
    assert Resolution.QVGA.size == (320, 240)
    assert FrameRate.FULL.fps == 30.0
    assert FrameRate.EVERY_5S.fps == pytest.approx(0.2)
    assert ImageOrientation.FLIP.flipped
    assert not ImageOrientation.FLIP.mirrored
    assert ImageOrientation.MIRROR.mirrored
    assert FtpTestResult(1) is FtpTestResult.CANNOT_CONNECT
    assert FtpTestResult(-1) is FtpTestResult.CANNOT_CONNECT
    with pytest.raises(ValueError):  # noqa: PT011
        FtpTestResult(2)


def test_presets() -> None:
    """Preset numbers 1-16 map to their commands; others are refused."""
    assert preset_set_command(1) == 30
    assert preset_go_command(1) == 31
    assert preset_set_command(16) == 60
    assert preset_go_command(16) == 61
    for bad in (0, 17):
        with pytest.raises(ValueError, match="preset"):
            preset_go_command(bad)


def test_cgi_table() -> None:
    """The privilege table lists the 45 CGIs with their levels."""
    assert len(CGI_PRIVILEGE) == 45
    assert CGI_PRIVILEGE["get_status.cgi"] is None
    assert CGI_PRIVILEGE["decoder_control.cgi"] is Privilege.OPERATOR
    assert CGI_PRIVILEGE["videostream.asf"] is Privilege.VISITOR


def test_privilege_allows() -> None:
    """A privilege allows the CGIs at or below it, and those that need none."""
    assert Privilege.VISITOR.allows("get_status.cgi")
    assert Privilege.VISITOR.allows("snapshot.cgi")
    assert not Privilege.VISITOR.allows("decoder_control.cgi")
    assert Privilege.OPERATOR.allows("decoder_control.cgi")
    assert not Privilege.OPERATOR.allows("set_alarm.cgi")
    assert Privilege.ADMINISTRATOR.allows("set_alarm.cgi")
    with pytest.raises(KeyError):
        Privilege.ADMINISTRATOR.allows("unknown.cgi")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Mon, 2009-08-03 20:13:03    admin        192.168.0.16      access",
            ("2009-08-03T20:13:03", "admin", "192.168.0.16", "access"),
        ),
        (
            "2009-08-03 1:02:03    ipcamera    system start",
            ("2009-08-03T1:02:03", "ipcamera", None, "system start"),
        ),
        ("garbage line", (None, None, None, None)),
    ],
)
def test_log_entry(line: str, expected: tuple[str | None, ...]) -> None:
    """A get_log line split into columns; the raw line is always kept."""
    entry = LogEntry.from_line(line)
    assert (entry.time, entry.user, entry.ip, entry.action) == expected
    assert entry.raw == line


def test_wifi_network_mode() -> None:
    """ap_mode is a WifiMode; an undocumented code stays a raw int."""
    networks = WifiNetwork.list_from_vars(
        {"ap_bssid": ["a", "b", "c"], "ap_mode": [0, 1, 7], "ap_security": [0, 0, 0]}
    )
    assert [network.mode for network in networks] == [
        WifiMode.INFRASTRUCTURE,
        WifiMode.AD_HOC,
        7,
    ]
    assert isinstance(networks[0].mode, WifiMode)
    assert not isinstance(networks[2].mode, WifiMode)


def test_exception_messages() -> None:
    """Error messages name the CGI, the host and the reason or level."""
    err = FoscamPrivilegeError("get_params.cgi", Privilege.ADMINISTRATOR, "h:81")
    assert str(err) == "get_params.cgi on h:81: needs administrator privilege"
    assert (err.cgi, err.required) == ("get_params.cgi", Privilege.ADMINISTRATOR)
    assert str(FoscamPrivilegeError("x.cgi", Privilege.OPERATOR)) == (
        "x.cgi: needs operator privilege"
    )
    cmd = FoscamCommandError("set_alias.cgi", "illegal params.", "h:81")
    assert str(cmd) == "set_alias.cgi on h:81: error: illegal params."
    assert cmd.reason == "illegal params."
    assert str(FoscamCommandError("a.cgi", "r")) == "a.cgi: error: r"
