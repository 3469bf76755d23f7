"""Tests of the on-screen direction -> decoder_control command mapping."""

from __future__ import annotations

import itertools

import pytest

from custom_components.foscam_mjpeg.foscam_cgi import (
    Direction,
    ImageOrientation,
    PtzCommand,
    direction_command,
)


def _expected(direction: Direction, flip: bool, swap_lr: bool) -> PtzCommand:
    """Independent model: rename the words of the direction."""
    words = direction.value.split("_")
    if flip:
        words = [{"up": "down", "down": "up"}.get(w, w) for w in words]
    if swap_lr:
        words = [{"left": "right", "right": "left"}.get(w, w) for w in words]
    return PtzCommand["_".join(words).upper()]


@pytest.mark.parametrize(
    ("orientation", "pan_reversed", "direction"),
    list(itertools.product(ImageOrientation, [False, True], Direction)),
)
def test_full_table(
    orientation: ImageOrientation, pan_reversed: bool, direction: Direction
) -> None:
    """Every direction, orientation and motor setting gives the command the web UI sends."""
    expected = _expected(
        direction, orientation.flipped, orientation.mirrored != pan_reversed
    )
    assert direction_command(direction, orientation, pan_reversed=pan_reversed) is (
        expected
    )
    assert direction_command(
        direction, int(orientation), pan_reversed=pan_reversed
    ) is (expected)


@pytest.mark.parametrize(
    ("direction", "orientation", "pan_reversed", "command"),
    [
        (Direction.UP, 0, False, 0),
        (Direction.LEFT, 0, False, 4),
        (Direction.LEFT, 2, False, 6),  # mirror: the web UI sends right for left
        (Direction.LEFT, 0, True, 6),
        (Direction.LEFT, 2, True, 4),  # mirror and reversed motor cancel out
        (Direction.UP, 1, False, 2),  # flip swaps up and down
        (Direction.UP_LEFT, 3, False, 93),  # flip + mirror: down right
        (Direction.DOWN_RIGHT, 0, False, 93),
        (Direction.UP_RIGHT, 2, False, 90),
        (Direction.DOWN_LEFT, 1, True, 91),
    ],
)
def test_spot_checks(
    direction: Direction, orientation: int, pan_reversed: bool, command: int
) -> None:
    """Hand-picked cases match the commands the web UI sends."""
    assert (
        direction_command(direction, orientation, pan_reversed=pan_reversed) == command
    )


def test_accepts_plain_strings_and_extra_bits() -> None:
    """Plain strings work and unknown orientation bits are ignored."""
    assert direction_command("left", 6) is PtzCommand.RIGHT  # type: ignore[arg-type]
    assert direction_command(Direction.RIGHT) is PtzCommand.RIGHT


def test_rejects_unknown_direction() -> None:
    """An unknown direction is refused."""
    with pytest.raises(ValueError, match="sideways"):
        direction_command("sideways")  # type: ignore[arg-type]
