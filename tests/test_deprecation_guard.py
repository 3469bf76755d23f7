"""The suite fails when Home Assistant or Python reports deprecated use by us."""

from __future__ import annotations

import warnings

from homeassistant.core import HomeAssistant
from homeassistant.helpers.frame import report_usage
from homeassistant.loader import async_get_integration
import pytest

from custom_components.foscam_mjpeg.const import DOMAIN

from .deprecation_guard import DeprecationReports


async def test_home_assistant_report_fails_the_test(
    hass: HomeAssistant, deprecation_guard: DeprecationReports
) -> None:
    """The autouse guard collects a report_usage about us (and would fail here)."""
    await async_get_integration(hass, DOMAIN)
    report_usage(
        "calls a deprecated helper (guard self-test)",
        breaks_in_ha_version="2099.1",
        integration_domain=DOMAIN,
    )
    assert len(deprecation_guard.reports) == 1
    assert deprecation_guard.reports[0].startswith(
        f"Detected that custom integration '{DOMAIN}' calls a deprecated helper"
    )
    deprecation_guard.reports.clear()  # this test's report is the expected one


async def test_reports_about_others_are_not_ours(
    hass: HomeAssistant, deprecation_guard: DeprecationReports
) -> None:
    """A report about another integration does not fail our suite."""
    await async_get_integration(hass, "mjpeg")
    report_usage(
        "calls a deprecated helper (guard self-test)",
        breaks_in_ha_version="2099.1",
        integration_domain="mjpeg",
    )
    assert deprecation_guard.reports == []


@pytest.mark.parametrize(
    "module",
    [
        "custom_components.foscam_mjpeg.foscam_cgi.client",
        "simulator.camera",
        "tests.test_camera",
    ],
)
def test_deprecation_warnings_from_our_modules_are_errors(module: str) -> None:
    """pyproject.toml turns DeprecationWarnings attributed to our code into errors."""
    with pytest.raises(DeprecationWarning, match="guard self-test"):
        warnings.warn_explicit(
            "guard self-test", DeprecationWarning, "x.py", 1, module=module
        )


def test_deprecation_warnings_from_libraries_are_not() -> None:
    """A library warning about its own internals is not ours to fix."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.warn_explicit(
            "guard self-test", DeprecationWarning, "x.py", 1, module="somelib.mod"
        )
    assert [str(w.message) for w in seen] == ["guard self-test"]
