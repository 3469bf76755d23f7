"""Diagnostics for Foscam MJPEG cameras, with every secret redacted."""

from __future__ import annotations

from collections.abc import Mapping
import re
from typing import Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .data import FoscamConfigEntry

TO_REDACT_ENTRY = {CONF_PASSWORD, CONF_USERNAME}

# Camera fields that carry credentials or personal data: passwords of all users
# and multi-device slots, Wi-Fi keys and PSK, the FTP/mail/DDNS/PPPoE/MSN
# accounts, mail addresses, MSN friends, and alarm URLs (which often embed a
# user and password of the receiving service).
SECRET_FIELD = re.compile(
    r"pwd|pass|psk|wifi_key\d|wifi_ssid|_user$|^user\d+_name$|^dev\d+_(user|host)$"
    r"|^mail_(sender|receiver\d+)$|^msn_friend\d+$|_url$|^ddns_(host|proxy_svr)$"
)


def redact_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Copy a camera reply with every secret field redacted."""
    return {
        key: REDACTED if SECRET_FIELD.search(key) else value
        for key, value in raw.items()
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: FoscamConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a config entry."""
    runtime = entry.runtime_data
    data = runtime.coordinator.data
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT_ENTRY),
        "privilege": runtime.coordinator.privilege.name.lower(),
        "auth_mode": str(runtime.client.auth_mode),
        "status": redact_fields(data.status.raw),
        "camera_params": redact_fields(data.camera_params.raw)
        if data.camera_params
        else None,
        "params": redact_fields(data.params.raw) if data.params else None,
        "misc": redact_fields(data.misc.raw) if data.misc else None,
        "stream_hub": runtime.hub.stats,
    }
