"""Camera-side constants of the CGI v1.x firmware (independent of the client)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum, StrEnum
from typing import Final


class Privilege(IntEnum):
    """Login privilege; the value is the ``pri`` that ``check_user.cgi`` reports.

    The firmware stores an account one lower: ``userN_pri`` 0..2 (get_params,
    set_users).
    """

    VISITOR = 1
    OPERATOR = 2
    ADMINISTRATOR = 3

    @property
    def user_level(self) -> int:
        """The stored ``userN_pri`` of this privilege."""
        return self - 1

    @classmethod
    def from_user_level(cls, level: int) -> Privilege:
        """Convert a stored ``userN_pri``; ValueError outside 0..2."""
        return cls(level + 1)


class AlarmStatus(IntEnum):
    """``get_status.cgi`` ``alarm_status``."""

    NONE = 0
    MOTION = 1
    INPUT = 2
    SOUND = 3


RESOLUTION_SIZES: Final[Mapping[int, tuple[int, int]]] = {
    2: (160, 120),
    8: (320, 240),
    32: (640, 480),
}

# Documented ``rate`` codes of videostream.cgi / videostream.asf; 0 is "full speed".
_DOCUMENTED_RATES: Final[Mapping[int, float]] = {
    1: 20.0,
    3: 15.0,
    6: 10.0,
    11: 5.0,
    12: 4.0,
    13: 3.0,
    14: 2.0,
    15: 1.0,
    17: 1 / 2,
    19: 1 / 3,
    21: 1 / 4,
    23: 1 / 5,
}


def rate_fps(code: int, max_fps: float) -> float | None:
    """Frames per second of a ``rate`` code (None when out of 0..23).

    Undocumented codes between two documented ones run at the slower neighbour.
    """
    if not 0 <= code <= 23:
        return None
    if code == 0:
        return max_fps
    fps = next(_DOCUMENTED_RATES[c] for c in range(code, 24) if c in _DOCUMENTED_RATES)
    return min(fps, max_fps)


BAUD_CODES: Final = frozenset({9, 11, 12, 13, 14, 15, 4097, 4098})
WEEK_DAYS: Final = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
USER_SLOTS: Final = 8
DEVICE_SLOTS: Final = range(2, 10)  # dev2..dev9: more than the document lists
PRESET_COUNT: Final = 16
# The vendor's search: a probe to this UDP port, answered to the sender.
DISCOVERY_PORT: Final = 10000


# --- the simulator's own ----------------------------------------------------


class StreamMode(StrEnum):
    """How ``videostream.cgi`` frames its parts (hostile variants for client tests)."""

    NORMAL = "normal"
    NO_CONTENT_LENGTH = "no_content_length"  # boundary search needed
    BARE_LF = "bare_lf"  # LF instead of CRLF in part headers
    EXTRA_CRLF = "extra_crlf"  # blank lines between parts
    GARBAGE = "garbage"  # random bytes instead of parts
