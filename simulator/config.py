"""Static configuration of a simulated camera."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .const import Privilege

FieldValue = int | str | bytes


@dataclass(frozen=True, slots=True)
class UserAccount:
    """One login of the camera (``privilege`` on the 1/2/3 scale)."""

    name: str
    password: str = field(repr=False)
    privilege: Privilege = Privilege.VISITOR


DEFAULT_USERS: tuple[UserAccount, ...] = (
    UserAccount("admin", "admin", Privilege.ADMINISTRATOR),
    UserAccount("operator", "operator", Privilege.OPERATOR),
    UserAccount("visitor", "visitor", Privilege.VISITOR),
)


@dataclass(frozen=True, slots=True)
class CameraConfig:
    """Factory settings and hardware traits of one simulated camera.

    ``camera_id`` None: derived from the camera index (``00626E4A0001`` ...).
    ``frame_size``: minimum VGA JPEG size in bytes (padded with a COM segment,
    scaled by pixel count for other resolutions); None keeps the natural
    ~35 KB VGA / ~12 KB QVGA of the textured background.
    ``omit_fields``: variable names left out of every ``var`` reply (older firmware).
    ``extra_fields``: per CGI name, variables appended to its reply (newer firmware),
    e.g. ``{"get_status.cgi": {"new_field": 1}}``; bytes values are sent raw.
    ``reboot_downtime``: seconds offline after reboot.cgi and other rebooting CGIs.
    """

    alias: str = "Foscam Sim"
    camera_id: str | None = None
    sys_ver: str = "11.37.2.49"
    app_ver: str = "2.0.10.7"
    users: tuple[UserAccount, ...] = DEFAULT_USERS
    stream_limit: int | None = 4
    flip: int = 0
    resolution: int = 32
    max_fps: float = 30.0
    frame_size: int | None = None
    jpeg_quality: int = 75
    omit_fields: frozenset[str] = frozenset()
    extra_fields: Mapping[str, Mapping[str, FieldValue]] = field(default_factory=dict)
    pan_reversed: bool = False
    ptz_speed: float = 30.0
    reboot_downtime: float = 0.5
    rebooting_cgis: frozenset[str] = frozenset(
        {
            "reboot.cgi",
            "restore_factory.cgi",
            "restore_params.cgi",
            "upgrade_firmware.cgi",
            "upgrade_htmls.cgi",
        }
    )

    def __post_init__(self) -> None:
        """Reject configurations the firmware could not hold."""
        if len(self.users) > 8:
            raise ValueError("a camera has 8 user slots")
        if self.stream_limit is not None and self.stream_limit < 0:
            raise ValueError("stream_limit must be >= 0 or None")
        if self.max_fps <= 0:
            raise ValueError("max_fps must be positive")
