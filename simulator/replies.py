"""HTTP replies shaped like the firmware's (headers are added in server.py)."""

from __future__ import annotations

from typing import Final

from aiohttp import web

OK: Final = b"ok.\n"
ILLEGAL_PARAMS: Final = b"error: illegal params.\n"
ILLEGAL_FRAME: Final = b"error: illegal http frame.\n"
REALM: Final = 'Basic realm="ipcamera"'


class IllegalFrame(Exception):
    """The camera answers ``error: illegal http frame.`` (bad upload)."""


def text(
    body: bytes, *, status: int = 200, content_type: str = "text/plain"
) -> web.Response:
    """Make a plain reply; ``Content-Type`` without charset like the firmware."""
    return web.Response(
        body=body, status=status, headers={"Content-Type": content_type}
    )


def unauthorized() -> web.Response:
    """Bad credentials and insufficient privilege look the same (firmware fact)."""
    response = text(b"401 Unauthorized\n", status=401)
    response.headers["WWW-Authenticate"] = REALM
    return response


def not_found() -> web.Response:
    """Unknown path."""
    return text(b"404 Not Found\n", status=404)


def unavailable() -> web.Response:
    """Stream refused because the camera serves too many already."""
    return text(b"503 Service Unavailable\n", status=503)


def not_implemented() -> web.Response:
    """Methods other than GET and POST."""
    return text(b"501 Not Implemented\n", status=501)
