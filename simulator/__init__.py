"""Stateful simulator of Foscam-style CGI v1.x (MJPEG) cameras, for tests and demos.

An independent implementation of the camera side (it never imports the
integration): one aiohttp server per camera on 127.0.0.1, the UDP discovery
responder and an optional JSON admin API.
"""

from .camera import SimulatedCamera
from .config import CameraConfig, UserAccount
from .const import AlarmStatus, Privilege, StreamMode
from .faults import Counters, Faults
from .simulator import Simulator

__all__ = [
    "AlarmStatus",
    "CameraConfig",
    "Counters",
    "Faults",
    "Privilege",
    "SimulatedCamera",
    "Simulator",
    "StreamMode",
    "UserAccount",
]
