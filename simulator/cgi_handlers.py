"""The 45 CGIs: permission, login style and handler, in one table."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
import datetime as dt
import re
import time
from typing import TYPE_CHECKING, Final

from aiohttp import BodyPartReader, web

from . import backup, replies, streams
from .auth import Login
from .config import FieldValue
from .const import BAUD_CODES, DEVICE_SLOTS, RESOLUTION_SIZES, Privilege, rate_fps
from .params import (
    BOOL,
    IllegalParams,
    IntChoice,
    IntRange,
    Text,
    apply,
    assign,
    collect,
    emit,
)
from .replies import IllegalFrame
from .state import PREFIXED_GROUPS, DdnsSettings, Settings
from .varfmt import format_arrays, format_vars, quote

if TYPE_CHECKING:
    from .camera import SimulatedCamera

_MAX_UPLOAD: Final = 8 * 1024 * 1024
_MAC_RE: Final = re.compile(r"[0-9A-Fa-f]{12}")
_CAMERA_CONTROL: Final = {
    0: "resolution",
    1: "brightness",
    2: "contrast",
    3: "mode",
    5: "flip",
}
_RESOLUTION: Final = IntChoice(frozenset(RESOLUTION_SIZES))


@dataclass(slots=True)
class CgiRequest:
    """One authorised CGI call."""

    camera: SimulatedCamera
    request: web.Request
    name: str
    params: Mapping[str, str]
    login: Login | None

    @property
    def settings(self) -> Settings:
        """The camera's persistent settings."""
        return self.camera.state.settings

    def required(self, name: str, spec: IntRange | IntChoice | Text) -> int | str:
        """Parse a mandatory parameter (IllegalParams when missing or invalid)."""
        if (raw := self.params.get(name)) is None:
            raise IllegalParams
        return spec.parse(raw)

    def optional_int(self, name: str, spec: IntRange | IntChoice, default: int) -> int:
        """Parse an optional integer parameter."""
        raw = self.params.get(name)
        return default if raw is None else spec.parse(raw)

    def reply(self, items: list[tuple[str, FieldValue]]) -> web.Response:
        """Make a ``var`` reply with the configured omitted and extra fields."""
        config = self.camera.config
        kept = [(k, v) for k, v in items if k not in config.omit_fields]
        kept.extend(config.extra_fields.get(self.name, {}).items())
        return replies.text(format_vars(kept))


Handler = Callable[[CgiRequest], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class Cgi:
    """Table entry. ``service_login``: the login comes as cam_user/cam_pwd."""

    privilege: Privilege | None
    handler: Handler
    service_login: bool = False


# -- generic handlers --------------------------------------------------------


def _ok() -> web.Response:
    return replies.text(replies.OK)


def group_getter(select: Callable[[CgiRequest], object], prefix: str = "") -> Handler:
    """get_* CGI listing one settings group."""

    async def handler(req: CgiRequest) -> web.StreamResponse:
        return req.reply(emit(select(req), prefix))

    return handler


def group_setter(
    select: Callable[[CgiRequest], object], *, full: bool = False
) -> Handler:
    """set_* CGI writing one settings group (``full``: partial sets rejected)."""

    async def handler(req: CgiRequest) -> web.StreamResponse:
        apply(select(req), req.params, full=full)
        return _ok()

    return handler


async def accept(_req: CgiRequest) -> web.StreamResponse:
    """Commands whose only visible effect is the reply (or a reboot after it)."""
    return _ok()


# -- identity, status, parameters --------------------------------------------


async def check_user(req: CgiRequest) -> web.StreamResponse:
    """Echoes the login (the pwd too, like the firmware) and its privilege."""
    assert req.login is not None
    req.camera.add_log(req.login.name, req.request.remote or "", "access")
    return req.reply(
        [
            ("user", req.login.name),
            ("pwd", req.login.password),
            ("pri", int(req.login.privilege)),
        ]
    )


async def get_status(req: CgiRequest) -> web.StreamResponse:
    """Anonymous on the firmware (known CVE)."""
    state = req.camera.state
    status = state.status
    return req.reply(
        [
            *_identity(req),
            ("now", state.now),
            ("tz", req.settings.datetime.tz),
            ("alarm_status", int(state.alarm_status)),
            ("ddns_status", status.ddns_status),
            ("ddns_host", req.settings.ddns.host),
            ("oray_type", status.oray_type),
            ("upnp_status", status.upnp_status),
            ("msn_status", status.msn_status),
            ("wifi_status", status.wifi_status),
        ]
    )


def _identity(req: CgiRequest) -> list[tuple[str, FieldValue]]:
    state = req.camera.state
    return [
        ("id", state.id),
        ("sys_ver", state.sys_ver),
        ("app_ver", state.app_ver),
        ("alias", state.alias),
    ]


async def get_params(req: CgiRequest) -> web.StreamResponse:
    """Every setting, secrets in clear text."""
    s = req.settings
    items = [*_identity(req), ("now", req.camera.state.now), *emit(s.datetime)]
    for n, user in enumerate(s.users, 1):
        items.extend(emit(user, f"user{n}_"))
    for n, device in zip(DEVICE_SLOTS, s.devices, strict=True):
        items.extend(emit(device, f"dev{n}_"))
    items.extend(emit(s.network))
    for prefix in PREFIXED_GROUPS:
        items.extend(emit(getattr(s, prefix), f"{prefix}_"))
    return req.reply(items)


async def set_alias(req: CgiRequest) -> web.StreamResponse:
    """Alias of at most 20 bytes."""
    req.settings.alias = str(req.required("alias", Text(20)))
    return _ok()


async def set_datetime(req: CgiRequest) -> web.StreamResponse:
    """Partial set; ``now`` (UTC epoch) sets the camera clock."""
    values = collect(req.settings.datetime, req.params)
    now = req.optional_int("now", IntRange(0, 0xFFFFFFFF), -1)
    assign(req.settings.datetime, values)
    if now >= 0:
        req.camera.state.clock_offset = now - time.time()
    return _ok()


async def set_users(req: CgiRequest) -> web.StreamResponse:
    """Full set of the 8 ``userN/pwdN/priN`` triples."""
    users = req.settings.users
    changes = [
        collect(slot, req.params, suffix=str(n), full=True)
        for n, slot in enumerate(users, 1)
    ]
    for slot, values in zip(users, changes, strict=True):
        assign(slot, values)
    return _ok()


async def set_devices(req: CgiRequest) -> web.StreamResponse:
    """``devN_*``, partial sets accepted."""
    devices = req.settings.devices
    changes = [
        collect(slot, req.params, prefix=f"dev{n}_")
        for n, slot in zip(DEVICE_SLOTS, devices, strict=True)
    ]
    for slot, values in zip(devices, changes, strict=True):
        assign(slot, values)
    return _ok()


async def restore_factory(req: CgiRequest) -> web.StreamResponse:
    """Restore factory settings (the camera then reboots)."""
    req.camera.state.settings = Settings.factory(req.camera.config, req.camera.port)
    return _ok()


async def restore_factory_ddns(req: CgiRequest) -> web.StreamResponse:
    """DDNS settings back to the factory DDNS settings."""
    req.settings.ddns = replace(req.camera.state.factory_ddns)
    return _ok()


async def set_mac(req: CgiRequest) -> web.StreamResponse:
    """``mac`` as 12 hex digits becomes the camera id."""
    mac = str(req.required("mac", Text(12)))
    if not _MAC_RE.fullmatch(mac):
        raise IllegalParams
    req.camera.state.id = mac.upper()
    return _ok()


# -- camera, pan/tilt, io ----------------------------------------------------


async def camera_control(req: CgiRequest) -> web.StreamResponse:
    """``param`` 0 resolution, 1 brightness, 2 contrast, 3 mode, 5 flip (not patrol)."""
    param = req.required("param", IntChoice(frozenset(_CAMERA_CONTROL)))
    value = req.params.get("value")
    if value is None:
        raise IllegalParams
    apply(req.settings.camera, {_CAMERA_CONTROL[int(param)]: value})
    return _ok()


async def decoder_control(req: CgiRequest) -> web.StreamResponse:
    """Pan/tilt, presets and the IO output."""
    command = int(req.required("command", IntRange(0, 255)))
    onestep = req.optional_int("onestep", BOOL, 0)
    degree = req.optional_int("degree", IntRange(0, 360), 0)
    req.camera.decoder_command(command, onestep=bool(onestep), degree=degree or None)
    return _ok()


async def set_extra_io(req: CgiRequest) -> web.StreamResponse:
    """8 extension IO bits."""
    req.camera.state.extra_io = int(req.required("value", IntRange(0, 255)))
    return _ok()


async def comm_write(req: CgiRequest) -> web.StreamResponse:
    """Write to the serial port, recorded in ``state.serial_writes``."""
    port = int(req.required("port", IntRange(0, 3)))
    baud = int(req.required("baud", IntChoice(BAUD_CODES)))
    req.required("bytes", IntRange(0, 255))
    data = str(req.required("data", Text(255)))
    req.camera.record_serial(port, baud, data)
    return _ok()


# -- video -------------------------------------------------------------------


async def snapshot(req: CgiRequest) -> web.StreamResponse:
    """One JPEG at the current resolution."""
    camera = req.camera
    jpeg = await camera.render(camera.state.settings.camera.resolution)
    camera.counters.snapshot_count += 1
    local = dt.datetime.fromtimestamp(
        camera.state.now - req.settings.datetime.tz, dt.UTC
    )
    name = (
        req.params.get("next_url")
        or f"snapshot_{camera.state.id}_{local:%Y%m%d%H%M%S}.jpg"
    )
    response = replies.text(jpeg, content_type="image/jpeg")
    response.headers["Content-disposition"] = f'filename="{name}"'
    return response


def _stream(asf_format: bool) -> Handler:
    async def handler(req: CgiRequest) -> web.StreamResponse:
        camera = req.camera
        resolution = req.optional_int(
            "resolution", _RESOLUTION, camera.state.camera.resolution
        )
        fps = rate_fps(
            req.optional_int("rate", IntRange(0, 23), 0), camera.config.max_fps
        )
        assert fps is not None
        return await streams.serve(
            camera, req.request, resolution=resolution, fps=fps, asf_format=asf_format
        )

    return handler


# -- network, services -------------------------------------------------------


async def get_wifi_scan_result(req: CgiRequest) -> web.StreamResponse:
    """List the scanned networks as ``new Array()`` lists."""
    networks = req.camera.state.wifi_networks
    columns: dict[str, list[FieldValue]] = {
        "ap_bssid": [n.bssid for n in networks],
        "ap_ssid": [n.ssid for n in networks],
        "ap_mode": [n.mode for n in networks],
        "ap_security": [n.security for n in networks],
    }
    return replies.text(format_arrays(columns, "ap_number"))


async def get_log(req: CgiRequest) -> web.StreamResponse:
    """One string; entries separated by a literal backslash-n."""
    text = "".join(f"{line}\n" for line in req.camera.state.log)
    return replies.text(b"var log_text=%s;\n" % quote(text))


def _test_result(attr: str) -> Handler:
    async def handler(req: CgiRequest) -> web.StreamResponse:
        return req.reply([("result", getattr(req.camera.state, attr))])

    return handler


# -- uploads -----------------------------------------------------------------


async def read_upload(request: web.Request) -> bytes:
    """Read the ``file`` field of a multipart POST (IllegalFrame otherwise)."""
    if request.method != "POST" or not request.content_type.startswith("multipart/"):
        raise IllegalFrame
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if isinstance(part, BodyPartReader) and part.name == "file":
                data = bytearray()
                while chunk := await part.read_chunk():
                    data += chunk
                    if len(data) > _MAX_UPLOAD:
                        raise IllegalFrame
                if data:
                    return bytes(data)
    except ValueError:
        raise IllegalFrame from None
    raise IllegalFrame


def _store_upload(req: CgiRequest, data: bytes) -> None:
    req.camera.state.uploads[req.name] = data


async def upload(req: CgiRequest) -> web.StreamResponse:
    """upgrade_firmware / upgrade_htmls / set_factory_params: keep the bytes."""
    _store_upload(req, await read_upload(req.request))
    return _ok()


async def backup_params(req: CgiRequest) -> web.StreamResponse:
    """params.bin download."""
    response = replies.text(
        backup.dump(req.settings), content_type="application/octet-stream"
    )
    response.headers["Content-disposition"] = 'attachment; filename="params.bin"'
    return response


async def restore_params(req: CgiRequest) -> web.StreamResponse:
    """Accept a blob from backup_params (the camera then reboots)."""
    data = await read_upload(req.request)
    backup.load(data, req.settings)
    _store_upload(req, data)
    return _ok()


# -- the table ---------------------------------------------------------------

VIS, OPR, ADM = Privilege.VISITOR, Privilege.OPERATOR, Privilege.ADMINISTRATOR


def _settings(attr: str) -> Callable[[CgiRequest], object]:
    return lambda req: getattr(req.settings, attr)


def _factory_ddns(req: CgiRequest) -> DdnsSettings:
    return req.camera.state.factory_ddns


CGI_TABLE: Final[Mapping[str, Cgi]] = {
    "check_user.cgi": Cgi(VIS, check_user),
    "snapshot.cgi": Cgi(VIS, snapshot),
    "videostream.cgi": Cgi(VIS, _stream(asf_format=False)),
    "videostream.asf": Cgi(VIS, _stream(asf_format=True)),
    "get_status.cgi": Cgi(None, get_status),
    "get_camera_params.cgi": Cgi(VIS, group_getter(_settings("camera"))),
    "decoder_control.cgi": Cgi(OPR, decoder_control),
    "set_extra_io.cgi": Cgi(OPR, set_extra_io),
    "camera_control.cgi": Cgi(OPR, camera_control),
    "reboot.cgi": Cgi(ADM, accept),
    "restore_factory.cgi": Cgi(ADM, restore_factory),
    "get_params.cgi": Cgi(ADM, get_params),
    "upgrade_firmware.cgi": Cgi(ADM, upload),
    "upgrade_htmls.cgi": Cgi(ADM, upload),
    "set_alias.cgi": Cgi(ADM, set_alias),
    "set_datetime.cgi": Cgi(ADM, set_datetime),
    "set_users.cgi": Cgi(ADM, set_users),
    "set_devices.cgi": Cgi(ADM, set_devices),
    "set_network.cgi": Cgi(ADM, group_setter(_settings("network"), full=True)),
    "set_wifi.cgi": Cgi(ADM, group_setter(_settings("wifi"), full=True)),
    "set_pppoe.cgi": Cgi(ADM, group_setter(_settings("pppoe")), service_login=True),
    "set_upnp.cgi": Cgi(ADM, group_setter(_settings("upnp"), full=True)),
    "set_ddns.cgi": Cgi(
        ADM, group_setter(_settings("ddns"), full=True), service_login=True
    ),
    "set_ftp.cgi": Cgi(ADM, group_setter(_settings("ftp")), service_login=True),
    "set_mail.cgi": Cgi(
        ADM, group_setter(_settings("mail"), full=True), service_login=True
    ),
    "set_msn.cgi": Cgi(ADM, group_setter(_settings("msn")), service_login=True),
    "set_alarm.cgi": Cgi(ADM, group_setter(_settings("alarm"))),
    "comm_write.cgi": Cgi(OPR, comm_write),
    "set_forbidden.cgi": Cgi(ADM, group_setter(_settings("forbidden"), full=True)),
    "get_forbidden.cgi": Cgi(ADM, group_getter(_settings("forbidden"))),
    "set_misc.cgi": Cgi(ADM, group_setter(_settings("misc"))),
    "get_misc.cgi": Cgi(ADM, group_getter(_settings("misc"))),
    "set_decoder.cgi": Cgi(ADM, group_setter(_settings("decoder"), full=True)),
    "wifi_scan.cgi": Cgi(ADM, accept),
    "get_wifi_scan_result.cgi": Cgi(ADM, get_wifi_scan_result),
    "get_log.cgi": Cgi(ADM, get_log),
    "test_mail.cgi": Cgi(ADM, _test_result("test_mail_result")),
    "test_ftp.cgi": Cgi(ADM, _test_result("test_ftp_result")),
    "backup_params.cgi": Cgi(ADM, backup_params),
    "restore_params.cgi": Cgi(ADM, restore_params),
    "set_factory_params.cgi": Cgi(ADM, upload),
    "set_mac.cgi": Cgi(ADM, set_mac),
    "set_factory_ddns.cgi": Cgi(ADM, group_setter(_factory_ddns), service_login=True),
    "get_factory_ddns.cgi": Cgi(ADM, group_getter(_factory_ddns, "factory_ddns_")),
    "restore_factory_ddns.cgi": Cgi(ADM, restore_factory_ddns),
}
