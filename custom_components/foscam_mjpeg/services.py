"""Actions that target Foscam MJPEG camera entities.

Registered once in ``async_setup``. Each action resolves its targets (entities,
devices, areas, labels) to our camera entities and their loaded config
entries, checks the configured user's privilege for every CGI it needs, and
only then talks to the cameras. Responses are keyed by camera entity_id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
import os
from pathlib import Path
import re
from typing import Any, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, ENTITY_MATCH_ALL, Platform
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.target import (
    TargetSelection,
    async_extract_referenced_entity_ids,
)
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonObjectType, JsonValueType

from .const import DOMAIN
from .data import FoscamConfigEntry
from .entity import cgi_allowed
from .foscam_cgi import (
    PRESET_COUNT,
    Direction,
    FtpTestResult,
    MailTestResult,
    WifiNetwork,
    WifiSecurity,
)
from .helpers import translate_camera_errors
from .ptz import STEP_DIRECTIONS, async_ptz_move
from .validation import vol

ATTR_DIRECTION: Final = "direction"
ATTR_DURATION: Final = "duration"
ATTR_DEGREE: Final = "degree"
ATTR_PRESET: Final = "preset"
# backup_params keeps this many settings files per camera (each holds every password).
BACKUPS_KEPT: Final = 5
ATTR_MODE: Final = "mode"
ATTR_VALUE: Final = "value"

PRESET_MODE_GO: Final = "go"
PRESET_MODE_SET: Final = "set"

# wifi_scan.cgi only starts the scan; give the camera a few seconds before
# reading get_wifi_scan_result.cgi.
WIFI_SCAN_WAIT: Final = 4.0
WIFI_MODES: Final = {0: "infrastructure", 1: "ad_hoc"}

# get_log.cgi line: "Mon, 2009-08-03 20:13:03    admin        192.168.0.16      access"
# (user and remote address are blank for some system events).
_IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}"
LOG_LINE: Final = re.compile(
    rf"^\s*(?:\w+,\s*)?(?P<date>\d{{4}}-\d{{2}}-\d{{2}})\s+(?P<time>\d{{1,2}}:\d{{2}}:\d{{2}})"
    rf"\s+(?:(?P<user>(?!{_IPV4}\s)\S+)\s+)?(?:(?P<ip>{_IPV4})\s+)?(?P<action>\S.*?)\s*$"
)

type ActionHandler = Callable[
    [HomeAssistant, FoscamConfigEntry, Mapping[str, Any]],
    Awaitable[JsonValueType],
]


@dataclass(frozen=True, slots=True)
class FoscamAction:
    """One action: the CGIs it calls (privilege check), schema and handler."""

    name: str
    cgis: tuple[str, ...]
    handler: ActionHandler
    fields: dict[vol.Marker, Any]
    supports_response: SupportsResponse = SupportsResponse.NONE
    validate: Callable[[Mapping[str, Any]], None] | None = None
    pan_tilt: bool = False


@dataclass(frozen=True, slots=True)
class CameraTarget:
    """A targeted camera entity and its loaded config entry."""

    entity_id: str
    entry: FoscamConfigEntry


def _validate_ptz_move(data: Mapping[str, Any]) -> None:
    if ATTR_DURATION in data and ATTR_DEGREE in data:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="duration_and_degree"
        )
    if ATTR_DEGREE in data and data[ATTR_DIRECTION] not in STEP_DIRECTIONS:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="step_needs_straight_direction",
            translation_placeholders={ATTR_DIRECTION: str(data[ATTR_DIRECTION])},
        )


async def _ptz_move(
    hass: HomeAssistant, entry: FoscamConfigEntry, data: Mapping[str, Any]
) -> None:
    await async_ptz_move(
        entry,
        data[ATTR_DIRECTION],
        duration=data.get(ATTR_DURATION),
        degree=data.get(ATTR_DEGREE),
    )


async def _ptz_preset(
    hass: HomeAssistant, entry: FoscamConfigEntry, data: Mapping[str, Any]
) -> None:
    client = entry.runtime_data.client
    if data[ATTR_MODE] == PRESET_MODE_SET:
        await client.preset_set(data[ATTR_PRESET])
    else:
        await client.preset_go(data[ATTR_PRESET])


async def _set_extra_io(
    hass: HomeAssistant, entry: FoscamConfigEntry, data: Mapping[str, Any]
) -> None:
    await entry.runtime_data.client.set_extra_io(data[ATTR_VALUE])


def parse_log_line(line: str) -> JsonObjectType:
    """Split a get_log.cgi line into its columns (None where it does not parse)."""
    entry: JsonObjectType = {"time": None, "user": None, "ip": None, "action": None}
    if match := LOG_LINE.match(line):
        entry |= {
            "time": f"{match['date']}T{match['time']}",
            "user": match["user"],
            "ip": match["ip"],
            "action": match["action"],
        }
    return entry | {"raw": line}


async def _get_log(
    hass: HomeAssistant, entry: FoscamConfigEntry, data: Mapping[str, Any]
) -> JsonValueType:
    lines = await entry.runtime_data.client.get_log()
    return {"entries": [parse_log_line(line) for line in lines]}


def _network(network: WifiNetwork) -> JsonObjectType:
    security = network.security
    bssid = network.bssid or ""
    return {
        "ssid": network.ssid,
        "bssid": format_mac(bssid) if bssid else None,
        "mode": WIFI_MODES.get(network.mode, "unknown")
        if network.mode is not None
        else None,
        "security": security.name.lower()
        if isinstance(security, WifiSecurity)
        else "unknown",
    }


async def _scan_wifi(
    hass: HomeAssistant, entry: FoscamConfigEntry, data: Mapping[str, Any]
) -> JsonValueType:
    client = entry.runtime_data.client
    await client.wifi_scan()
    await asyncio.sleep(WIFI_SCAN_WAIT)
    networks = await client.get_wifi_scan_result()
    return {"networks": [_network(network) for network in networks]}


def _test_result(result: MailTestResult | FtpTestResult | int) -> JsonObjectType:
    name = (
        result.name.lower()
        if isinstance(result, MailTestResult | FtpTestResult)
        else "unknown"
    )
    return {"result": name, "code": int(result)}


async def _test_mail(
    hass: HomeAssistant, entry: FoscamConfigEntry, data: Mapping[str, Any]
) -> JsonValueType:
    return _test_result(await entry.runtime_data.client.test_mail())


async def _test_ftp(
    hass: HomeAssistant, entry: FoscamConfigEntry, data: Mapping[str, Any]
) -> JsonValueType:
    return _test_result(await entry.runtime_data.client.test_ftp())


def _write_backup(path: Path, content: bytes, prefix: str) -> None:
    """Write a file only its owner can read (it holds every password).

    Then delete this camera's older backups beyond BACKUPS_KEPT: the names
    sort by time.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(content)
    backups = sorted(path.parent.glob(f"{prefix}_*.bin"), reverse=True)
    for old in backups[BACKUPS_KEPT:]:
        old.unlink(missing_ok=True)


async def _backup_params(
    hass: HomeAssistant, entry: FoscamConfigEntry, data: Mapping[str, Any]
) -> JsonValueType:
    content = await entry.runtime_data.client.backup_params()
    timestamp = dt_util.utcnow().strftime("%Y%m%dT%H%M%SZ")
    path = Path(hass.config.path(DOMAIN, f"{entry.unique_id}_{timestamp}.bin"))
    try:
        await hass.async_add_executor_job(
            _write_backup, path, content, str(entry.unique_id)
        )
    except OSError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="backup_write_failed",
            translation_placeholders={"path": str(path), "error": str(err)},
        ) from err
    return {"path": str(path), "size": len(content)}


ACTIONS: Final = (
    FoscamAction(
        "ptz_move",
        ("decoder_control.cgi",),
        _ptz_move,
        {
            vol.Required(ATTR_DIRECTION): vol.All(
                cv.string, vol.In([str(d) for d in Direction]), vol.Coerce(Direction)
            ),
            vol.Optional(ATTR_DURATION): vol.All(
                vol.Coerce(float), vol.Range(min=0.1, max=60)
            ),
            # Firmware fact: small step sizes misbehave; 3 and up are safe.
            vol.Optional(ATTR_DEGREE): vol.All(
                vol.Coerce(int), vol.Range(min=3, max=90)
            ),
        },
        validate=_validate_ptz_move,
        pan_tilt=True,
    ),
    FoscamAction(
        "ptz_preset",
        ("decoder_control.cgi",),
        _ptz_preset,
        {
            vol.Required(ATTR_PRESET): vol.All(
                vol.Coerce(int), vol.Range(min=1, max=PRESET_COUNT)
            ),
            vol.Optional(ATTR_MODE, default=PRESET_MODE_GO): vol.In(
                [PRESET_MODE_GO, PRESET_MODE_SET]
            ),
        },
        pan_tilt=True,
    ),
    FoscamAction(
        "set_extra_io",
        ("set_extra_io.cgi",),
        _set_extra_io,
        {vol.Required(ATTR_VALUE): vol.All(vol.Coerce(int), vol.Range(min=0, max=255))},
    ),
    FoscamAction("get_log", ("get_log.cgi",), _get_log, {}, SupportsResponse.ONLY),
    FoscamAction(
        "scan_wifi",
        ("wifi_scan.cgi", "get_wifi_scan_result.cgi"),
        _scan_wifi,
        {},
        SupportsResponse.ONLY,
    ),
    FoscamAction(
        "test_mail", ("test_mail.cgi",), _test_mail, {}, SupportsResponse.ONLY
    ),
    FoscamAction("test_ftp", ("test_ftp.cgi",), _test_ftp, {}, SupportsResponse.ONLY),
    FoscamAction(
        "backup_params",
        ("backup_params.cgi",),
        _backup_params,
        {},
        SupportsResponse.OPTIONAL,
    ),
)


def _validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


@callback
def async_get_targets(hass: HomeAssistant, call: ServiceCall) -> list[CameraTarget]:
    """Resolve a call's targets to our loaded camera entities.

    Entities named explicitly must be our cameras; devices, areas and labels
    also bring other entities (our sensors, other integrations'), which are
    skipped.
    """
    registry = er.async_get(hass)
    if call.data.get(ATTR_ENTITY_ID) == ENTITY_MATCH_ALL:
        explicit: set[str] = set()
        candidates = {
            entity.entity_id
            for entity in registry.entities.values()
            if entity.platform == DOMAIN and entity.domain == Platform.CAMERA
        }
    else:
        selected = async_extract_referenced_entity_ids(hass, TargetSelection(call.data))
        explicit = selected.referenced
        candidates = selected.referenced | selected.indirectly_referenced
    targets: list[CameraTarget] = []
    for entity_id in sorted(candidates):
        entity = registry.async_get(entity_id)
        if (
            entity is None
            or entity.platform != DOMAIN
            or entity.domain != Platform.CAMERA
        ):
            if entity_id in explicit:
                raise _validation_error("not_foscam_camera", entity_id=entity_id)
            continue
        entry = hass.config_entries.async_get_entry(entity.config_entry_id or "")
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            raise _validation_error("camera_not_loaded", entity_id=entity_id)
        targets.append(CameraTarget(entity_id, entry))
    if not targets:
        raise _validation_error("no_camera_targeted")
    return targets


def _check_privilege(action: FoscamAction, targets: list[CameraTarget]) -> None:
    for target in targets:
        coordinator = target.entry.runtime_data.coordinator
        if action.pan_tilt and not coordinator.has_pan_tilt:
            raise _validation_error("no_pan_tilt", name=target.entry.title)
        for cgi in action.cgis:
            if not cgi_allowed(coordinator, cgi):
                raise _validation_error("insufficient_privilege", cgi=cgi)


def _make_service_handler(
    hass: HomeAssistant, action: FoscamAction
) -> Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]:
    async def handle(call: ServiceCall) -> ServiceResponse:
        if action.validate is not None:
            action.validate(call.data)
        targets = async_get_targets(hass, call)
        _check_privilege(action, targets)

        async def run(target: CameraTarget) -> JsonValueType:
            with translate_camera_errors():
                return await action.handler(hass, target.entry, call.data)

        # Every camera is tried; the first failure is reported.
        results = await asyncio.gather(
            *(run(target) for target in targets), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result
        if (
            action.supports_response is SupportsResponse.NONE
            or not call.return_response
        ):
            return None
        return {
            target.entity_id: result
            for target, result in zip(targets, results, strict=True)
            if not isinstance(result, BaseException)
        }

    return handle


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    for action in ACTIONS:
        hass.services.async_register(
            DOMAIN,
            action.name,
            _make_service_handler(hass, action),
            schema=cv.make_entity_service_schema(action.fields),
            supports_response=action.supports_response,
        )
