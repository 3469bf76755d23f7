"""Login check: HTTP Basic or query credentials against the live user table."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from aiohttp import hdrs, web

from .const import Privilege
from .state import UserSlot


@dataclass(frozen=True, slots=True)
class Login:
    """An authenticated user."""

    name: str
    password: str = field(repr=False)
    privilege: Privilege


def _basic(request: web.BaseRequest) -> tuple[str, str] | None:
    scheme, _, token = request.headers.get(hdrs.AUTHORIZATION, "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        raw = base64.b64decode(token.strip(), validate=True)
    except binascii.Error, ValueError:
        return None
    try:
        decoded = raw.decode()
    except UnicodeDecodeError:
        decoded = raw.decode("latin-1")
    name, sep, password = decoded.partition(":")
    return (name, password) if sep else None


def _candidates(
    request: web.BaseRequest, params: Mapping[str, str], service_login: bool
) -> Iterator[tuple[str, str]]:
    if (basic := _basic(request)) is not None:
        yield basic
    # On set_ftp/set_mail/... user/pwd are the service's; the login is cam_user/cam_pwd.
    user_key, pwd_key = ("cam_user", "cam_pwd") if service_login else ("user", "pwd")
    if user_key in params:
        yield params[user_key], params.get(pwd_key, "")


def authenticate(
    users: Sequence[UserSlot],
    request: web.BaseRequest,
    params: Mapping[str, str],
    *,
    service_login: bool = False,
) -> Login | None:
    """Return the first credentials that match a non-empty user slot."""
    for name, password in _candidates(request, params, service_login):
        for slot in users:
            if slot.name and slot.name == name and slot.pwd == password:
                return Login(slot.name, slot.pwd, Privilege.from_user_level(slot.pri))
    return None
