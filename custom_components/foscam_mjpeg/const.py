"""Constants for the Foscam MJPEG integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

from .foscam_cgi import FrameRate, Resolution

DOMAIN: Final = "foscam_mjpeg"
LOGGER = logging.getLogger(__package__)

# Stored in entry.data next to host/port/username/password.
CONF_PRIVILEGE: Final = "privilege"

# Options (all optional, defaults below).
CONF_RESOLUTION: Final = "resolution"
CONF_FRAME_RATE: Final = "frame_rate"
CONF_SCAN_INTERVAL: Final = "scan_interval"
CONF_PTZ_MODE: Final = "ptz_mode"
CONF_PTZ_DURATION: Final = "ptz_duration"
CONF_PTZ_DEGREE: Final = "ptz_degree"
CONF_PAN_REVERSED: Final = "pan_reversed"
CONF_STREAM_IDLE_TIMEOUT: Final = "stream_idle_timeout"
CONF_VOICE_SENTENCES: Final = "voice_sentences"
# Whether the camera has a pan/tilt motor (fixed models FI8904W/FI8905W/FI8906W do not).
CONF_PAN_TILT: Final = "pan_tilt"

PTZ_MODE_DURATION: Final = "duration"
PTZ_MODE_STEP: Final = "step"

# Option values are stored as strings (selector option keys).
RESOLUTION_OPTIONS: Final = {"qvga": Resolution.QVGA, "vga": Resolution.VGA}
FRAME_RATE_OPTIONS: Final = {str(int(rate)): rate for rate in FrameRate}

DEFAULT_PORT: Final = 80
DEFAULT_RESOLUTION: Final = "vga"
DEFAULT_FRAME_RATE: Final = str(int(FrameRate.FULL))
DEFAULT_SCAN_INTERVAL: Final = 10
MIN_SCAN_INTERVAL: Final = 10
DEFAULT_PTZ_MODE: Final = PTZ_MODE_DURATION
DEFAULT_PTZ_DURATION: Final = 0.5
DEFAULT_PTZ_DEGREE: Final = 5
DEFAULT_PAN_REVERSED: Final = False
DEFAULT_STREAM_IDLE_TIMEOUT: Final = 10
DEFAULT_VOICE_SENTENCES: Final = False
DEFAULT_PAN_TILT: Final = True

# Settings (get_params/get_camera_params/get_misc) change rarely: poll them slower.
SETTINGS_REFRESH_INTERVAL: Final = timedelta(seconds=60)

# UDP "MO_I" discovery: how often the integration searches, and where.
CONF_DISCOVERY: Final = "discovery"
CONF_DISCOVERY_TARGETS: Final = "targets"
DISCOVERY_INTERVAL: Final = timedelta(minutes=15)
DISCOVERY_TIMEOUT: Final = 2.0
