"""The Foscam MJPEG (IP Camera CGI v1.x) integration."""

from __future__ import annotations

from homeassistant.const import CONF_NAME, CONF_PASSWORD, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.typing import ConfigType

from .const import (
    CONF_DISCOVERY,
    CONF_FRAME_RATE,
    CONF_PRIVILEGE,
    CONF_RESOLUTION,
    CONF_STREAM_IDLE_TIMEOUT,
    DEFAULT_FRAME_RATE,
    DEFAULT_RESOLUTION,
    DEFAULT_STREAM_IDLE_TIMEOUT,
    DOMAIN,
    FRAME_RATE_OPTIONS,
    LOGGER,
    RESOLUTION_OPTIONS,
)
from .coordinator import (
    FoscamCoordinator,
    FoscamSettingsCoordinator,
    privilege_from_int,
)
from .data import FoscamConfigEntry, FoscamRuntimeData
from .discovery import DISCOVERY_SCHEMA, async_setup_discovery
from .errors import camera_errors_as
from .foscam_cgi import Privilege
from .helpers import client_from_data
from .services import async_setup_services
from .stream_hub import StreamHub
from .validation import vol
from .voice import async_setup_voice

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CAMERA,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
]

CONFIG_SCHEMA = vol.Schema(
    {DOMAIN: vol.Schema({vol.Optional(CONF_DISCOVERY, default={}): DISCOVERY_SCHEMA})},
    extra=vol.ALLOW_EXTRA,
)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Start the periodic UDP discovery; register the actions and voice intents."""
    domain_config = config.get(DOMAIN, {})
    async_setup_discovery(hass, domain_config.get(CONF_DISCOVERY, {}))
    async_setup_services(hass)
    await async_setup_voice(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: FoscamConfigEntry) -> bool:
    """Connect to the camera and set up its platforms."""
    configured = privilege_from_int(entry.data[CONF_PRIVILEGE])
    client = client_from_data(hass, entry.data)
    with camera_errors_as(ConfigEntryNotReady, "cannot_connect"):
        user = await client.check_user()

    granted = privilege_from_int(user.privilege)
    _async_sync_privilege(hass, entry, configured, granted)
    client.privilege = granted

    settings = FoscamSettingsCoordinator(hass, entry, client)
    await settings.async_config_entry_first_refresh()
    coordinator = FoscamCoordinator(hass, entry, settings)
    await coordinator.async_config_entry_first_refresh()
    entry.async_on_unload(coordinator.async_start_following_settings())

    options = entry.options
    hub = StreamHub(
        hass,
        client,
        resolution=RESOLUTION_OPTIONS[options.get(CONF_RESOLUTION, DEFAULT_RESOLUTION)],
        rate=FRAME_RATE_OPTIONS[options.get(CONF_FRAME_RATE, DEFAULT_FRAME_RATE)],
        idle_timeout=float(
            options.get(CONF_STREAM_IDLE_TIMEOUT, DEFAULT_STREAM_IDLE_TIMEOUT)
        ),
        name=entry.title,
    )
    entry.runtime_data = FoscamRuntimeData(client, coordinator, hub)
    entry.async_on_unload(hub.async_shutdown)

    _async_check_empty_password(hass, entry, granted)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: FoscamConfigEntry) -> bool:
    """Unload the platforms; the hub is shut down by async_on_unload."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: FoscamConfigEntry) -> None:
    """Forget the repair issues of a removed camera."""
    for issue in ("empty_admin_password", "privilege_reduced"):
        ir.async_delete_issue(hass, DOMAIN, f"{issue}_{entry.entry_id}")


def _async_sync_privilege(
    hass: HomeAssistant,
    entry: FoscamConfigEntry,
    configured: Privilege,
    granted: Privilege,
) -> None:
    """Store the privilege the camera grants now.

    The entry then runs at that level (its entities follow it), so a
    "privilege reduced" repair raised while it ran is resolved.
    """
    ir.async_delete_issue(hass, DOMAIN, f"privilege_reduced_{entry.entry_id}")
    if granted < configured:
        LOGGER.warning(
            "%s: the camera grants this user %s rights instead of %s; the entities"
            " that need %s rights are not provided",
            entry.title,
            granted.name.lower(),
            configured.name.lower(),
            configured.name.lower(),
        )
    if granted != configured:
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_PRIVILEGE: int(granted)}
        )


def _async_check_empty_password(
    hass: HomeAssistant, entry: FoscamConfigEntry, granted: Privilege
) -> None:
    """Warn when an administrator account has no password (factory default)."""
    issue_id = f"empty_admin_password_{entry.entry_id}"
    params = entry.runtime_data.coordinator.data.params
    empty_admin = (
        granted >= Privilege.ADMINISTRATOR and not entry.data[CONF_PASSWORD]
    ) or (
        params is not None
        and any(
            user.name
            and not user.password
            and user.privilege == Privilege.ADMINISTRATOR
            for user in params.users
        )
    )
    if empty_admin:
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="empty_admin_password",
            translation_placeholders={CONF_NAME: entry.title},
        )
    else:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
