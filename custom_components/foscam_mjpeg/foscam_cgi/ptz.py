"""Map an on-screen pan/tilt direction to a decoder_control command.

The camera's own web UI compensates the image orientation on the client side
(protocol facts "Pan/tilt"): with the mirror bit set it sends right for left,
with the flip bit set it swaps up and down. Some models have the pan motor
reversed, hence ``pan_reversed`` (XORed with the mirror bit).
"""

from __future__ import annotations

from typing import Final

from .const import Direction, ImageOrientation, PtzCommand

# direction -> (vertical, horizontal): +1 up / right, -1 down / left
_VECTOR: Final[dict[Direction, tuple[int, int]]] = {
    Direction.UP: (1, 0),
    Direction.DOWN: (-1, 0),
    Direction.LEFT: (0, -1),
    Direction.RIGHT: (0, 1),
    Direction.UP_LEFT: (1, -1),
    Direction.UP_RIGHT: (1, 1),
    Direction.DOWN_LEFT: (-1, -1),
    Direction.DOWN_RIGHT: (-1, 1),
}
_COMMAND: Final[dict[tuple[int, int], PtzCommand]] = {
    vector: PtzCommand[direction.name] for direction, vector in _VECTOR.items()
}


def direction_command(
    direction: Direction,
    orientation: ImageOrientation | int = ImageOrientation.NORMAL,
    *,
    pan_reversed: bool = False,
) -> PtzCommand:
    """Return the command that moves the *image* towards ``direction``."""
    vertical, horizontal = _VECTOR[Direction(direction)]
    flags = ImageOrientation(int(orientation) & 3)
    if flags.flipped:
        vertical = -vertical
    if flags.mirrored != pan_reversed:
        horizontal = -horizontal
    return _COMMAND[vertical, horizontal]
