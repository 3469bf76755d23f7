"""/proc readings of processes and the machine (Linux only); benchmark config.

The child processes themselves are :class:`demo.child_process.ChildProcess`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
import os
from pathlib import Path
import socket
import time
from typing import Final

CLOCK_TICKS: Final = os.sysconf("SC_CLK_TCK")
LOOPBACK: Final = "127.0.0.1"


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU seconds of a process (all its threads)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def cpu_split(pid: int | str = "self") -> tuple[float, float]:
    """(user, system) CPU seconds of a process."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[11]) / CLOCK_TICKS, int(fields[12]) / CLOCK_TICKS


def rss_bytes(pid: int | str = "self") -> int:
    """Resident set size of a process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def loadavg() -> tuple[float, float, float]:
    """1, 5 and 15 minute load averages."""
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


def machine_cpu() -> tuple[float, float]:
    """Busy and total CPU seconds of the whole machine since boot (all cores)."""
    values = [
        int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    ]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user/nice
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


def tcp_queues(local_port: int, remote_port: int) -> tuple[int, int] | None:
    """(send queue, receive queue) bytes of the IPv4 socket local_port->remote_port.

    The send queue is data not yet acknowledged by the peer, the receive queue
    data received and not yet read by the application (/proc/net/tcp).
    """
    want_local, want_remote = f"{local_port:04X}", f"{remote_port:04X}"
    with contextlib.suppress(OSError):
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            parts = line.split()
            if (
                parts[1].endswith(":" + want_local)
                and parts[2].endswith(":" + want_remote)
                and parts[3] == "01"  # ESTABLISHED
            ):
                tx, rx = parts[4].split(":")
                return int(tx, 16), int(rx, 16)
    return None


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """Find a TCP (or, with SOCK_DGRAM, UDP) loopback port that is free right now."""
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(slots=True)
class CpuMark:
    """CPU (user, system) and wall clock of one process at one moment."""

    user: float
    system: float
    wall: float

    @property
    def cpu(self) -> float:
        """User + system seconds."""
        return self.user + self.system


def cpu_mark(pid: int | str) -> CpuMark:
    """Take a CPU reading now."""
    return CpuMark(*cpu_split(pid), time.monotonic())


def cpu_share(start: CpuMark, end: CpuMark) -> float:
    """CPU used between two marks as a fraction of one core."""
    wall = end.wall - start.wall
    return (end.cpu - start.cpu) / wall if wall > 0 else 0.0


def ha_configuration_yaml(
    *,
    writer: str,
    name: str,
    http: str,
    frontend: str,
    discovery_port: int,
    components: tuple[str, ...],
) -> str:
    """configuration.yaml of a benchmark or soak Home Assistant (loopback only).

    hass_frontend is not installed: `frontend` points at an empty stub tree
    (the API is all the harness uses). `components` are set up with no options.
    `http` is demo.ha_config.http_yaml's answer (empty on releases that keep the
    HTTP settings in storage).
    """
    extra = "".join(f"{component}:\n" for component in components)
    return f"""\
# Written by {writer}.
homeassistant:
  name: {name}
  time_zone: UTC
  latitude: 0
  longitude: 0
  elevation: 0
  unit_system: metric
  country: US
  currency: EUR
{http}frontend:
  development_repo: {frontend}
{extra}foscam_mjpeg:
  discovery:
    targets: ["{LOOPBACK}:{discovery_port}"]
logger:
  default: warning
"""
