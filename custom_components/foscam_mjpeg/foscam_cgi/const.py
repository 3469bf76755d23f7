"""Enums and tables of the Foscam IP Camera CGI v1.x protocol (doc v1.27)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum, StrEnum
from types import MappingProxyType
from typing import Final, Self


class Privilege(IntEnum):
    """Account privilege on the ``check_user.cgi`` ``pri`` scale."""

    VISITOR = 1
    OPERATOR = 2
    ADMINISTRATOR = 3

    @classmethod
    def from_user_level(cls, level: int) -> Privilege:
        """Convert the 0/1/2 scale of ``get_params`` ``userN_pri`` / ``set_users``."""
        return cls(level + 1)

    @property
    def user_level(self) -> int:
        """Return the privilege on the 0/1/2 scale of ``get_params`` / ``set_users``."""
        return int(self) - 1

    def allows(self, cgi: str) -> bool:
        """Whether an account of this privilege may call ``cgi`` (``CGI_PRIVILEGE``)."""
        required = CGI_PRIVILEGE[cgi]
        return required is None or self >= required


_V, _O, _A = Privilege.VISITOR, Privilege.OPERATOR, Privilege.ADMINISTRATOR

# Every CGI of the document's contents table with the privilege it needs.
# get_status.cgi answers without any authentication (firmware fact).
CGI_PRIVILEGE: Final[Mapping[str, Privilege | None]] = MappingProxyType(
    {
        "check_user.cgi": _V,
        "snapshot.cgi": _V,
        "videostream.cgi": _V,
        "videostream.asf": _V,
        "get_status.cgi": None,
        "get_camera_params.cgi": _V,
        "decoder_control.cgi": _O,
        "set_extra_io.cgi": _O,
        "camera_control.cgi": _O,
        "reboot.cgi": _A,
        "restore_factory.cgi": _A,
        "get_params.cgi": _A,
        "upgrade_firmware.cgi": _A,
        "upgrade_htmls.cgi": _A,
        "set_alias.cgi": _A,
        "set_datetime.cgi": _A,
        "set_users.cgi": _A,
        "set_devices.cgi": _A,
        "set_network.cgi": _A,
        "set_wifi.cgi": _A,
        "set_pppoe.cgi": _A,
        "set_upnp.cgi": _A,
        "set_ddns.cgi": _A,
        "set_ftp.cgi": _A,
        "set_mail.cgi": _A,
        "set_msn.cgi": _A,
        "set_alarm.cgi": _A,
        "comm_write.cgi": _O,
        "set_forbidden.cgi": _A,
        "get_forbidden.cgi": _A,
        "set_misc.cgi": _A,
        "get_misc.cgi": _A,
        "set_decoder.cgi": _A,
        "wifi_scan.cgi": _A,
        "get_wifi_scan_result.cgi": _A,
        "get_log.cgi": _A,
        "test_mail.cgi": _A,
        "test_ftp.cgi": _A,
        "backup_params.cgi": _A,
        "restore_params.cgi": _A,
        "set_factory_params.cgi": _A,
        "set_mac.cgi": _A,
        "set_factory_ddns.cgi": _A,
        "get_factory_ddns.cgi": _A,
        "restore_factory_ddns.cgi": _A,
    }
)

# CGIs where ``user``/``pwd`` are the service's credentials, so the camera
# login travels as ``cam_user``/``cam_pwd`` (firmware fact).
SERVICE_CREDENTIAL_CGIS: Final[frozenset[str]] = frozenset(
    {
        "set_ftp.cgi",
        "set_mail.cgi",
        "set_msn.cgi",
        "set_ddns.cgi",
        "set_pppoe.cgi",
        "set_factory_ddns.cgi",
    }
)


class PtzCommand(IntEnum):
    """``decoder_control.cgi`` commands (internal-motor meaning for 25..29, 90..93)."""

    UP = 0
    STOP_UP = 1
    DOWN = 2
    STOP_DOWN = 3
    LEFT = 4
    STOP_LEFT = 5
    RIGHT = 6
    STOP_RIGHT = 7
    SMALL_APERTURE = 8
    STOP_SMALL_APERTURE = 9
    LARGE_APERTURE = 10
    STOP_LARGE_APERTURE = 11
    FOCUS_CLOSE = 12
    STOP_FOCUS_CLOSE = 13
    FOCUS_FAR = 14
    STOP_FOCUS_FAR = 15
    ZOOM_CLOSE = 16
    STOP_ZOOM_CLOSE = 17
    ZOOM_FAR = 18
    STOP_ZOOM_FAR = 19
    AUTO_PATROL = 20
    STOP_AUTO_PATROL = 21
    CLOSE_SWITCH_1 = 22
    DISCONNECT_SWITCH_1 = 23
    CLOSE_SWITCH_2 = 24
    CENTER = 25
    PATROL_VERTICAL = 26
    STOP_PATROL_VERTICAL = 27
    PATROL_HORIZONTAL = 28
    STOP_PATROL_HORIZONTAL = 29
    UP_LEFT = 90
    UP_RIGHT = 91
    DOWN_LEFT = 92
    DOWN_RIGHT = 93
    IO_OUTPUT_HIGH = 94
    IO_OUTPUT_LOW = 95
    MOTOR_TEST = 255


PRESET_COUNT: Final = 16
_PRESET_SET_BASE: Final = 30
_PRESET_GO_BASE: Final = 31


def _preset_command(base: int, n: int) -> int:
    if not 1 <= n <= PRESET_COUNT:
        raise ValueError(f"preset must be 1..{PRESET_COUNT}, got {n}")
    return base + 2 * (n - 1)


def preset_set_command(n: int) -> int:
    """``decoder_control`` command that stores the current position as preset n."""
    return _preset_command(_PRESET_SET_BASE, n)


def preset_go_command(n: int) -> int:
    """``decoder_control`` command that moves to preset n."""
    return _preset_command(_PRESET_GO_BASE, n)


class Direction(StrEnum):
    """Pan/tilt direction as the user sees it on the image."""

    UP = "up"
    DOWN = "down"
    LEFT = "left"
    RIGHT = "right"
    UP_LEFT = "up_left"
    UP_RIGHT = "up_right"
    DOWN_LEFT = "down_left"
    DOWN_RIGHT = "down_right"


class Resolution(IntEnum):
    """``resolution`` codes of videostream / camera_control."""

    QQVGA = 2
    QVGA = 8
    VGA = 32

    @property
    def size(self) -> tuple[int, int]:
        """Width and height in pixels."""
        return _RESOLUTION_SIZE[self]


_RESOLUTION_SIZE: Final = {
    Resolution.QQVGA: (160, 120),
    Resolution.QVGA: (320, 240),
    Resolution.VGA: (640, 480),
}


class FrameRate(IntEnum):
    """``rate`` codes of videostream.cgi / videostream.asf."""

    FULL = 0
    FPS_20 = 1
    FPS_15 = 3
    FPS_10 = 6
    FPS_5 = 11
    FPS_4 = 12
    FPS_3 = 13
    FPS_2 = 14
    FPS_1 = 15
    EVERY_2S = 17
    EVERY_3S = 19
    EVERY_4S = 21
    EVERY_5S = 23

    @property
    def fps(self) -> float:
        """Frames per second (full speed is up to about 30)."""
        return _FRAME_RATE_FPS[self]


_FRAME_RATE_FPS: Final = {
    FrameRate.FULL: 30.0,
    FrameRate.FPS_20: 20.0,
    FrameRate.FPS_15: 15.0,
    FrameRate.FPS_10: 10.0,
    FrameRate.FPS_5: 5.0,
    FrameRate.FPS_4: 4.0,
    FrameRate.FPS_3: 3.0,
    FrameRate.FPS_2: 2.0,
    FrameRate.FPS_1: 1.0,
    FrameRate.EVERY_2S: 1 / 2,
    FrameRate.EVERY_3S: 1 / 3,
    FrameRate.EVERY_4S: 1 / 4,
    FrameRate.EVERY_5S: 1 / 5,
}


class PowerFrequency(IntEnum):
    """Sensor ``mode``: mains frequency (anti-flicker) or outdoor."""

    HZ_50 = 0
    HZ_60 = 1
    OUTDOOR = 2


class ImageOrientation(IntEnum):
    """``flip`` bitmask: bit0 vertical flip, bit1 horizontal mirror."""

    NORMAL = 0
    FLIP = 1
    MIRROR = 2
    FLIP_MIRROR = 3

    @property
    def flipped(self) -> bool:
        """Upside down (vertical flip)."""
        return bool(self & 1)

    @property
    def mirrored(self) -> bool:
        """Left and right swapped (horizontal mirror)."""
        return bool(self & 2)


class CameraControlParam(IntEnum):
    """``camera_control.cgi`` ``param``.

    5 is the flip/mirror bitmask, not "patrol" as the document says (firmware fact).
    """

    RESOLUTION = 0
    BRIGHTNESS = 1
    CONTRAST = 2
    MODE = 3
    FLIP = 5


class LedMode(IntEnum):
    """``led_mode`` of set_misc / get_misc."""

    NETWORK_STATE = 0
    NETWORK_TYPE = 1
    OFF = 2


class AlarmStatus(IntEnum):
    """``alarm_status`` of get_status."""

    NONE = 0
    MOTION = 1
    INPUT = 2
    SOUND = 3


class DdnsStatus(IntEnum):
    """``ddns_status`` of get_status (18..28, 40..42 are reserved)."""

    NO_ACTION = 0
    CONNECTING = 1
    CANNOT_CONNECT = 2
    DYNDNS_SUCCEED = 3
    DYNDNS_SYSTEM_ERROR = 4
    DYNDNS_BAD_AUTH = 5
    DYNDNS_NEED_CREDITED_USER = 6
    DYNDNS_ILLEGAL_HOST_FORMAT = 7
    DYNDNS_HOST_NOT_EXIST = 8
    DYNDNS_HOST_NOT_YOURS = 9
    DYNDNS_TOO_MANY_OR_FEW_HOSTS = 10
    DYNDNS_HOST_BLOCKED = 11
    DYNDNS_SERVER_ERROR = 12
    DYNDNS_BAD_REPLY = 13
    ORAY_BAD_REPLY = 14
    ORAY_BAD_AUTH = 15
    ORAY_BAD_HOST = 16
    ORAY_SUCCEED = 17
    DNS3322_SUCCEED = 29
    DNS3322_SYSTEM_ERROR = 30
    DNS3322_BAD_AUTH = 31
    DNS3322_NEED_CREDITED_USER = 32
    DNS3322_ILLEGAL_HOST_FORMAT = 33
    DNS3322_HOST_NOT_EXIST = 34
    DNS3322_HOST_NOT_YOURS = 35
    DNS3322_TOO_MANY_OR_FEW_HOSTS = 36
    DNS3322_HOST_BLOCKED = 37
    DNS3322_SERVER_ERROR = 38
    DNS3322_BAD_REPLY = 39
    MINTDNS_SUCCEED = 100
    MINTDNS_UNKNOWN_ERROR = 101
    MINTDNS_SYSTEM_ERROR = 102
    MINTDNS_BAD_AUTH = 103
    MINTDNS_NEED_CREDITED_USER = 104
    MINTDNS_HOST_NOT_EXIST = 105
    MINTDNS_SERVER_ERROR = 106
    DNS9299_SUCCEED = 200
    DNS9299_UNKNOWN_ERROR = 201
    DNS9299_HOST_EXPIRED = 202
    DNS9299_HOST_NOT_ACTIVATED = 203
    DNS9299_BAD_AUTH = 204
    DNS9299_FIRST_LEVEL_HOST_NOT_EXIST = 205
    EASYNET_SUCCEED = 300
    EASYNET_NO_PERMISSION = 301
    EASYNET_ACCOUNT_NOT_EXIST = 302
    EASYNET_ACCOUNT_EXPIRED = 303
    EASYNET_ACCOUNT_PROHIBITED = 304
    EASYNET_PARAM_ERROR = 305
    EASYNET_UNKNOWN_ERROR = 306


class UpnpStatus(IntEnum):
    """``upnp_status`` of get_status."""

    NO_ACTION = 0
    SUCCEED = 1
    SYSTEM_ERROR = 2
    NETWORK_ERROR = 3
    CHAT_ERROR = 4
    REJECTED = 5


class MsnStatus(IntEnum):
    """``msn_status`` of get_status."""

    NO_ACTION = 0
    SUCCEED = 1
    SYSTEM_ERROR = -1
    CANNOT_CONNECT = -2
    CHAT_ERROR = -3
    TLS_FAILED = -4


class WifiStatus(IntEnum):
    """``wifi_status`` of get_status."""

    WIRED = 0
    WIFI = 1


class BaudRate(IntEnum):
    """Serial ``baud`` codes of comm_write / set_decoder."""

    B1200 = 9
    B2400 = 11
    B4800 = 12
    B9600 = 13
    B19200 = 14
    B38400 = 15
    B57600 = 4097
    B115200 = 4098


class DdnsService(IntEnum):
    """``service`` of set_ddns / ``ddns_service`` of get_params."""

    DISABLED = 0
    ORAY = 1
    DYNDNS = 2
    DYNDNS_STATIC = 3
    DYNDNS_CUSTOM = 4
    DYNDNS_3322 = 8
    STATDNS_3322 = 9
    MINTDNS = 13
    DNS_9299 = 14
    EASYNET = 15


class WifiEncryption(IntEnum):
    """``encrypt`` of set_wifi / ``wifi_encrypt`` of get_params."""

    NONE = 0
    WEP = 1
    WPA_TKIP = 2
    WPA_AES = 3
    WPA2_AES = 4
    WPA2_TKIP_AES = 5


class WifiMode(IntEnum):
    """``ap_mode`` of get_wifi_scan_result."""

    INFRASTRUCTURE = 0
    AD_HOC = 1


class WifiSecurity(IntEnum):
    """``ap_security`` of get_wifi_scan_result."""

    NONE = 0
    WEP = 1
    WPA_PSK_TKIP = 2
    WPA_PSK_AES = 3
    WPA2_PSK_AES = 4
    WPA2_PSK_TKIP = 5
    UNSUPPORTED = 6


class WifiCountry(IntEnum):
    """``country`` of set_wifi: the allowed channel range."""

    NORTH_AMERICA = 0  # 1-11
    EUROPE = 1  # 1-13
    CHANNELS_10_11 = 2
    CHANNELS_10_13 = 3
    CHANNEL_14 = 4
    JAPAN = 5  # 1-14
    CHANNELS_3_9 = 6
    CHANNELS_5_13 = 7


class MailTls(IntEnum):
    """``tls`` of set_mail."""

    NONE = 0
    TLS = 1
    STARTTLS = 2


class FtpMode(IntEnum):
    """``mode`` of set_ftp."""

    PORT = 0
    PASV = 1


class PatrolType(IntEnum):
    """``ptz_auto_patrol_type`` of set_misc."""

    NONE = 0
    HORIZONTAL = 1
    VERTICAL = 2
    BOTH = 3


class MailTestResult(IntEnum):
    """``result`` of test_mail.cgi."""

    SUCCEED = 0
    CANNOT_CONNECT = 1
    NETWORK_ERROR = 2
    SERVER_ERROR = 3
    INCORRECT_USER = 4
    INCORRECT_PASSWORD = 5
    REJECTED_BY_SENDER = 6
    REJECTED_BY_RECEIVER = 7
    TEXT_REJECTED = 8
    AUTHENTICATION_NOT_ACCEPTED = 9
    INTERNAL_ERROR = 10
    DEVICE_NO_TLS = 11
    INVALID_PARAMETER = 12
    SERVER_NO_TLS = 13


class FtpTestResult(IntEnum):
    """``result`` of test_ftp.cgi (the document prints 1 for "cannot connect")."""

    SUCCEED = 0
    CANNOT_CONNECT = -1
    NETWORK_ERROR = -2
    SERVER_ERROR = -3
    INCORRECT_USER = -4
    INCORRECT_PASSWORD = -5
    INCORRECT_DIRECTORY = -6
    PASV_MODE_ERROR = -7
    PORT_MODE_ERROR = -8
    STOR_ERROR = -9

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if value == 1:
            return cls.CANNOT_CONNECT
        return None
