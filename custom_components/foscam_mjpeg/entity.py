"""Base entity for Foscam MJPEG cameras."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TypedDict

from homeassistant.const import CONF_HOST, CONF_PORT, EntityCategory
from homeassistant.helpers.device_registry import (
    CONNECTION_NETWORK_MAC,
    DeviceInfo,
    format_mac,
)
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.restore_state import RestoreEntity
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import FoscamCoordinator, FoscamData
from .data import FoscamConfigEntry
from .errors import translate_camera_errors


@dataclass(frozen=True, kw_only=True)
class FoscamEntityDescription(EntityDescription):
    """What every Foscam entity description declares.

    `cgi` is the CGI the entity needs (the one it writes, or reads when it only
    reads); the user's privilege decides whether the entity exists.
    `exists_fn` tells whether this camera's firmware reports the underlying
    field (older firmware lacks e.g. sound detection). `pan_tilt` entities
    exist only for a camera with a motor.
    `value_fn` reads the entity's value; when it has one, the entity exists
    only if the camera reports the value (not None) at setup. Without one,
    the camera cannot report the value at all (the entity remembers it).
    """

    cgi: str
    exists_fn: Callable[[FoscamData], bool] = lambda _: True
    pan_tilt: bool = False
    value_fn: Callable[[FoscamData], object] | None = None

    def reports_value(self, data: FoscamData) -> bool:
        """Whether the camera reports the value (True for one it cannot report)."""
        return self.value_fn is None or self.value_fn(data) is not None

    def is_supported(self, coordinator: FoscamCoordinator) -> bool:
        """Whether to create the entity for this camera and user."""
        return (
            coordinator.privilege.allows(self.cgi)
            and (coordinator.has_pan_tilt or not self.pan_tilt)
            and self.exists_fn(coordinator.data)
            and self.reports_value(coordinator.data)
        )


class SettingFields(TypedDict):
    """The fields a setting's description takes from its key and CGI."""

    key: str
    translation_key: str
    entity_category: EntityCategory | None
    entity_registry_enabled_default: bool
    cgi: str


def setting_fields(
    key: str,
    cgi: str,
    *,
    enabled: bool = True,
    category: EntityCategory | None = EntityCategory.CONFIG,
) -> SettingFields:
    """Return the fields of a setting named by its key (configuration, by default)."""
    return {
        "key": key,
        "translation_key": key,
        "entity_category": category,
        "entity_registry_enabled_default": enabled,
        "cgi": cgi,
    }


def supported_entities[D: FoscamEntityDescription, E: FoscamEntity](
    entry: FoscamConfigEntry,
    entity_type: Callable[[FoscamCoordinator, D], E],
    descriptions: Iterable[D],
) -> list[E]:
    """Create the described entities this camera and the user's privilege support."""
    coordinator = entry.runtime_data.coordinator
    return [
        entity_type(coordinator, description)
        for description in descriptions
        if description.is_supported(coordinator)
    ]


def model_from_firmware(sys_ver: str | None) -> str:
    """Name the hardware line from the firmware version.

    The major number of sys_ver identifies the OEM/hardware line (the camera's
    own web UI checks it); the minor numbers only count releases.
    """
    line = (sys_ver or "").split(".", 1)[0].strip()
    return f"CGI v1 camera (firmware line {line})" if line else "CGI v1 camera"


class FoscamEntity(CoordinatorEntity[FoscamCoordinator]):
    """An entity that belongs to one camera device."""

    _attr_has_entity_name = True
    # Settings (switch, select, number): unavailable while the camera does not
    # report the value (e.g. the privilege was reduced). Status values show as
    # unknown instead.
    _unavailable_without_value = False

    def __init__(
        self, coordinator: FoscamCoordinator, description: EntityDescription
    ) -> None:
        """Attach the entity described by `description` to the camera's device.

        The unique id is the entry's plus the description key (none for the
        camera entity itself, whose key is empty).
        """
        super().__init__(coordinator)
        self.entity_description = description
        key = description.key
        entry = coordinator.config_entry
        status = coordinator.data.status
        assert entry.unique_id is not None
        self._attr_unique_id = f"{entry.unique_id}_{key}" if key else entry.unique_id
        # The device keeps the entry title: renaming the alias on the camera
        # must not rename the device in Home Assistant.
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.unique_id)},
            connections={(CONNECTION_NETWORK_MAC, format_mac(status.id))},
            manufacturer="Foscam",
            model=model_from_firmware(status.sys_ver),
            name=entry.title,
            sw_version=status.sys_ver,
            hw_version=f"Web UI {status.app_ver}" if status.app_ver else None,
            configuration_url=f"http://{entry.data[CONF_HOST]}:{entry.data[CONF_PORT]}/",
        )

    async def async_camera_write(
        self, call: Awaitable[object], *, refresh: bool = True
    ) -> None:
        """Run a camera command with translated errors, then re-read the settings.

        `refresh=False` for commands whose effect the camera cannot report.
        """
        with translate_camera_errors():
            await call
        if refresh:
            await self.coordinator.async_request_settings_refresh()

    @property
    def available(self) -> bool:
        """Unavailable while the camera fails, or no longer grants the entity's CGI.

        The privilege can be reduced on the camera at runtime (see the
        coordinator); the entity set itself only changes on reload. A setting
        is also unavailable while the camera does not report it.
        """
        description = self.entity_description
        if not (super().available and self.coordinator.settings.last_update_success):
            return False
        if not isinstance(description, FoscamEntityDescription):
            return True
        return self.coordinator.privilege.allows(description.cgi) and (
            not self._unavailable_without_value
            or description.reports_value(self.coordinator.data)
        )


class FoscamSettingEntity(FoscamEntity, RestoreEntity):
    """A setting the user writes; unavailable while the camera does not report it.

    A setting the camera cannot report at all (no `value_fn`) shows the value
    set last, kept across restarts.
    """

    _unavailable_without_value = True

    @property
    def unreported(self) -> bool:
        """Whether the camera cannot report this setting."""
        description = self.entity_description
        assert isinstance(description, FoscamEntityDescription)
        return description.value_fn is None

    async def async_added_to_hass(self) -> None:
        """Restore the value set last, for a setting the camera cannot report."""
        await super().async_added_to_hass()
        if self.unreported and (state := await self.async_get_last_state()):
            self._remember(state.state)

    def _remember(self, state: str) -> None:
        """Show `state` as the value set last (ignored if not a valid state)."""
        raise NotImplementedError

    async def async_write_setting(self, call: Awaitable[object], state: str) -> None:
        """Write the setting; re-read the settings, or remember an unreported one."""
        await self.async_camera_write(call, refresh=not self.unreported)
        if self.unreported:
            self._remember(state)
            self.async_write_ha_state()
