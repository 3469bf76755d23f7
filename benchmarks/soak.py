"""Soak test: a real Home Assistant process against simulated cameras with faults.

``python -m benchmarks.soak --minutes 60 --cameras 4`` (``--minutes 2`` for a
quick run). See benchmarks/SOAK.md for what it does, the acceleration and the
targets. Everything runs on 127.0.0.1: the simulator and Home Assistant are
child processes; this process injects faults through the simulator's admin
API, plays the viewers and reads a small probe component it writes into the
temporary Home Assistant configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from dataclasses import asdict, dataclass, field
import datetime as dt
import json
from pathlib import Path
import random
import re
import shutil
import socket
import statistics
import sys
import tempfile
import time
from typing import Any, Final

import aiohttp

from demo.child_process import ChildProcess, HomeAssistantChild
from demo.ha_config import disable_marketplace, http_yaml, write_network

from .procs import free_port, ha_configuration_yaml, rss_bytes

REPO: Final = Path(__file__).resolve().parents[1]
LOOPBACK: Final = "127.0.0.1"
DOMAIN: Final = "foscam_mjpeg"
BOUNDARY: Final = b"--frameboundary"

# Acceleration (see SOAK.md): the shortest poll the options allow, short idle
# and reboot times, and a fault rate far beyond any real installation.
OPTIONS: Final = {
    "resolution": "qvga",
    "frame_rate": "6",  # 10 fps: four cameras stay cheap on a shared machine
    "scan_interval": 10,  # the options form's minimum (and the default)
    "stream_idle_timeout": 2,  # default 10 s
}
REBOOT_DOWNTIME: Final = (2.0, 8.0)  # real cameras: tens of seconds
FAULT_EVERY: Final = (1.0, 6.0)  # seconds between two fault injections
FAULT_LENGTH: Final = (3.0, 20.0)
SLOW_LATENCY: Final = 12.0  # beyond the client's 10 s request timeout
VIEWER_LENGTH: Final = (2.0, 40.0)
STILL_EVERY: Final = (1.0, 5.0)
SAMPLE_EVERY: Final = 30.0
QUIET_WAIT: Final = 90.0  # at most, for the hubs and polls to settle
RSS_GROWTH_LIMIT: Final = 0.05

# Faults: name -> (admin request to start it, request to end it or None).
type Request = tuple[str, dict[str, Any]]
CLEAR: Final[dict[str, Any]] = {
    "offline": False,
    "latency": 0.0,
    "garbage_body": False,
    "stall_stream": False,
    "truncated_jpeg": False,
    "stream_mode": "normal",
}
FAULTS: Final[dict[str, tuple[Request, Request | None]]] = {
    "offline": (("faults", {"offline": True}), ("faults", {"offline": False})),
    "reboot": (("reboot", {}), None),
    "slow": (("faults", {"latency": SLOW_LATENCY}), ("faults", {"latency": 0.0})),
    "garbage_body": (
        ("faults", {"garbage_body": True}),
        ("faults", {"garbage_body": False}),
    ),
    "stall_stream": (
        ("faults", {"stall_stream": True}),
        ("faults", {"stall_stream": False}),
    ),
    "truncated_jpeg": (
        ("faults", {"truncated_jpeg": True}),
        ("faults", {"truncated_jpeg": False}),
    ),
    "garbage_stream": (
        ("faults", {"stream_mode": "garbage"}),
        ("faults", {"stream_mode": "normal"}),
    ),
    "odd_framing": (
        ("faults", {"stream_mode": "no_content_length"}),
        ("faults", {"stream_mode": "normal"}),
    ),
    "drop_streams": (("drop_streams", {}), None),
}

PROBE_MANIFEST: Final = {
    "domain": "soak_probe",
    "name": "Soak probe",
    "codeowners": [],
    "dependencies": ["http"],
    "documentation": "https://example.invalid/soak",
    "iot_class": "local_push",
    "version": "0.0.1",
}

# The probe runs inside Home Assistant. Its views need no login: the soak
# configuration is temporary and Home Assistant listens on loopback only.
PROBE_SOURCE: Final = '''\
"""Soak probe: process metrics, log counters and entry setup (soak runs only)."""

from __future__ import annotations

import asyncio
from collections import Counter, deque
import logging
import os
import threading
from typing import Any

from aiohttp import web
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.helpers.typing import ConfigType

TARGET = "foscam_mjpeg"


class Recorder(logging.Handler):
    """Counts WARNING and above; keeps the last errors."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.levels: Counter[str] = Counter()
        self.loggers: Counter[str] = Counter()
        self.tracebacks = 0
        self.ours_errors = 0
        self.last_errors: deque[str] = deque(maxlen=40)

    def emit(self, record: logging.LogRecord) -> None:
        self.levels[record.levelname] += 1
        self.loggers[f"{record.levelname} {record.name}"] += 1
        if record.levelno < logging.ERROR:
            return
        if record.name.startswith("custom_components." + TARGET):
            self.ours_errors += 1
        try:
            text = f"{record.name}: {record.getMessage()}"[:400]
        except Exception:  # noqa: BLE001 - a broken record is still counted
            text = f"{record.name}: <unformattable>"
        if record.exc_info:
            self.tracebacks += 1
            text += f" [{record.exc_info[0].__name__ if record.exc_info[0] else '?'}]"
        self.last_errors.append(text)


def _rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def _sockets() -> tuple[int, int]:
    fds = os.listdir("/proc/self/fd")
    sockets = 0
    for fd in fds:
        try:
            sockets += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
        except OSError:
            pass
    return sockets, len(fds)


class MetricsView(HomeAssistantView):
    url = "/api/soak_probe"
    name = "api:soak_probe"
    requires_auth = False

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    async def get(self, request: web.Request) -> web.Response:
        hass = request.app[KEY_HASS]
        sockets, fds = await hass.async_add_executor_job(_sockets)
        registry = er.async_get(hass)
        entities = [e.entity_id for e in registry.entities.values() if e.platform == TARGET]
        unavailable = sum(
            1
            for entity_id in entities
            if (state := hass.states.get(entity_id)) and state.state == STATE_UNAVAILABLE
        )
        entries = []
        for entry in hass.config_entries.async_entries(TARGET):
            runtime = getattr(entry, "runtime_data", None)
            loaded = entry.state is ConfigEntryState.LOADED and runtime is not None
            entries.append(
                {
                    "title": entry.title,
                    "state": str(entry.state),
                    "polling_ok": loaded and runtime.coordinator.last_update_success,
                    "hub": dict(runtime.hub.stats) if loaded else None,
                }
            )
        recorder = self.recorder
        return self.json(
            {
                "tasks": len(asyncio.all_tasks()),
                "sockets": sockets,
                "fds": fds,
                "threads": threading.active_count(),
                "rss": _rss(),
                "entities": len(entities),
                "unavailable": unavailable,
                "entries": entries,
                "log_levels": dict(recorder.levels),
                "log_loggers": dict(recorder.loggers),
                "tracebacks": recorder.tracebacks,
                "ours_errors": recorder.ours_errors,
                "last_errors": list(recorder.last_errors),
            }
        )


class EntryView(HomeAssistantView):
    url = "/api/soak_probe/entry"
    name = "api:soak_probe:entry"
    requires_auth = False

    async def post(self, request: web.Request) -> web.Response:
        hass = request.app[KEY_HASS]
        body = await request.json()
        result = await hass.config_entries.flow.async_init(
            TARGET, context={"source": SOURCE_USER}, data=body["data"]
        )
        if result["type"] != "create_entry":
            return self.json({"error": str(result)}, status_code=400)
        entry = result["result"]
        for _ in range(300):
            if entry.state in (ConfigEntryState.LOADED, ConfigEntryState.SETUP_RETRY):
                break
            await asyncio.sleep(0.1)
        hass.config_entries.async_update_entry(entry, options=body["options"])
        return self.json({"entry_id": entry.entry_id})


class CamerasView(HomeAssistantView):
    url = "/api/soak_probe/cameras"
    name = "api:soak_probe:cameras"
    requires_auth = False

    async def get(self, request: web.Request) -> web.Response:
        hass = request.app[KEY_HASS]
        registry = er.async_get(hass)
        cameras = []
        for entity in registry.entities.values():
            if entity.platform == TARGET and entity.domain == "camera":
                state = hass.states.get(entity.entity_id)
                token = state.attributes.get("access_token") if state else None
                if token:
                    cameras.append({"entity_id": entity.entity_id, "token": token})
        return self.json(cameras)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    recorder = Recorder()
    logging.getLogger().addHandler(recorder)
    hass.http.register_view(MetricsView(recorder))
    hass.http.register_view(EntryView())
    hass.http.register_view(CamerasView())
    return True
'''


@dataclass
class Activity:
    """What the harness did and saw from the outside."""

    faults: dict[str, int] = field(default_factory=dict)
    viewers_started: int = 0
    viewers_refused: int = 0
    viewers_ended_early: int = 0
    frames_read: int = 0
    stills_ok: int = 0
    stills_failed: int = 0
    harness_errors: list[str] = field(default_factory=list)


class Soak:
    """One soak run (see module docstring)."""

    def __init__(self, args: argparse.Namespace) -> None:
        """Prepare the temporary directory; nothing runs yet."""
        self.args = args
        self.rng = random.Random(args.seed)
        self.workdir = Path(tempfile.mkdtemp(prefix="foscam-soak-"))
        self.simulator = ChildProcess("simulator", self.workdir / "simulator.log")
        self.hass = HomeAssistantChild(
            self.workdir / "config", self.workdir / "hass.log"
        )
        self.http_port = free_port()
        self.discovery_port = free_port(socket.SOCK_DGRAM)
        self.admin_url = ""
        self.cameras: list[dict[str, Any]] = []
        self.activity = Activity()
        self.samples: list[dict[str, Any]] = []
        # Control requests open and close their own connection (a keep-alive
        # pool would show up as sockets and tasks in Home Assistant); viewers
        # and stills use a session that lives for one phase.
        self._session: aiohttp.ClientSession | None = None
        self._viewing: aiohttp.ClientSession | None = None
        self._stop = asyncio.Event()
        self._busy: set[int] = set()  # cameras with a fault in progress

    @property
    def session(self) -> aiohttp.ClientSession:
        """The control session."""
        assert self._session is not None
        return self._session

    @property
    def viewing(self) -> aiohttp.ClientSession:
        """The session of the viewers and stills of the current phase."""
        assert self._viewing is not None
        return self._viewing

    @property
    def base_url(self) -> str:
        """Home Assistant's HTTP API."""
        return f"http://{LOOPBACK}:{self.http_port}"

    # Set-up

    async def start_simulator(self) -> None:
        """``python -m simulator`` with the admin API; read the camera ports."""
        low, high = REBOOT_DOWNTIME
        await self.simulator.start(
            [
                sys.executable,
                "-m",
                "simulator",
                "--cameras",
                str(self.args.cameras),
                "--base-port",
                "0",
                "--admin-port",
                "0",
                "--discovery-port",
                str(self.discovery_port),
                "--reboot-downtime",
                str((low + high) / 2),
            ],
            cwd=REPO,
        )
        pattern = re.compile(r"admin: (http://[\d.]+:\d+)/cameras")
        for _ in range(600):
            if match := pattern.search(self.simulator.log_tail(400)):
                self.admin_url = match[1]
                break
            if not self.simulator.running:
                break
            await asyncio.sleep(0.1)
        else:
            raise RuntimeError(f"simulator did not start:\n{self.simulator.log_tail()}")
        if not self.admin_url:
            raise RuntimeError(f"simulator failed:\n{self.simulator.log_tail()}")
        async with self.session.get(f"{self.admin_url}/cameras") as response:
            self.cameras = await response.json()

    def write_config(self) -> Path:
        """Write the Home Assistant config dir: YAML, frontend stub, components."""
        config = self.workdir / "config"
        custom = config / "custom_components"
        probe = custom / "soak_probe"
        probe.mkdir(parents=True)
        (probe / "__init__.py").write_text(PROBE_SOURCE)
        (probe / "manifest.json").write_text(json.dumps(PROBE_MANIFEST))
        (custom / DOMAIN).symlink_to(REPO / "custom_components" / DOMAIN)
        frontend = self.workdir / "frontend_stub"
        for sub in ("static", "frontend_latest", "frontend_es5"):
            (frontend / "hass_frontend" / sub).mkdir(parents=True)
        for name in ("service_worker.js", "robots.txt", "onboarding.html"):
            (frontend / "hass_frontend" / name).touch()
        (config / "configuration.yaml").write_text(
            ha_configuration_yaml(
                writer="benchmarks/soak.py for one soak run",
                name="Soak",
                http=http_yaml(config, self.http_port),
                frontend=str(frontend),
                discovery_port=self.discovery_port,
                components=("soak_probe",),
            )
        )
        # Loopback only: otherwise HA's zeroconf joins mDNS on real interfaces.
        write_network(config)
        disable_marketplace(config)
        return config

    async def start_hass(self) -> None:
        """Home Assistant on the soak config; wait for the probe to answer."""
        self.write_config()
        await self.hass.start_hass(cwd=REPO)
        for _ in range(1800):
            if not self.hass.running:
                break
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with asyncio.timeout(2):
                    await self.probe()
                    return
            await asyncio.sleep(0.1)
        raise RuntimeError(f"Home Assistant did not start:\n{self.hass.log_tail()}")

    async def add_cameras(self) -> None:
        """One config entry per camera, through the real config flow."""
        for camera in self.cameras:
            data = {
                "host": LOOPBACK,
                "port": camera["port"],
                "username": "admin",
                "password": "admin",
            }
            async with self.session.post(
                f"{self.base_url}/api/soak_probe/entry",
                json={"data": data, "options": OPTIONS},
            ) as response:
                if response.status != 200:
                    raise RuntimeError(f"setup failed: {await response.text()}")

    # Probe and admin API

    async def probe(self) -> dict[str, Any]:
        """Read the probe's metrics plus RSS from outside."""
        async with self.session.get(f"{self.base_url}/api/soak_probe") as response:
            response.raise_for_status()
            data: dict[str, Any] = await response.json()
        return data

    async def camera_tokens(self) -> list[dict[str, str]]:
        """Camera entity ids and their current access tokens."""
        async with self.session.get(
            f"{self.base_url}/api/soak_probe/cameras"
        ) as response:
            cameras: list[dict[str, str]] = await response.json()
            return cameras

    async def admin(self, index: int, request: Request) -> None:
        """POST to the simulator's admin API."""
        action, body = request
        async with self.session.post(
            f"{self.admin_url}/cameras/{index}/{action}", json=body
        ) as response:
            response.raise_for_status()

    # Activity

    async def fault_loop(self) -> None:
        """Inject random faults into idle cameras until stopped."""
        tasks: set[asyncio.Task[None]] = set()
        try:
            while not self._stop.is_set():
                await self._sleep(self.rng.uniform(*FAULT_EVERY))
                idle = [c for c in range(len(self.cameras)) if c not in self._busy]
                if not idle or self._stop.is_set():
                    continue
                task = asyncio.create_task(
                    self._fault(self.rng.choice(idle), self.rng.choice(list(FAULTS)))
                )
                tasks.add(task)
                task.add_done_callback(tasks.discard)
        finally:
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)

    async def _fault(self, index: int, name: str) -> None:
        self._busy.add(index)
        start, end = FAULTS[name]
        try:
            if name == "reboot":
                start = ("reboot", {"downtime": self.rng.uniform(*REBOOT_DOWNTIME)})
            await self.admin(index, start)
            self.activity.faults[name] = self.activity.faults.get(name, 0) + 1
            await asyncio.sleep(self.rng.uniform(*FAULT_LENGTH))
            if end is not None:
                await self.admin(index, end)
        except (aiohttp.ClientError, TimeoutError) as err:
            self.activity.harness_errors.append(f"fault {name}: {err!r}")
        finally:
            self._busy.discard(index)

    async def viewer_loop(self) -> None:
        """Keep a changing crowd of viewers (0..--viewers) until stopped."""
        tasks: set[asyncio.Task[None]] = set()
        try:
            while not self._stop.is_set():
                target = self.rng.randint(0, self.args.viewers)
                while len(tasks) < target:
                    task = asyncio.create_task(self._viewer())
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                await self._sleep(self.rng.uniform(1.0, 5.0))
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _viewer(self) -> None:
        activity = self.activity
        try:
            cameras = await self.camera_tokens()
            if not cameras:
                return
            camera = self.rng.choice(cameras)
            url = (
                f"{self.base_url}/api/camera_proxy_stream/{camera['entity_id']}"
                f"?token={camera['token']}"
            )
            activity.viewers_started += 1
            async with self.viewing.get(
                url, timeout=aiohttp.ClientTimeout(total=None, sock_connect=10)
            ) as response:
                if response.status != 200:
                    activity.viewers_refused += 1
                    return
                tail = b""
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.rng.uniform(*VIEWER_LENGTH)):
                        while chunk := await response.content.readany():
                            data = tail + chunk
                            activity.frames_read += data.count(BOUNDARY) - tail.count(
                                BOUNDARY
                            )
                            tail = data[-(len(BOUNDARY) - 1) :]
                        activity.viewers_ended_early += 1
        except aiohttp.ClientError as err:
            activity.harness_errors.append(f"viewer: {err!r}")

    async def still_loop(self) -> None:
        """Fetch still images now and then (the snapshot path under faults)."""
        while not self._stop.is_set():
            await self._sleep(self.rng.uniform(*STILL_EVERY))
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                cameras = await self.camera_tokens()
                if not cameras:
                    continue
                camera = self.rng.choice(cameras)
                async with (
                    asyncio.timeout(30),
                    self.viewing.get(
                        f"{self.base_url}/api/camera_proxy/{camera['entity_id']}"
                        f"?token={camera['token']}"
                    ) as response,
                ):
                    await response.read()
                    if response.status == 200:
                        self.activity.stills_ok += 1
                    else:
                        self.activity.stills_failed += 1

    async def sample_loop(self, started: float) -> None:
        """Take a metrics sample every SAMPLE_EVERY seconds (the time series)."""
        while not self._stop.is_set():
            await self._sleep(SAMPLE_EVERY)
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                self.samples.append(self._summary(await self.probe(), started))

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._stop.wait()

    def _summary(self, probe: dict[str, Any], started: float) -> dict[str, Any]:
        return {
            "t": round(time.monotonic() - started, 1),
            "sockets": probe["sockets"],
            "tasks": probe["tasks"],
            "rss_mib": round(rss_bytes(self.hass.pid) / 2**20, 1),
            "viewers": sum(
                (e["hub"] or {}).get("viewers", 0) for e in probe["entries"]
            ),
            "unavailable": probe["unavailable"],
        }

    async def run_phase(self, seconds: float, started: float) -> None:
        """Faults, viewers, stills and sampling for ``seconds``."""
        self._stop.clear()
        self._viewing = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        loops = [
            asyncio.create_task(self.fault_loop()),
            asyncio.create_task(self.viewer_loop()),
            asyncio.create_task(self.still_loop()),
            asyncio.create_task(self.sample_loop(started)),
        ]
        try:
            await self._sleep(seconds)
        finally:
            self._stop.set()
            await asyncio.gather(*loops)
            await self._viewing.close()

    async def quiesce(self) -> dict[str, Any]:
        """Clear faults, wait until polls and hubs settle, then measure."""
        for index in range(len(self.cameras)):
            await self.admin(index, ("faults", CLEAR))
        deadline = time.monotonic() + QUIET_WAIT
        probe: dict[str, Any] = {}
        settled_for = 0
        while time.monotonic() < deadline:
            await asyncio.sleep(1.0)
            probe = await self.probe()
            calm = all(
                entry["polling_ok"]
                and entry["hub"] is not None
                and entry["hub"]["viewers"] == 0
                and not entry["hub"]["upstream_connected"]
                for entry in probe["entries"]
            )
            settled_for = settled_for + 1 if calm else 0
            if settled_for >= 5:
                break
        readings = []
        for _ in range(5):
            probe = await self.probe()
            readings.append(
                {
                    "sockets": probe["sockets"],
                    "tasks": probe["tasks"],
                    "rss": rss_bytes(self.hass.pid),
                }
            )
            await asyncio.sleep(1.0)
        return {
            "settled": settled_for >= 5,
            "sockets": min(r["sockets"] for r in readings),
            "tasks": min(r["tasks"] for r in readings),
            "rss": int(statistics.median(r["rss"] for r in readings)),
            "probe": probe,
        }

    # The run

    async def run(self) -> dict[str, Any]:
        """Start everything, warm up, measure, soak, measure, report."""
        total = self.args.minutes * 60
        warmup = min(300.0, total * 0.25)
        async with aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=60),
            connector=aiohttp.TCPConnector(force_close=True),
        ) as self._session:
            try:
                await self.start_simulator()
                await self.start_hass()
                await self.add_cameras()
                started = time.monotonic()
                print(f"warm-up {warmup:.0f} s ...", flush=True)
                await self.run_phase(warmup, started)
                start = await self.quiesce()
                print(
                    f"start: {start['sockets']} sockets, {start['tasks']} tasks, "
                    f"RSS {start['rss'] / 2**20:.1f} MiB; soaking "
                    f"{total - warmup:.0f} s ...",
                    flush=True,
                )
                await self.run_phase(total - warmup, started)
                end = await self.quiesce()
                return self.report(start, end, time.monotonic() - started)
            finally:
                await self.hass.stop()
                await self.simulator.stop()

    def report(
        self, start: dict[str, Any], end: dict[str, Any], elapsed: float
    ) -> dict[str, Any]:
        """Numbers and verdicts."""
        probe = end["probe"]
        hubs = [entry["hub"] or {} for entry in probe["entries"]]
        rss_growth = (end["rss"] - start["rss"]) / start["rss"]
        levels = probe["log_levels"]
        targets = {
            "no_socket_growth": end["sockets"] <= start["sockets"],
            "no_task_growth": end["tasks"] <= start["tasks"],
            "rss_growth_below_5_percent": rss_growth < RSS_GROWTH_LIMIT,
            "zero_unhandled_exceptions": probe["tracebacks"] == 0,
            "zero_integration_errors": probe["ours_errors"] == 0,
            "settled": start["settled"] and end["settled"],
        }
        return {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "minutes": self.args.minutes,
            "elapsed_s": round(elapsed, 1),
            "cameras": len(self.cameras),
            "max_viewers": self.args.viewers,
            "seed": self.args.seed,
            "options": OPTIONS,
            "start": {k: v for k, v in start.items() if k != "probe"},
            "end": {k: v for k, v in end.items() if k != "probe"},
            "rss_growth_percent": round(100 * rss_growth, 2),
            "log_records": levels,
            "log_records_by_logger": probe["log_loggers"],
            "unhandled_exceptions": probe["tracebacks"],
            "integration_errors": probe["ours_errors"],
            "last_errors": probe["last_errors"],
            "frames_served_by_hubs": sum(h.get("frames_sent", 0) for h in hubs),
            "frames_received_from_cameras": sum(
                h.get("frames_received", 0) for h in hubs
            ),
            "upstream_connects": sum(h.get("upstream_connects", 0) for h in hubs),
            "activity": asdict(self.activity),
            "samples": self.samples,
            "targets": targets,
            "passed": all(targets.values()),
        }


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.soak",
        description="Soak Home Assistant + foscam_mjpeg against faulty simulated cameras.",
    )
    parser.add_argument("--minutes", type=float, default=60.0, help="soak length")
    parser.add_argument("--cameras", type=int, default=4, help="simulated cameras")
    parser.add_argument("--viewers", type=int, default=8, help="most viewers at once")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--output", type=Path, help="JSON report path")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (logs)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the soak; print and write the report; exit 0 when every target holds."""
    args = _parse(argv)
    soak = Soak(args)
    try:
        report = asyncio.run(soak.run())
    finally:
        if args.keep:
            print(f"logs kept in {soak.workdir}")
        else:
            shutil.rmtree(soak.workdir, ignore_errors=True)
    output = args.output or (
        REPO / ".bench" / f"soak-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.json"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2))
    brief = {
        k: v for k, v in report.items() if k not in ("samples", "log_records_by_logger")
    }
    print(json.dumps(brief, indent=2))
    print(f"report: {output}")
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
