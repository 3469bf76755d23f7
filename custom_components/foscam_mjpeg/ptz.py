"""Pan/tilt moves as Home Assistant offers them: move, then stop."""

from __future__ import annotations

import asyncio

from .const import (
    CONF_PAN_REVERSED,
    CONF_PTZ_DEGREE,
    CONF_PTZ_DURATION,
    CONF_PTZ_MODE,
    DEFAULT_PAN_REVERSED,
    DEFAULT_PTZ_DEGREE,
    DEFAULT_PTZ_DURATION,
    DEFAULT_PTZ_MODE,
    PTZ_MODE_STEP,
)
from .data import FoscamConfigEntry
from .foscam_cgi import Direction, ImageOrientation

# decoder_control's onestep only works for the four straight directions.
STEP_DIRECTIONS = frozenset(
    {Direction.UP, Direction.DOWN, Direction.LEFT, Direction.RIGHT}
)


def camera_orientation(entry: FoscamConfigEntry) -> ImageOrientation | int:
    """Return the image flip/mirror bits the camera reported last."""
    camera_params = entry.runtime_data.coordinator.data.camera_params
    if camera_params is None or camera_params.flip is None:
        return ImageOrientation.NORMAL
    return camera_params.flip


async def async_ptz_move(
    entry: FoscamConfigEntry,
    direction: Direction,
    *,
    duration: float | None = None,
    degree: int | None = None,
) -> None:
    """Move in a direction as seen in the picture, for a while or one step.

    Without arguments the entry's options decide (move for the configured
    duration, or one step of the configured degree). Like the camera's web UI,
    the direction is corrected for the image's flip/mirror bits.
    """
    options = entry.options
    client = entry.runtime_data.client
    orientation = camera_orientation(entry)
    pan_reversed = options.get(CONF_PAN_REVERSED, DEFAULT_PAN_REVERSED)
    step_mode = options.get(CONF_PTZ_MODE, DEFAULT_PTZ_MODE) == PTZ_MODE_STEP
    if direction in STEP_DIRECTIONS and (
        degree is not None or (duration is None and step_mode)
    ):
        await client.ptz_move(
            direction,
            orientation,
            pan_reversed=pan_reversed,
            onestep=True,
            degree=degree or options.get(CONF_PTZ_DEGREE, DEFAULT_PTZ_DEGREE),
        )
        return
    await client.ptz_move(direction, orientation, pan_reversed=pan_reversed)
    try:
        await asyncio.sleep(
            duration or options.get(CONF_PTZ_DURATION, DEFAULT_PTZ_DURATION)
        )
    finally:
        # The motor runs until told to stop: stop even if the caller is cancelled.
        await asyncio.shield(client.ptz_stop())
