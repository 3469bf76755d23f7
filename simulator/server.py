"""The HTTP side of one camera: dispatch, firmware headers, online/offline."""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl

from aiohttp import web

from . import replies
from .auth import authenticate
from .cgi_handlers import CGI_TABLE, CgiRequest
from .params import IllegalParams
from .replies import IllegalFrame

if TYPE_CHECKING:
    from .camera import SimulatedCamera

SERVER_NAME: Final = "Netwave IP Camera"
_SHUTDOWN_TIMEOUT: Final = 0.5
_INDEX: Final = b"<html><head><title>IP Camera</title></head><body></body></html>\n"


async def _firmware_headers(
    _request: web.Request, response: web.StreamResponse
) -> None:
    response.headers["Server"] = SERVER_NAME
    response.headers["Cache-Control"] = "no-cache"
    # The firmware closes every connection, even when keep-alive is asked for.
    response.headers["Connection"] = "close"
    response.force_close()


async def read_params(request: web.Request) -> dict[str, str]:
    """Query (and url-encoded POST body) parameters, first occurrence wins.

    ``+`` is a space, %XX is UTF-8 (invalid sequences become U+FFFD).
    """
    pairs = parse_qsl(
        request.rel_url.raw_query_string, keep_blank_values=True, errors="replace"
    )
    if (
        request.method == "POST"
        and request.content_type == "application/x-www-form-urlencoded"
    ):
        body = (await request.read()).decode("latin-1")
        pairs += parse_qsl(body, keep_blank_values=True, errors="replace")
    params: dict[str, str] = {}
    for key, value in pairs:
        params.setdefault(key, value)
    return params


class CameraServer:
    """aiohttp server of one camera; its listening socket comes and goes."""

    def __init__(self, camera: SimulatedCamera) -> None:
        """Nothing listens until :meth:`listen`."""
        self._camera = camera
        app = web.Application()
        app.router.add_route("*", "/", self._index)
        app.router.add_route("*", "/{name}", self._dispatch)
        app.on_response_prepare.append(_firmware_headers)
        self._runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,
            handler_cancellation=True,
            shutdown_timeout=_SHUTDOWN_TIMEOUT,
        )
        self._site: web.TCPSite | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def listening(self) -> bool:
        """Whether the listening socket is open."""
        return self._site is not None

    async def listen(self, host: str, port: int) -> int:
        """Open the listening socket; returns the bound port."""
        if self._runner.server is None:
            await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, reuse_address=True)
        await site.start()
        self._site = site
        return int(self._runner.addresses[0][1])  # the only site: its bound port

    async def close(self, *, final: bool = False) -> None:
        """Close the listening socket and cut every connection (connection refused)."""
        if self._site is not None:
            await self._site.stop()
            self._site = None
        if (server := self._runner.server) is not None:
            for handler in server.connections:
                if handler.transport is not None:
                    handler.transport.abort()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=_SHUTDOWN_TIMEOUT * 4)
        if final:
            await self._runner.cleanup()

    def _track(self, request: web.Request) -> None:
        # request.task is the connection's task: done once the socket is closed.
        task = request.task
        if task not in self._tasks:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _index(self, request: web.Request) -> web.StreamResponse:
        self._track(request)
        return replies.text(_INDEX, content_type="text/html")

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self._track(request)
        camera = self._camera
        name = request.match_info["name"]
        camera.counters.requests[name] += 1
        if camera.faults.latency > 0:
            await asyncio.sleep(camera.faults.latency)
        if (cgi := CGI_TABLE.get(name)) is None:
            return replies.not_found()
        if request.method not in {"GET", "POST"}:
            return replies.not_implemented()
        params = await read_params(request)
        login = authenticate(
            camera.state.settings.users,
            request,
            params,
            service_login=cgi.service_login,
        )
        if cgi.privilege is not None and (
            login is None or login.privilege < cgi.privilege
        ):
            return replies.unauthorized()
        try:
            response = await cgi.handler(
                CgiRequest(camera, request, name, params, login)
            )
        except IllegalParams:
            return replies.text(replies.ILLEGAL_PARAMS)
        except IllegalFrame:
            return replies.text(replies.ILLEGAL_FRAME)
        if name in camera.config.rebooting_cgis:
            camera.reboot_after(request.task)
        if camera.faults.garbage_body and isinstance(response, web.Response):
            size = len(response.body) if isinstance(response.body, bytes) else 0
            response.body = os.urandom(max(16, size))
        return response
