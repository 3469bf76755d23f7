"""A small client of a running Home Assistant: login, REST and WebSocket.

Shared by the demo and the benchmarks. Logging in is what a person does
(:func:`login`, the login flow) or, on a fresh configuration, what the
onboarding does (:func:`onboard_owner`); either gives an access token, with
which :class:`HomeAssistantClient` makes REST calls and WebSocket commands,
e.g. creating the long-lived token that later runs reuse.
"""

from __future__ import annotations

import asyncio
from itertools import count
from typing import Any, cast

import aiohttp

from demo.lifecycle import Service

type Json = dict[str, Any]


class HomeAssistantError(Exception):
    """Home Assistant answered with an error."""


class AuthError(HomeAssistantError):
    """The token or the login was refused."""


async def wait_until_up(session: aiohttp.ClientSession, base_url: str) -> None:
    """Wait until Home Assistant's web server serves the frontend."""
    while True:
        try:
            async with session.get(f"{base_url}/manifest.json") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.5)


async def exchange_code(
    session: aiohttp.ClientSession, base_url: str, code: str
) -> str:
    """Exchange an authorization code at ``/auth/token``; return the access token."""
    async with session.post(
        f"{base_url}/auth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": f"{base_url}/",
        },
    ) as response:
        if response.status != 200:
            raise AuthError(f"token refused: HTTP {response.status}")
        tokens = await response.json()
    return str(tokens["access_token"])


async def login(
    session: aiohttp.ClientSession, base_url: str, username: str, password: str
) -> str:
    """Log in through the login flow, like the frontend does; return an access token."""
    client_id = f"{base_url}/"
    async with session.post(
        f"{base_url}/auth/login_flow",
        json={
            "client_id": client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": client_id,
        },
    ) as response:
        flow = await response.json()
    async with session.post(
        f"{base_url}/auth/login_flow/{flow['flow_id']}",
        json={"client_id": client_id, "username": username, "password": password},
    ) as response:
        result = await response.json()
    if result.get("type") != "create_entry":
        raise AuthError(f"login refused: {result.get('errors')}")
    return await exchange_code(session, base_url, str(result["result"]))


async def onboard_owner(
    session: aiohttp.ClientSession,
    base_url: str,
    *,
    name: str,
    username: str,
    password: str,
) -> str:
    """Create the owner with the onboarding API (fresh config); return an access token."""
    async with session.post(
        f"{base_url}/api/onboarding/users",
        json={
            "name": name,
            "username": username,
            "password": password,
            "client_id": f"{base_url}/",
            "language": "en",
        },
    ) as response:
        if response.status != 200:
            raise HomeAssistantError(
                f"onboarding: {response.status} {await response.text()}"
            )
        code = (await response.json())["auth_code"]
    return await exchange_code(session, base_url, str(code))


class HomeAssistantClient(Service):
    """REST calls and one WebSocket connection, authenticated by a token."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        token: str,
        *,
        timeout: float | None = None,
    ) -> None:
        """Nothing is connected until :meth:`start`.

        ``timeout``: the longest wait for a WebSocket message (None: no limit).
        """
        self._session = session
        self.base_url = base_url
        self._token = token
        self._timeout = timeout
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = count(1)
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        """Open and authenticate the WebSocket connection."""
        ws = await self._session.ws_connect(
            f"{self.base_url}/api/websocket", heartbeat=30
        )
        await ws.receive_json(timeout=self._timeout)  # auth_required
        await ws.send_json({"type": "auth", "access_token": self._token})
        reply = await ws.receive_json(timeout=self._timeout)
        if reply.get("type") != "auth_ok":
            await ws.close()
            raise AuthError(reply.get("message", "WebSocket authentication failed"))
        self._ws = ws

    async def stop(self) -> None:
        """Close the WebSocket connection."""
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def ws(self, command: str, **fields: Any) -> Any:
        """Send one WebSocket command and return its result."""
        if self._ws is None:
            raise HomeAssistantError("not connected")
        async with self._lock:
            message_id = next(self._ids)
            await self._ws.send_json({"id": message_id, "type": command, **fields})
            while True:
                reply = cast(Json, await self._ws.receive_json(timeout=self._timeout))
                if reply.get("id") == message_id and reply.get("type") == "result":
                    break
        if not reply.get("success"):
            raise HomeAssistantError(f"{command}: {reply.get('error')}")
        return reply.get("result")

    async def rest(self, method: str, path: str, json: Json | None = None) -> Any:
        """Call the REST API."""
        async with self._session.request(
            method,
            f"{self.base_url}{path}",
            json=json,
            headers={"Authorization": f"Bearer {self._token}"},
        ) as response:
            if response.status == 401:
                raise AuthError(f"{method} {path}: unauthorized")
            if response.status >= 400:
                text = await response.text()
                raise HomeAssistantError(f"{method} {path}: {response.status} {text}")
            return await response.json()

    async def long_lived_token(self, name: str, lifespan: int = 3650) -> str:
        """Create a long-lived access token (Profile → Security lists it)."""
        return str(
            await self.ws(
                "auth/long_lived_access_token", client_name=name, lifespan=lifespan
            )
        )

    async def core_state(self) -> str:
        """Home Assistant's core state: NOT_RUNNING, STARTING, RUNNING, STOPPING."""
        return str((await self.ws("get_config"))["state"])

    async def flows_in_progress(self, domain: str) -> list[Json]:
        """Config flows of ``domain`` that wait for the user (e.g. discovered ones)."""
        flows = cast(list[Json], await self.ws("config_entries/flow/progress"))
        return [flow for flow in flows if flow.get("handler") == domain]

    async def flow_step(self, flow_id: str, user_input: Json) -> Json:
        """Answer the current step of a config flow."""
        return cast(
            Json,
            await self.rest(
                "POST", f"/api/config/config_entries/flow/{flow_id}", user_input
            ),
        )

    async def config_entries(self, domain: str) -> list[Json]:
        """Config entries of ``domain``."""
        return cast(list[Json], await self.ws("config_entries/get", domain=domain))

    async def entity_registry(self) -> list[Json]:
        """Every entity registry entry."""
        return cast(list[Json], await self.ws("config/entity_registry/list"))

    async def device_registry(self) -> list[Json]:
        """Every device registry entry."""
        return cast(list[Json], await self.ws("config/device_registry/list"))

    async def ensure_dashboard(
        self, url_path: str, title: str, icon: str, config: Json
    ) -> None:
        """Create a storage-mode dashboard if it does not exist, then save its config."""
        dashboards = await self.ws("lovelace/dashboards/list")
        if not any(d.get("url_path") == url_path for d in dashboards):
            await self.ws(
                "lovelace/dashboards/create",
                url_path=url_path,
                title=title,
                icon=icon,
                show_in_sidebar=True,
                require_admin=False,
            )
        await self.ws("lovelace/config/save", url_path=url_path, config=config)
