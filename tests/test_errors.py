"""Tests of the one table turning camera errors into Home Assistant errors."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryNotReady,
    HomeAssistantError,
)
import pytest

from custom_components.foscam_mjpeg import foscam_cgi as cgi
from custom_components.foscam_mjpeg.errors import (
    CAMERA_ERRORS,
    OTHER_ERROR,
    CameraErrorKeys,
    camera_errors_as,
    error_keys,
    translate_camera_errors,
)

STRINGS: dict[str, Any] = json.loads(
    (
        Path(__file__).parents[1] / "custom_components/foscam_mjpeg/strings.json"
    ).read_text(encoding="utf-8")
)

# Each kind of camera error with what every caller must make of it.
CASES: list[tuple[cgi.FoscamError, str, str, dict[str, str]]] = [
    (
        cgi.FoscamAuthenticationError("get_status.cgi"),
        "invalid_auth",
        "invalid_auth",
        {},
    ),
    (
        cgi.FoscamPrivilegeError("reboot.cgi", cgi.Privilege.ADMINISTRATOR),
        "invalid_auth",
        "insufficient_privilege",
        {"cgi": "reboot.cgi"},
    ),
    (
        cgi.FoscamCommandError("set_alarm.cgi", "illegal params."),
        "unknown",
        "command_refused",
        {"cgi": "set_alarm.cgi", "reason": "illegal params."},
    ),
    (
        cgi.FoscamConnectionError("refused"),
        "cannot_connect",
        "communication_error",
        {"error": "refused"},
    ),
    (
        cgi.FoscamTimeoutError("timed out"),
        "cannot_connect",
        "communication_error",
        {"error": "timed out"},
    ),
    (
        cgi.FoscamNotSupportedError("HTML"),
        "not_supported",
        "communication_error",
        {"error": "HTML"},
    ),
    (
        cgi.FoscamResponseError("garbled"),
        "not_supported",
        "communication_error",
        {"error": "garbled"},
    ),
    (cgi.FoscamError("odd"), "unknown", "communication_error", {"error": "odd"}),
]


@pytest.mark.parametrize(
    "keys", [keys for _, keys in CAMERA_ERRORS] + [OTHER_ERROR], ids=repr
)
def test_keys_are_translated(keys: CameraErrorKeys) -> None:
    """Every key of the table has a form error, an abort reason and a message."""
    config = STRINGS["config"]
    assert keys.form in config["error"]
    assert keys.form in config["abort"]
    message = STRINGS["exceptions"][keys.action]["message"]
    assert set(re.findall(r"\{(\w+)\}", message)) == set(keys.placeholders)


@pytest.mark.parametrize(("err", "form", "action", "placeholders"), CASES)
def test_action_error(
    err: cgi.FoscamError, form: str, action: str, placeholders: dict[str, str]
) -> None:
    """A failed action raises the translated message with its placeholders."""
    assert error_keys(err).form == form
    with pytest.raises(HomeAssistantError) as raised, translate_camera_errors():
        raise err
    assert raised.value.translation_key == action
    assert raised.value.translation_placeholders == placeholders
    assert raised.value.__cause__ is err


@pytest.mark.parametrize("err", [err for err, *_ in CASES])
def test_setup_error(err: cgi.FoscamError) -> None:
    """Rejected credentials start reauth; any other error is the caller's error."""
    expected = (
        ConfigEntryAuthFailed
        if isinstance(err, cgi.FoscamAuthenticationError)
        else ConfigEntryNotReady
    )
    with (
        pytest.raises(expected) as raised,
        camera_errors_as(ConfigEntryNotReady, "cannot_connect"),
    ):
        raise err
    assert isinstance(raised.value, HomeAssistantError)
    if expected is ConfigEntryNotReady:
        assert raised.value.translation_key == "cannot_connect"
        assert raised.value.translation_placeholders == {"error": str(err)}
    else:
        assert raised.value.translation_key == "invalid_auth"


def test_not_a_camera_error() -> None:
    """Anything that is not a camera error is unknown, and passes the managers."""
    assert error_keys(ValueError("bug")) == OTHER_ERROR
    with pytest.raises(ValueError, match="bug"), translate_camera_errors():
        raise ValueError("bug")
