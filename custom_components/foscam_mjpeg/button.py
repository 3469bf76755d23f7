"""Buttons: pan/tilt moves and patrols, reboot and clock synchronisation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

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
from .entity import FoscamEntity, FoscamEntityDescription, supported_entities
from .foscam_cgi import Direction, FoscamCamera, PtzCommand
from .ptz import STEP_DIRECTIONS, async_ptz_move

# The protocol client serialises the requests to the camera itself.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class FoscamButtonEntityDescription(ButtonEntityDescription, FoscamEntityDescription):
    """A button and what pressing it does.

    `press_fn` sends the command(s); a pan/tilt move has `move` instead: the
    direction, moved as the entry's options say (a step or a timed move,
    corrected for the image's flip/mirror).
    """

    press_fn: Callable[[FoscamCamera], Awaitable[None]] | None = None
    move: Direction | None = None
    # Re-read the settings afterwards (the press changed one of them).
    refresh: bool = False


def _send(*commands: PtzCommand) -> Callable[[FoscamCamera], Awaitable[None]]:
    """Press action that sends decoder_control commands in order."""

    async def press(client: FoscamCamera) -> None:
        for command in commands:
            await client.decoder_control(command)

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


def _ptz(
    key: str,
    press_fn: Callable[[FoscamCamera], Awaitable[None]] | None = None,
    *,
    move: Direction | None = None,
    enabled: bool = True,
) -> FoscamButtonEntityDescription:
    """Describe a pan/tilt button (only for a camera with a motor)."""
    return FoscamButtonEntityDescription(
        key=key,
        translation_key=key,
        cgi="decoder_control.cgi",
        pan_tilt=True,
        entity_registry_enabled_default=enabled,
        press_fn=press_fn,
        move=move,
    )


BUTTONS: tuple[FoscamButtonEntityDescription, ...] = (
    # The four straight moves and centre are enabled; diagonals and patrols
    # are a click away in the entity settings.
    *(
        _ptz(
            f"ptz_{direction}",
            move=direction,
            enabled=direction in STEP_DIRECTIONS,
        )
        for direction in Direction
    ),
    _ptz("ptz_center", _send(PtzCommand.CENTER)),
    _ptz("patrol_horizontal", _send(PtzCommand.PATROL_HORIZONTAL), enabled=False),
    _ptz("patrol_vertical", _send(PtzCommand.PATROL_VERTICAL), enabled=False),
    _ptz(
        "patrol_stop",
        _send(PtzCommand.STOP_PATROL_HORIZONTAL, PtzCommand.STOP_PATROL_VERTICAL),
        enabled=False,
    ),
    FoscamButtonEntityDescription(
        key="reboot",
        translation_key="reboot",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        cgi="reboot.cgi",
        press_fn=lambda client: client.reboot(),
    ),
    FoscamButtonEntityDescription(
        key="sync_clock",
        translation_key="sync_clock",
        entity_category=EntityCategory.CONFIG,
        cgi="set_datetime.cgi",
        press_fn=_async_sync_clock,
        refresh=True,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FoscamConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the buttons the user's privilege allows."""
    async_add_entities(supported_entities(entry, FoscamButton, BUTTONS))


class FoscamButton(FoscamEntity, ButtonEntity):
    """A button of the camera."""

    entity_description: FoscamButtonEntityDescription

    async def async_press(self) -> None:
        """Run the button's command."""
        description = self.entity_description
        press: Awaitable[None]
        if description.move is not None:
            press = async_ptz_move(self.coordinator.config_entry, description.move)
        else:
            assert description.press_fn is not None
            press = description.press_fn(self.coordinator.client)
        await self.async_camera_write(press, refresh=description.refresh)
