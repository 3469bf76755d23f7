"""Basic and query credentials, service logins, check_user."""

from __future__ import annotations

import base64

import aiohttp
import pytest

from simulator import SimulatedCamera

from .conftest import basic, fetch, parse_vars, query


@pytest.mark.parametrize(
    ("user", "pwd", "pri"),
    [("admin", "admin", 3), ("operator", "operator", 2), ("visitor", "visitor", 1)],
)
async def test_check_user_both_methods(
    user: str, pwd: str, pri: int, cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """check_user echoes user and pwd and reports pri on the 1/2/3 scale."""
    expected = {"user": user, "pwd": pwd, "pri": pri}
    _, body, _ = await fetch(session, cam, "check_user.cgi", auth=basic(user, pwd))
    assert parse_vars(body) == expected
    _, body, _ = await fetch(
        session, cam, query("check_user.cgi", user=user, pwd=pwd), auth=None
    )
    assert parse_vars(body) == expected


@pytest.mark.parametrize(
    "path",
    [
        "check_user.cgi",
        "check_user.cgi?user=admin&pwd=nope",
        "check_user.cgi?user=admin",
        "check_user.cgi?user=&pwd=",
        "check_user.cgi?user=ADMIN&pwd=admin",
    ],
)
async def test_bad_query_credentials(
    path: str, cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """Missing, wrong, empty (empty user slots never match) or wrong-case logins."""
    status, _, headers = await fetch(session, cam, path, auth=None)
    assert status == 401
    assert headers["WWW-Authenticate"] == 'Basic realm="ipcamera"'
    assert cam.counters.requests["check_user.cgi"] == 1


@pytest.mark.parametrize(
    "header",
    [
        "Basic !!!",
        "Basic " + base64.b64encode(b"nocolon").decode(),
        "Digest x",
        "Basic " + base64.b64encode(b"admin:wrong").decode(),
    ],
)
async def test_bad_basic_headers(
    header: str, cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """Malformed or wrong Authorization headers are plain 401s."""
    status, _, _ = await fetch(
        session, cam, "check_user.cgi", auth=None, headers={"Authorization": header}
    )
    assert status == 401


async def test_query_credentials_win_over_bad_basic(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """Any matching credential set is enough."""
    status, _, _ = await fetch(
        session,
        cam,
        "check_user.cgi?user=visitor&pwd=visitor",
        auth=basic("x", "y"),
    )
    assert status == 200


async def test_service_cgis_take_cam_user(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """On set_ftp & co. user/pwd are the service's; the login is cam_user/cam_pwd."""
    path = query(
        "set_ftp.cgi",
        svr="f",
        user="ftpuser",
        pwd="ftp&pw",
        cam_user="admin",
        cam_pwd="admin",
    )
    assert (await fetch(session, cam, path, auth=None))[:2] == (200, b"ok.\n")
    assert (cam.state.settings.ftp.user, cam.state.settings.ftp.pwd) == (
        "ftpuser",
        "ftp&pw",
    )
    # user/pwd that happen to be a valid login do not authenticate there
    assert (await fetch(session, cam, "set_ftp.cgi?user=admin&pwd=admin", auth=None))[
        0
    ] == 401
    # Basic works with service user/pwd in the query
    assert (await fetch(session, cam, "set_msn.cgi?user=m&pwd=n"))[1] == b"ok.\n"
    assert cam.state.settings.msn.user == "m"
    # ordinary CGIs do not accept cam_user
    assert (
        await fetch(
            session, cam, "get_params.cgi?cam_user=admin&cam_pwd=admin", auth=None
        )
    )[0] == 401


async def test_utf8_and_special_characters_in_passwords(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """Percent-encoded query passwords and UTF-8 Basic credentials."""
    cam.state.settings.users[3].name = "ü#&"
    cam.state.settings.users[3].pwd = "%+ '\"é"
    cam.state.settings.users[3].pri = 1
    path = query("check_user.cgi", user="ü#&", pwd="%+ '\"é")
    assert parse_vars((await fetch(session, cam, path, auth=None))[1])["pri"] == 2
    auth = basic("ü#&", "%+ '\"é")
    assert (
        parse_vars((await fetch(session, cam, "check_user.cgi", auth=auth))[1])["user"]
        == "ü#&"
    )
