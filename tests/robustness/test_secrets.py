"""Secret hygiene end to end: a hostile password never leaks, nothing goes elsewhere.

The camera's password uses the whole 12 bytes of its user table entry and
``# & % + space ' "`` plus a non-ASCII letter. With DEBUG logging on
everywhere, the test runs the config flow (a typo first), setup, polling,
settings reads, every action, every entity command, a still and the stream,
diagnostics, an outage, a password change with reauth and a reconfigure.
Then the password, in every encoding it travels in (plain, percent-encoded,
form-encoded, inside an HTTP Basic token, JSON- and repr-escaped), must appear
in no log record, exception (with its chain), diagnostics output, state
attribute (entity pictures included) or flow description placeholder.

It runs twice: with HTTP Basic, and behind a front that drops the
Authorization header so that the client falls back to query credentials (the
password then rides in every URL, which is where leaks usually come from).

Every connection any code opens goes to 127.0.0.1, and every request the
camera receives carries one of the logins the user typed, never anything else.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
import json
import logging
import socket
import traceback
from typing import Any
from unittest.mock import patch
from urllib.parse import quote, quote_plus

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.foscam_mjpeg import ptz, services
from custom_components.foscam_mjpeg.const import DOMAIN
from custom_components.foscam_mjpeg.foscam_cgi import AuthMode
from simulator import CameraConfig, Simulator, UserAccount
from simulator.const import Privilege as SimPrivilege

from ..test_stream_hub import read_part
from .conftest import HostileFront, SeenRequest, our_states

pytestmark = pytest.mark.usefixtures("socket_enabled")

USER = "admin"
SECRET = "Q#&% +'\"é1z"  # the password stored in Home Assistant
TYPO = "W#&% +'\"ñ3x"  # what the user mistyped first
SECRET2 = "R#&% +'\"ü2y"  # the new password after a change on the camera
CAMERA = "camera.front_door"


def test_passwords_are_hostile_and_at_the_limit() -> None:
    """12 UTF-8 bytes (the camera's limit), the special characters, non-ASCII."""
    for password in (SECRET, TYPO, SECRET2):
        assert len(password.encode()) == 12
        assert set("#&% +'\"") <= set(password)
        assert not password.isascii()


def forms(password: str) -> set[str]:
    """Every spelling in which a password may travel or be printed."""
    return {
        password,
        quote(password, safe=""),
        quote(password),
        quote_plus(password),
        base64.b64encode(f"{USER}:{password}".encode()).decode(),
        json.dumps(password)[1:-1],
        json.dumps(password, ensure_ascii=False)[1:-1],
        repr(password)[1:-1],
        password.encode().decode("latin-1"),  # UTF-8 bytes shown as Latin-1
    }


class Evidence:
    """Texts that Home Assistant produced, by origin."""

    def __init__(self) -> None:
        """Nothing collected yet."""
        self.texts: list[tuple[str, str]] = []

    def add(self, origin: str, value: Any) -> None:
        """Keep the text (JSON where possible) of something user-visible."""
        try:
            text = json.dumps(value, default=repr, ensure_ascii=False)
        except TypeError, ValueError:
            text = repr(value)
        self.texts.append((origin, text))

    def exception(self, origin: str, err: BaseException) -> None:
        """Keep an exception's message, repr and traceback with its chain."""
        self.texts.append((origin, str(err)))
        self.texts.append((origin, repr(err)))
        self.texts.append((origin, "".join(traceback.format_exception(err))))
        for placeholder in (
            getattr(err, "translation_placeholders", None) or {}
        ).values():
            self.texts.append((origin, str(placeholder)))

    def flow(self, result: ConfigFlowResult) -> ConfigFlowResult:
        """Keep what a flow step shows the user (not the entry data it stores)."""
        shown = {
            key: result.get(key)
            for key in ("description_placeholders", "errors", "title", "reason")
        }
        self.add(f"flow {result.get('step_id')}", shown)
        return result

    def records(self, caplog: pytest.LogCaptureFixture) -> None:
        """Every log record, formatted with its traceback."""
        formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
        for record in caplog.records:
            self.texts.append((f"log {record.name}", formatter.format(record)))
            self.texts.append((f"log args {record.name}", repr(record.args)))

    def leaks(self, password: str) -> Iterator[str]:
        """Origins of the texts that contain the password in any form."""
        spellings = forms(password)
        for origin, text in self.texts:
            if any(spelling in text for spelling in spellings):
                yield origin


def credentials(request: SeenRequest) -> tuple[str, str] | None:
    """Return the camera login a request carried (Basic or query), if any."""
    if auth := request.headers.get("authorization"):
        scheme, _, token = auth.partition(" ")
        assert scheme == "Basic"
        user, _, password = base64.b64decode(token).decode().partition(":")
        return user, password
    for user_key, password_key in (("user", "pwd"), ("cam_user", "cam_pwd")):
        if user_key in request.query:
            return request.query[user_key], request.query[password_key]
    return None


@asynccontextmanager
async def loopback_only() -> AsyncIterator[list[Any]]:
    """Record every address a socket connects or sends to."""
    contacted: list[Any] = []
    connect, connect_ex, sendto = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.socket.sendto,
    )

    def record_connect(sock: socket.socket, address: Any) -> None:
        contacted.append(address)
        connect(sock, address)

    def record_connect_ex(sock: socket.socket, address: Any) -> int:
        contacted.append(address)
        return connect_ex(sock, address)

    def record_sendto(sock: socket.socket, data: Any, *args: Any) -> int:
        contacted.append(args[-1])
        return sendto(sock, data, *args)

    with (
        patch.object(socket.socket, "connect", record_connect),
        patch.object(socket.socket, "connect_ex", record_connect_ex),
        patch.object(socket.socket, "sendto", record_sendto),
    ):
        yield contacted


async def _call(
    hass: HomeAssistant,
    evidence: Evidence,
    domain: str,
    service: str,
    data: dict[str, Any],
    *,
    response: bool = False,
) -> None:
    """Call an action; keep its response or its exception."""
    try:
        result = await hass.services.async_call(
            domain, service, data, blocking=True, return_response=response
        )
    except HomeAssistantError as err:
        evidence.exception(f"{domain}.{service}", err)
    else:
        evidence.add(f"{domain}.{service}", result)


async def _use_everything(hass: HomeAssistant, evidence: Evidence) -> None:
    """Every action of the integration and a command on every entity."""
    target = {"entity_id": CAMERA}
    for service, data, response in (
        ("ptz_move", {"direction": "left", "degree": 5}, False),
        ("ptz_preset", {"preset": 2, "mode": "set"}, False),
        ("ptz_preset", {"preset": 2}, False),
        ("set_extra_io", {"value": 5}, False),
        ("get_log", {}, True),
        ("scan_wifi", {}, True),
        ("test_mail", {}, True),
        ("test_ftp", {}, True),
        ("backup_params", {}, True),
    ):
        await _call(hass, evidence, DOMAIN, service, target | data, response=response)
    registry = er.async_get(hass)
    for entity in list(registry.entities.values()):
        if entity.platform != DOMAIN:
            continue
        state = hass.states.get(entity.entity_id)
        target = {"entity_id": entity.entity_id}
        if entity.domain == "button" and entity.unique_id.endswith("_reboot"):
            continue  # the camera would be away for the rest of the test
        if entity.domain == "button":
            await _call(hass, evidence, "button", "press", target)
        elif entity.domain == "switch":
            await _call(hass, evidence, "switch", "toggle", target)
        elif entity.domain == "select" and state is not None:
            option = state.attributes["options"][0]
            await _call(
                hass, evidence, "select", "select_option", target | {"option": option}
            )
        elif entity.domain == "number" and state is not None:
            value = state.attributes["min"]
            await _call(
                hass, evidence, "number", "set_value", target | {"value": value}
            )


@pytest.mark.parametrize("auth_mode", [AuthMode.BASIC, AuthMode.QUERY])
async def test_password_never_leaks(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    auth_mode: AuthMode,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Setup, polling, actions, stream, diagnostics, outage, reauth, reconfigure."""
    caplog.set_level(logging.DEBUG)
    evidence = Evidence()
    config = CameraConfig(
        alias="Front door",
        reboot_downtime=0.05,
        ptz_speed=1e6,
        users=(UserAccount(USER, SECRET, SimPrivilege.ADMINISTRATOR),),
    )
    async with (
        Simulator([config], discovery_port=None) as sim,
        loopback_only() as contacted,
    ):
        camera = sim.cameras[0]
        front = HostileFront(camera, strip_basic=auth_mode is AuthMode.QUERY)
        await front.start()
        try:
            with (
                patch.object(services, "WIFI_SCAN_WAIT", 0),
                patch.object(ptz, "DEFAULT_PTZ_DURATION", 0.01),
            ):
                await _scenario(hass, hass_client, evidence, front, auth_mode)
        finally:
            await front.stop()

    evidence.records(caplog)
    for password in (SECRET, TYPO, SECRET2):
        assert list(evidence.leaks(password)) == [], password
    assert len(evidence.texts) > 100  # the evidence is not empty by mistake

    typed = {(USER, SECRET), (USER, TYPO), (USER, SECRET2)}
    assert front.requests
    for request in front.requests:
        assert credentials(request) in typed, request
    assert {credentials(request) for request in front.requests} == typed
    for address in contacted:
        assert isinstance(address, tuple), address
        assert address[0] == "127.0.0.1", address


async def _scenario(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    evidence: Evidence,
    front: HostileFront,
    auth_mode: AuthMode,
) -> None:
    camera = front.camera
    assert await async_setup_component(hass, "diagnostics", {})
    login = {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: front.port,
        CONF_USERNAME: USER,
    }

    # Config flow: a typo first (form error), then the right password.
    flows = hass.config_entries.flow
    result = evidence.flow(
        await flows.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    result = evidence.flow(
        await flows.async_configure(result["flow_id"], login | {CONF_PASSWORD: TYPO})
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = evidence.flow(
        await flows.async_configure(result["flow_id"], login | {CONF_PASSWORD: SECRET})
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    runtime = entry.runtime_data
    assert runtime.client.auth_mode is auth_mode

    # Polling, settings, actions, entity commands, a still and the stream.
    coordinator = runtime.coordinator
    for _ in range(2):
        await coordinator.settings.async_refresh()  # read the settings CGIs now
        await coordinator.async_refresh()
    await _use_everything(hass, evidence)
    client = await hass_client()
    still = await client.get(f"/api/camera_proxy/{CAMERA}")
    assert still.status == 200
    stream = await client.get(f"/api/camera_proxy_stream/{CAMERA}")
    assert (await read_part(stream)).startswith(b"\xff\xd8")
    stream.close()

    evidence.add(
        "diagnostics", await get_diagnostics_for_config_entry(hass, hass_client, entry)
    )
    evidence.add("states", [state.as_dict() for state in our_states(hass)])

    # An outage: failed polls and failing actions.
    await camera.set_offline(True)
    await coordinator.async_refresh()
    await _use_everything(hass, evidence)
    if coordinator.last_exception is not None:
        evidence.exception("last_exception offline", coordinator.last_exception)
    await camera.set_offline(False)
    await coordinator.async_refresh()

    # The password changes on the camera: failures, reauth with a typo, success.
    camera.state.settings.users[0].pwd = SECRET2
    await coordinator.settings.async_refresh()  # read the settings CGIs now
    await coordinator.async_refresh()
    for polled in (coordinator, coordinator.settings):
        if polled.last_exception is not None:
            evidence.exception("last_exception auth", polled.last_exception)
    await _use_everything(hass, evidence)
    (reauth,) = flows.async_progress_by_handler(DOMAIN)
    result = evidence.flow(await flows.async_configure(reauth["flow_id"]))
    result = evidence.flow(
        await flows.async_configure(
            reauth["flow_id"], {CONF_USERNAME: USER, CONF_PASSWORD: TYPO}
        )
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = evidence.flow(
        await flows.async_configure(
            reauth["flow_id"], {CONF_USERNAME: USER, CONF_PASSWORD: SECRET2}
        )
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()

    # Reconfigure keeps the stored password when the field is left empty.
    result = evidence.flow(
        await flows.async_init(
            DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
        )
    )
    result = evidence.flow(await flows.async_configure(result["flow_id"], login))
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_PASSWORD] == SECRET2

    evidence.add(
        "diagnostics after",
        await get_diagnostics_for_config_entry(hass, hass_client, entry),
    )
    evidence.add("states after", [state.as_dict() for state in our_states(hass)])
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
