"""Small helpers shared by the config flow and the integration setup."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .const import CONF_PAN_TILT, DEFAULT_PAN_TILT, DOMAIN
from .foscam_cgi import (
    CheckUserResult,
    FoscamAuthenticationError,
    FoscamCamera,
    FoscamCommandError,
    FoscamError,
    FoscamPrivilegeError,
    Privilege,
    Status,
)

REQUEST_TIMEOUT = 10.0


@contextmanager
def camera_errors_as(
    raise_error: type[HomeAssistantError], translation_key: str
) -> Iterator[None]:
    """Rejected credentials start reauth; any other camera error is `raise_error`.

    Setup raises ConfigEntryNotReady, the coordinators UpdateFailed; the
    message (translated) carries the camera error.
    """
    try:
        yield
    except FoscamAuthenticationError as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="invalid_auth"
        ) from err
    except FoscamError as err:
        raise raise_error(
            translation_domain=DOMAIN,
            translation_key=translation_key,
            translation_placeholders={"error": str(err)},
        ) from err


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


@contextmanager
def translate_camera_errors() -> Iterator[None]:
    """Turn protocol errors of a user-triggered call into translated HA errors."""
    try:
        yield
    except FoscamCommandError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="command_refused",
            translation_placeholders={"cgi": err.cgi, "reason": err.reason},
        ) from err
    except FoscamPrivilegeError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="insufficient_privilege",
            translation_placeholders={"cgi": err.cgi},
        ) from err
    except FoscamAuthenticationError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="invalid_auth"
        ) from err
    except FoscamError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="communication_error",
            translation_placeholders={"error": str(err)},
        ) from err
