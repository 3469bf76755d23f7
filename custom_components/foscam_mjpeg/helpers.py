"""Small helpers shared by the config flow and the integration setup."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .const import CONF_PAN_TILT, DEFAULT_PAN_TILT
from .foscam_cgi import (
    CheckUserResult,
    FoscamCamera,
    Privilege,
    Status,
)

REQUEST_TIMEOUT = 10.0


def has_pan_tilt(options: Mapping[str, Any]) -> bool:
    """Whether the user said the camera has a pan/tilt motor (an entry option)."""
    return bool(options.get(CONF_PAN_TILT, DEFAULT_PAN_TILT))


def client_from_data(
    hass: HomeAssistant,
    data: Mapping[str, Any],
    privilege: Privilege | None = None,
) -> FoscamCamera:
    """Build a protocol client for the camera described by entry data."""
    return FoscamCamera(
        data[CONF_HOST],
        data[CONF_PORT],
        data[CONF_USERNAME],
        data[CONF_PASSWORD],
        session=async_get_clientsession(hass),
        request_timeout=REQUEST_TIMEOUT,
        privilege=privilege,
    )


async def async_read_status(hass: HomeAssistant, host: str, port: int) -> Status:
    """Read a camera's identity without a login.

    get_status.cgi answers without authentication on this firmware.
    """
    client = client_from_data(
        hass, {CONF_HOST: host, CONF_PORT: port, CONF_USERNAME: "", CONF_PASSWORD: ""}
    )
    return await client.get_status()


async def async_validate_camera(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> tuple[CheckUserResult, Status]:
    """Prove the credentials and read the camera's identity.

    get_status.cgi answers without authentication on this firmware, so only
    check_user.cgi proves the credentials (and tells the privilege).
    """
    client = client_from_data(hass, data)
    user = await client.check_user()
    status = await client.get_status()
    return user, status
