"""Exceptions raised by the Foscam CGI v1.x client.

Messages name the CGI and ``host:port`` only: never a URL (query-mode URLs carry
the password) and never a credential.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .const import Privilege


class FoscamError(Exception):
    """Base class of every error raised by this package."""


class FoscamConnectionError(FoscamError):
    """Refused, reset, DNS failure, unexpected HTTP status or early close."""


class FoscamTimeoutError(FoscamConnectionError):
    """The camera did not answer in time."""


class FoscamAuthenticationError(FoscamError):
    """HTTP 401 that the known privilege does not explain: wrong credentials."""


class _CgiError(FoscamError):
    """An error that names its CGI: ``cgi on host:port: detail``."""

    def __init__(self, cgi: str, where: str, detail: str) -> None:
        """Remember the CGI; ``where`` (``host:port``) may be empty."""
        self.cgi = cgi
        super().__init__(f"{cgi} on {where}: {detail}" if where else f"{cgi}: {detail}")


class FoscamPrivilegeError(_CgiError):
    """HTTP 401 on a CGI that needs more than the account's privilege."""

    def __init__(self, cgi: str, required: Privilege, where: str = "") -> None:
        """Remember the CGI and the privilege it needs."""
        self.required = required
        super().__init__(cgi, where, f"needs {required.name.lower()} privilege")


class FoscamCommandError(_CgiError):
    """HTTP 200 with an ``error: ...`` body (e.g. ``error: illegal params.``)."""

    def __init__(self, cgi: str, reason: str, where: str = "") -> None:
        """Remember the CGI and the camera's reason text."""
        self.reason = reason
        super().__init__(cgi, where, f"error: {reason}")


class FoscamResponseError(FoscamError):
    """Malformed or oversized reply."""


class FoscamNotSupportedError(FoscamResponseError):
    """Answers HTTP but is not a CGI v1.x camera (or lacks this CGI)."""


def connection_error(label: str, err: BaseException) -> FoscamConnectionError:
    """``err`` (an OSError, timeout or transport error) as raised by this package.

    ``label`` names the CGI and ``host:port``; the message never has the URL.
    """
    if isinstance(err, TimeoutError):
        return FoscamTimeoutError(f"{label}: timed out")
    detail = type(err).__name__
    if isinstance(err, OSError) and err.errno:
        detail += f" ({os.strerror(err.errno)})"
    return FoscamConnectionError(f"{label}: {detail}")
