"""Buttons: pan/tilt moves and patrols, reboot and clock synchronisation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from homeassistant.components.button import (
    ButtonDeviceClass,
    ButtonEntity,
    ButtonEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .data import FoscamConfigEntry
from .entity import FoscamEntity, FoscamEntityDescription
from .foscam_cgi import Direction, FoscamCamera, PtzCommand
from .ptz import async_ptz_move

# The protocol client serialises the requests to the camera itself.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class FoscamButtonEntityDescription(ButtonEntityDescription, FoscamEntityDescription):
    """A button and what pressing it does."""

    press_fn: Callable[[FoscamConfigEntry], Awaitable[None]]
    # Re-read the settings afterwards (the press changed one of them).
    refresh: bool = False


def _send(*commands: PtzCommand) -> Callable[[FoscamConfigEntry], Awaitable[None]]:
    """Press action that sends decoder_control commands in order."""

    async def press(entry: FoscamConfigEntry) -> None:
        for command in commands:
            await entry.runtime_data.client.decoder_control(command)

    return press


async def _async_sync_clock(client: FoscamCamera) -> None:
    """Set the camera's clock and time zone from Home Assistant's.

    The camera knows no DST rules: it shows UTC - tz + daylight_saving_time,
    tz in seconds WEST of UTC (firmware fact). Home Assistant's standard
    offset goes to tz and the DST in force now to daylight_saving_time, so the
    camera's web UI shows the real zone and DST flag; after a DST change the
    camera is an hour off until the clock is synchronised again.
    """
    now = dt_util.now()
    offset = now.utcoffset()
    dst = now.dst()
    total = 0 if offset is None else int(offset.total_seconds())
    daylight = 0 if dst is None else int(dst.total_seconds())
    await client.set_datetime(
        now=int(now.timestamp()), tz=daylight - total, daylight_saving_time=daylight
    )


def _move(direction: Direction) -> FoscamButtonEntityDescription:
    return FoscamButtonEntityDescription(
        key=f"ptz_{direction}",
        translation_key=f"ptz_{direction}",
        cgi="decoder_control.cgi",
        press_fn=partial(async_ptz_move, direction=direction),
    )


BUTTONS: tuple[FoscamButtonEntityDescription, ...] = (
    *(_move(direction) for direction in Direction),
    FoscamButtonEntityDescription(
        key="ptz_center",
        translation_key="ptz_center",
        cgi="decoder_control.cgi",
        press_fn=_send(PtzCommand.CENTER),
    ),
    FoscamButtonEntityDescription(
        key="patrol_horizontal",
        translation_key="patrol_horizontal",
        cgi="decoder_control.cgi",
        press_fn=_send(PtzCommand.PATROL_HORIZONTAL),
    ),
    FoscamButtonEntityDescription(
        key="patrol_vertical",
        translation_key="patrol_vertical",
        cgi="decoder_control.cgi",
        press_fn=_send(PtzCommand.PATROL_VERTICAL),
    ),
    FoscamButtonEntityDescription(
        key="patrol_stop",
        translation_key="patrol_stop",
        cgi="decoder_control.cgi",
        press_fn=_send(
            PtzCommand.STOP_PATROL_HORIZONTAL, PtzCommand.STOP_PATROL_VERTICAL
        ),
    ),
    FoscamButtonEntityDescription(
        key="reboot",
        translation_key="reboot",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        cgi="reboot.cgi",
        press_fn=lambda entry: entry.runtime_data.client.reboot(),
    ),
    FoscamButtonEntityDescription(
        key="sync_clock",
        translation_key="sync_clock",
        entity_category=EntityCategory.CONFIG,
        cgi="set_datetime.cgi",
        press_fn=lambda entry: _async_sync_clock(entry.runtime_data.client),
        refresh=True,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FoscamConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the buttons the user's privilege allows."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        FoscamButton(coordinator, description)
        for description in BUTTONS
        if description.is_supported(coordinator)
    )


class FoscamButton(FoscamEntity, ButtonEntity):
    """A button of the camera."""

    entity_description: FoscamButtonEntityDescription

    async def async_press(self) -> None:
        """Run the button's command."""
        description = self.entity_description
        await self.async_camera_write(
            description.press_fn(self.coordinator.config_entry),
            refresh=description.refresh,
        )
