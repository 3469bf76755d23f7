"""Run Home Assistant with two simulated cameras on 127.0.0.1 until Ctrl-C.

``scripts/demo [--auto] [--reset] [--http-port N]``

- The simulated cameras (this repository's ``simulator``) run in this process:
  HTTP on two loopback ports, the UDP discovery responder and the JSON admin API.
- Home Assistant runs as a child process (``python -P -m homeassistant --skip-pip``,
  started and stopped by :mod:`demo.child_process`)
  with the configuration directory ``.demo/config`` (kept, reused by the next
  run). Its UDP discovery is aimed at the simulator on loopback.
- The first run creates the owner user and marks onboarding done.
- The "Foscam demo" dashboard is (re)written whenever the set of cameras changes.
- Ctrl-C (or SIGTERM) stops Home Assistant, then the simulator. Home Assistant
  also gets SIGTERM if this process dies (``setpriv --pdeathsig``).

Nothing here sends a packet to any address but 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Coroutine
import contextlib
from dataclasses import dataclass, field
import importlib.metadata
import importlib.util
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import time
import traceback
from typing import Any, Final

import aiohttp

from demo import dashboard
from demo.child_process import RESTART_EXIT_CODE, HomeAssistantChild
from demo.ha_client import (
    AuthError,
    HomeAssistantClient,
    HomeAssistantError,
    Json,
    login,
    wait_until_up,
)
from demo.ha_config import (
    DEMO_USER,
    REPO_ROOT,
    DemoUser,
    disable_marketplace,
    is_onboarded,
    write_configuration,
    write_network,
    write_onboarding,
)
from demo.lifecycle import Service
from simulator import CameraConfig, Simulator
from simulator.const import DISCOVERY_PORT

DOMAIN: Final = "foscam_mjpeg"
HOST: Final = "127.0.0.1"
DEFAULT_ROOT: Final = REPO_ROOT / ".demo"
# The camera login the demo uses (the simulator's factory administrator).
CAMERA_USERNAME: Final = "admin"
CAMERA_PASSWORD: Final = "admin"
MIRROR: Final = 2  # get_camera_params "flip" bit 1: horizontal mirror
CAMERAS: Final = (
    CameraConfig(alias="Front door"),
    CameraConfig(alias="Backyard", flip=MIRROR),
)
FIRST_HTTP_PORT: Final = 8123
FIRST_CAMERA_PORT: Final = 18081
TOKEN_NAME: Final = "Foscam demo runner"
START_TIMEOUT: Final = 300.0
STOP_TIMEOUT: Final = 60.0
POLL_INTERVAL: Final = 2.0


def say(text: str = "") -> None:
    """Print to the console (the demo's user interface)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# --- ports -------------------------------------------------------------------


def _free(port: int, kind: socket.SocketKind = socket.SOCK_STREAM) -> bool:
    """Whether ``port`` can be bound on 127.0.0.1."""
    if not 0 < port < 65536:
        return False
    with socket.socket(socket.AF_INET, kind) as sock:
        if kind == socket.SOCK_STREAM:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def pick_port(saved: int | None, first: int, span: int = 1) -> int:
    """Return ``saved`` if ``span`` ports from it are free, else the first free run from ``first``."""
    candidates = ([saved] if saved else []) + list(range(first, first + 200))
    for port in candidates:
        if all(_free(port + i) for i in range(span)):
            return port
    raise RuntimeError(f"no free port from {first} on {HOST}")


# --- setup -------------------------------------------------------------------


def frontend_requirement() -> str:
    """Return the ``home-assistant-frontend==…`` pin of the installed Home Assistant."""
    spec = importlib.util.find_spec("homeassistant.components.frontend")
    if spec is None or spec.origin is None:
        raise RuntimeError("Home Assistant is not installed in this environment")
    manifest = json.loads(
        (Path(spec.origin).parent / "manifest.json").read_text(encoding="utf-8")
    )
    return next(
        str(req)
        for req in manifest["requirements"]
        if str(req).startswith("home-assistant-frontend")
    )


def ensure_frontend() -> None:
    """Install the frontend Home Assistant serves (not a test requirement)."""
    requirement = frontend_requirement()
    wanted = requirement.partition("==")[2]
    try:
        if importlib.metadata.version("home-assistant-frontend") == wanted:
            return
    except importlib.metadata.PackageNotFoundError:
        pass
    say(f"demo: installing {requirement} (once)")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", requirement], check=True
    )


# --- the demo ----------------------------------------------------------------


@dataclass(slots=True)
class DemoState:
    """What the next run reuses: ports, the runner's token, the last dashboard."""

    http_port: int | None = None
    camera_port: int | None = None
    discovery_port: int | None = None
    admin_port: int | None = None
    token: str | None = None
    dashboard: Json | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> DemoState:
        """Read the state file (a missing or broken file means a fresh state)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError, ValueError:
            return cls()
        known = {k: data.pop(k) for k in list(data) if k in cls.__dataclass_fields__}
        return cls(**known, extra=data)

    def save(self, path: Path) -> None:
        """Write the state file, readable by the owner only (it holds a token)."""
        data = {
            "http_port": self.http_port,
            "camera_port": self.camera_port,
            "discovery_port": self.discovery_port,
            "admin_port": self.admin_port,
            "token": self.token,
            "dashboard": self.dashboard,
            **self.extra,
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=2)


class DemoError(Exception):
    """The demo could not start or Home Assistant died."""


class Demo(Service):
    """The simulator, Home Assistant and the dashboard keeper, as one unit."""

    def __init__(
        self,
        root: Path = DEFAULT_ROOT,
        *,
        auto: bool = False,
        http_port: int | None = None,
        cameras: tuple[CameraConfig, ...] = CAMERAS,
        user: DemoUser = DEMO_USER,
        log: Callable[[str], None] = say,
        broadcast_discovery: bool = False,
    ) -> None:
        """Nothing runs until :meth:`start`.

        ``broadcast_discovery``: no YAML; the cameras answer the integration's
        own search on UDP port 10000 (only in a loopback-only network namespace).
        """
        self.broadcast_discovery = broadcast_discovery
        self.root = root
        self.config_dir = root / "config"
        self.state_file = root / "state.json"
        self.console_log = root / "console.log"
        self.auto = auto
        self.user = user
        self.camera_configs = cameras
        self._log = log
        self._requested_http_port = http_port
        self.state = DemoState()
        self.sim: Simulator | None = None
        self.http_port = 0
        self._hass = HomeAssistantChild(
            self.config_dir, self.console_log, truncate_log=True
        )
        self._session: aiohttp.ClientSession | None = None
        self.client: HomeAssistantClient | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self._known_entries: set[str] = set()
        self.failed: asyncio.Future[str] | None = None
        self.dashboard_ready = asyncio.Event()
        self.cameras_added = 0

    @property
    def base_url(self) -> str:
        """Home Assistant's URL."""
        return f"http://{HOST}:{self.http_port}"

    @property
    def dashboard_url(self) -> str:
        """The demo dashboard's URL."""
        return f"{self.base_url}/{dashboard.URL_PATH}/{dashboard.VIEW_PATH}"

    # -- lifecycle

    async def start(self) -> None:
        """Start the simulator and Home Assistant; wait until HA runs."""
        self.failed = asyncio.get_running_loop().create_future()
        self.root.mkdir(parents=True, exist_ok=True)
        self.state = DemoState.load(self.state_file)
        await self._start_simulator()
        assert self.sim is not None
        assert self.sim.discovery_port is not None
        self.http_port = self._requested_http_port or pick_port(
            self.state.http_port, FIRST_HTTP_PORT
        )
        self.state.http_port = self.http_port
        write_configuration(
            self.config_dir,
            http_port=self.http_port,
            discovery_port=None
            if self.broadcast_discovery
            else self.sim.discovery_port,
        )
        write_network(self.config_dir)
        disable_marketplace(self.config_dir)
        self.first_run = not is_onboarded(self.config_dir)
        if self.first_run:
            write_onboarding(self.config_dir, self.user)
        self.state.save(self.state_file)

        self._session = aiohttp.ClientSession()
        await self._start_home_assistant()
        self._tasks.append(asyncio.create_task(self._supervise()))
        await self._race(
            self._within(START_TIMEOUT, wait_until_up(self._session, self.base_url)),
            "Home Assistant's web server to answer",
        )
        await self._race(self._connect(), "a Home Assistant login")
        await self._race(self._wait_running(), "Home Assistant to finish starting")
        if self.auto:
            await self._race(self.add_discovered_cameras(), "the discovered cameras")
        assert self.client is not None
        self.cameras_added = len(await self.client.config_entries(DOMAIN))
        self._tasks.append(asyncio.create_task(self._keep_dashboard()))

    async def stop(self) -> None:
        """Stop Home Assistant, then the simulator (idempotent)."""
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        if self.client is not None:
            with contextlib.suppress(Exception):
                await self.client.stop()
            self.client = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        try:
            await self._stop_home_assistant()
        finally:
            if self.sim is not None:
                sim, self.sim = self.sim, None
                await sim.stop()

    @staticmethod
    async def _within[T](seconds: float, coro: Coroutine[Any, Any, T]) -> T:
        async with asyncio.timeout(seconds):
            return await coro

    async def _race[T](self, coro: Coroutine[Any, Any, T], what: str) -> T:
        """Await ``coro`` unless Home Assistant dies first."""
        assert self.failed is not None
        task: asyncio.Task[T] = asyncio.ensure_future(coro)
        waiting: set[asyncio.Future[Any]] = {task, self.failed}
        done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if task not in done:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            raise DemoError(f"while waiting for {what}: {self.failed.result()}")
        return task.result()

    # -- simulator

    async def _start_simulator(self) -> None:
        state = self.state
        count = len(self.camera_configs)
        attempts = [
            (state.camera_port, state.discovery_port, state.admin_port),
            (None, None, None),
        ]
        for saved_camera, saved_discovery, saved_admin in attempts:
            camera_port = pick_port(saved_camera, FIRST_CAMERA_PORT, span=count)
            sim = Simulator(
                self.camera_configs,
                host=HOST,
                base_port=camera_port,
                discovery_port=DISCOVERY_PORT
                if self.broadcast_discovery
                else saved_discovery or 0,
                admin_port=saved_admin or 0,
                discovery_broadcast=self.broadcast_discovery,
            )
            try:
                await sim.start()
            except OSError:
                if saved_discovery is None and saved_admin is None:
                    raise
                continue  # a saved port is taken now: take fresh ones
            self.sim = sim
            state.camera_port = camera_port
            state.discovery_port = sim.discovery_port
            state.admin_port = sim.admin_port
            return

    # -- Home Assistant process

    async def _start_home_assistant(self) -> None:
        # Its own process group: Ctrl-C reaches only this process, which then
        # stops Home Assistant in order (before the cameras).
        await self._hass.start_hass(
            cwd=self.config_dir, env={"PYTHONUNBUFFERED": "1"}, drop_env=("PYTHONPATH",)
        )

    async def _supervise(self) -> None:
        """Restart Home Assistant when it asks to (UI restart), report a crash."""
        assert self.failed is not None
        while True:
            code = await self._hass.wait()
            if self._stopping:
                return
            if code == RESTART_EXIT_CODE:
                self._log("demo: Home Assistant restarts")
                await self._start_home_assistant()
                continue
            tail = self._hass.log_tail(25)
            if not self.failed.done():
                self.failed.set_result(
                    f"Home Assistant exited with code {code}; the end of "
                    f"{self.console_log}:\n{tail}"
                )
            return

    async def _stop_home_assistant(self) -> None:
        await self._hass.stop(
            STOP_TIMEOUT,
            on_kill=lambda: self._log(
                "demo: Home Assistant did not stop in time; killing it"
            ),
        )

    # -- Home Assistant API

    async def _connect(self) -> None:
        """Connect with the saved token, or log in and save a new one."""
        assert self._session is not None
        if self.state.token:
            client = HomeAssistantClient(self._session, self.base_url, self.state.token)
            try:
                await client.start()
            except AuthError:
                pass
            else:
                self.client = client
                return
        access = await login(
            self._session, self.base_url, self.user.username, self.user.password
        )
        async with HomeAssistantClient(self._session, self.base_url, access) as temp:
            token = await temp.long_lived_token(TOKEN_NAME)
        self.state.token = token
        self.state.save(self.state_file)
        self.client = HomeAssistantClient(self._session, self.base_url, token)
        await self.client.start()

    async def _wait_running(self) -> None:
        assert self.client is not None
        while True:
            if await self.client.core_state() == "RUNNING":
                return
            await asyncio.sleep(0.5)

    async def add_discovered_cameras(self, within: float = 60.0) -> None:
        """Answer every discovered camera's flow with the camera login (--auto)."""
        assert self.client is not None
        deadline = time.monotonic() + within
        while len(await self.client.config_entries(DOMAIN)) < len(self.camera_configs):
            for flow in await self.client.flows_in_progress(DOMAIN):
                if flow.get("context", {}).get("source") != "integration_discovery":
                    continue
                result = await self.client.flow_step(
                    flow["flow_id"],
                    {"username": CAMERA_USERNAME, "password": CAMERA_PASSWORD},
                )
                if result.get("type") == "create_entry":
                    self._log(f"demo: added camera {result.get('title')!r}")
                else:
                    self._log(f"demo: adding a camera failed: {result}")
            if time.monotonic() > deadline:
                self._log("demo: not every camera was discovered in time")
                return
            await asyncio.sleep(1)

    async def _keep_dashboard(self) -> None:
        """Write the dashboard whenever the set of cameras changes."""
        first = True
        while True:
            try:
                if self.client is None:
                    assert self._session is not None
                    assert self.state.token is not None
                    client = HomeAssistantClient(
                        self._session, self.base_url, self.state.token
                    )
                    await client.start()
                    self.client, first = client, True
                await self.sync_dashboard(force=first)
                first = False
            except aiohttp.ClientError, HomeAssistantError, OSError, ValueError:
                # Home Assistant restarts or stops: reconnect on the next round.
                if self.client is not None:
                    with contextlib.suppress(Exception):
                        await self.client.stop()
                self.client = None
            await asyncio.sleep(POLL_INTERVAL)

    async def sync_dashboard(self, *, force: bool = False) -> None:
        """Build the dashboard from the registries; save it if it changed."""
        assert self.client is not None
        entries = [
            e
            for e in await self.client.config_entries(DOMAIN)
            if e.get("disabled_by") is None
        ]
        entities = await self.client.entity_registry()
        devices = await self.client.device_registry()
        with_entities = {e.get("config_entry_id") for e in entities}
        # A camera still being set up (no entities yet) waits for the next round.
        shown = [e for e in entries if e["entry_id"] in with_entities]
        for entry in shown:
            if entry["entry_id"] not in self._known_entries:
                self._known_entries.add(entry["entry_id"])
                if not force:
                    self._log(
                        f"demo: camera {entry['title']!r} added; dashboard: "
                        f"{self.dashboard_url}"
                    )
        empty = dashboard.no_cameras_text(
            [c.alias for c in self.camera_configs], CAMERA_USERNAME, CAMERA_PASSWORD
        )
        config = dashboard.build(
            [{**e, "state": "loaded"} for e in shown], devices, entities, empty
        )
        if force or config != self.state.dashboard:
            await self.client.ensure_dashboard(
                dashboard.URL_PATH, dashboard.TITLE, dashboard.ICON, config
            )
            self.state.dashboard = config
            self.state.save(self.state_file)
        if shown:
            self.dashboard_ready.set()

    # -- console

    def banner(self) -> str:
        """Tell the user what they need: URLs, logins and the two clicks."""
        assert self.sim is not None
        admin = f"http://{HOST}:{self.sim.admin_port}/cameras"
        width = max(len(c.config.alias) for c in self.sim.cameras)
        lines = [
            "",
            "Foscam MJPEG demo — Ctrl-C stops everything",
            "",
            f"  Home Assistant   {self.base_url}",
            f"  Log in as        {self.user.username} / {self.user.password}",
            f"  Dashboard        {self.dashboard_url}",
            "",
            f"  Simulated cameras (camera login {CAMERA_USERNAME} / {CAMERA_PASSWORD}):",
        ]
        for camera in self.sim.cameras:
            note = (
                '  picture mirrored: "Pan left" sends "right" to the motor'
                if camera.config.flip & MIRROR
                else ""
            )
            lines.append(
                f"    {camera.config.alias:<{width}}  {camera.base_url}/{note}"
            )
        lines += [
            f"  Simulator state  {admin}",
            "    e.g. a motion alarm: "
            f'curl -X POST {admin}/0/alarm -d \'{{"status": 1, "duration": 10}}\'',
            "",
        ]
        first, *others = [c.config.alias for c in self.sim.cameras]
        if self.cameras_added >= len(self.sim.cameras):
            lines.append(
                f'The cameras are set up: open the "{dashboard.TITLE}" dashboard.'
                " (Start over with scripts/demo --reset.)"
            )
        else:
            lines += [
                "Add the cameras (found by the UDP search, aimed at 127.0.0.1 only):",
                f"  1. Log in, open Settings → Devices & services; under Discovered, click"
                f' Add on "{first}".',
                f"  2. User name {CAMERA_USERNAME}, password {CAMERA_PASSWORD}, Submit,"
                " Skip and finish. The same for "
                + ", ".join(f'"{o}"' for o in others)
                + ".",
                f'  Then open "{dashboard.TITLE}" in the sidebar.'
                " (scripts/demo --auto adds them for you.)",
            ]
        lines += ["", f"Logs: {self.config_dir / 'home-assistant.log'}"]
        return "\n".join(lines)


# --- command line ------------------------------------------------------------


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/demo",
        description="Home Assistant with two simulated Foscam cameras on 127.0.0.1.",
    )
    parser.add_argument(
        "--auto",
        action="store_true",
        help="add the discovered cameras without the two clicks",
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="start over: delete the demo's Home Assistant configuration first",
    )
    parser.add_argument(
        "--http-port", type=int, help="Home Assistant's port (default: 8123 or free)"
    )
    parser.add_argument(
        "--root", type=Path, default=DEFAULT_ROOT, help=argparse.SUPPRESS
    )
    return parser.parse_args(argv)


async def _run(args: argparse.Namespace) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    interrupts = 0
    main_task = asyncio.current_task()

    def on_signal() -> None:
        nonlocal interrupts
        interrupts += 1
        stop.set()
        if interrupts > 1 and main_task is not None:
            main_task.cancel()  # impatient: stop without waiting for HA

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)

    demo = Demo(args.root, auto=args.auto, http_port=args.http_port)
    say("demo: starting the simulated cameras and Home Assistant …")
    started = time.monotonic()
    code = 0
    try:
        start = asyncio.create_task(demo.start())
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({start, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if start.done():
            start.result()
            say(f"demo: ready in {time.monotonic() - started:.0f} s")
            say(demo.banner())
            assert demo.failed is not None
            waiting: set[asyncio.Future[Any]] = {stopper, demo.failed}
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if demo.failed.done():
                say(f"demo: {demo.failed.result()}")
                code = 1
        else:
            start.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await start
        stopper.cancel()
    except DemoError as err:
        say(f"demo: {err}")
        code = 1
    except Exception:  # report anything else with its traceback, then clean up
        traceback.print_exc()
        code = 1
    finally:
        say("demo: stopping …")
        await demo.stop()
        say("demo: stopped")
    return code


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``scripts/demo``."""
    args = _parse(argv)
    if args.reset and args.root.exists():
        shutil.rmtree(args.root)
    ensure_frontend()
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt, asyncio.CancelledError:
        return 130
