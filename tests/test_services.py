"""Tests of the integration's actions, called through Home Assistant on the simulator."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from pathlib import Path
import stat
from typing import Any
from unittest.mock import patch

from homeassistant.const import ATTR_DEVICE_ID, ATTR_ENTITY_ID, ENTITY_MATCH_ALL
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.foscam_mjpeg import services
from custom_components.foscam_mjpeg.const import CONF_PAN_TILT, DOMAIN
from custom_components.foscam_mjpeg.foscam_cgi import LogEntry, Privilege, PtzCommand
from simulator import CameraConfig, SimulatedCamera, Simulator
from simulator.cgi_handlers import CGI_TABLE, Cgi, CgiRequest
from simulator.const import Privilege as SimPrivilege
from simulator.params import IllegalParams
from simulator.state import WifiNetwork

from .conftest import camera_device, entry_for, setup_entry

pytestmark = pytest.mark.usefixtures("socket_enabled")

CAMERA = "camera.front_door"


async def call(
    hass: HomeAssistant,
    action: str,
    data: dict[str, Any] | None = None,
    *,
    target: str | list[str] | None = CAMERA,
    response: bool = False,
) -> Any:
    """Call one of our actions and wait for it (its response, if asked for)."""
    service_data = dict(data or {})
    if target is not None:
        service_data[ATTR_ENTITY_ID] = target
    return await hass.services.async_call(
        DOMAIN, action, service_data, blocking=True, return_response=response
    )


@pytest.fixture
def refuse() -> Generator[None]:
    """Make the simulated firmware answer ``error: illegal params.`` to set_extra_io."""

    async def handler(_req: CgiRequest) -> Any:
        raise IllegalParams

    with patch.dict(
        CGI_TABLE, {"set_extra_io.cgi": Cgi(SimPrivilege.OPERATOR, handler)}
    ):
        yield


# -- ptz_move ------------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
async def test_ptz_move_for_a_duration(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """A timed move sends the direction, then the stop the web UI sends."""
    await call(hass, "ptz_move", {"direction": "left", "duration": 0.1})
    assert sim_camera.commands == [PtzCommand.LEFT, PtzCommand.STOP_UP]
    assert sim_camera.state.ptz.pan < 180


@pytest.mark.usefixtures("init_integration")
async def test_ptz_move_diagonal(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """Diagonals move for a while (the camera cannot step them)."""
    await call(hass, "ptz_move", {"direction": "up_right", "duration": 0.1})
    assert sim_camera.commands == [PtzCommand.UP_RIGHT, PtzCommand.STOP_UP]


@pytest.mark.usefixtures("init_integration")
async def test_ptz_move_one_step(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """A step size makes the camera move one step of that size by itself."""
    await call(hass, "ptz_move", {"direction": "right", "degree": 10})
    assert sim_camera.commands == [PtzCommand.RIGHT]
    assert sim_camera.state.ptz.pan_axis.target == 190


async def test_ptz_move_compensates_mirror(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """With the mirror bit set the camera is told right for left (web UI fact)."""
    sim_camera.state.camera.flip = 2
    await setup_entry(hass, entry_for(sim_camera))
    await call(hass, "ptz_move", {"direction": "left", "degree": 5})
    assert sim_camera.commands == [PtzCommand.RIGHT]


@pytest.mark.usefixtures("init_integration")
async def test_ptz_move_invalid_combinations(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """Contradictory fields are refused, translated, before anything is sent."""
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "ptz_move", {"direction": "down_right", "degree": 10})
    assert err.value.translation_key == "step_needs_straight_direction"
    assert str(err.value) == (
        "Only up, down, left and right can move by one step, not down_right"
    )
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "ptz_move", {"direction": "up", "degree": 10, "duration": 1})
    assert err.value.translation_key == "duration_and_degree"
    assert sim_camera.commands == []


INVALID_DATA: list[tuple[str, dict[str, Any]]] = [
    ("ptz_move", {"direction": "sideways"}),
    ("ptz_move", {"direction": "up", "degree": 2}),
    ("ptz_move", {"direction": "up", "duration": 0}),
    ("ptz_move", {}),
    ("ptz_preset", {"preset": 0}),
    ("ptz_preset", {"preset": 17}),
    ("ptz_preset", {"preset": 1, "mode": "x"}),
    ("set_extra_io", {"value": -1}),
    ("set_extra_io", {"value": 256}),
    ("set_extra_io", {"value": "x"}),
]


@pytest.mark.usefixtures("init_integration")
async def test_schema(hass: HomeAssistant, sim_camera: SimulatedCamera) -> None:
    """Out-of-range values never reach the camera."""
    for action, data in INVALID_DATA:
        with pytest.raises(vol.Invalid):
            await call(hass, action, data)
    assert sim_camera.commands == []
    assert sim_camera.counters.requests["set_extra_io.cgi"] == 0


# -- ptz_preset ----------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
async def test_ptz_preset_set_and_go(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """Store a preset, move away, go back to it."""
    await call(hass, "ptz_preset", {"preset": 3, "mode": "set"})
    assert sim_camera.state.ptz.presets[3] == (180.0, 45.0)
    await call(hass, "ptz_move", {"direction": "left", "degree": 20})
    await call(hass, "ptz_preset", {"preset": 3})
    assert sim_camera.commands == [34, PtzCommand.LEFT, 35]
    assert sim_camera.state.ptz.pan_axis.target == 180.0


# -- set_extra_io --------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
async def test_set_extra_io(hass: HomeAssistant, sim_camera: SimulatedCamera) -> None:
    """The value reaches the extension chip."""
    await call(hass, "set_extra_io", {"value": 0b10100101})
    assert sim_camera.state.extra_io == 0b10100101


@pytest.mark.usefixtures("refuse", "init_integration")
async def test_camera_refusal(hass: HomeAssistant) -> None:
    """The camera's error reply becomes a translated error naming the CGI."""
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "set_extra_io", {"value": 1})
    assert err.value.translation_key == "command_refused"
    assert str(err.value) == "The camera refused set_extra_io.cgi: illegal params."


@pytest.mark.usefixtures("init_integration")
async def test_camera_garbage_reply(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """A reply that is not the protocol is a communication error."""
    sim_camera.faults.garbage_body = True
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "set_extra_io", {"value": 1})
    assert err.value.translation_key == "communication_error"


# -- get_log -------------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
async def test_get_log(hass: HomeAssistant, sim_camera: SimulatedCamera) -> None:
    """Log lines come back parsed, with the raw line."""
    sim_camera.add_log("admin", "192.168.0.16", "access")
    response = await call(hass, "get_log", response=True)
    assert response is not None
    entries = response[CAMERA]["entries"]
    assert entries[0]["user"] == "ipcamera"
    assert entries[0]["ip"] is None
    assert entries[0]["action"] == "system start"
    last = entries[-1]
    assert last["user"] == "admin"
    assert last["ip"] == "192.168.0.16"
    assert last["action"] == "access"
    assert last["raw"] == sim_camera.state.log[-1]
    assert last["time"] == sim_camera.state.log[-1][5:24].replace(" ", "T")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Mon, 2009-08-03 20:13:03    admin        192.168.0.16      access",
            ("2009-08-03T20:13:03", "admin", "192.168.0.16", "access"),
        ),
        (
            "Mon, 2009-08-03 20:13:03                 192.168.0.16      access",
            ("2009-08-03T20:13:03", None, "192.168.0.16", "access"),
        ),
        ("garbage line", (None, None, None, None)),
    ],
)
def test_parse_log_line(line: str, expected: tuple[str | None, ...]) -> None:
    """Columns are split where the line has them; anything else keeps its raw text."""
    parsed = services.log_entry_response(LogEntry.from_line(line))
    assert (parsed["time"], parsed["user"], parsed["ip"], parsed["action"]) == expected
    assert parsed["raw"] == line


@pytest.mark.usefixtures("init_integration")
async def test_get_log_needs_response(hass: HomeAssistant) -> None:
    """A response-only action cannot be called without asking for the response."""
    with pytest.raises(ServiceValidationError):
        await call(hass, "get_log")


# -- scan_wifi -----------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
async def test_scan_wifi(hass: HomeAssistant, sim_camera: SimulatedCamera) -> None:
    """The scan is started, then its result read."""
    sim_camera.state.wifi_networks.append(WifiNetwork("0a0b0c0d0e0f", "odd", 7, 9))
    with patch.object(services, "WIFI_SCAN_WAIT", 0):
        response = await call(hass, "scan_wifi", response=True)
    assert sim_camera.counters.requests["wifi_scan.cgi"] == 1
    assert response is not None
    networks = response[CAMERA]["networks"]
    assert networks[0] == {
        "ssid": "ZXDSL531BII-BE2153",
        "bssid": "00:15:eb:be:21:53",
        "mode": "infrastructure",
        "security": "none",
    }
    assert networks[1]["security"] == "wpa_psk_tkip"
    assert networks[-1] == {
        "ssid": "odd",
        "bssid": "0a:0b:0c:0d:0e:0f",
        "mode": "unknown",
        "security": "unknown",
    }


# -- test_mail / test_ftp ------------------------------------------------------


TEST_RESULTS = [
    ("test_mail", "test_mail_result", 0, "succeed", 0),
    ("test_mail", "test_mail_result", 1, "cannot_connect", 1),
    ("test_mail", "test_mail_result", 13, "server_no_tls", 13),
    ("test_mail", "test_mail_result", 99, "unknown", 99),
    ("test_ftp", "test_ftp_result", 0, "succeed", 0),
    ("test_ftp", "test_ftp_result", -1, "cannot_connect", -1),
    # The document prints 1 for "cannot connect".
    ("test_ftp", "test_ftp_result", 1, "cannot_connect", -1),
    ("test_ftp", "test_ftp_result", -6, "incorrect_directory", -6),
    ("test_ftp", "test_ftp_result", 42, "unknown", 42),
]


@pytest.mark.usefixtures("init_integration")
async def test_mail_and_ftp_tests(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """The documented meaning of the result code is returned with the code."""
    for action, attr, camera_code, result, code in TEST_RESULTS:
        setattr(sim_camera.state, attr, camera_code)
        response = await call(hass, action, response=True)
        assert response == {CAMERA: {"result": result, "code": code}}


# -- backup_params -------------------------------------------------------------


def read_file(path: Path) -> tuple[bytes, int]:
    """Content and permission bits of a file."""
    return path.read_bytes(), stat.S_IMODE(path.stat().st_mode)


async def test_backup_params(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    tmp_path: Path,
) -> None:
    """The settings file lands in the config directory, readable by its owner only."""
    hass.config.config_dir = str(tmp_path)
    response = await call(hass, "backup_params", response=True)
    assert response is not None
    result = response[CAMERA]
    path = Path(result["path"])
    assert path.parent == tmp_path / DOMAIN
    assert path.name.startswith(f"{init_integration.unique_id}_")
    content, mode = read_file(path)
    assert content.startswith(b"IPCAMPRM")
    assert result["size"] == len(content)
    assert mode == 0o600


@pytest.mark.usefixtures("init_integration")
async def test_backup_params_without_response(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """Called as a plain action it still writes the file."""
    hass.config.config_dir = str(tmp_path)
    assert await call(hass, "backup_params") is None
    assert len(list((tmp_path / DOMAIN).iterdir())) == 1


async def test_backup_params_keeps_the_newest_five(
    hass: HomeAssistant, init_integration: MockConfigEntry, tmp_path: Path
) -> None:
    """Backups hold every password: only the newest 5 per camera stay."""
    hass.config.config_dir = str(tmp_path)
    folder = tmp_path / DOMAIN
    folder.mkdir()
    other = folder / "00:11:22:33:44:55_20240101T000000Z.bin"  # another camera's
    other.write_bytes(b"x")
    older = [
        folder / f"{init_integration.unique_id}_2026010{day}T000000Z.bin"
        for day in range(1, 7)
    ]
    for path in older:
        path.write_bytes(b"old")
    response = await call(hass, "backup_params", response=True)
    newest = Path(response[CAMERA]["path"])
    assert sorted(folder.iterdir()) == sorted([other, *older[-4:], newest])


@pytest.mark.usefixtures("init_integration")
async def test_backup_params_write_error(hass: HomeAssistant, tmp_path: Path) -> None:
    """A file where the folder should be is reported, translated."""
    hass.config.config_dir = str(tmp_path)
    (tmp_path / DOMAIN).write_text("in the way")
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "backup_params", response=True)
    assert err.value.translation_key == "backup_write_failed"


# -- privilege -----------------------------------------------------------------


PRIVILEGE_CASES: dict[Privilege, list[tuple[str, dict[str, Any], str]]] = {
    Privilege.VISITOR: [
        ("ptz_move", {"direction": "up"}, "decoder_control.cgi"),
        ("ptz_preset", {"preset": 1}, "decoder_control.cgi"),
        ("set_extra_io", {"value": 1}, "set_extra_io.cgi"),
        ("get_log", {}, "get_log.cgi"),
    ],
    Privilege.OPERATOR: [
        ("get_log", {}, "get_log.cgi"),
        ("scan_wifi", {}, "wifi_scan.cgi"),
        ("test_mail", {}, "test_mail.cgi"),
        ("test_ftp", {}, "test_ftp.cgi"),
        ("backup_params", {}, "backup_params.cgi"),
    ],
}


@pytest.mark.parametrize("privilege", list(PRIVILEGE_CASES))
async def test_insufficient_privilege(
    hass: HomeAssistant, sim_camera: SimulatedCamera, privilege: Privilege
) -> None:
    """The stored privilege is checked before anything is sent."""
    await setup_entry(hass, entry_for(sim_camera, privilege))
    before = sim_camera.counters.requests.copy()
    for action, data, cgi in PRIVILEGE_CASES[privilege]:
        response = action not in {"ptz_move", "ptz_preset", "set_extra_io"}
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, action, data, response=response)
        assert err.value.translation_key == "insufficient_privilege"
        assert err.value.translation_placeholders == {"cgi": cgi}
    assert sim_camera.counters.requests == before


@pytest.mark.parametrize(
    ("action", "data"),
    [("ptz_move", {"direction": "up"}), ("ptz_preset", {"preset": 1})],
)
async def test_fixed_camera_has_no_pan_tilt_actions(
    hass: HomeAssistant, sim_camera: SimulatedCamera, action: str, data: dict[str, Any]
) -> None:
    """A camera set up without a motor refuses pan/tilt before sending anything."""
    entry = entry_for(sim_camera)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options={CONF_PAN_TILT: False})
    await setup_entry(hass, entry)
    before = sim_camera.counters.requests.copy()
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, action, data)
    assert err.value.translation_key == "no_pan_tilt"
    assert err.value.translation_placeholders == {"name": "Front door"}
    assert sim_camera.counters.requests == before
    assert sim_camera.commands == []


async def test_operator_may_move(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """Operators may use pan/tilt and the extension outputs."""
    await setup_entry(hass, entry_for(sim_camera, Privilege.OPERATOR))
    await call(hass, "ptz_move", {"direction": "down", "degree": 5})
    await call(hass, "set_extra_io", {"value": 3})
    assert sim_camera.commands == [PtzCommand.DOWN]
    assert sim_camera.state.extra_io == 3


@pytest.mark.usefixtures("init_integration")
async def test_privilege_taken_away_on_the_camera(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """When the camera answers 401 anyway, the error is translated."""
    sim_camera.state.users[0].pri = Privilege.OPERATOR.user_level
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "get_log", response=True)
    assert err.value.translation_key == "invalid_auth"


# -- targets -------------------------------------------------------------------


async def test_target_by_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
) -> None:
    """A device target reaches its camera; the device's other entities are skipped."""
    device = camera_device(hass, init_integration)
    response = await hass.services.async_call(
        DOMAIN,
        "test_mail",
        {ATTR_DEVICE_ID: device.id},
        blocking=True,
        return_response=True,
    )
    assert response == {CAMERA: {"result": "succeed", "code": 0}}


async def test_several_cameras(
    hass: HomeAssistant,
    simulator_two: list[SimulatedCamera],
) -> None:
    """Every camera is called; responses are keyed by entity_id."""
    for camera in simulator_two:
        await setup_entry(hass, entry_for(camera))
    simulator_two[1].state.test_ftp_result = -2
    response = await call(hass, "test_ftp", target=ENTITY_MATCH_ALL, response=True)
    assert response == {
        "camera.front_door": {"result": "succeed", "code": 0},
        "camera.garage": {"result": "network_error", "code": -2},
    }
    await call(
        hass, "ptz_preset", {"preset": 2}, target=["camera.front_door", "camera.garage"]
    )
    assert [camera.commands for camera in simulator_two] == [[33], [33]]


async def test_one_camera_fails(
    hass: HomeAssistant, simulator_two: list[SimulatedCamera]
) -> None:
    """The others still run; the failure is reported."""
    for camera in simulator_two:
        await setup_entry(hass, entry_for(camera))
    simulator_two[0].faults.garbage_body = True
    with pytest.raises(HomeAssistantError):
        await call(hass, "set_extra_io", {"value": 7}, target=ENTITY_MATCH_ALL)
    assert simulator_two[1].state.extra_io == 7


@pytest.fixture
async def simulator_two(socket_enabled: None) -> AsyncGenerator[list[SimulatedCamera]]:
    """Two simulated cameras."""
    del socket_enabled  # requested for its side effect only
    sim = Simulator(
        [CameraConfig(alias="Front door"), CameraConfig(alias="Garage")],
        discovery_port=0,
    )
    await sim.start()
    try:
        yield sim.cameras
    finally:
        await sim.stop()


@pytest.mark.usefixtures("init_integration")
async def test_target_not_ours(hass: HomeAssistant) -> None:
    """Another integration's entity is refused by name."""
    hass.states.async_set("camera.other", "idle")
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "set_extra_io", {"value": 1}, target="camera.other")
    assert err.value.translation_key == "not_foscam_camera"
    assert err.value.translation_placeholders == {"entity_id": "camera.other"}


async def test_target_our_sensor(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Our other entities are not cameras either."""
    sensor = entity_registry.async_get_entity_id(
        "binary_sensor", DOMAIN, f"{init_integration.unique_id}_motion"
    )
    assert sensor is not None
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "set_extra_io", {"value": 1}, target=sensor)
    assert err.value.translation_key == "not_foscam_camera"


@pytest.mark.usefixtures("init_integration")
async def test_no_target(hass: HomeAssistant) -> None:
    """Nothing targeted is an error, not a silent no-op."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "set_extra_io", {"value": 1, ATTR_DEVICE_ID: []}, blocking=True
        )
    assert err.value.translation_key == "no_camera_targeted"


async def test_target_not_loaded(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A camera whose entry is unloaded is refused."""
    await hass.config_entries.async_unload(init_integration.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "set_extra_io", {"value": 1})
    assert err.value.translation_key == "camera_not_loaded"


async def test_actions_registered_without_entries(hass: HomeAssistant) -> None:
    """The actions exist as soon as the integration is set up (quality scale)."""
    assert await async_setup_component(hass, DOMAIN, {})
    for action in services.ACTIONS:
        assert hass.services.has_service(DOMAIN, action.name)
