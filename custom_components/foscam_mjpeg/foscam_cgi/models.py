# ruff: noqa: RUF009  # _f() returns dataclasses.field(); ruff cannot see through it
"""Typed views of the camera's replies.

Every field is converted leniently by one of the small converters below and
declared with ``_f(converter, key...)``; ``_convert`` walks those declarations.
A missing or unconvertible field is ``None``; an enum value outside the
documented table is kept as the raw int.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from enum import IntEnum
import re
from types import MappingProxyType
from typing import Any, ClassVar, Final, Self, TypedDict

from .const import (
    AlarmStatus,
    BaudRate,
    DdnsService,
    DdnsStatus,
    FtpMode,
    ImageOrientation,
    LedMode,
    MailTls,
    MsnStatus,
    PatrolType,
    PowerFrequency,
    Privilege,
    Resolution,
    UpnpStatus,
    WifiCountry,
    WifiEncryption,
    WifiMode,
    WifiSecurity,
    WifiStatus,
)
from .exceptions import FoscamNotSupportedError, FoscamResponseError
from .parser import Value

type Converter = Callable[[Value | None], Any]
type Vars = Mapping[str, Value]

_INT_TEXT: Final = re.compile(r"[ \t]*[-+]?[0-9]{1,40}[ \t]*")
_U32: Final = 0xFFFFFFFF

# --- converters -------------------------------------------------------------


def to_int(value: Value | None) -> int | None:
    """Int, or a string holding an int; anything else is None."""
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_TEXT.fullmatch(value):
        return int(value)
    return None


def to_str(value: Value | None) -> str | None:
    """Convert to a string (ints are formatted); lists are None."""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    return None


def to_bool(value: Value | None) -> bool | None:
    """Non-zero int is True."""
    number = to_int(value)
    return None if number is None else number != 0


def to_enum[E: IntEnum](enum: type[E]) -> Callable[[Value | None], E | int | None]:
    """Make a converter to ``enum``; unknown values stay raw ints."""

    def convert(value: Value | None) -> E | int | None:
        number = to_int(value)
        if number is None:
            return None
        try:
            return enum(number)
        except ValueError:
            return number

    return convert


def _user_level(value: Value | None) -> Privilege | int | None:
    """``userN_pri`` 0/1/2 scale to Privilege; unknown levels stay raw."""
    level = to_int(value)
    if level is None:
        return None
    try:
        return Privilege.from_user_level(level)
    except ValueError:
        return level


def _f(convert: Converter | type[IntEnum], *keys: str, secret: bool = False) -> Any:
    """Declare a field read from ``keys`` (default: the field name).

    ``convert`` is a converter or an IntEnum class (see ``to_enum``).
    """
    if isinstance(convert, type):
        convert = to_enum(convert)
    return field(
        default=None, repr=not secret, metadata={"convert": convert, "keys": keys}
    )


def _raw() -> Any:
    return field(
        default_factory=lambda: MappingProxyType({}), repr=False, compare=False
    )


def _freeze(values: Vars) -> Mapping[str, Value]:
    return MappingProxyType(dict(values))


def _convert(model: type[Any], values: Vars, prefix: str = "") -> dict[str, Any]:
    """Keyword arguments for ``model`` from the ``_f`` declarations."""
    kwargs: dict[str, Any] = {}
    for spec in fields(model):
        convert = spec.metadata.get("convert")
        if convert is None:
            continue
        keys = spec.metadata["keys"] or (spec.name,)
        raw = next((values[prefix + k] for k in keys if prefix + k in values), None)
        kwargs[spec.name] = convert(raw)
    return kwargs


def _has_prefix(values: Vars, prefix: str) -> bool:
    return any(key.startswith(prefix) for key in values)


class _Model:
    """Mixin: the ``_f`` fields are read from vars named ``PREFIX`` + key."""

    __slots__ = ()
    PREFIX: ClassVar[str] = ""

    @classmethod
    def _kwargs(cls, values: Vars) -> dict[str, Any]:
        """Read the keyword arguments of the model from ``values``."""
        return _convert(cls, values, cls.PREFIX)


class _CgiReply(_Model):
    """Mixin for the reply of one CGI: the fields, and every var in ``raw``."""

    __slots__ = ()

    @classmethod
    def from_vars(cls, values: Vars) -> Self:
        """Build from parsed vars."""
        return cls(**cls._kwargs(values) | {"raw": _freeze(values)})


_INT, _STR, _BOOL = to_int, to_str, to_bool

# --- schedules --------------------------------------------------------------

DAYS: Final = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
SLOTS_PER_DAY: Final = 96  # 15-minute slots
_WORDS_PER_DAY: Final = 3
_NO_WORDS: Final = ((0, 0, 0),) * len(DAYS)


@dataclass(frozen=True, slots=True)
class WeekSchedule:
    """Seven days (Sunday first) x three unsigned 32-bit words = 96 slots of 15 min.

    Slot n of a day is bit ``n % 32`` of word ``n // 32``.
    """

    words: tuple[tuple[int, int, int], ...] = _NO_WORDS

    def __post_init__(self) -> None:
        """Reject schedules that the camera could not represent."""
        if len(self.words) != len(DAYS) or any(
            len(day) != _WORDS_PER_DAY or not all(0 <= w <= _U32 for w in day)
            for day in self.words
        ):
            raise ValueError("a week schedule is 7 x 3 unsigned 32-bit words")

    @classmethod
    def always(cls) -> WeekSchedule:
        """Every slot of every day set."""
        return cls(((_U32, _U32, _U32),) * len(DAYS))

    def is_set(self, day: int, slot: int) -> bool:
        """Whether 15-minute ``slot`` (0..95) of ``day`` (0 = Sunday) is set."""
        self._check(day, slot)
        return bool(self.words[day][slot // 32] >> (slot % 32) & 1)

    def with_slot(self, day: int, slot: int, value: bool = True) -> WeekSchedule:
        """Copy with one slot set or cleared."""
        self._check(day, slot)
        day_words = list(self.words[day])
        bit = 1 << (slot % 32)
        day_words[slot // 32] = (
            day_words[slot // 32] | bit if value else day_words[slot // 32] & ~bit
        )
        words = list(self.words)
        words[day] = (day_words[0], day_words[1], day_words[2])
        return WeekSchedule(tuple(words))

    @staticmethod
    def _check(day: int, slot: int) -> None:
        if not (0 <= day < len(DAYS) and 0 <= slot < SLOTS_PER_DAY):
            raise ValueError(f"day 0..6 and slot 0..95 expected, got {day}, {slot}")

    @staticmethod
    def keys(prefix: str = "schedule_") -> list[str]:
        """Variable names in day-major order, e.g. ``schedule_sun_0``."""
        return [f"{prefix}{day}_{i}" for day in DAYS for i in range(_WORDS_PER_DAY)]

    @classmethod
    def from_vars(cls, values: Vars, prefix: str = "schedule_") -> WeekSchedule | None:
        """Read the 21 words (None if none is present; missing words are 0).

        Words printed as signed ints are taken modulo 2**32.
        """
        keys = cls.keys(prefix)
        if not any(key in values for key in keys):
            return None
        flat = [(to_int(values.get(key)) or 0) & _U32 for key in keys]
        return cls(tuple((flat[i], flat[i + 1], flat[i + 2]) for i in range(0, 21, 3)))

    def as_vars(self, prefix: str = "schedule_") -> dict[str, int]:
        """Return the 21 words keyed by variable name."""
        flat = [word for day in self.words for word in day]
        return dict(zip(self.keys(prefix), flat, strict=True))


# --- get_status / check_user / get_camera_params ------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Status(_CgiReply):
    """Reply of get_status.cgi (answers without authentication)."""

    id: str
    sys_ver: str | None = _f(_STR)
    app_ver: str | None = _f(_STR)
    alias: str | None = _f(_STR)
    now: int | None = _f(_INT)
    tz: int | None = _f(_INT)
    alarm_status: AlarmStatus | int | None = _f(AlarmStatus)
    ddns_status: DdnsStatus | int | None = _f(DdnsStatus)
    ddns_host: str | None = _f(_STR)
    oray_type: int | None = _f(_INT)
    upnp_status: UpnpStatus | int | None = _f(UpnpStatus)
    msn_status: MsnStatus | int | None = _f(MsnStatus)
    wifi_status: WifiStatus | int | None = _f(WifiStatus)
    raw: Mapping[str, Value] = _raw()

    @classmethod
    def _kwargs(cls, values: Vars) -> dict[str, Any]:
        """Read the fields and ``id``: a reply without it is not a CGI v1.x camera."""
        camera_id = to_str(values.get("id"))
        if camera_id is None:
            raise FoscamNotSupportedError("status reply has no camera id")
        return _convert(cls, values) | {"id": camera_id}

    @property
    def utc_offset(self) -> int | None:
        """Seconds east of UTC. ``tz`` is seconds *west* (firmware fact)."""
        return None if self.tz is None else -self.tz

    @property
    def camera_time(self) -> datetime | None:
        """The camera clock (``now`` is UTC epoch seconds) as an aware datetime."""
        if self.now is None:
            return None
        try:
            return datetime.fromtimestamp(self.now, UTC)
        except OverflowError, OSError, ValueError:
            return None


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckUserResult:
    """Reply of check_user.cgi. The password the camera echoes is dropped."""

    user: str
    privilege: Privilege | int
    raw: Mapping[str, Value] = _raw()

    @classmethod
    def from_vars(cls, values: Vars) -> Self:
        """Build from parsed vars (``pri`` on the 1/2/3 scale)."""
        privilege = to_enum(Privilege)(values.get("pri"))
        if privilege is None:
            raise FoscamResponseError("check_user reply has no privilege")
        kept = {key: value for key, value in values.items() if key != "pwd"}
        return cls(
            user=to_str(values.get("user")) or "",
            privilege=privilege,
            raw=_freeze(kept),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CameraParams(_CgiReply):
    """Reply of get_camera_params.cgi."""

    resolution: Resolution | int | None = _f(Resolution)
    brightness: int | None = _f(_INT)
    contrast: int | None = _f(_INT)
    mode: PowerFrequency | int | None = _f(PowerFrequency)
    flip: ImageOrientation | int | None = _f(ImageOrientation)
    raw: Mapping[str, Value] = _raw()


# --- get_misc / get_forbidden ------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Misc(_CgiReply):
    """Reply of get_misc.cgi (field names are also set_misc's parameter names)."""

    led_mode: LedMode | int | None = _f(LedMode)
    ptz_center_onstart: bool | None = _f(_BOOL)
    ptz_auto_patrol_interval: int | None = _f(_INT)
    ptz_auto_patrol_type: PatrolType | int | None = _f(PatrolType)
    ptz_patrol_h_rounds: int | None = _f(_INT)
    ptz_patrol_v_rounds: int | None = _f(_INT)
    ptz_patrol_rate: int | None = _f(_INT)
    ptz_patrol_up_rate: int | None = _f(_INT)
    ptz_patrol_down_rate: int | None = _f(_INT)
    ptz_patrol_left_rate: int | None = _f(_INT)
    ptz_patrol_right_rate: int | None = _f(_INT)
    ptz_disable_preset: bool | None = _f(_BOOL)
    ptz_preset_onstart: int | None = _f(_INT)
    raw: Mapping[str, Value] = _raw()


@dataclass(frozen=True, slots=True, kw_only=True)
class ForbiddenSchedule(_CgiReply):
    """Reply of get_forbidden.cgi: when viewing video/audio is forbidden."""

    enabled: bool | None = _f(_BOOL, "schedule_enable")
    schedule: WeekSchedule = field(default_factory=WeekSchedule)
    raw: Mapping[str, Value] = _raw()

    @classmethod
    def _kwargs(cls, values: Vars) -> dict[str, Any]:
        """Read the fields and the schedule (all clear when the reply has none)."""
        schedule = WeekSchedule.from_vars(values) or WeekSchedule()
        return _convert(cls, values) | {"schedule": schedule}


# --- get_params ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class User:
    """One of the camera's account slots (1..8). Empty name = unused slot."""

    slot: int
    name: str
    password: str = field(repr=False)
    privilege: Privilege | int


@dataclass(frozen=True, slots=True)
class Device:
    """One multi-device slot (2..N) of the web UI's multi-camera view."""

    slot: int
    alias: str
    host: str
    port: int | None
    user: str
    password: str = field(repr=False)


_USER_KEY: Final = re.compile(r"user([0-9]{1,3})_(name|pwd|pri)")
_DEVICE_KEY: Final = re.compile(r"dev([0-9]{1,3})_(alias|host|port|user|pwd)")


def _slots(values: Vars, pattern: re.Pattern[str]) -> list[int]:
    found = {int(m[1]) for key in values if (m := pattern.fullmatch(key))}
    return sorted(found)


def _users(values: Vars) -> tuple[User, ...]:
    def build(n: int) -> User:
        level = _user_level(values.get(f"user{n}_pri"))
        return User(
            slot=n,
            name=to_str(values.get(f"user{n}_name")) or "",
            password=to_str(values.get(f"user{n}_pwd")) or "",
            privilege=Privilege.VISITOR if level is None else level,
        )

    return tuple(build(n) for n in _slots(values, _USER_KEY))


def _devices(values: Vars) -> tuple[Device, ...]:
    def build(n: int) -> Device:
        def text(name: str) -> str:
            return to_str(values.get(f"dev{n}_{name}")) or ""

        return Device(
            slot=n,
            alias=text("alias"),
            host=text("host"),
            port=to_int(values.get(f"dev{n}_port")),
            user=text("user"),
            password=text("pwd"),
        )

    return tuple(build(n) for n in _slots(values, _DEVICE_KEY))


class _Section(_Model):
    """Mixin for the ``prefix_*`` groups of get_params."""

    __slots__ = ()
    HAS_SCHEDULE: ClassVar[bool] = False

    @classmethod
    def from_vars(cls, values: Vars) -> Self | None:
        """Build the group; None when the reply has no field of it at all."""
        if not _has_prefix(values, cls.PREFIX):
            return None
        kwargs = cls._kwargs(values)
        if cls.HAS_SCHEDULE:
            kwargs["schedule"] = WeekSchedule.from_vars(
                values, cls.PREFIX + "schedule_"
            )
        return cls(**kwargs)


@dataclass(frozen=True, slots=True, kw_only=True)
class WifiParams(_Section):
    """``wifi_*`` fields of get_params (also set_wifi's parameter names)."""

    PREFIX = "wifi_"
    enable: bool | None = _f(_BOOL)
    ssid: str | None = _f(_STR)
    channel: int | None = _f(_INT)
    mode: int | None = _f(_INT)
    encrypt: WifiEncryption | int | None = _f(WifiEncryption)
    authtype: int | None = _f(_INT)
    keyformat: int | None = _f(_INT)
    defkey: int | None = _f(_INT)
    key1: str | None = _f(_STR, secret=True)
    key2: str | None = _f(_STR, secret=True)
    key3: str | None = _f(_STR, secret=True)
    key4: str | None = _f(_STR, secret=True)
    key1_bits: int | None = _f(_INT)
    key2_bits: int | None = _f(_INT)
    key3_bits: int | None = _f(_INT)
    key4_bits: int | None = _f(_INT)
    wpa_psk: str | None = _f(_STR, secret=True)
    country: WifiCountry | int | None = _f(WifiCountry)


@dataclass(frozen=True, slots=True, kw_only=True)
class _DdnsAccount:
    """The DDNS fields of get_params (``ddns_*``) and get_factory_ddns."""

    service: DdnsService | int | None = _f(DdnsService)
    user: str | None = _f(_STR)
    password: str | None = _f(_STR, "pwd", secret=True)
    host: str | None = _f(_STR)
    proxy_svr: str | None = _f(_STR)
    proxy_port: int | None = _f(_INT)


@dataclass(frozen=True, slots=True, kw_only=True)
class DdnsParams(_DdnsAccount, _Section):
    """``ddns_*`` fields of get_params."""

    PREFIX = "ddns_"


@dataclass(frozen=True, slots=True, kw_only=True)
class MailParams(_Section):
    """``mail_*`` fields of get_params."""

    PREFIX = "mail_"
    svr: str | None = _f(_STR)
    port: int | None = _f(_INT)
    tls: MailTls | int | None = _f(MailTls)
    user: str | None = _f(_STR)
    password: str | None = _f(_STR, "pwd", secret=True)
    sender: str | None = _f(_STR)
    receiver1: str | None = _f(_STR)
    receiver2: str | None = _f(_STR)
    receiver3: str | None = _f(_STR)
    receiver4: str | None = _f(_STR)
    inet_ip: bool | None = _f(_BOOL)


@dataclass(frozen=True, slots=True, kw_only=True)
class FtpParams(_Section):
    """``ftp_*`` fields of get_params."""

    PREFIX = "ftp_"
    HAS_SCHEDULE = True
    svr: str | None = _f(_STR)
    port: int | None = _f(_INT)
    user: str | None = _f(_STR)
    password: str | None = _f(_STR, "pwd", secret=True)
    dir: str | None = _f(_STR)
    mode: FtpMode | int | None = _f(FtpMode)
    retain: bool | None = _f(_BOOL)
    upload_interval: int | None = _f(_INT)
    filename: str | None = _f(_STR)
    numberoffiles: int | None = _f(_INT)
    schedule_enable: bool | None = _f(_BOOL)
    schedule: WeekSchedule | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AlarmParams(_Section):
    """``alarm_*`` fields of get_params (names as set_alarm takes them)."""

    PREFIX = "alarm_"
    HAS_SCHEDULE = True
    motion_armed: bool | None = _f(_BOOL)
    motion_sensitivity: int | None = _f(_INT)
    motion_compensation: bool | None = _f(_BOOL)
    input_armed: bool | None = _f(_BOOL)
    # The document also spells it "ioint_level"; firmware sends "ioin_level".
    ioin_level: int | None = _f(_INT, "ioin_level", "ioint_level")
    sounddetect_armed: bool | None = _f(_BOOL)
    sounddetect_sensitivity: int | None = _f(_INT)
    iolinkage: bool | None = _f(_BOOL)
    preset: int | None = _f(_INT)
    ioout_level: int | None = _f(_INT)
    mail: bool | None = _f(_BOOL)
    upload_interval: int | None = _f(_INT)
    http: bool | None = _f(_BOOL)
    http_url: str | None = _f(_STR)
    schedule_enable: bool | None = _f(_BOOL)
    schedule: WeekSchedule | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MsnParams(_Section):
    """``msn_*`` fields of get_params."""

    PREFIX = "msn_"
    user: str | None = _f(_STR)
    password: str | None = _f(_STR, "pwd", secret=True)
    friend1: str | None = _f(_STR)
    friend2: str | None = _f(_STR)
    friend3: str | None = _f(_STR)
    friend4: str | None = _f(_STR)
    friend5: str | None = _f(_STR)
    friend6: str | None = _f(_STR)
    friend7: str | None = _f(_STR)
    friend8: str | None = _f(_STR)
    friend9: str | None = _f(_STR)
    friend10: str | None = _f(_STR)


_PARAMS_SECTIONS: Final[tuple[type[_Section], ...]] = (
    WifiParams,
    DdnsParams,
    MailParams,
    FtpParams,
    AlarmParams,
    MsnParams,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Params(_CgiReply):
    """Reply of get_params.cgi (administrator; contains every secret in clear)."""

    id: str | None = _f(_STR)
    sys_ver: str | None = _f(_STR)
    app_ver: str | None = _f(_STR)
    alias: str | None = _f(_STR)
    now: int | None = _f(_INT)
    tz: int | None = _f(_INT)
    daylight_saving_time: int | None = _f(_INT)
    ntp_enable: bool | None = _f(_BOOL)
    ntp_svr: str | None = _f(_STR)
    users: tuple[User, ...] = ()
    devices: tuple[Device, ...] = ()
    ip: str | None = _f(_STR)
    mask: str | None = _f(_STR)
    gateway: str | None = _f(_STR)
    dns: str | None = _f(_STR)
    dhcp_vendor: str | None = _f(_STR)
    port: int | None = _f(_INT)
    wifi: WifiParams | None = None
    pppoe_enable: bool | None = _f(_BOOL)
    pppoe_user: str | None = _f(_STR)
    pppoe_pwd: str | None = _f(_STR, secret=True)
    upnp_enable: bool | None = _f(_BOOL)
    ddns: DdnsParams | None = None
    mail: MailParams | None = None
    ftp: FtpParams | None = None
    alarm: AlarmParams | None = None
    decoder_baud: BaudRate | int | None = _f(BaudRate)
    msn: MsnParams | None = None
    raw: Mapping[str, Value] = _raw()

    @classmethod
    def _kwargs(cls, values: Vars) -> dict[str, Any]:
        """Read the fields, the account and device slots and the sections."""
        sections = {
            section.PREFIX.rstrip("_"): section.from_vars(values)
            for section in _PARAMS_SECTIONS
        }
        slots = {"users": _users(values), "devices": _devices(values)}
        return _convert(cls, values) | slots | sections


# --- scan results, factory DDNS, discovery -------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class WifiNetwork:
    """One access point of get_wifi_scan_result.cgi."""

    bssid: str | None
    ssid: str | None
    mode: WifiMode | int | None
    security: WifiSecurity | int | None

    @classmethod
    def list_from_vars(cls, values: Vars) -> list[Self]:
        """All scanned networks (``ap_*`` arrays, at most ``ap_number`` of them)."""

        def column(name: str) -> list[str | int]:
            value = values.get(f"ap_{name}")
            if value is None:
                return []
            return value if isinstance(value, list) else [value]

        columns = {name: column(name) for name in ("bssid", "ssid", "mode", "security")}
        count = max(len(col) for col in columns.values())
        announced = to_int(values.get("ap_number"))
        if announced is not None and 0 <= announced < count:
            count = announced

        def cell(name: str, i: int) -> Value | None:
            col = columns[name]
            return col[i] if i < len(col) else None

        return [
            cls(
                bssid=to_str(cell("bssid", i)),
                ssid=to_str(cell("ssid", i)),
                mode=to_enum(WifiMode)(cell("mode", i)),
                security=to_enum(WifiSecurity)(cell("security", i)),
            )
            for i in range(count)
        ]


# get_log.cgi line: "Mon, 2009-08-03 20:13:03    admin        192.168.0.16      access"
# (user and remote address are blank for some system events).
_IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}"
LOG_LINE: Final = re.compile(
    rf"^\s*(?:\w+,\s*)?(?P<date>\d{{4}}-\d{{2}}-\d{{2}})\s+(?P<time>\d{{1,2}}:\d{{2}}:\d{{2}})"
    rf"\s+(?:(?P<user>(?!{_IPV4}\s)\S+)\s+)?(?:(?P<ip>{_IPV4})\s+)?(?P<action>\S.*?)\s*$"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class LogEntry:
    """One line of get_log.cgi, split into its columns.

    A column is None where the line does not have it; a line that does not
    parse at all keeps only ``raw``. ``time`` is the camera's local time as
    written, ``date`` and ``time`` joined by "T" (the camera tells no zone).
    """

    time: str | None
    user: str | None
    ip: str | None
    action: str | None
    raw: str

    @classmethod
    def from_line(cls, line: str) -> Self:
        """Split a log line into its columns."""
        if match := LOG_LINE.match(line):
            return cls(
                time=f"{match['date']}T{match['time']}",
                user=match["user"],
                ip=match["ip"],
                action=match["action"],
                raw=line,
            )
        return cls(time=None, user=None, ip=None, action=None, raw=line)


@dataclass(frozen=True, slots=True, kw_only=True)
class FactoryDdns(_DdnsAccount, _CgiReply):
    """Reply of get_factory_ddns.cgi (``factory_ddns_*``)."""

    PREFIX = "factory_ddns_"
    raw: Mapping[str, Value] = _raw()


@dataclass(frozen=True, slots=True, kw_only=True)
class DiscoveredCamera:
    """One reply to the UDP search broadcast."""

    id: str
    alias: str
    ip: str
    mask: str
    gateway: str
    dns: str
    sys_ver: str
    app_ver: str
    port: int
    dhcp: bool


# --- settings accepted by the set_* CGIs ------------------------------------------
# Keys are the model field names above; the client maps them to query names.


class DatetimeSettings(TypedDict, total=False):
    """set_datetime.cgi (partial sets accepted; in the document's order)."""

    tz: int
    daylight_saving_time: int
    ntp_enable: bool
    ntp_svr: str
    now: int


class NetworkSettings(TypedDict, total=False):
    """set_network.cgi (full set: the client fills the rest from get_params)."""

    ip: str
    mask: str
    gateway: str
    dns: str
    port: int
    dhcp_vendor: str


class WifiSettings(TypedDict, total=False):
    """set_wifi.cgi (full set: the client fills the rest from get_params)."""

    enable: bool
    ssid: str
    channel: int
    mode: int
    encrypt: WifiEncryption | int
    authtype: int
    keyformat: int
    defkey: int
    key1: str
    key2: str
    key3: str
    key4: str
    key1_bits: int
    key2_bits: int
    key3_bits: int
    key4_bits: int
    wpa_psk: str
    country: WifiCountry | int


class DdnsSettings(TypedDict, total=False):
    """set_ddns.cgi (full set) and set_factory_ddns.cgi."""

    service: DdnsService | int
    user: str
    password: str
    host: str
    proxy_svr: str
    proxy_port: int
    restart_dyndns: bool


class MailSettings(TypedDict, total=False):
    """set_mail.cgi (full set: the client fills the rest from get_params)."""

    svr: str
    port: int
    tls: MailTls | int
    user: str
    password: str
    sender: str
    receiver1: str
    receiver2: str
    receiver3: str
    receiver4: str
    inet_ip: bool


class FtpSettings(TypedDict, total=False):
    """set_ftp.cgi (partial sets accepted)."""

    svr: str
    port: int
    user: str
    password: str
    dir: str
    mode: FtpMode | int
    retain: bool
    upload_interval: int
    filename: str
    numberoffiles: int
    schedule_enable: bool
    schedule: WeekSchedule


class MsnSettings(TypedDict, total=False):
    """set_msn.cgi (partial sets accepted)."""

    user: str
    password: str
    friend1: str
    friend2: str
    friend3: str
    friend4: str
    friend5: str
    friend6: str
    friend7: str
    friend8: str
    friend9: str
    friend10: str


class AlarmSettings(TypedDict, total=False):
    """set_alarm.cgi (partial sets accepted)."""

    motion_armed: bool
    motion_sensitivity: int
    motion_compensation: bool
    input_armed: bool
    ioin_level: int
    sounddetect_armed: bool
    sounddetect_sensitivity: int
    iolinkage: bool
    preset: int
    ioout_level: int
    mail: bool
    upload_interval: int
    http: bool
    http_url: str
    schedule_enable: bool
    schedule: WeekSchedule


class MiscSettings(TypedDict, total=False):
    """set_misc.cgi (partial sets accepted)."""

    led_mode: LedMode | int
    ptz_center_onstart: bool
    ptz_auto_patrol_interval: int
    ptz_auto_patrol_type: PatrolType | int
    ptz_patrol_h_rounds: int
    ptz_patrol_v_rounds: int
    ptz_patrol_rate: int
    ptz_patrol_up_rate: int
    ptz_patrol_down_rate: int
    ptz_patrol_left_rate: int
    ptz_patrol_right_rate: int
    ptz_disable_preset: bool
    ptz_preset_onstart: int
