"""Find cameras with the vendor's UDP "MO_I" search and start config flows."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import asdict
from datetime import datetime
from typing import Any, Final

from homeassistant.config_entries import SOURCE_INTEGRATION_DISCOVERY
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv, discovery_flow
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.start import async_at_started
from homeassistant.util.hass_dict import HassKey

from .const import (
    CONF_DISCOVERY_TARGETS,
    DISCOVERY_INTERVAL,
    DISCOVERY_TIMEOUT,
    DOMAIN,
    LOGGER,
)
from .foscam_cgi import (
    BROADCAST_ADDRESS,
    DISCOVERY_PORT,
    DiscoveredCamera,
    FoscamError,
    discover,
)
from .validation import vol

type DiscoveryTarget = tuple[str, int]

# Production searches the local broadcast domain, like the vendor's IP Camera Tool.
DEFAULT_TARGETS: Final[tuple[DiscoveryTarget, ...]] = (
    (BROADCAST_ADDRESS, DISCOVERY_PORT),
)


def _target(value: Any) -> DiscoveryTarget:
    """Validate "host" or "host:port" into a (host, port) pair."""
    host, _, port = cv.string(value).rpartition(":")
    if not host:
        return cv.string(value), DISCOVERY_PORT
    return host, cv.port(int(port) if port.isdigit() else port)


DISCOVERY_SCHEMA: Final = vol.Schema(
    {
        vol.Optional(CONF_DISCOVERY_TARGETS): vol.All(
            cv.ensure_list, vol.Length(min=1), [_target]
        )
    }
)


DATA_TARGETS: HassKey[tuple[DiscoveryTarget, ...]] = HassKey(f"{DOMAIN}_targets")


def configured_targets(hass: HomeAssistant) -> tuple[DiscoveryTarget, ...]:
    """Return the YAML-configured search targets, else the broadcast address."""
    return hass.data.get(DATA_TARGETS, DEFAULT_TARGETS)


async def async_find_cameras(
    targets: tuple[DiscoveryTarget, ...],
) -> list[DiscoveredCamera]:
    """Search every target once; a target that fails is skipped."""
    found: list[DiscoveredCamera] = []
    for host, port in targets:
        try:
            found += await discover(target=host, port=port, timeout=DISCOVERY_TIMEOUT)
        except (OSError, FoscamError) as err:
            LOGGER.debug("Discovery search to %s:%s failed: %s", host, port, err)
    return found


async def async_find_new_cameras(
    hass: HomeAssistant, configured: Container[str | None]
) -> dict[str, DiscoveredCamera]:
    """Search the configured targets; return the cameras not set up, by MAC."""
    return {
        mac: camera
        for camera in await async_find_cameras(configured_targets(hass))
        if (mac := format_mac(camera.id)) not in configured
    }


async def async_search(
    hass: HomeAssistant, targets: tuple[DiscoveryTarget, ...]
) -> None:
    """Search every target once and hand each camera found to a config flow.

    A camera that is already configured gets its entry's host and port
    updated by the flow (and reloaded when they changed).
    """
    for camera in await async_find_cameras(targets):
        discovery_flow.async_create_flow(
            hass,
            DOMAIN,
            context={"source": SOURCE_INTEGRATION_DISCOVERY},
            data=asdict(camera),
        )


@callback
def async_setup_discovery(hass: HomeAssistant, config: dict[str, Any]) -> None:
    """Search once Home Assistant has started, then every DISCOVERY_INTERVAL."""
    targets = tuple(config.get(CONF_DISCOVERY_TARGETS, DEFAULT_TARGETS))
    hass.data[DATA_TARGETS] = targets  # the config flow's search uses them too

    @callback
    def _async_start_search(_: HomeAssistant | datetime) -> None:
        hass.async_create_background_task(
            async_search(hass, targets), f"{DOMAIN} discovery", eager_start=True
        )

    async_at_started(hass, _async_start_search)
    async_track_time_interval(
        hass,
        _async_start_search,
        DISCOVERY_INTERVAL,
        name=f"{DOMAIN} discovery",
        cancel_on_shutdown=True,
    )
