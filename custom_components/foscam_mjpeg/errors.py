"""Camera errors as Home Assistant errors: one table, used by every caller.

The config flow shows a form error, a user's action raises a translated
HomeAssistantError, setup and polling retry or start reauthentication.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError

from .const import DOMAIN
from .foscam_cgi import (
    FoscamAuthenticationError,
    FoscamCommandError,
    FoscamConnectionError,
    FoscamError,
    FoscamPrivilegeError,
    FoscamResponseError,
)


@dataclass(frozen=True, kw_only=True, slots=True)
class CameraErrorKeys:
    """The translation keys of one kind of camera error."""

    # The config flow's error (form) or abort reason; "unknown" is also logged.
    form: str
    # exceptions.<key> in strings.json: the message of a failed action, and
    # the error's attributes it shows ("error": the error's own message).
    action: str
    placeholders: tuple[str, ...] = ("error",)
    # Rejected credentials: setup and polling start reauthentication.
    reauth: bool = False


# First match wins: FoscamTimeoutError is a FoscamConnectionError and
# FoscamNotSupportedError (HD models answering 404/HTML) a FoscamResponseError.
CAMERA_ERRORS: Final[tuple[tuple[type[FoscamError], CameraErrorKeys], ...]] = (
    (
        FoscamAuthenticationError,
        CameraErrorKeys(
            form="invalid_auth", action="invalid_auth", placeholders=(), reauth=True
        ),
    ),
    (
        FoscamPrivilegeError,
        CameraErrorKeys(
            form="invalid_auth", action="insufficient_privilege", placeholders=("cgi",)
        ),
    ),
    (
        FoscamCommandError,
        CameraErrorKeys(
            form="unknown", action="command_refused", placeholders=("cgi", "reason")
        ),
    ),
    (
        FoscamConnectionError,
        CameraErrorKeys(form="cannot_connect", action="communication_error"),
    ),
    (
        FoscamResponseError,
        CameraErrorKeys(form="not_supported", action="communication_error"),
    ),
)
OTHER_ERROR: Final = CameraErrorKeys(form="unknown", action="communication_error")


def error_keys(err: BaseException) -> CameraErrorKeys:
    """Return the translation keys of an error (anything unexpected: "unknown")."""
    return next(
        (keys for error_type, keys in CAMERA_ERRORS if isinstance(err, error_type)),
        OTHER_ERROR,
    )


def _placeholders(err: FoscamError, names: tuple[str, ...]) -> dict[str, str]:
    """Return the named attributes of an error for its message."""
    return {
        name: str(err) if name == "error" else str(getattr(err, name)) for name in names
    }


@contextmanager
def translate_camera_errors() -> Iterator[None]:
    """Raise a camera error of a user's action as a translated HA error."""
    try:
        yield
    except FoscamError as err:
        keys = error_keys(err)
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=keys.action,
            translation_placeholders=_placeholders(err, keys.placeholders),
        ) from err


@contextmanager
def camera_errors_as(
    raise_error: type[HomeAssistantError], translation_key: str
) -> Iterator[None]:
    """Raise rejected credentials as reauth, any other camera error as `raise_error`.

    Setup raises ConfigEntryNotReady, the coordinators UpdateFailed; the
    message (translated) carries the camera error.
    """
    try:
        yield
    except FoscamError as err:
        keys = error_keys(err)
        if keys.reauth:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key=keys.action
            ) from err
        raise raise_error(
            translation_domain=DOMAIN,
            translation_key=translation_key,
            translation_placeholders={"error": str(err)},
        ) from err
