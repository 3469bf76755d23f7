"""Polling coordinator for one Foscam MJPEG camera."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
import logging
import time
from typing import TYPE_CHECKING

from homeassistant.const import CONF_NAME
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .const import (
    CONF_PRIVILEGE,
    CONF_SCAN_INTERVAL,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
    MIN_SCAN_INTERVAL,
    SETTINGS_REFRESH_INTERVAL,
)
from .errors import camera_errors_as
from .foscam_cgi import (
    AlarmParams,
    CameraParams,
    FoscamAuthenticationError,
    FoscamCamera,
    FoscamConnectionError,
    Misc,
    Params,
    Privilege,
    Status,
)
from .helpers import has_pan_tilt

if TYPE_CHECKING:
    from .data import FoscamConfigEntry


@dataclass(frozen=True, slots=True)
class FoscamData:
    """What the coordinators know about the camera (status and settings).

    Settings are None when the user's privilege cannot read them, or when the
    camera stopped granting that privilege (entities built on them go unavailable).
    """

    status: Status
    # When get_status.cgi answered (epoch seconds): the camera's `now` is
    # compared with this, not with the time the state is written.
    status_time: float
    camera_params: CameraParams | None = None
    params: Params | None = None
    misc: Misc | None = None

    @property
    def alarm(self) -> AlarmParams | None:
        """The alarm settings of get_params (None when not read)."""
        return self.params.alarm if self.params else None


class _LostCameraAsWarning(logging.Filter):
    """Log the coordinator's "camera lost" line at warning level, not error.

    An unreachable camera is an expected condition for these devices (reboots,
    Wi-Fi). The coordinator logs the loss once and the recovery once (info);
    unexpected exceptions (logged with a traceback) stay errors.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Lower the level of a failure logged without a traceback."""
        if record.levelno == logging.ERROR and record.exc_info is None:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


COORDINATOR_LOGGER = LOGGER.getChild("coordinator")
COORDINATOR_LOGGER.addFilter(_LostCameraAsWarning())


def privilege_from_int(value: int) -> Privilege:
    """Clamp a privilege code from the camera or the entry to a known level."""
    return Privilege(min(max(int(value), Privilege.VISITOR), Privilege.ADMINISTRATOR))


@dataclass(frozen=True, slots=True)
class FoscamSettings:
    """The camera's settings, as far as the user's privilege can read them."""

    camera_params: CameraParams | None = None
    params: Params | None = None
    misc: Misc | None = None


class FoscamSettingsCoordinator(DataUpdateCoordinator[FoscamSettings]):
    """Reads the settings CGIs every SETTINGS_REFRESH_INTERVAL (and after writes).

    A second coordinator on Home Assistant's scheduler, as core wled and
    reolink keep their slow data: settings changed on the camera's own web
    page show up within the interval.
    """

    config_entry: FoscamConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: FoscamConfigEntry, client: FoscamCamera
    ) -> None:
        """Initialise the settings coordinator for a config entry."""
        self.client = client
        self.privilege = privilege_from_int(entry.data[CONF_PRIVILEGE])
        super().__init__(
            hass,
            COORDINATOR_LOGGER,
            config_entry=entry,
            name=f"{entry.title} settings",
            update_interval=SETTINGS_REFRESH_INTERVAL,
        )

    @property
    def is_admin(self) -> bool:
        """Whether the configured user may read and write the camera's settings."""
        return self.privilege >= Privilege.ADMINISTRATOR

    async def _async_update_data(self) -> FoscamSettings:
        """Read the settings the user's privilege allows.

        An unreachable camera keeps the last settings: the status poll makes
        the entities unavailable and logs the loss once.
        """
        with camera_errors_as(UpdateFailed, "update_failed"):
            try:
                return await self._async_read_checked()
            except FoscamConnectionError:
                if self.data is None:
                    raise
                return self.data

    async def _async_read_checked(self) -> FoscamSettings:
        try:
            return await self._async_read()
        except FoscamAuthenticationError:
            await self._async_handle_auth_error()
            return await self._async_read()

    async def _async_read(self) -> FoscamSettings:
        # get_status.cgi answers anonymously; get_camera_params.cgi (visitor level)
        # is the poll that notices a changed password.
        camera_params = await self.client.get_camera_params()
        if not self.is_admin:
            return FoscamSettings(camera_params)
        return FoscamSettings(
            camera_params, await self.client.get_params(), await self.client.get_misc()
        )

    async def _async_handle_auth_error(self) -> None:
        """Tell bad credentials from a privilege taken away on the camera.

        The camera answers 401 both for bad credentials and for a CGI above the
        user's level. check_user.cgi tells them apart: if it fails too, the
        credentials are wrong (FoscamAuthenticationError propagates: reauth).
        If it grants less than configured, keep running at the granted level
        and raise a repair issue; reloading the entry applies the new level.
        """
        user = await self.client.check_user()
        granted = privilege_from_int(user.privilege)
        if granted >= self.privilege:
            raise FoscamAuthenticationError("401 on a CGI the user may call")
        LOGGER.warning(
            "%s: the camera now grants this user %s rights instead of %s",
            self.config_entry.title,
            granted.name.lower(),
            self.privilege.name.lower(),
        )
        async_create_privilege_issue(
            self.hass, self.config_entry, self.privilege, granted
        )
        self.privilege = granted
        self.client.privilege = granted


class FoscamCoordinator(DataUpdateCoordinator[FoscamData]):
    """Polls get_status.cgi; the settings come from FoscamSettingsCoordinator."""

    config_entry: FoscamConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: FoscamConfigEntry,
        settings: FoscamSettingsCoordinator,
    ) -> None:
        """Initialise the status coordinator for a config entry."""
        self.settings = settings
        self.client = settings.client
        # Entries saved before the 10 s minimum may still hold a faster poll.
        scan_interval = max(
            entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL),
            MIN_SCAN_INTERVAL,
        )
        super().__init__(
            hass,
            COORDINATOR_LOGGER,
            config_entry=entry,
            name=entry.title,
            update_interval=timedelta(seconds=scan_interval),
        )

    @property
    def privilege(self) -> Privilege:
        """The level the camera grants the configured user (it can drop at runtime)."""
        return self.settings.privilege

    @property
    def is_admin(self) -> bool:
        """Whether the configured user may read and write the camera's settings."""
        return self.settings.is_admin

    @property
    def has_pan_tilt(self) -> bool:
        """Whether the camera has a pan/tilt motor (the user's answer in setup)."""
        return has_pan_tilt(self.config_entry.options)

    @callback
    def async_start_following_settings(self) -> CALLBACK_TYPE:
        """Merge every settings update into this coordinator's data.

        The listener also keeps the settings coordinator polling (a coordinator
        without listeners does not schedule its next refresh).
        """
        return self.settings.async_add_listener(self._async_settings_updated)

    @callback
    def _async_settings_updated(self) -> None:
        """Take new settings, or note the settings failed (the entities go unavailable)."""
        if self.data is not None and self.settings.last_update_success:
            self.data = self._merge(self.data.status, self.data.status_time)
        self.async_update_listeners()

    async def async_request_settings_refresh(self) -> None:
        """Re-read the settings and the status now, after a write changed them."""
        await self.settings.async_request_refresh()
        await self.async_request_refresh()

    def _merge(self, status: Status, status_time: float) -> FoscamData:
        settings = self.settings.data
        return FoscamData(
            status,
            status_time,
            settings.camera_params,
            settings.params,
            settings.misc,
        )

    async def _async_update_data(self) -> FoscamData:
        """Fetch the status; carry the newest settings along."""
        if self.data is not None and isinstance(
            self.settings.last_exception, ConfigEntryAuthFailed
        ):
            # The settings poll found the login rejected and reauth runs: stop
            # polling the camera until the entry is set up again.
            self.update_interval = None
            return self.data
        with camera_errors_as(UpdateFailed, "update_failed"):
            status = await self.client.get_status()
        return self._merge(status, time.time())


def async_create_privilege_issue(
    hass: HomeAssistant,
    entry: FoscamConfigEntry,
    configured: Privilege,
    granted: Privilege,
) -> None:
    """Raise the repair issue that explains a reduced privilege.

    Its fix reloads the entry (repairs.py); setup then stores the granted
    level, builds the entities for it and deletes the issue.
    """
    placeholders = {
        CONF_NAME: entry.title,
        "configured": configured.name.lower(),
        "granted": granted.name.lower(),
    }
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"privilege_reduced_{entry.entry_id}",
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key="privilege_reduced",
        translation_placeholders=placeholders,
        data={"entry_id": entry.entry_id, **placeholders},
    )
