"""Config, discovery, reauth, reconfigure and options flows against the simulator."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator, Mapping
from dataclasses import asdict
from fnmatch import fnmatch
import importlib
import json
from pathlib import Path
import re
import socket
from typing import TYPE_CHECKING, Any
from unittest.mock import AsyncMock, patch

from aiohttp import web
from homeassistant.config_entries import (
    SOURCE_DHCP,
    SOURCE_INTEGRATION_DISCOVERY,
    SOURCE_USER,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

# Home Assistant serializes flow forms with probatio since 2026.x, voluptuous_serialize before.
try:
    from probatio import to_field_list as serialize_schema
except ImportError:  # the floor release (not type-checked: mypy runs on the newest)
    serialize_schema = importlib.import_module("voluptuous_serialize").convert

if TYPE_CHECKING:
    # Flow results carry probatio schemas on the newest release, voluptuous ones on
    # the floor; the tests use what both have: calling it and its .schema mapping.
    from probatio import Schema as FormSchema

from custom_components.foscam_mjpeg import config_flow, const, discovery
from custom_components.foscam_mjpeg.foscam_cgi import Privilege, discover
from simulator import SimulatedCamera, Simulator

from .conftest import entry_for, on_newest_release

# Loopback sockets: the simulator and the fake HD camera of these tests.
pytestmark = pytest.mark.usefixtures("socket_enabled")

OTHER_MAC = "aa:bb:cc:dd:ee:ff"
MOVED_HOST = "127.0.0.2"  # loopback too: setup is patched, nothing is sent there


@pytest.fixture(autouse=True)
def mock_setup_entry() -> Generator[AsyncMock]:
    """Keep flow tests fast: entries 'load' without talking to the camera."""
    with (
        patch(
            "custom_components.foscam_mjpeg.async_setup_entry", return_value=True
        ) as setup,
        patch("custom_components.foscam_mjpeg.async_unload_entry", return_value=True),
    ):
        yield setup


@pytest.fixture
async def hd_camera(socket_enabled: None) -> AsyncGenerator[tuple[str, int]]:
    """Serve HTTP like an HD Foscam: 404 + HTML on CGI v1.x paths."""
    del socket_enabled  # requested for its side effect only

    async def handler(_request: web.Request) -> web.Response:
        return web.Response(
            status=404,
            text="<html><body>Not Found</body></html>",
            content_type="text/html",
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port: int = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield "127.0.0.1", port
    finally:
        await runner.cleanup()


def closed_port() -> int:
    """Return a loopback TCP port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def login(
    camera: SimulatedCamera, username: str = "admin", password: str = "admin"
) -> dict[str, Any]:
    """User-step input for a simulated camera."""
    return {
        CONF_HOST: camera.host,
        CONF_PORT: camera.port,
        CONF_USERNAME: username,
        CONF_PASSWORD: password,
    }


def form_schema(result: ConfigFlowResult) -> FormSchema:
    """Return the schema of a form result."""
    schema = result["data_schema"]
    assert schema is not None
    return schema


def suggested(result: ConfigFlowResult) -> dict[str, Any]:
    """Return the suggested values the form shows, by field name."""
    return {
        str(key): key.description["suggested_value"]
        for key in form_schema(result).schema
        if key.description and "suggested_value" in key.description
    }


async def add_loaded(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Add an entry and 'load' it (setup is patched)."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def start_user(hass: HomeAssistant) -> ConfigFlowResult:
    """Start the user step and check it shows an empty form."""
    result = await hass.config_entries.flow.async_init(
        const.DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    return result


# --- user step -------------------------------------------------------------


async def test_user_creates_entry(
    hass: HomeAssistant, sim_camera: SimulatedCamera, mock_setup_entry: AsyncMock
) -> None:
    """A correct login creates the entry with privilege, MAC unique id and alias."""
    result = await start_user(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login(sim_camera)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Front door"
    assert result["data"] == {**login(sim_camera), const.CONF_PRIVILEGE: 3}
    assert result["result"].unique_id == format_mac(sim_camera.state.id)
    assert mock_setup_entry.call_count == 1


async def test_user_defaults_and_visitor(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """Port/username defaults apply; an unnamed camera is titled by its id."""
    sim_camera.state.settings.alias = ""
    result = await start_user(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: sim_camera.host,
            CONF_PORT: sim_camera.port,
            CONF_USERNAME: "visitor",
            CONF_PASSWORD: "visitor",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"Foscam {sim_camera.state.id}"
    assert result["data"][const.CONF_PRIVILEGE] == int(Privilege.VISITOR)


async def test_user_schema_defaults(hass: HomeAssistant) -> None:
    """Only the host is mandatory: port 80, user admin, empty password, a motor."""
    result = await start_user(hass)
    assert form_schema(result)({CONF_HOST: "cam.local"}) == {
        CONF_HOST: "cam.local",
        CONF_PORT: 80,
        CONF_USERNAME: "admin",
        CONF_PASSWORD: "",
        const.CONF_PAN_TILT: True,
    }


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("offline", "cannot_connect"),
        ("closed_port", "cannot_connect"),
        ("wrong_password", "invalid_auth"),
        ("hd_camera", "not_supported"),
    ],
)
async def test_user_errors_then_recover(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    hd_camera: tuple[str, int],
    fault: str,
    error: str,
) -> None:
    """Each failure re-shows the form with everything typed; then it succeeds."""
    user_input = login(sim_camera)
    if fault == "offline":
        await sim_camera.set_offline(True)
    elif fault == "closed_port":
        user_input[CONF_PORT] = closed_port()
    elif fault == "wrong_password":
        user_input[CONF_PASSWORD] = "wrong"
    else:
        user_input[CONF_HOST], user_input[CONF_PORT] = hd_camera

    result = await start_user(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": error}
    assert suggested(result) == {**user_input, const.CONF_PAN_TILT: True}

    await sim_camera.set_offline(False)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login(sim_camera)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_unknown_error(
    hass: HomeAssistant, sim_camera: SimulatedCamera, caplog: pytest.LogCaptureFixture
) -> None:
    """An unexpected exception is logged and shown as 'unknown'."""
    result = await start_user(hass)
    with patch.object(
        config_flow, "async_validate_camera", side_effect=RuntimeError("boom")
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], login(sim_camera)
        )
    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error" in caplog.text
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login(sim_camera)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_already_configured(
    hass: HomeAssistant, sim_camera: SimulatedCamera, config_entry: MockConfigEntry
) -> None:
    """The same camera cannot be added twice."""
    config_entry.add_to_hass(hass)
    result = await start_user(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login(sim_camera)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


# --- UDP discovery -----------------------------------------------------------


async def discovered(simulator: Simulator) -> dict[str, Any]:
    """Return what the integration's discovery hands to the flow: a real search reply."""
    assert simulator.discovery_port is not None
    (camera,) = await discover(
        target="127.0.0.1", port=simulator.discovery_port, timeout=1.0
    )
    return asdict(camera)


async def start_discovery(
    hass: HomeAssistant, info: Mapping[str, Any]
) -> ConfigFlowResult:
    """Start a flow from a discovery reply."""
    return await hass.config_entries.flow.async_init(
        const.DOMAIN, context={"source": SOURCE_INTEGRATION_DISCOVERY}, data=info
    )


async def test_discovery_new_camera(
    hass: HomeAssistant, simulator: Simulator, sim_camera: SimulatedCamera
) -> None:
    """A new camera asks only for the login; address comes from the reply."""
    info = await discovered(simulator)
    result = await start_discovery(hass, info)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery_confirm"
    placeholders = result["description_placeholders"]
    assert placeholders == {
        "name": "Front door",
        "host": sim_camera.host,
        "port": str(sim_camera.port),
        "sys_ver": info["sys_ver"],
        "app_ver": info["app_ver"],
    }
    assert set(form_schema(result).schema) == {
        CONF_USERNAME,
        CONF_PASSWORD,
        const.CONF_PAN_TILT,
    }
    (flow,) = hass.config_entries.flow.async_progress()
    assert flow["context"]["title_placeholders"] == {"name": "Front door"}

    # A second search while the user has not answered yet: no duplicate flow.
    again = await start_discovery(hass, info)
    assert again["type"] is FlowResultType.ABORT
    assert again["reason"] == "already_in_progress"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    assert suggested(result) == {
        CONF_USERNAME: "admin",
        CONF_PASSWORD: "wrong",
        const.CONF_PAN_TILT: True,
    }

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "operator", CONF_PASSWORD: "operator"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Front door"
    assert result["data"] == {
        **login(sim_camera, "operator", "operator"),
        const.CONF_PRIVILEGE: int(Privilege.OPERATOR),
    }
    assert result["options"] == {const.CONF_PAN_TILT: True}
    assert result["result"].unique_id == format_mac(sim_camera.state.id)


async def test_discovery_other_camera_answers(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """If another camera answers at the discovered address, nothing is created."""
    info = {
        **await discovered(simulator),
        "id": OTHER_MAC.replace(":", ""),
        "alias": "",
    }
    result = await start_discovery(hass, info)
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    assert placeholders["name"] == info["id"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "admin"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unique_id_mismatch"


async def test_discovery_known_camera_same_address(
    hass: HomeAssistant,
    simulator: Simulator,
    config_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
) -> None:
    """A configured camera at its known address: abort, no reload."""
    await add_loaded(hass, config_entry)
    result = await start_discovery(hass, await discovered(simulator))
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert mock_setup_entry.call_count == 1


async def test_discovery_camera_moved(
    hass: HomeAssistant,
    simulator: Simulator,
    sim_camera: SimulatedCamera,
    config_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
) -> None:
    """A configured camera found at a new address: entry updated and reloaded."""
    config_entry = MockConfigEntry(
        domain=const.DOMAIN,
        title=config_entry.title,
        unique_id=config_entry.unique_id,
        data={**config_entry.data, CONF_HOST: MOVED_HOST, CONF_PORT: 81},
    )
    await add_loaded(hass, config_entry)
    result = await start_discovery(hass, await discovered(simulator))
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert config_entry.data[CONF_HOST] == sim_camera.host
    assert config_entry.data[CONF_PORT] == sim_camera.port
    assert config_entry.data[CONF_PASSWORD] == "admin"
    assert mock_setup_entry.call_count == 2


# --- DHCP ---------------------------------------------------------------------


def dhcp_info(ip: str, mac: str) -> DhcpServiceInfo:
    """Return the DHCP lease information Home Assistant passes for an address."""
    return DhcpServiceInfo(ip=ip, hostname="", macaddress=mac.replace(":", "").lower())


async def start_dhcp(hass: HomeAssistant, info: DhcpServiceInfo) -> ConfigFlowResult:
    """Start a flow from a DHCP lease."""
    return await hass.config_entries.flow.async_init(
        const.DOMAIN, context={"source": SOURCE_DHCP}, data=info
    )


async def test_dhcp_updates_known_camera(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    config_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
) -> None:
    """A new lease of a configured camera updates its host (port kept)."""
    config_entry = MockConfigEntry(
        domain=const.DOMAIN,
        title=config_entry.title,
        unique_id=config_entry.unique_id,
        data={**config_entry.data, CONF_HOST: MOVED_HOST},
    )
    await add_loaded(hass, config_entry)
    result = await start_dhcp(hass, dhcp_info(sim_camera.host, sim_camera.state.id))
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert config_entry.data[CONF_HOST] == sim_camera.host
    assert config_entry.data[CONF_PORT] == sim_camera.port
    assert mock_setup_entry.call_count == 2


@pytest.fixture
def sim_on_default_port(
    socket_enabled: None, sim_camera: SimulatedCamera
) -> Generator[None]:
    """DHCP assumes port 80; point that default at the simulator."""
    del socket_enabled  # requested for its side effect only
    with patch.object(config_flow, "DEFAULT_PORT", sim_camera.port):
        yield


@pytest.mark.usefixtures("sim_on_default_port")
async def test_dhcp_new_camera(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """An unconfigured camera: its anonymous status fills the confirm form."""
    result = await start_dhcp(hass, dhcp_info(sim_camera.host, sim_camera.state.id))
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery_confirm"
    assert result["description_placeholders"] == {
        "name": "Front door",
        "host": sim_camera.host,
        "port": str(sim_camera.port),
        "sys_ver": sim_camera.config.sys_ver,
        "app_ver": sim_camera.config.app_ver,
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "admin"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {**login(sim_camera), const.CONF_PRIVILEGE: 3}


@pytest.mark.usefixtures("sim_on_default_port")
async def test_dhcp_lease_of_other_device(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """The camera at the leased address is not the device with that MAC."""
    result = await start_dhcp(hass, dhcp_info(sim_camera.host, OTHER_MAC))
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "admin"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unique_id_mismatch"


@pytest.mark.parametrize(
    ("fault", "reason"), [("offline", "cannot_connect"), ("hd", "not_supported")]
)
async def test_dhcp_probe_fails(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    hd_camera: tuple[str, int],
    fault: str,
    reason: str,
) -> None:
    """No answer, or not a CGI v1.x camera: abort before asking anything."""
    if fault == "offline":
        port = sim_camera.port
        await sim_camera.set_offline(True)
    else:
        port = hd_camera[1]
    with patch.object(config_flow, "DEFAULT_PORT", port):
        result = await start_dhcp(hass, dhcp_info("127.0.0.1", sim_camera.state.id))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason


# --- reauth -----------------------------------------------------------------


async def test_reauth(
    hass: HomeAssistant, sim_camera: SimulatedCamera, mock_setup_entry: AsyncMock
) -> None:
    """A new login is validated at the stored address and saved with its privilege."""
    entry = await add_loaded(hass, entry_for(sim_camera, Privilege.ADMINISTRATOR))
    result = await entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert suggested(result) == {CONF_USERNAME: "admin"}
    assert result["description_placeholders"] == {
        "host": sim_camera.host,
        "port": str(sim_camera.port),
        "name": "Front door",
    }

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "operator", CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    assert suggested(result) == {CONF_USERNAME: "operator", CONF_PASSWORD: "wrong"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "operator", CONF_PASSWORD: "operator"}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data == {
        **login(sim_camera, "operator", "operator"),
        const.CONF_PRIVILEGE: int(Privilege.OPERATOR),
    }
    assert mock_setup_entry.call_count == 2


async def test_reauth_other_camera(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Credentials that work, but on a different camera, are refused."""
    entry = MockConfigEntry(
        domain=const.DOMAIN,
        title="Old",
        unique_id=OTHER_MAC,
        data=dict(config_entry.data),
    )
    await add_loaded(hass, entry)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "admin"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unique_id_mismatch"
    assert entry.data == config_entry.data


# --- reconfigure ------------------------------------------------------------


async def test_reconfigure(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    config_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
) -> None:
    """Address and login change; the password is never sent back to the form."""
    entry = MockConfigEntry(
        domain=const.DOMAIN,
        title="Front door",
        unique_id=config_entry.unique_id,
        data={**config_entry.data, CONF_HOST: MOVED_HOST, CONF_PORT: 81},
    )
    await add_loaded(hass, entry)
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert suggested(result) == {
        CONF_HOST: MOVED_HOST,
        CONF_PORT: 81,
        CONF_USERNAME: "admin",
    }
    assert result["description_placeholders"] == {"name": "Front door"}

    # Nothing listens there: error, input kept.
    typed = {
        CONF_HOST: sim_camera.host,
        CONF_PORT: closed_port(),
        CONF_USERNAME: "admin",
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], typed)
    assert result["errors"] == {"base": "cannot_connect"}
    assert suggested(result) == typed

    # Empty password field keeps the stored one.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: sim_camera.host,
            CONF_PORT: sim_camera.port,
            CONF_USERNAME: "admin",
            CONF_PASSWORD: "",
        },
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {**login(sim_camera), const.CONF_PRIVILEGE: 3}
    assert mock_setup_entry.call_count == 2


async def test_reconfigure_new_login(
    hass: HomeAssistant, sim_camera: SimulatedCamera, config_entry: MockConfigEntry
) -> None:
    """A typed password replaces the stored one; the privilege follows."""
    await add_loaded(hass, config_entry)
    result = await config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        login(sim_camera, "visitor", "visitor"),
    )
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data == {
        **login(sim_camera, "visitor", "visitor"),
        const.CONF_PRIVILEGE: int(Privilege.VISITOR),
    }


async def test_reconfigure_other_camera(
    hass: HomeAssistant, sim_camera: SimulatedCamera, config_entry: MockConfigEntry
) -> None:
    """Pointing an entry at a different camera is refused."""
    entry = MockConfigEntry(
        domain=const.DOMAIN,
        title="Old",
        unique_id=OTHER_MAC,
        data=dict(config_entry.data),
    )
    await add_loaded(hass, entry)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login(sim_camera)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unique_id_mismatch"
    assert entry.data == config_entry.data


# --- options ------------------------------------------------------------------

OPTION_DEFAULTS = {
    const.CONF_PAN_TILT: True,
    const.CONF_VOICE_SENTENCES: const.DEFAULT_VOICE_SENTENCES,
    const.CONF_RESOLUTION: const.DEFAULT_RESOLUTION,
    const.CONF_FRAME_RATE: const.DEFAULT_FRAME_RATE,
    const.CONF_SCAN_INTERVAL: const.DEFAULT_SCAN_INTERVAL,
    const.CONF_PTZ_MODE: const.DEFAULT_PTZ_MODE,
    const.CONF_PTZ_DURATION: const.DEFAULT_PTZ_DURATION,
    const.CONF_PTZ_DEGREE: const.DEFAULT_PTZ_DEGREE,
    const.CONF_PAN_REVERSED: const.DEFAULT_PAN_REVERSED,
    const.CONF_STREAM_IDLE_TIMEOUT: const.DEFAULT_STREAM_IDLE_TIMEOUT,
}


async def test_options_flow(hass: HomeAssistant, config_entry: MockConfigEntry) -> None:
    """All options on one form, the motor and voice first; numbers stored typed."""
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    assert [str(key) for key in form_schema(result).schema] == list(OPTION_DEFAULTS)
    assert form_schema(result)({}) == OPTION_DEFAULTS

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            const.CONF_VOICE_SENTENCES: True,
            const.CONF_RESOLUTION: "qvga",
            const.CONF_FRAME_RATE: "23",
            const.CONF_SCAN_INTERVAL: 30.0,
            const.CONF_PTZ_MODE: "step",
            const.CONF_PTZ_DURATION: 1.5,
            const.CONF_PTZ_DEGREE: 10.0,
            const.CONF_PAN_REVERSED: True,
            const.CONF_STREAM_IDLE_TIMEOUT: 0.0,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    expected = {
        const.CONF_PAN_TILT: True,
        const.CONF_VOICE_SENTENCES: True,
        const.CONF_RESOLUTION: "qvga",
        const.CONF_FRAME_RATE: "23",
        const.CONF_SCAN_INTERVAL: 30,
        const.CONF_PTZ_MODE: "step",
        const.CONF_PTZ_DURATION: 1.5,
        const.CONF_PTZ_DEGREE: 10,
        const.CONF_PAN_REVERSED: True,
        const.CONF_STREAM_IDLE_TIMEOUT: 0,
    }
    assert config_entry.options == expected
    for key in (
        const.CONF_SCAN_INTERVAL,
        const.CONF_PTZ_DEGREE,
        const.CONF_STREAM_IDLE_TIMEOUT,
    ):
        assert type(config_entry.options[key]) is int

    # Reopened, the form suggests the saved values.
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    assert suggested(result) == expected


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (const.CONF_PTZ_DEGREE, 2),
        (const.CONF_SCAN_INTERVAL, 4),
        (const.CONF_SCAN_INTERVAL, 9),
        (const.CONF_PTZ_DURATION, 6),
        (const.CONF_FRAME_RATE, "2"),
        (const.CONF_RESOLUTION, "qqvga"),
    ],
)
def test_options_out_of_range(key: str, value: Any) -> None:
    """Values the firmware or the integration cannot use are rejected."""
    with pytest.raises(vol.Invalid):
        config_flow.OPTIONS_SCHEMA({key: value})


# --- static checks ------------------------------------------------------------


@pytest.mark.parametrize(
    "schema",
    [
        config_flow.USER_SCHEMA,
        config_flow.CREDENTIALS_SCHEMA,
        config_flow.RECONFIGURE_SCHEMA,
        config_flow.OPTIONS_SCHEMA,
    ],
)
def test_schemas_serialize_for_frontend(schema: vol.Schema) -> None:
    """Every form can be sent to the frontend."""
    assert serialize_schema(schema, custom_serializer=cv.custom_serializer)


COMPONENT = Path(config_flow.__file__).parent
HA_ROOT = Path(cv.__file__).parents[1]
REFERENCE = re.compile(r"\[%key:([^%]+)%\]")


def _resolve(node: Any, own: dict[str, Any]) -> Any:
    """strings.json with [%key:...%] references replaced (what hassfest builds)."""
    if isinstance(node, dict):
        return {key: _resolve(value, own) for key, value in node.items()}

    def substitute(match: re.Match[str]) -> str:
        scope, *path = match.group(1).split("::")
        source: Any
        if scope == "common":
            source, path = (
                json.loads((HA_ROOT / "strings.json").read_text()),
                ["common", *path],
            )
        elif path[0] == const.DOMAIN:
            source, path = own, path[1:]
        else:
            source = json.loads(
                (HA_ROOT / "components" / path[0] / "strings.json").read_text()
            )
            path = path[1:]
        for part in path:
            source = source[part]
        return str(_resolve(source, own))

    return REFERENCE.sub(substitute, node)


def _without_foreign(node: Any, strings: Any) -> Any:
    """``node`` with the texts strings.json takes from Home Assistant blanked."""
    if isinstance(node, dict):
        return {
            key: _without_foreign(value, strings[key]) for key, value in node.items()
        }
    reference = REFERENCE.fullmatch(strings)
    if reference and reference.group(1).split("::")[1] != const.DOMAIN:
        return ""
    return node


def _keys(node: Any, prefix: str = "") -> set[str]:
    if not isinstance(node, dict):
        return {prefix}
    return {k for key, value in node.items() for k in _keys(value, f"{prefix}/{key}")}


def test_translations_match_strings() -> None:
    """en.json is strings.json resolved; es.json translates every key."""
    strings = json.loads((COMPONENT / "strings.json").read_text())
    english = json.loads((COMPONENT / "translations" / "en.json").read_text())
    spanish = json.loads((COMPONENT / "translations" / "es.json").read_text())
    resolved = _resolve(strings, strings)
    if not on_newest_release():
        # Home Assistant rewords its shared texts between releases: en.json
        # carries the newest wording, the floor only has to have every key.
        english = _without_foreign(english, strings)
        resolved = _without_foreign(resolved, strings)
    assert english == resolved
    assert _keys(spanish) == _keys(english)
    # Every error and abort reason the flow can produce has a text.
    config = strings["config"]
    for key in ("cannot_connect", "invalid_auth", "not_supported", "unknown"):
        assert key in config["error"]
        assert key in config["abort"]
    for key in (
        "already_configured",
        "already_in_progress",
        "reauth_successful",
        "reconfigure_successful",
        "unique_id_mismatch",
    ):
        assert key in config["abort"]
    # Selector labels cover every option value.
    assert set(strings["selector"]["frame_rate"]["options"]) == set(
        const.FRAME_RATE_OPTIONS
    )
    assert set(strings["selector"]["resolution"]["options"]) == set(
        const.RESOLUTION_OPTIONS
    )


# --- the first camera, from the UI alone ----------------------------------------


@pytest.fixture
def search_simulator(simulator: Simulator) -> Generator[None]:
    """Aim the user step's search (production: broadcast) at the simulator."""
    assert simulator.discovery_port is not None
    target = (("127.0.0.1", simulator.discovery_port),)
    with (
        patch.object(discovery, "DEFAULT_TARGETS", target),
        patch.object(discovery, "DISCOVERY_TIMEOUT", 0.3),
    ):
        yield


@pytest.mark.usefixtures("search_simulator", "mock_setup_entry")
async def test_user_step_offers_found_cameras(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """No YAML, no entry: Add integration searches and lists what answered."""
    result = await hass.config_entries.flow.async_init(
        const.DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "search_result"
    assert result["menu_options"] == ["pick_camera", "manual"]
    assert result["description_placeholders"] == {"count": "1"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "pick_camera"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "pick_camera"
    mac = format_mac(sim_camera.state.id)
    assert form_schema(result).schema["camera"].container == {
        mac: f"Front door ({sim_camera.host}:{sim_camera.port})"
    }

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"camera": mac}
    )
    assert result["step_id"] == "discovery_confirm"
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    assert placeholders["host"] == sim_camera.host
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_USERNAME: "admin", CONF_PASSWORD: "admin", const.CONF_PAN_TILT: False},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {**login(sim_camera), const.CONF_PRIVILEGE: 3}
    assert result["options"] == {const.CONF_PAN_TILT: False}
    assert result["result"].unique_id == mac


@pytest.mark.usefixtures("search_simulator")
async def test_user_step_manual_entry_beside_found(hass: HomeAssistant) -> None:
    """The menu's other choice is the address form."""
    result = await hass.config_entries.flow.async_init(
        const.DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "manual"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}


@pytest.mark.usefixtures("search_simulator")
async def test_user_step_leaves_out_configured_cameras(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """A camera already set up is not offered: with none left, the form comes."""
    config_entry.add_to_hass(hass)
    result = await start_user(hass)
    assert result["step_id"] == "user"


def test_dhcp_matches_camera_vendors() -> None:
    """The manifest's DHCP matchers start a flow for the vendors' MAC prefixes.

    Home Assistant's DHCP watcher compares the upper-case MAC without
    separators with fnmatch; registered devices are matched as well.
    """
    manifest = json.loads((COMPONENT / "manifest.json").read_text())
    patterns = [m["macaddress"] for m in manifest["dhcp"] if "macaddress" in m]
    assert {"registered_devices": True} in manifest["dhcp"]
    for mac in ("00626E4A0001", "000DC5123456", "78A5DD000001", "E8ABFA000001"):
        assert any(fnmatch(mac, pattern) for pattern in patterns), mac
    assert not any(fnmatch("001122334455", pattern) for pattern in patterns)
