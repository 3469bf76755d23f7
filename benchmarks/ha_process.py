"""A real Home Assistant process (``hass -c <config>``) and its REST/WebSocket API.

Authentication is what a fresh installation does: the onboarding API creates
the owner (``POST /api/onboarding/users``), its authorization code is exchanged
at ``/auth/token``, and a long-lived access token is requested over the
WebSocket (``auth/long_lived_access_token``). The token is saved in the config
directory so that a restart of the same config reuses it.

Viewers authenticate the way the frontend does: with the camera entity's
``access_token`` attribute as ``?token=`` on ``/api/camera_proxy(_stream)``.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
import shutil
import time
from typing import Any, Final

import aiohttp

from demo.child_process import HomeAssistantChild
from demo.ha_client import HomeAssistantClient, HomeAssistantError, onboard_owner
from demo.ha_config import DemoUser, disable_marketplace, http_yaml, write_network

from .procs import LOOPBACK, cpu_seconds, free_port, ha_configuration_yaml, rss_bytes

__all__ = ["HomeAssistantError", "HomeAssistantProcess"]

PROBE_SOURCE: Final = Path(__file__).parent / "probe" / "bench_probe"
_USER: Final = DemoUser(name="Bench", username="bench", password="bench-password-1")
_TOKEN_FILE: Final = ".bench_token"

_FRONTEND_FILES: Final = (
    "service_worker.js",
    "sw-modern.js",
    "sw-modern.js.map",
    "sw-legacy.js",
    "sw-legacy.js.map",
    "robots.txt",
    "onboarding.html",
    "authorize.html",
)


class HomeAssistantProcess:
    """One ``hass`` process on a loopback port with its own config directory."""

    def __init__(
        self, repo: Path, config_dir: Path, integration: Path | None = None
    ) -> None:
        """Nothing runs before start(); ``integration`` replaces the repo's copy."""
        self.env: dict[str, str] = {}  # extra environment of the hass process
        self.repo = repo
        self.integration = integration or repo / "custom_components" / "foscam_mjpeg"
        self.config_dir = config_dir
        self.port = 0
        self.token = ""
        self.process = HomeAssistantChild(config_dir, config_dir / "hass.stdout.log")
        self._session: aiohttp.ClientSession | None = None

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def pid(self) -> int:
        """Process id."""
        return self.process.pid

    def cpu_seconds(self) -> float:
        """CPU seconds used so far (user + system, all threads)."""
        return cpu_seconds(self.pid)

    def rss(self) -> int:
        """Resident memory in bytes."""
        return rss_bytes(self.pid)

    # Configuration

    def write_config(self) -> None:
        """Fresh config dir: configuration.yaml, frontend stub, custom components."""
        if self.config_dir.exists():
            shutil.rmtree(self.config_dir)
        custom = self.config_dir / "custom_components"
        custom.mkdir(parents=True)
        frontend = self.config_dir / "frontend_stub"
        for sub in ("static", "frontend_latest", "frontend_es5"):
            (frontend / "hass_frontend" / sub).mkdir(parents=True)
        for name in _FRONTEND_FILES:
            (frontend / "hass_frontend" / name).touch()
        # The integration under test is linked, so the working tree is measured.
        (custom / "foscam_mjpeg").symlink_to(
            self.integration.resolve(), target_is_directory=True
        )
        shutil.copytree(
            PROBE_SOURCE,
            custom / "bench_probe",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        self.port = free_port()
        (self.config_dir / "configuration.yaml").write_text(
            ha_configuration_yaml(
                writer="the benchmark harness (benchmarks/ha_process.py)",
                name="Benchmark",
                http=http_yaml(self.config_dir, self.port),
                frontend=str(frontend),
                discovery_port=free_port(),
                components=("onboarding", "camera", "diagnostics", "bench_probe"),
            )
        )
        # Loopback only: otherwise HA's zeroconf joins mDNS on real interfaces.
        write_network(self.config_dir)
        disable_marketplace(self.config_dir)

    # Lifecycle

    async def start(self, within: float = 120.0) -> float:
        """Spawn ``hass``; return seconds until the HTTP API answers."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=60)
            )
        token_file = self.config_dir / _TOKEN_FILE
        if token_file.exists():
            self.token = token_file.read_text().strip()
        await self.process.start_hass(cwd=self.repo, env=self.env)
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if not self.process.running:
                break
            try:
                async with asyncio.timeout(2):
                    response = await self.session.get(f"{self.base_url}/api/onboarding")
                    if response.status == 200:
                        return time.monotonic() - self.process.started_at
            except aiohttp.ClientError, TimeoutError:
                pass
            await asyncio.sleep(0.1)
        raise HomeAssistantError(
            f"Home Assistant did not start:\n{self.process.log_tail()}"
        )

    async def wait_running(self, within: float = 120.0) -> float:
        """Wait for core state RUNNING; seconds since spawn."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            config = await self.get("/api/config")
            if config.get("state") == "RUNNING":
                return time.monotonic() - self.process.started_at
            await asyncio.sleep(0.1)
        raise HomeAssistantError("Home Assistant did not reach RUNNING")

    async def stop(self) -> None:
        """Stop the process, then close the API session."""
        try:
            await self.process.stop(within=30)
        finally:
            if self._session is not None:
                await self._session.close()
                self._session = None

    # API

    @property
    def session(self) -> aiohttp.ClientSession:
        """Session of the control requests (not the viewers')."""
        if self._session is None:
            raise HomeAssistantError("not started")
        return self._session

    def client(self, timeout: float = 30.0) -> HomeAssistantClient:
        """Make an API client with the long-lived token (REST now, WebSocket after start)."""
        return HomeAssistantClient(
            self.session, self.base_url, self.token, timeout=timeout
        )

    async def get(self, path: str) -> Any:
        """GET a JSON API path with the long-lived token."""
        return await self.client().rest("GET", path)

    async def post(self, path: str, data: dict[str, Any]) -> Any:
        """POST JSON to an API path with the long-lived token."""
        return await self.client().rest("POST", path, data)

    async def onboard(self) -> None:
        """Create the owner and a long-lived access token (fresh config only)."""
        access = await onboard_owner(
            self.session,
            self.base_url,
            name=_USER.name,
            username=_USER.username,
            password=_USER.password,
        )
        async with HomeAssistantClient(
            self.session, self.base_url, access, timeout=10
        ) as client:
            self.token = await client.long_lived_token("benchmark harness", lifespan=30)
        (self.config_dir / _TOKEN_FILE).write_text(self.token)

    async def config_flow(self, handler: str, data: dict[str, Any]) -> dict[str, Any]:
        """Run a one-step user config flow; return the created entry."""
        flow = await self.post(
            "/api/config/config_entries/flow",
            {"handler": handler, "show_advanced_options": False},
        )
        result = await self.post(
            f"/api/config/config_entries/flow/{flow['flow_id']}", data
        )
        if result.get("type") != "create_entry":
            raise HomeAssistantError(
                f"{handler} flow did not create an entry: {json.dumps(result)[:500]}"
            )
        entry: dict[str, Any] = result["result"]
        return entry

    async def options_flow(self, entry_id: str, changes: dict[str, Any]) -> None:
        """Submit the options form with ``changes`` over the current defaults."""
        form = await self.post(
            "/api/config/config_entries/options/flow", {"handler": entry_id}
        )
        data = {
            field["name"]: field["default"]
            for field in form.get("data_schema", [])
            if "default" in field
        }
        data.update(changes)
        result = await self.post(
            f"/api/config/config_entries/options/flow/{form['flow_id']}", data
        )
        if result.get("type") != "create_entry":
            raise HomeAssistantError(f"options flow failed: {result}")

    async def entries(self, domain: str) -> list[dict[str, Any]]:
        """Config entries of a domain (with their state)."""
        entries: list[dict[str, Any]] = await self.get(
            f"/api/config/config_entries/entry?domain={domain}"
        )
        return entries

    async def ws_command(self, command: dict[str, Any]) -> Any:
        """Run one WebSocket command on a connection of its own; return its result."""
        fields = dict(command)
        async with self.client() as client:
            return await client.ws(fields.pop("type"), **fields)

    async def camera_entity(self, entry_id: str, within: float = 30.0) -> str:
        """entity_id of the camera entity of a config entry."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            for entity in await self.ws_command(
                {"type": "config/entity_registry/list"}
            ):
                if entity["config_entry_id"] == entry_id and entity[
                    "entity_id"
                ].startswith("camera."):
                    entity_id: str = entity["entity_id"]
                    return entity_id
            await asyncio.sleep(0.5)
        raise HomeAssistantError(f"no camera entity for entry {entry_id}")

    async def camera_token(self, entity_id: str) -> str:
        """Read the entity's current access token (what the frontend puts in ?token=)."""
        state = await self.get(f"/api/states/{entity_id}")
        token: str = state["attributes"]["access_token"]
        return token

    async def probe(self, *, reset: bool = False, track: bool | None = None) -> Any:
        """Loop lag and hub viewer statistics from the bench_probe component."""
        query = ["reset=1"] if reset else []
        if track is not None:
            query.append(f"track={int(track)}")
        return await self.get("/api/bench_probe" + ("?" + "&".join(query)))

    async def diagnostics(self, entry_id: str) -> Any:
        """Fetch the config entry diagnostics (includes ``stream_hub`` stats)."""
        return await self.get(f"/api/diagnostics/config_entry/{entry_id}")
