"""Logins: HTTP Basic, query credentials, the fallback, 401 mapping, no leaks."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
import logging
from urllib.parse import quote, quote_plus

import pytest

from custom_components.foscam_mjpeg.foscam_cgi import (
    AuthMode,
    FoscamAuthenticationError,
    FoscamCamera,
    FoscamCommandError,
    FoscamConnectionError,
    FoscamError,
    FoscamPrivilegeError,
    FoscamResponseError,
    FoscamTimeoutError,
    FrameRate,
    Privilege,
    PtzCommand,
    User,
)
from simulator import CameraConfig, Privilege as SimPrivilege, SimulatedCamera
from simulator.config import UserAccount

from .conftest import FAST_CONFIG, ClientFactory, Wire, take, wait_until
from .test_client_cgis import ALIAS

# 12 UTF-8 bytes, the longest the simulator's user table takes (the firmware
# says "12 characters"); every percent-encoding trouble maker plus non-ASCII.
SECRET = "Zq#&% +'\"é!"
WRONG = "Wy#&% +'\"ü!"  # a wrong password, just as secret
COLON_ADMIN = "cam:admin"  # HTTP Basic cannot carry it: the client starts in query mode
COLON_VISITOR = "cam:visitor"
USERS = (
    UserAccount("admin", SECRET, SimPrivilege.ADMINISTRATOR),
    UserAccount("operator", SECRET, SimPrivilege.OPERATOR),
    UserAccount("visitor", SECRET, SimPrivilege.VISITOR),
    UserAccount(COLON_ADMIN, SECRET, SimPrivilege.ADMINISTRATOR),
    UserAccount(COLON_VISITOR, SECRET, SimPrivilege.VISITOR),
)


@pytest.fixture
def camera_config() -> CameraConfig:
    """Every login has the hostile password."""
    return replace(FAST_CONFIG, users=USERS)


def basic_token(user: str, password: str) -> str:
    """Return the HTTP Basic token of a user and password (UTF-8)."""
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def test_passwords_are_at_the_limit() -> None:
    """Both test passwords use the whole 12 bytes of a user table entry."""
    for password in (SECRET, WRONG):
        assert len(password.encode()) == 12
        assert set("#&% +'\"") <= set(password)
        assert not password.isascii()


async def test_basic_auth(make_client: ClientFactory, wire: Wire) -> None:
    """The default: HTTP Basic (UTF-8), nothing in the query."""
    client = make_client("admin", SECRET)
    assert client.auth_mode is AuthMode.BASIC
    assert (await client.check_user()).privilege is Privilege.ADMINISTRATOR
    [sent] = wire.sent
    assert sent.headers["Authorization"] == f"Basic {basic_token('admin', SECRET)}"
    assert sent.url.query_string == ""
    assert client.auth_mode is AuthMode.BASIC


async def test_query_auth_for_user_with_colon(
    make_client: ClientFactory, wire: Wire, cam: SimulatedCamera
) -> None:
    """A user name with ':' starts in query mode; the values are percent-encoded."""
    client = make_client(COLON_ADMIN, SECRET)
    assert client.auth_mode is AuthMode.QUERY
    result = await client.check_user()
    assert (result.user, result.privilege) == (COLON_ADMIN, Privilege.ADMINISTRATOR)
    [sent] = wire.sent
    assert "Authorization" not in sent.headers
    assert sent.url.raw_query_string == (
        f"user={quote(COLON_ADMIN, safe='')}&pwd={quote(SECRET, safe='')}"
    )
    assert dict(sent.url.query) == {"user": COLON_ADMIN, "pwd": SECRET}
    assert cam.counters.requests["check_user.cgi"] == 1  # no 401 first


SERVICE_CALLS: list[
    tuple[
        str,
        Callable[[FoscamCamera, str, str], Awaitable[None]],
        Callable[[SimulatedCamera], tuple[str, str]],
    ]
] = [
    (
        "set_ftp.cgi",
        lambda c, u, p: c.set_ftp(user=u, password=p),
        lambda cam: (cam.state.settings.ftp.user, cam.state.settings.ftp.pwd),
    ),
    (
        "set_mail.cgi",
        lambda c, u, p: c.set_mail(user=u, password=p),
        lambda cam: (cam.state.settings.mail.user, cam.state.settings.mail.pwd),
    ),
    (
        "set_msn.cgi",
        lambda c, u, p: c.set_msn(user=u, password=p),
        lambda cam: (cam.state.settings.msn.user, cam.state.settings.msn.pwd),
    ),
    (
        "set_ddns.cgi",
        lambda c, u, p: c.set_ddns(user=u, password=p),
        lambda cam: (cam.state.settings.ddns.user, cam.state.settings.ddns.pwd),
    ),
    (
        "set_pppoe.cgi",
        lambda c, u, p: c.set_pppoe(enable=True, user=u, password=p),
        lambda cam: (cam.state.settings.pppoe.user, cam.state.settings.pppoe.pwd),
    ),
    (
        "set_factory_ddns.cgi",
        lambda c, u, p: c.set_factory_ddns(user=u, password=p),
        lambda cam: (cam.state.factory_ddns.user, cam.state.factory_ddns.pwd),
    ),
]


@pytest.mark.parametrize(
    ("cgi", "call", "stored"), SERVICE_CALLS, ids=[c[0] for c in SERVICE_CALLS]
)
@pytest.mark.parametrize("username", ["admin", COLON_ADMIN])
async def test_service_credentials(
    cgi: str,
    call: Callable[[FoscamCamera, str, str], Awaitable[None]],
    stored: Callable[[SimulatedCamera], tuple[str, str]],
    username: str,
    make_client: ClientFactory,
    wire: Wire,
    cam: SimulatedCamera,
) -> None:
    """user/pwd are the service's; in query mode the login goes as cam_user/cam_pwd."""
    client = make_client(username, SECRET)
    service_user, service_pwd = "svc:user é", "svc #&% +pw"
    await call(client, service_user, service_pwd)
    assert stored(cam) == (service_user, service_pwd)
    [sent] = [s for s in wire.sent if s.cgi == cgi]
    query = dict(sent.url.query)
    assert (query["user"], query["pwd"]) == (service_user, service_pwd)
    if client.auth_mode is AuthMode.QUERY:
        assert (query["cam_user"], query["cam_pwd"]) == (COLON_ADMIN, SECRET)
        assert "Authorization" not in sent.headers
    else:
        assert "cam_user" not in query
        assert "cam_pwd" not in query
        assert sent.headers["Authorization"].startswith("Basic ")


async def test_basic_refused_falls_back_to_query_once(
    make_client: ClientFactory,
    wire: Wire,
    cam: SimulatedCamera,
    basic_refusing_port: int,
) -> None:
    """Basic gets 401, query credentials work: the client switches and sticks."""
    client = make_client("admin", SECRET, port=basic_refusing_port)
    first_mode = client.auth_mode
    assert (await client.check_user()).user == "admin"
    assert (first_mode, client.auth_mode) == (AuthMode.BASIC, AuthMode.QUERY)
    assert cam.counters.requests["check_user.cgi"] == 2
    first, second = wire.sent
    assert "Authorization" in first.headers
    assert first.url.query_string == ""
    assert "Authorization" not in second.headers
    assert dict(second.url.query) == {"user": "admin", "pwd": SECRET}
    await client.get_params()
    assert cam.counters.requests["get_params.cgi"] == 1  # straight to query mode


async def test_fallback_failure_sticks(
    make_client: ClientFactory, cam: SimulatedCamera, basic_refusing_port: int
) -> None:
    """Wrong password behind a Basic-refusing front: one fallback try only."""
    client = make_client("admin", WRONG, port=basic_refusing_port)
    for total in (2, 3):
        with pytest.raises(FoscamAuthenticationError):
            await client.check_user()
        assert cam.counters.requests["check_user.cgi"] == total
    assert client.auth_mode is AuthMode.BASIC


async def test_failed_fallback_is_not_repeated(
    make_client: ClientFactory, cam: SimulatedCamera
) -> None:
    """A wrong password: Basic and query both 401 once, later calls try Basic only."""
    client = make_client("admin", WRONG)
    with pytest.raises(FoscamAuthenticationError, match=r"check_user\.cgi"):
        await client.check_user()
    assert cam.counters.requests["check_user.cgi"] == 2
    with pytest.raises(FoscamAuthenticationError):
        await client.check_user()
    assert cam.counters.requests["check_user.cgi"] == 3
    assert client.auth_mode is AuthMode.BASIC


async def test_fallback_survives_a_privilege_401(
    make_client: ClientFactory, basic_refusing_port: int
) -> None:
    """A 401 that the (unknown) privilege may explain keeps lower CGIs' fallback."""
    client = make_client("visitor", SECRET, port=basic_refusing_port)
    with pytest.raises(FoscamAuthenticationError):
        await client.get_params()  # 401 twice: a visitor may not read params
    assert (await client.check_user()).privilege is Privilege.VISITOR
    assert client.auth_mode is AuthMode.QUERY


@pytest.mark.parametrize("username", ["admin", COLON_ADMIN])
async def test_percent_encoding_round_trips(
    username: str, make_client: ClientFactory, cam: SimulatedCamera
) -> None:
    """Hostile characters survive as alias, user name and password, both modes."""
    client = make_client(username, SECRET)
    await client.set_alias(ALIAS)
    assert (await client.get_status()).alias == ALIAS
    newcomer = User(7, "n:é#&% +'\"", "p+ %&#'\"ü", Privilege.OPERATOR)
    await client.set_users([newcomer])
    assert (await client.get_params()).users[6] == newcomer
    assert cam.state.users[6].name == newcomer.name
    assert cam.state.users[6].pwd == newcomer.password
    login = make_client(newcomer.name, newcomer.password)
    assert login.auth_mode is AuthMode.QUERY  # ':' in the name
    assert (await login.check_user()).privilege is Privilege.OPERATOR


async def test_password_longer_than_the_table_is_refused(
    make_client: ClientFactory, cam: SimulatedCamera
) -> None:
    """13 bytes do not fit a user table entry: ``error: illegal params.``."""
    client = make_client("admin", SECRET)
    with pytest.raises(FoscamCommandError) as info:
        await client.set_users([User(8, "long", SECRET + "x", Privilege.VISITOR)])
    assert (info.value.cgi, info.value.reason) == ("set_users.cgi", "illegal params.")
    assert cam.state.users[7].name == ""


@dataclass(frozen=True)
class Unauthorized:
    """A call that gets HTTP 401, and how the client must report it."""

    username: str
    password: str
    call: Callable[[FoscamCamera], Awaitable[object]]
    cgi: str
    error: type[FoscamError]
    required: Privilege | None = None  # FoscamPrivilegeError.required
    requests: int = 1  # 2 when the query fallback is tried
    privilege: Privilege | None = None  # given to the constructor
    check_first: bool = False  # learn the privilege through check_user


UNAUTHORIZED = {
    "wrong-password": Unauthorized(
        "admin",
        WRONG,
        FoscamCamera.get_params,
        "get_params.cgi",
        FoscamAuthenticationError,
        requests=2,
    ),
    "operator-known-admin-cgi": Unauthorized(
        "operator",
        SECRET,
        FoscamCamera.get_params,
        "get_params.cgi",
        FoscamPrivilegeError,
        Privilege.ADMINISTRATOR,
        check_first=True,
    ),
    "visitor-known-operator-cgi": Unauthorized(
        "visitor",
        SECRET,
        lambda c: c.decoder_control(PtzCommand.UP),
        "decoder_control.cgi",
        FoscamPrivilegeError,
        Privilege.OPERATOR,
        check_first=True,
    ),
    "visitor-given-admin-cgi": Unauthorized(
        "visitor",
        SECRET,
        lambda c: c.set_alias("x"),
        "set_alias.cgi",
        FoscamPrivilegeError,
        Privilege.ADMINISTRATOR,
        privilege=Privilege.VISITOR,
    ),
    "operator-unknown-admin-cgi": Unauthorized(
        "operator",
        SECRET,
        FoscamCamera.get_params,
        "get_params.cgi",
        FoscamAuthenticationError,
        requests=2,
    ),
    "anonymous": Unauthorized(
        "", "", FoscamCamera.check_user, "check_user.cgi", FoscamAuthenticationError
    ),
}


@pytest.mark.parametrize("case", UNAUTHORIZED.values(), ids=UNAUTHORIZED)
async def test_401_mapping(
    case: Unauthorized, make_client: ClientFactory, cam: SimulatedCamera
) -> None:
    """Known privilege too low: FoscamPrivilegeError; otherwise authentication."""
    client = make_client(case.username, case.password, privilege=case.privilege)
    if case.check_first:
        await client.check_user()
    before = sum(cam.counters.requests.values())
    with pytest.raises(FoscamError) as info:
        await case.call(client)
    assert type(info.value) is case.error
    assert case.cgi in str(info.value)
    assert sum(cam.counters.requests.values()) - before == case.requests
    if isinstance(info.value, FoscamPrivilegeError):
        assert case.required is not None
        assert (info.value.cgi, info.value.required) == (case.cgi, case.required)
        assert str(info.value) == (
            f"{case.cgi} on 127.0.0.1:{cam.port}: "
            f"needs {case.required.name.lower()} privilege"
        )


async def test_anonymous_status(make_client: ClientFactory, wire: Wire) -> None:
    """get_status needs no login (firmware fact); no credentials are sent."""
    client = make_client("", "")
    status = await client.get_status()
    assert status.id
    assert "Authorization" not in wire.sent[0].headers
    assert wire.sent[0].url.query_string == ""


# --- credentials never leak ----------------------------------------------------------


def secret_forms(secret: str) -> set[str]:
    """Return the password as it could end up in text: raw, escaped, encoded."""
    fragment = secret[: secret.index("'")]  # survives repr() quoting unchanged
    return {
        secret,
        repr(secret)[1:-1],
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        fragment,
        quote(fragment, safe=""),
        quote_plus(fragment),
        *(
            basic_token(user, secret)
            for user in ("admin", "operator", "visitor", COLON_ADMIN, COLON_VISITOR)
        ),
    }


def exception_chain(exc: BaseException | None) -> Iterator[BaseException]:
    """``exc`` and everything chained to it (``__cause__`` and ``__context__``)."""
    seen: set[int] = set()
    pending = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [current.__cause__, current.__context__]


async def test_credentials_never_leak(
    make_client: ClientFactory,
    cam: SimulatedCamera,
    basic_refusing_port: int,
    wire: Wire,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Success, 401, privilege, refused, timeout, garbage, illegal params, fallback."""
    caplog.set_level(logging.DEBUG)
    admin = make_client("admin", SECRET, request_timeout=0.3)
    query = make_client(COLON_ADMIN, SECRET, request_timeout=0.3)
    fallback = make_client("admin", SECRET, port=basic_refusing_port)
    errors: list[FoscamError] = []

    async def expect(error: type[FoscamError], call: Awaitable[object]) -> None:
        with pytest.raises(error) as info:
            await call
        errors.append(info.value)

    # Successes, some with the password in the URL or in the reply.
    await admin.check_user()
    params = await admin.get_params()
    await admin.set_users([User(6, "sixth", SECRET, Privilege.VISITOR)])
    await query.check_user()
    await query.get_params()
    await query.set_ftp(user="ftp", password=SECRET)
    await fallback.check_user()  # Basic 401, then query
    assert fallback.auth_mode is AuthMode.QUERY
    await fallback.set_mail(user="mail", password=SECRET)
    assert await take(query.stream_frames(rate=FrameRate.FULL), 1)
    # 401: wrong password (with fallback), privilege known, privilege unknown.
    await expect(FoscamAuthenticationError, make_client("admin", WRONG).check_user())
    await expect(
        FoscamAuthenticationError,
        make_client("admin", WRONG, port=basic_refusing_port).check_user(),
    )
    await expect(
        FoscamAuthenticationError, make_client(COLON_ADMIN, WRONG).check_user()
    )
    await expect(
        FoscamPrivilegeError,
        make_client("visitor", SECRET, privilege=Privilege.VISITOR).get_params(),
    )
    await expect(FoscamAuthenticationError, make_client("visitor", SECRET).get_params())
    await expect(
        FoscamAuthenticationError, make_client(COLON_VISITOR, SECRET).get_params()
    )
    # error: illegal params.
    await expect(FoscamCommandError, admin.set_alias("x" * 21))
    await expect(FoscamCommandError, query.set_alias("x" * 21))
    # Garbage bodies.
    cam.faults.garbage_body = True
    await expect(FoscamResponseError, query.get_status())
    await expect(FoscamResponseError, query.set_alias("y"))
    await expect(FoscamResponseError, admin.check_user())
    cam.faults.garbage_body = False
    # Timeouts (latency beyond request_timeout), also of a stalled stream.
    cam.faults.latency = 0.5
    await expect(FoscamTimeoutError, query.check_user())
    await expect(FoscamTimeoutError, admin.get_params())
    cam.faults.latency = 0
    cam.faults.stall_stream = True
    await expect(FoscamTimeoutError, take(query.stream_frames(rate=FrameRate.FULL), 1))
    cam.faults.stall_stream = False
    await wait_until(lambda: cam.counters.stream_current == 0)
    # Connection refused.
    await cam.set_offline(True)
    await expect(FoscamConnectionError, query.check_user())
    await expect(FoscamConnectionError, admin.set_ftp(user="u", password=SECRET))
    await expect(FoscamConnectionError, take(query.stream_frames(), 1))
    await cam.set_offline(False)

    assert [type(e).__name__ for e in errors] == [
        "FoscamAuthenticationError",
        "FoscamAuthenticationError",
        "FoscamAuthenticationError",
        "FoscamPrivilegeError",
        "FoscamAuthenticationError",
        "FoscamAuthenticationError",
        "FoscamCommandError",
        "FoscamCommandError",
        *[type(e).__name__ for e in errors[8:11]],  # Response or NotSupported
        "FoscamTimeoutError",
        "FoscamTimeoutError",
        "FoscamTimeoutError",
        "FoscamConnectionError",
        "FoscamConnectionError",
        "FoscamConnectionError",
    ]
    assert all(isinstance(e, FoscamResponseError) for e in errors[8:11])
    texts = [repr(admin), repr(query), repr(fallback), repr(params)]
    for error in errors:
        for exc in exception_chain(error):
            texts += [str(exc), repr(exc), repr(exc.args)]
    formatter = logging.Formatter()
    client_records = 0
    for record in caplog.records:
        client_records += record.name.startswith("custom_components.foscam_mjpeg")
        texts += [record.getMessage(), str(record.msg), repr(record.args)]
        if record.exc_info:
            texts.append(formatter.formatException(record.exc_info))
    assert client_records >= 20  # the debug lines were captured
    # The forms searched for are the ones that really travelled.
    assert params.users[0].password == SECRET
    for secret in (SECRET, WRONG):
        assert any(quote(secret, safe="") in s.url.raw_query_string for s in wire.sent)
    needles = secret_forms(SECRET) | secret_forms(WRONG)
    leaks = [(needle, text) for text in texts for needle in needles if needle in text]
    assert not leaks
