"""Mutable state of one simulated camera (everything the CGIs read or write)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
import time
from typing import Final, cast

from .config import CameraConfig
from .const import BAUD_CODES, DEVICE_SLOTS, USER_SLOTS, AlarmStatus
from .params import (
    BOOL,
    SCHEDULE_WORDS,
    IntChoice,
    IntRange,
    Schedule,
    Text,
    setting,
)
from .ptz import PanTilt

_PORT = IntRange(0, 65535)
_SHORT = Text(12)  # user names and passwords
_LONG = Text(64)
_RATE = IntRange(0, 100)
_IP = Text(15, ipv4=True)
# Groups get_params lists with their name as the field prefix (``wifi_ssid``, ...).
PREFIXED_GROUPS: Final = (
    "wifi",
    "pppoe",
    "upnp",
    "ddns",
    "mail",
    "ftp",
    "alarm",
    "decoder",
    "msn",
)
_GROUP_NAMES = ("datetime", "network", *PREFIXED_GROUPS, "misc", "forbidden", "camera")


@dataclass(slots=True)
class DateTimeSettings:
    """``tz`` is seconds WEST of UTC (firmware fact: tz=18000 is UTC-5)."""

    tz: int = setting(0, IntRange(-50400, 50400))
    daylight_saving_time: int = setting(0, IntRange(0, 86400))
    ntp_enable: int = setting(1, BOOL)
    ntp_svr: str = setting("time.nist.gov", _LONG)


@dataclass(slots=True)
class UserSlot:
    """``userN_name/pwd/pri`` in get_params, ``userN/pwdN/priN`` in set_users."""

    name: str = setting("", _SHORT, query="user")
    pwd: str = setting("", _SHORT, query="pwd")
    pri: int = setting(0, IntRange(0, 2), query="pri")


@dataclass(slots=True)
class DeviceSlot:
    """``devN_*`` multi-device entry."""

    alias: str = setting("", Text(20))
    host: str = setting("", _LONG)
    port: int = setting(0, _PORT)
    user: str = setting("", _SHORT)
    pwd: str = setting("", _SHORT)


@dataclass(slots=True)
class NetworkSettings:
    """``set_network.cgi``; the simulator keeps listening on its real port."""

    ip: str = setting("127.0.0.1", _IP)
    mask: str = setting("255.0.0.0", _IP)
    gateway: str = setting("127.0.0.1", _IP)
    dns: str = setting("127.0.0.1", _IP)
    dhcp_vendor: str = setting("", _LONG, optional=True)
    port: int = setting(80, IntRange(1, 65535))


@dataclass(slots=True)
class WifiSettings:
    """``wifi_*``."""

    enable: int = setting(0, BOOL)
    ssid: str = setting("", Text(40))
    channel: int = setting(5, IntRange(0, 14))
    mode: int = setting(0, BOOL)
    encrypt: int = setting(0, IntRange(0, 5))
    authtype: int = setting(0, BOOL)
    keyformat: int = setting(0, BOOL)
    defkey: int = setting(0, IntRange(0, 3))
    key1: str = setting("", Text(30))
    key2: str = setting("", Text(30))
    key3: str = setting("", Text(30))
    key4: str = setting("", Text(30))
    key1_bits: int = setting(0, BOOL)
    key2_bits: int = setting(0, BOOL)
    key3_bits: int = setting(0, BOOL)
    key4_bits: int = setting(0, BOOL)
    wpa_psk: str = setting("", _LONG)
    country: int = setting(1, IntRange(0, 7), optional=True)


@dataclass(slots=True)
class PppoeSettings:
    """``pppoe_*`` (``mail_ip`` is accepted but not listed by get_params)."""

    enable: int = setting(0, BOOL)
    user: str = setting("", _LONG)
    pwd: str = setting("", _LONG)
    mail_ip: int = setting(0, BOOL, hidden=True)


@dataclass(slots=True)
class UpnpSettings:
    """``upnp_enable``."""

    enable: int = setting(0, BOOL)


@dataclass(slots=True)
class DdnsSettings:
    """``ddns_*`` and ``factory_ddns_*``."""

    service: int = setting(0, IntRange(0, 15))
    user: str = setting("", _LONG)
    pwd: str = setting("", _LONG)
    host: str = setting("", _LONG)
    proxy_svr: str = setting("", _LONG)
    proxy_port: int = setting(0, _PORT)


@dataclass(slots=True)
class MailSettings:
    """``mail_*`` (set_mail names the last one ``mail_inet_ip`` too)."""

    svr: str = setting("", _LONG)
    port: int = setting(25, _PORT)
    tls: int = setting(0, IntRange(0, 2), optional=True)
    user: str = setting("", _LONG)
    pwd: str = setting("", _LONG)
    sender: str = setting("", _LONG)
    receiver1: str = setting("", _LONG)
    receiver2: str = setting("", _LONG)
    receiver3: str = setting("", _LONG)
    receiver4: str = setting("", _LONG)
    inet_ip: int = setting(0, BOOL, query="mail_inet_ip")


@dataclass(slots=True)
class FtpSettings:
    """``ftp_*``."""

    svr: str = setting("", _LONG)
    port: int = setting(21, _PORT)
    user: str = setting("", _LONG)
    pwd: str = setting("", _LONG)
    dir: str = setting("", _LONG)
    mode: int = setting(0, BOOL)
    retain: int = setting(0, BOOL)
    upload_interval: int = setting(0, _PORT)
    filename: str = setting("", _LONG)
    numberoffiles: int = setting(0, _PORT)
    schedule_enable: int = setting(0, BOOL)
    schedule: tuple[int, ...] = setting((0,) * SCHEDULE_WORDS, Schedule())


@dataclass(slots=True)
class AlarmSettings:
    """``alarm_*``; set_alarm also takes the document's misspellings."""

    motion_armed: int = setting(0, BOOL)
    motion_sensitivity: int = setting(5, IntRange(0, 9))
    motion_compensation: int = setting(0, BOOL)
    input_armed: int = setting(0, BOOL)
    ioin_level: int = setting(0, BOOL, aliases=("iolin_level",))
    sounddetect_armed: int = setting(0, BOOL, aliases=("sounddetect_enabled",))
    sounddetect_sensitivity: int = setting(5, IntRange(0, 9))
    iolinkage: int = setting(0, BOOL)
    preset: int = setting(0, IntRange(0, 16))
    ioout_level: int = setting(0, BOOL)
    mail: int = setting(0, BOOL)
    upload_interval: int = setting(0, _PORT)
    http: int = setting(0, BOOL)
    http_url: str = setting("", Text(128))
    schedule_enable: int = setting(0, BOOL)
    schedule: tuple[int, ...] = setting((0,) * SCHEDULE_WORDS, Schedule())


@dataclass(slots=True)
class DecoderSettings:
    """``decoder_baud`` (set_decoder ``baud``)."""

    baud: int = setting(13, IntChoice(BAUD_CODES))


@dataclass(slots=True)
class MsnSettings:
    """``msn_*``."""

    user: str = setting("", _LONG)
    pwd: str = setting("", _LONG)
    friend1: str = setting("", _LONG)
    friend2: str = setting("", _LONG)
    friend3: str = setting("", _LONG)
    friend4: str = setting("", _LONG)
    friend5: str = setting("", _LONG)
    friend6: str = setting("", _LONG)
    friend7: str = setting("", _LONG)
    friend8: str = setting("", _LONG)
    friend9: str = setting("", _LONG)
    friend10: str = setting("", _LONG)


@dataclass(slots=True)
class MiscSettings:
    """get_misc / set_misc."""

    led_mode: int = setting(0, IntRange(0, 2))
    ptz_center_onstart: int = setting(0, BOOL)
    ptz_auto_patrol_interval: int = setting(0, _PORT)
    ptz_auto_patrol_type: int = setting(0, IntRange(0, 3))
    ptz_patrol_h_rounds: int = setting(0, IntRange(0, 255))
    ptz_patrol_v_rounds: int = setting(0, IntRange(0, 255))
    ptz_patrol_rate: int = setting(10, _RATE)
    ptz_patrol_up_rate: int = setting(10, _RATE)
    ptz_patrol_down_rate: int = setting(10, _RATE)
    ptz_patrol_left_rate: int = setting(10, _RATE)
    ptz_patrol_right_rate: int = setting(10, _RATE)
    ptz_disable_preset: int = setting(0, BOOL)
    ptz_preset_onstart: int = setting(0, IntRange(0, 16))


@dataclass(slots=True)
class ForbiddenSettings:
    """get_forbidden / set_forbidden."""

    schedule_enable: int = setting(0, BOOL)
    schedule: tuple[int, ...] = setting((0,) * SCHEDULE_WORDS, Schedule())


@dataclass(slots=True)
class ImageSettings:
    """get_camera_params; ``flip`` bit0 vertical flip, bit1 horizontal mirror."""

    resolution: int = setting(32, IntChoice(frozenset({2, 8, 32})))
    brightness: int = setting(96, IntRange(0, 255))
    contrast: int = setting(4, IntRange(0, 6))
    mode: int = setting(0, IntRange(0, 2))
    flip: int = setting(0, IntRange(0, 3))


@dataclass(slots=True)
class ServiceStatus:
    """Runtime statuses reported by get_status (tests may set them)."""

    ddns_status: int = 0
    oray_type: int = 0
    upnp_status: int = 0
    msn_status: int = 0
    wifi_status: int = 0


@dataclass(frozen=True, slots=True)
class WifiNetwork:
    """One get_wifi_scan_result entry."""

    bssid: str
    ssid: str
    mode: int = 0
    security: int = 0


DEFAULT_WIFI_NETWORKS: tuple[WifiNetwork, ...] = (
    WifiNetwork("0015ebbe2153", "ZXDSL531BII-BE2153", 0, 0),
    WifiNetwork("00223f176d70", "nony", 0, 2),
    WifiNetwork("001d0f3fef40", "Calvin&Cici", 0, 1),
    WifiNetwork("0022b0f5ce72", "CX", 0, 1),
    WifiNetwork("001c1042b6b7", "ipcamera", 0, 2),
)


@dataclass(frozen=True, slots=True)
class SerialWrite:
    """A comm_write.cgi call."""

    port: int
    baud: int
    data: str


@dataclass(slots=True)
class Settings:
    """Everything backup_params saves and restore_factory resets."""

    alias: str = "Foscam Sim"
    datetime: DateTimeSettings = field(default_factory=DateTimeSettings)
    users: list[UserSlot] = field(
        default_factory=lambda: [UserSlot() for _ in range(USER_SLOTS)]
    )
    devices: list[DeviceSlot] = field(
        default_factory=lambda: [DeviceSlot() for _ in DEVICE_SLOTS]
    )
    network: NetworkSettings = field(default_factory=NetworkSettings)
    wifi: WifiSettings = field(default_factory=WifiSettings)
    pppoe: PppoeSettings = field(default_factory=PppoeSettings)
    upnp: UpnpSettings = field(default_factory=UpnpSettings)
    ddns: DdnsSettings = field(default_factory=DdnsSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    ftp: FtpSettings = field(default_factory=FtpSettings)
    alarm: AlarmSettings = field(default_factory=AlarmSettings)
    decoder: DecoderSettings = field(default_factory=DecoderSettings)
    msn: MsnSettings = field(default_factory=MsnSettings)
    misc: MiscSettings = field(default_factory=MiscSettings)
    forbidden: ForbiddenSettings = field(default_factory=ForbiddenSettings)
    camera: ImageSettings = field(default_factory=ImageSettings)

    @classmethod
    def factory(cls, config: CameraConfig, port: int) -> Settings:
        """Make the factory defaults for ``config``."""
        settings = cls(alias=config.alias)
        for slot, account in zip(settings.users, config.users, strict=False):
            slot.name, slot.pwd = account.name, account.password
            slot.pri = account.privilege.user_level
        settings.network.port = port
        settings.camera.flip = config.flip
        settings.camera.resolution = config.resolution
        return settings

    def groups(self) -> Iterator[tuple[str, object]]:
        """Every settings group with a stable key (backup blob layout)."""
        yield from ((name, getattr(self, name)) for name in _GROUP_NAMES)
        yield from ((f"user{n}", slot) for n, slot in enumerate(self.users, 1))
        yield from (
            (f"dev{n}", slot)
            for n, slot in zip(DEVICE_SLOTS, self.devices, strict=True)
        )


class _SettingsShortcut[T]:
    """A read-only ``CameraState`` attribute that is ``state.settings.<its name>``."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, state: CameraState, owner: type | None = None) -> T:
        return cast(T, getattr(state.settings, self._name))


@dataclass(slots=True)
class CameraState:
    """All mutable camera state. ``settings`` holds the persistent parameters."""

    id: str
    sys_ver: str
    app_ver: str
    settings: Settings
    ptz: PanTilt
    factory_ddns: DdnsSettings = field(default_factory=DdnsSettings)
    status: ServiceStatus = field(default_factory=ServiceStatus)
    alarm_status: AlarmStatus | int = AlarmStatus.NONE
    clock_offset: float = 0.0  # camera clock minus host clock, seconds
    io_output: bool = False  # decoder_control 94/95; not readable through the CGIs
    extra_io: int = 0
    log: list[str] = field(default_factory=list)
    wifi_networks: list[WifiNetwork] = field(
        default_factory=lambda: list(DEFAULT_WIFI_NETWORKS)
    )
    test_mail_result: int = 0
    test_ftp_result: int = 0
    serial_writes: list[SerialWrite] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    boot_count: int = 1

    @property
    def now(self) -> int:
        """Camera clock, UTC epoch seconds."""
        return int(time.time() + self.clock_offset)

    # Read-only shortcuts to ``settings.<name>``.
    alias = _SettingsShortcut[str]()
    camera = _SettingsShortcut[ImageSettings]()  # get_camera_params
    misc = _SettingsShortcut[MiscSettings]()
    alarm = _SettingsShortcut[AlarmSettings]()
    users = _SettingsShortcut[list[UserSlot]]()
