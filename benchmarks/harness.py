"""What every measurement of ``benchmarks.run`` shares.

The plan (how long, how much), the run's context, CPU readings of the
processes of interest, and the streaming Home Assistant with one camera entity
of each integration on the same simulated camera. ``benchmarks.ab`` and
``benchmarks.profile`` use the same parts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
import sys
import time
from typing import Any, Final

import aiohttp

from .ha_process import HomeAssistantProcess
from .procs import CpuMark, cpu_mark, cpu_share, loadavg, machine_cpu
from .results import CpuReport, LoadSample, Results, StartTimes
from .sim_process import PASSWORD, USER, SimulatorProcess

REPO: Final = Path(__file__).resolve().parent.parent
FOSCAM: Final = "foscam_mjpeg"
MJPEG: Final = "mjpeg"
MB: Final = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Plan:
    """How long and how much to measure."""

    viewer_counts: tuple[int, ...] = (1, 4, 10, 25, 50)
    warmup_s: float = 3.0
    window_s: float = 20.0
    joins: int = 20
    stills: int = 100
    slow_s: float = 60.0
    slow_normal_viewers: int = 9
    idle_s: float = 15.0
    scale_cameras: int = 50
    scale_settle_s: float = 15.0
    scale_window_s: float = 60.0
    cold_starts: int = 20
    dashboard_cameras: int = 4


QUICK: Final = Plan(
    viewer_counts=(1, 10),
    warmup_s=1.5,
    window_s=4.0,
    joins=8,
    stills=30,
    slow_s=10.0,
    idle_s=4.0,
    scale_cameras=10,
    scale_settle_s=3.0,
    scale_window_s=12.0,
)


@dataclass(slots=True)
class Camera:
    """One integration's camera entity in the streaming Home Assistant."""

    integration: str
    entry_id: str
    entity_id: str


@dataclass
class Context:
    """Everything a measurement needs."""

    plan: Plan
    bench_dir: Path
    control: aiohttp.ClientSession
    viewers: aiohttp.ClientSession
    results: Results = field(default_factory=Results)
    load_samples: list[LoadSample] = field(default_factory=list)
    # Mean JPEG size, measured on the camera directly (sets the slow link's speed).
    frame_bytes: float = 36_000.0
    # Copy of the integration to measure (None: the repository's).
    integration: Path | None = None


def log(message: str) -> None:
    """Progress on stderr (stdout carries the result table)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def note_load(ctx: Context, label: str) -> None:
    """Remember the machine load at a point of the run."""
    one, five, fifteen = loadavg()
    ctx.load_samples.append(LoadSample(label, one, five, fifteen))


@dataclass(slots=True)
class Marks:
    """CPU readings of every process of interest at one moment."""

    ha: CpuMark
    sim: CpuMark
    harness: CpuMark
    machine: tuple[float, float]
    wall: float

    @classmethod
    def take(cls, ha_pid: int, sim_pid: int) -> Marks:
        """Read /proc now."""
        return cls(
            cpu_mark(ha_pid),
            cpu_mark(sim_pid),
            cpu_mark("self"),
            machine_cpu(),
            time.time(),
        )


def cpu_report(start: Marks, end: Marks) -> CpuReport:
    """CPU shares (of one core) over a window, and what the rest of the machine used."""
    ha = cpu_share(start.ha, end.ha)
    sim = cpu_share(start.sim, end.sim)
    harness = cpu_share(start.harness, end.harness)
    wall = end.ha.wall - start.ha.wall
    machine = (end.machine[0] - start.machine[0]) / wall if wall > 0 else 0.0
    return CpuReport(
        ha_cpu_s=round(end.ha.cpu - start.ha.cpu, 3),
        ha_user_s=round(end.ha.user - start.ha.user, 3),
        ha_system_s=round(end.ha.system - start.ha.system, 3),
        ha_core_pct=round(100 * ha, 3),
        simulator_core_pct=round(100 * sim, 2),
        harness_core_pct=round(100 * harness, 2),
        machine_busy_cores=round(machine, 3),
        other_processes_cores=round(max(0.0, machine - ha - sim - harness), 3),
    )


async def quiet_window(
    ha: HomeAssistantProcess, sim: SimulatorProcess, seconds: float
) -> tuple[CpuReport, dict[str, Any]]:
    """CPU over ``seconds`` of Home Assistant left alone, and its loop lag (probe)."""
    await ha.probe(reset=True)
    marks0 = Marks.take(ha.pid, sim.process.pid)
    await asyncio.sleep(seconds)
    marks1 = Marks.take(ha.pid, sim.process.pid)
    lag: dict[str, Any] = await ha.probe()
    return cpu_report(marks0, marks1), lag


async def sample_until(
    end: float, every: float, sample: Callable[[], Awaitable[None]]
) -> None:
    """Call ``sample`` every ``every`` seconds until time.time() reaches ``end``."""
    while (remaining := end - time.time()) > 0:
        await sample()
        await asyncio.sleep(min(every, max(0.0, end - time.time())))
        if remaining <= 0:
            break


async def wait_low_load(threshold: float, within: float) -> tuple[float, float]:
    """Wait (bounded) until the 1-minute load is below ``threshold``."""
    start = time.monotonic()
    while (load := loadavg()[0]) >= threshold:
        waited = time.monotonic() - start
        if waited >= within:
            log(f"load {load:.2f} still >= {threshold} after {waited:.0f} s: going on")
            break
        log(f"load {load:.2f} >= {threshold}: waiting ({waited:.0f}/{within:.0f} s)")
        await asyncio.sleep(15)
    return load, time.monotonic() - start


# Home Assistant with the cameras


async def add_foscam(ha: HomeAssistantProcess, port: int) -> Camera:
    """Add a foscam_mjpeg entry for the camera on ``port`` (config flow + options)."""
    entry = await ha.config_flow(
        FOSCAM,
        {"host": "127.0.0.1", "port": port, "username": USER, "password": PASSWORD},
    )
    # Idle timeout 0: a hub closes its upstream as soon as its last viewer leaves,
    # so phases never overlap. It changes nothing while viewers are connected.
    await ha.options_flow(entry["entry_id"], {"stream_idle_timeout": 0})
    return Camera(FOSCAM, entry["entry_id"], await ha.camera_entity(entry["entry_id"]))


async def add_mjpeg(
    ha: HomeAssistantProcess, sim: SimulatorProcess, index: int = 0
) -> Camera:
    """Add an mjpeg entry on videostream.cgi / snapshot.cgi of simulated camera ``index``."""
    entry = await ha.config_flow(
        MJPEG,
        {
            "name": f"MJPEG Sim {index}" if index else "MJPEG Sim",
            "mjpeg_url": sim.stream_url(index),
            "still_image_url": sim.snapshot_url(index),
            "password": "",
            "verify_ssl": False,
        },
    )
    return Camera(MJPEG, entry["entry_id"], await ha.camera_entity(entry["entry_id"]))


async def start_ha(
    ctx: Context,
    name: str,
    integration: Path | None = None,
    env: dict[str, str] | None = None,
) -> HomeAssistantProcess:
    """Start a fresh, onboarded Home Assistant in ``.bench/<name>``."""
    ha = HomeAssistantProcess(REPO, ctx.bench_dir / name, integration)
    ha.env.update(env or {})
    ha.write_config()
    log(f"starting Home Assistant ({ha.config_dir})")
    try:
        up = await ha.start()
        await ha.onboard()
        running = await ha.wait_running()
    except BaseException:
        await ha.stop()
        raise
    log(f"Home Assistant up in {up:.1f} s (running at {running:.1f} s)")
    ctx.results.home_assistant.started[name] = StartTimes(
        http_up_s=round(up, 2), running_s=round(running, 2)
    )
    return ha


async def setup_stream_ha(
    ctx: Context,
    sim: SimulatorProcess,
    integration: Path | None = None,
    env: dict[str, str] | None = None,
) -> tuple[HomeAssistantProcess, Camera, Camera]:
    """Start Home Assistant with both integrations on simulated camera 0."""
    ha = await start_ha(ctx, "ha-stream", integration, env)
    try:
        foscam = await add_foscam(ha, sim.camera_port(0))
        mjpeg = await add_mjpeg(ha, sim)
        config = await ha.get("/api/config")
    except BaseException:
        await ha.stop()
        raise
    ctx.results.home_assistant.version = config.get("version")
    ctx.results.home_assistant.entities = {
        FOSCAM: foscam.entity_id,
        MJPEG: mjpeg.entity_id,
    }
    return ha, foscam, mjpeg
