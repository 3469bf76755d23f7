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
from enum import IntEnum
import os
from pathlib import Path
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
from .errors import translate_camera_errors
from .foscam_cgi import (
    PRESET_COUNT,
    Direction,
    FtpTestResult,
    LogEntry,
    MailTestResult,
    WifiNetwork,
)
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

# (entry, call data) -> response. The one handler that needs Home Assistant
# itself (backup_params: the config folder) reaches it through the coordinator.
type ActionHandler = Callable[
    [FoscamConfigEntry, Mapping[str, Any]], Awaitable[JsonValueType]
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


async def _ptz_move(entry: FoscamConfigEntry, data: Mapping[str, Any]) -> None:
    await async_ptz_move(
        entry,
        data[ATTR_DIRECTION],
        duration=data.get(ATTR_DURATION),
        degree=data.get(ATTR_DEGREE),
    )


async def _ptz_preset(entry: FoscamConfigEntry, data: Mapping[str, Any]) -> None:
    client = entry.runtime_data.client
    if data[ATTR_MODE] == PRESET_MODE_SET:
        await client.preset_set(data[ATTR_PRESET])
    else:
        await client.preset_go(data[ATTR_PRESET])


async def _set_extra_io(entry: FoscamConfigEntry, data: Mapping[str, Any]) -> None:
    await entry.runtime_data.client.set_extra_io(data[ATTR_VALUE])


def log_entry_response(entry: LogEntry) -> JsonObjectType:
    """Return a log entry as the get_log action returns it."""
    return {
        "time": entry.time,
        "user": entry.user,
        "ip": entry.ip,
        "action": entry.action,
        "raw": entry.raw,
    }


async def _get_log(entry: FoscamConfigEntry, _data: Mapping[str, Any]) -> JsonValueType:
    lines = await entry.runtime_data.client.get_log()
    return {"entries": [log_entry_response(LogEntry.from_line(line)) for line in lines]}


def _code_name(code: IntEnum | int | None) -> str:
    """Name a documented code; anything else is "unknown"."""
    return code.name.lower() if isinstance(code, IntEnum) else "unknown"


def _network(network: WifiNetwork) -> JsonObjectType:
    return {
        "ssid": network.ssid,
        "bssid": format_mac(network.bssid) if network.bssid else None,
        "mode": None if network.mode is None else _code_name(network.mode),
        "security": _code_name(network.security),
    }


async def _scan_wifi(
    entry: FoscamConfigEntry, _data: Mapping[str, Any]
) -> JsonValueType:
    client = entry.runtime_data.client
    await client.wifi_scan()
    await asyncio.sleep(WIFI_SCAN_WAIT)
    networks = await client.get_wifi_scan_result()
    return {"networks": [_network(network) for network in networks]}


def _test_result(result: MailTestResult | FtpTestResult | int) -> JsonObjectType:
    return {"result": _code_name(result), "code": int(result)}


async def _test_mail(
    entry: FoscamConfigEntry, _data: Mapping[str, Any]
) -> JsonValueType:
    return _test_result(await entry.runtime_data.client.test_mail())


async def _test_ftp(
    entry: FoscamConfigEntry, _data: Mapping[str, Any]
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
    entry: FoscamConfigEntry, _data: Mapping[str, Any]
) -> JsonValueType:
    hass = entry.runtime_data.coordinator.hass
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
            if not coordinator.privilege.allows(cgi):
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
                return await action.handler(target.entry, call.data)

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
