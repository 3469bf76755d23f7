"""Polling coordinator for one Foscam MJPEG camera."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
import logging
import time
from typing import TYPE_CHECKING

from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .const import (
    CONF_PRIVILEGE,
    CONF_SCAN_INTERVAL,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
    SETTINGS_REFRESH_INTERVAL,
)
from .foscam_cgi import (
    CameraParams,
    FoscamAuthenticationError,
    FoscamCamera,
    FoscamError,
    Misc,
    Params,
    Privilege,
    Status,
)

if TYPE_CHECKING:
    from .data import FoscamConfigEntry


@dataclass(frozen=True, slots=True)
class FoscamData:
    """What the coordinator knows about the camera.

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


class FoscamCoordinator(DataUpdateCoordinator[FoscamData]):
    """Polls get_status.cgi, and the settings CGIs on a slower cadence."""

    config_entry: FoscamConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: FoscamConfigEntry, client: FoscamCamera
    ) -> None:
        """Initialise the coordinator for a config entry."""
        self.client = client
        self.privilege = privilege_from_int(entry.data[CONF_PRIVILEGE])
        self._settings_due = 0.0
        scan_interval = timedelta(
            seconds=entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
        )
        super().__init__(
            hass,
            COORDINATOR_LOGGER,
            config_entry=entry,
            name=entry.title,
            update_interval=scan_interval,
        )

    @property
    def is_admin(self) -> bool:
        """Whether the configured user may read and write the camera's settings."""
        return self.privilege >= Privilege.ADMINISTRATOR

    async def async_request_settings_refresh(self) -> None:
        """Re-read the settings now, after a write changed them."""
        self._settings_due = 0.0
        await self.async_request_refresh()

    async def _async_update_data(self) -> FoscamData:
        """Fetch the status, and the settings when they are due."""
        try:
            status = await self.client.get_status()
            status_time = time.time()
            if time.monotonic() < self._settings_due and self.data is not None:
                return replace(self.data, status=status, status_time=status_time)
            try:
                data = await self._async_read_settings(status, status_time)
            except FoscamAuthenticationError:
                await self._async_handle_auth_error()
                data = await self._async_read_settings(status, status_time)
        except FoscamAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except FoscamError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        self._settings_due = (
            time.monotonic() + SETTINGS_REFRESH_INTERVAL.total_seconds()
        )
        return data

    async def _async_read_settings(
        self, status: Status, status_time: float
    ) -> FoscamData:
        # get_status.cgi answers anonymously; get_camera_params.cgi (visitor level)
        # is the poll that notices a changed password.
        camera_params = await self.client.get_camera_params()
        if not self.is_admin:
            return FoscamData(status, status_time, camera_params)
        return FoscamData(
            status,
            status_time,
            camera_params,
            await self.client.get_params(),
            await self.client.get_misc(),
        )

    async def _async_handle_auth_error(self) -> None:
        """Tell bad credentials from a privilege taken away on the camera.

        The camera answers 401 both for bad credentials and for a CGI above the
        user's level. check_user.cgi tells them apart: if it fails too, the
        credentials are wrong (FoscamAuthenticationError propagates: reauth).
        If it grants less than configured, keep running at the granted level
        and raise a repair issue; the stored privilege changes on reload.
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


def async_create_privilege_issue(
    hass: HomeAssistant,
    entry: FoscamConfigEntry,
    configured: Privilege,
    granted: Privilege,
) -> None:
    """Raise the repair issue that explains a reduced privilege."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"privilege_reduced_{entry.entry_id}",
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="privilege_reduced",
        translation_placeholders={
            CONF_NAME: entry.title,
            "configured": configured.name.lower(),
            "granted": granted.name.lower(),
        },
    )
