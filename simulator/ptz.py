"""Pan/tilt motor: moves continuously until a stop command (evaluated lazily)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import math
import time
from typing import Final

from .const import PRESET_COUNT

PAN_RANGE: Final = (0.0, 360.0)
TILT_RANGE: Final = (0.0, 90.0)  # 90 = up
DEFAULT_STEP: Final = 5.0

# command -> (pan direction, tilt direction); left is -pan, up is +tilt
_MOVES: Final = {
    0: (0, 1),
    2: (0, -1),
    4: (-1, 0),
    6: (1, 0),
    90: (-1, 1),
    91: (1, 1),
    92: (-1, -1),
    93: (1, -1),
}
_ONESTEP: Final = frozenset({0, 2, 4, 6})
_STOPS: Final = frozenset(
    {1, 3, 5, 7}
)  # the web UI sends 1 on release for every direction
CENTER: Final = 25
_PATROLS: Final = {
    26: ("tilt", True),
    27: ("tilt", False),
    28: ("pan", True),
    29: ("pan", False),
}
PRESET_FIRST: Final = 30
PRESET_LAST: Final = PRESET_FIRST + 2 * PRESET_COUNT - 1


def _bounce(value: float, lo: float, hi: float) -> float:
    span = hi - lo
    x = (value - lo) % (2 * span)
    return lo + (x if x <= span else 2 * span - x)


@dataclass(slots=True)
class Axis:
    """One axis: position at ``t0`` plus a signed velocity towards a limit."""

    lo: float
    hi: float
    position: float
    t0: float = 0.0
    velocity: float = 0.0
    target: float | None = None
    patrol: bool = False

    def at(self, t: float) -> float:
        """Position at monotonic time ``t``."""
        travelled = self.position + self.velocity * (t - self.t0)
        if self.velocity == 0:
            return self.position
        if self.patrol:
            return _bounce(travelled, self.lo, self.hi)
        if self.velocity > 0:
            return min(travelled, self.hi if self.target is None else self.target)
        return max(travelled, self.lo if self.target is None else self.target)

    def _settle(self, t: float) -> None:
        self.position, self.t0 = self.at(t), t
        self.velocity, self.target, self.patrol = 0.0, None, False

    def stop(self, t: float) -> None:
        """Stop where the axis is now."""
        self._settle(t)

    def run(self, t: float, direction: int, speed: float) -> None:
        """Move towards the end of travel (direction 0 leaves the axis alone)."""
        if direction:
            self._settle(t)
            self.velocity = direction * speed

    def go_to(self, t: float, target: float, speed: float) -> None:
        """Move to ``target`` (clamped to the travel) and stop there."""
        self._settle(t)
        target = min(max(target, self.lo), self.hi)
        self.target = target
        self.velocity = math.copysign(speed, target - self.position)

    def start_patrol(self, t: float, speed: float) -> None:
        """Sweep end to end until stopped."""
        self._settle(t)
        self.velocity, self.patrol = speed, True

    def moving(self, t: float) -> bool:
        """Whether the axis is still travelling."""
        return self.velocity != 0 and (self.patrol or self.at(t) not in self._ends())

    def _ends(self) -> tuple[float, ...]:
        return (self.lo, self.hi) if self.target is None else (self.target,)


@dataclass(slots=True)
class PanTilt:
    """Internal pan/tilt motor of the camera (``decoder_control.cgi``)."""

    speed: float = 30.0  # units per second, both axes
    pan_reversed: bool = False  # the pan motor turns the other way
    clock: Callable[[], float] = time.monotonic
    pan_axis: Axis = field(default_factory=lambda: Axis(*PAN_RANGE, position=180.0))
    tilt_axis: Axis = field(default_factory=lambda: Axis(*TILT_RANGE, position=45.0))
    presets: dict[int, tuple[float, float]] = field(default_factory=dict)

    @property
    def pan(self) -> float:
        """Current pan position (0..360)."""
        return self.pan_axis.at(self.clock())

    @property
    def tilt(self) -> float:
        """Current tilt position (0 down .. 90 up)."""
        return self.tilt_axis.at(self.clock())

    @property
    def moving(self) -> bool:
        """Whether either axis is travelling."""
        t = self.clock()
        return self.pan_axis.moving(t) or self.tilt_axis.moving(t)

    def stop(self) -> None:
        """Stop both axes."""
        t = self.clock()
        self.pan_axis.stop(t)
        self.tilt_axis.stop(t)

    def center(self) -> None:
        """Travel to the middle of both ranges."""
        self._go((sum(PAN_RANGE) / 2, sum(TILT_RANGE) / 2))

    def _go(self, position: tuple[float, float]) -> None:
        t = self.clock()
        self.pan_axis.go_to(t, position[0], self.speed)
        self.tilt_axis.go_to(t, position[1], self.speed)

    def command(
        self, command: int, *, onestep: bool = False, degree: int | None = None
    ) -> None:
        """Apply one decoder_control command (unknown codes are ignored)."""
        if command in _STOPS:
            self.stop()
        elif command in _MOVES:
            step = (float(degree) if degree else DEFAULT_STEP) if onestep else None
            self._move(command, step if command in _ONESTEP else None)
        elif command == CENTER:
            self.center()
        elif command in _PATROLS:
            self._patrol(*_PATROLS[command])
        elif PRESET_FIRST <= command <= PRESET_LAST:
            number, go = divmod(command - PRESET_FIRST, 2)
            if go:
                self.go_preset(number + 1)
            else:
                self.presets[number + 1] = (self.pan, self.tilt)

    def _move(self, command: int, step: float | None) -> None:
        """Run both axes in the command's directions, or go ``step`` degrees."""
        t = self.clock()
        pan_dir, tilt_dir = _MOVES[command]
        if self.pan_reversed:
            pan_dir = -pan_dir
        if step is None:
            self.pan_axis.run(t, pan_dir, self.speed)
            self.tilt_axis.run(t, tilt_dir, self.speed)
            return
        for axis, direction in ((self.pan_axis, pan_dir), (self.tilt_axis, tilt_dir)):
            if direction:
                axis.go_to(t, axis.at(t) + direction * step, self.speed)

    def _patrol(self, name: str, start: bool) -> None:
        """Start or stop patrolling one axis."""
        t = self.clock()
        axis = self.pan_axis if name == "pan" else self.tilt_axis
        if start:
            axis.start_patrol(t, self.speed)
        else:
            axis.stop(t)

    def go_preset(self, number: int) -> None:
        """Travel to a stored preset (no-op when unset)."""
        if (position := self.presets.get(number)) is not None:
            self._go(position)
