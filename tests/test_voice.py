"""Voice control end to end: Home Assistant's own agent, our sentences, the simulator."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
import hashlib
from pathlib import Path
from typing import Any

from homeassistant.components import conversation
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import device_registry as dr, intent
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.foscam_mjpeg import voice, voice_files
from custom_components.foscam_mjpeg.const import (
    CONF_PAN_TILT,
    CONF_PTZ_DEGREE,
    CONF_PTZ_DURATION,
    CONF_PTZ_MODE,
    CONF_VOICE_SENTENCES,
    DOMAIN,
)
from custom_components.foscam_mjpeg.foscam_cgi import Privilege, PtzCommand
from simulator import CameraConfig, SimulatedCamera, Simulator

from .conftest import camera_device, entry_for

pytestmark = pytest.mark.usefixtures("socket_enabled")

VOICE_OPTIONS = {CONF_VOICE_SENTENCES: True, CONF_PTZ_MODE: "step", CONF_PTZ_DEGREE: 10}

type SetUp = Callable[..., Awaitable[MockConfigEntry]]


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Give the test a configuration directory of its own (sentence files go there)."""
    hass.config.config_dir = str(tmp_path)
    # conversation.reload re-reads configuration.yaml (Home Assistant 2026.x).
    (tmp_path / "configuration.yaml").write_text("conversation:\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
async def agent(hass: HomeAssistant, config_dir: Path) -> None:
    """Home Assistant's own conversation agent."""
    del config_dir  # requested for its side effect only
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})


@pytest.fixture
def set_up(hass: HomeAssistant, config_dir: Path) -> SetUp:
    """Set up an entry for a simulated camera with options."""
    del config_dir  # requested for its side effect only

    async def _set_up(
        camera: SimulatedCamera,
        privilege: Privilege = Privilege.ADMINISTRATOR,
        **options: Any,
    ) -> MockConfigEntry:
        entry = entry_for(camera, privilege)
        entry.add_to_hass(hass)
        hass.config_entries.async_update_entry(entry, options=options)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        return entry

    return _set_up


def sentence_file(config_dir: Path, language: str) -> Path:
    """Where our sentences for a language go."""
    return config_dir / "custom_sentences" / language / f"{DOMAIN}.yaml"


async def converse(
    hass: HomeAssistant, text: str, language: str = "en"
) -> intent.IntentResponse:
    """Ask the default agent."""
    result = await conversation.async_converse(
        hass, text, None, Context(), language=language
    )
    return result.response


def speech(response: intent.IntentResponse) -> str:
    """Return what the agent says."""
    return str(response.speech["plain"]["speech"])


def rename(hass: HomeAssistant, entry: MockConfigEntry, name: str) -> None:
    """Give the camera's device a name of the user's."""
    registry = dr.async_get(hass)
    device = camera_device(hass, entry)
    registry.async_update_device(device.id, name_by_user=name)


async def set_voice(hass: HomeAssistant, entry: MockConfigEntry, on: bool) -> None:
    """Change the option as the options flow does (the entry reloads)."""
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_VOICE_SENTENCES: on}
    )
    await hass.async_block_till_done()


# -- end to end ----------------------------------------------------------------


@pytest.mark.usefixtures("agent")
async def test_english(
    hass: HomeAssistant, set_up: SetUp, sim_camera: SimulatedCamera
) -> None:
    """Every English command moves the camera and says so."""
    await set_up(sim_camera, **VOICE_OPTIONS)
    expected = [
        ("pan the front door left", "Panning Front door left", PtzCommand.LEFT),
        (
            "pan front door camera to the right",
            "Panning Front door right",
            PtzCommand.RIGHT,
        ),
        ("tilt the Front Door up", "Tilting Front door up", PtzCommand.UP),
        (
            "tilt the front door downwards",
            "Tilting Front door downwards",
            PtzCommand.DOWN,
        ),
        ("move the front door to preset 3", "Moving Front door to preset 3", 35),
        ("go to preset two on the front door", "Moving Front door to preset 2", 33),
        ("center the front door", "Centering Front door", PtzCommand.CENTER),
    ]
    for text, answer, command in expected:
        sim_camera.commands.clear()
        response = await converse(hass, text)
        assert response.response_type is intent.IntentResponseType.ACTION_DONE, text
        assert speech(response) == answer
        assert sim_camera.commands == [command], text
    assert sim_camera.state.ptz.pan_axis.target == 180  # centred


@pytest.mark.usefixtures("agent")
async def test_spanish(
    hass: HomeAssistant, set_up: SetUp, sim_camera: SimulatedCamera
) -> None:
    """Every Spanish command moves the camera and says so, by the user's name."""
    entry = await set_up(sim_camera, **VOICE_OPTIONS)
    rename(hass, entry, "Puerta principal")
    expected = [
        (
            "gira la puerta principal a la izquierda",
            "Girando Puerta principal a la izquierda",
            PtzCommand.LEFT,
        ),
        (
            "gira el puerta principal hacia la derecha",
            "Girando Puerta principal a la derecha",
            PtzCommand.RIGHT,
        ),
        (
            "inclina la puerta principal hacia arriba",
            "Inclinando Puerta principal hacia arriba",
            PtzCommand.UP,
        ),
        (
            "inclina la cámara de la puerta principal hacia abajo",
            "Inclinando Puerta principal hacia abajo",
            PtzCommand.DOWN,
        ),
        (
            "mueve la puerta principal a la posición 4",
            "Moviendo Puerta principal a la posición 4",
            37,
        ),
        (
            "ve a la posición dos en la puerta principal",
            "Moviendo Puerta principal a la posición 2",
            33,
        ),
        ("centra la puerta principal", "Centrando Puerta principal", PtzCommand.CENTER),
    ]
    for text, answer, command in expected:
        sim_camera.commands.clear()
        response = await converse(hass, text, "es")
        assert response.response_type is intent.IntentResponseType.ACTION_DONE, text
        assert speech(response) == answer
        assert sim_camera.commands == [command], text


@pytest.mark.usefixtures("agent")
async def test_timed_move_stops(
    hass: HomeAssistant, set_up: SetUp, sim_camera: SimulatedCamera
) -> None:
    """In duration mode the camera moves, then gets the stop command."""
    await set_up(
        sim_camera,
        **{
            CONF_VOICE_SENTENCES: True,
            CONF_PTZ_MODE: "duration",
            CONF_PTZ_DURATION: 0.1,
        },
    )
    await converse(hass, "pan the front door right")
    assert sim_camera.commands == [PtzCommand.RIGHT, PtzCommand.STOP_UP]
    assert sim_camera.state.ptz.pan > 180


@pytest.mark.usefixtures("agent")
async def test_errors(
    hass: HomeAssistant, set_up: SetUp, sim_camera: SimulatedCamera
) -> None:
    """Unknown names and camera failures are answered in the asked language."""
    await set_up(sim_camera, **VOICE_OPTIONS)
    response = await converse(hass, "pan the garage left")
    assert response.response_type is intent.IntentResponseType.ERROR
    assert response.error_code is intent.IntentResponseErrorCode.NO_VALID_TARGETS
    assert speech(response) == (
        "There is no camera called garage with voice control turned on."
    )
    response = await converse(hass, "centra el garaje", "es")
    assert speech(response) == (
        "No hay ninguna cámara llamada garaje con el control por voz activado."
    )

    await sim_camera.set_offline(True)
    response = await converse(hass, "center the front door")
    assert response.error_code is intent.IntentResponseErrorCode.FAILED_TO_HANDLE
    assert speech(response).startswith(
        "Front door did not move. Communication with the camera failed"
    )
    assert sim_camera.commands == []


@pytest.mark.usefixtures("agent")
async def test_visitor_may_not_move(
    hass: HomeAssistant, set_up: SetUp, sim_camera: SimulatedCamera
) -> None:
    """A visitor login cannot move the camera: nothing is sent, the user is told."""
    await set_up(sim_camera, Privilege.VISITOR, **VOICE_OPTIONS)
    response = await converse(hass, "center the front door")
    assert response.error_code is intent.IntentResponseErrorCode.FAILED_TO_HANDLE
    assert (
        speech(response) == "The camera user configured for Front door may not move it."
    )
    assert sim_camera.counters.requests["decoder_control.cgi"] == 0


@pytest.fixture
async def two_cameras(socket_enabled: None) -> AsyncGenerator[list[SimulatedCamera]]:
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


@pytest.mark.usefixtures("agent")
async def test_only_cameras_with_voice_on(
    hass: HomeAssistant, set_up: SetUp, two_cameras: list[SimulatedCamera]
) -> None:
    """The option is per camera; two cameras with one name are not guessed."""
    front = await set_up(two_cameras[0], **VOICE_OPTIONS)
    garage = await set_up(
        two_cameras[1], **VOICE_OPTIONS | {CONF_VOICE_SENTENCES: False}
    )
    response = await converse(hass, "pan the garage left")
    assert response.error_code is intent.IntentResponseErrorCode.NO_VALID_TARGETS
    assert two_cameras[1].commands == []

    await set_voice(hass, garage, True)
    await converse(hass, "pan the garage left")
    assert two_cameras[1].commands == [PtzCommand.LEFT]

    rename(hass, front, "Yard")
    rename(hass, garage, "yard")
    response = await converse(hass, "pan the yard left")
    assert speech(response) == "More than one camera is called yard."


@pytest.mark.usefixtures("agent")
async def test_fixed_camera_has_no_sentences(
    hass: HomeAssistant, set_up: SetUp, sim_camera: SimulatedCamera
) -> None:
    """Voice on but no motor: every sentence would move it, so none are offered."""
    await set_up(sim_camera, **VOICE_OPTIONS | {CONF_PAN_TILT: False})
    assert voice.voice_cameras(hass) == []
    response = await converse(hass, "pan the front door left")
    assert response.response_type is intent.IntentResponseType.ERROR
    assert sim_camera.commands == []


# -- sentence files ------------------------------------------------------------


async def test_files_follow_the_option(
    hass: HomeAssistant, set_up: SetUp, sim_camera: SimulatedCamera, config_dir: Path
) -> None:
    """Written while a camera wants voice, removed when none does."""
    entry = await set_up(sim_camera)
    assert not sentence_file(config_dir, "en").exists()

    await set_voice(hass, entry, True)
    for language in voice_files.LANGUAGES:
        text = sentence_file(config_dir, language).read_text(encoding="utf-8")
        assert text == voice_files.generated_sentences(language)
        assert voice_files.is_untouched(text)
        assert "FoscamPtzPan" in text

    await set_voice(hass, entry, False)
    assert not sentence_file(config_dir, "en").exists()
    assert not sentence_file(config_dir, "es").exists()

    await set_voice(hass, entry, True)
    assert sentence_file(config_dir, "en").exists()
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert not sentence_file(config_dir, "en").exists()


async def test_user_files_are_kept(
    hass: HomeAssistant, set_up: SetUp, sim_camera: SimulatedCamera, config_dir: Path
) -> None:
    """A file the user edited or wrote is never replaced or removed."""
    english = sentence_file(config_dir, "en")
    spanish = sentence_file(config_dir, "es")
    english.parent.mkdir(parents=True)
    english.write_text("language: en\nintents: {}\n", encoding="utf-8")
    entry = await set_up(sim_camera, **VOICE_OPTIONS)
    assert english.read_text(encoding="utf-8") == "language: en\nintents: {}\n"
    edited = spanish.read_text(encoding="utf-8").replace("gira", "voltea")
    spanish.write_text(edited, encoding="utf-8")
    assert not voice_files.is_untouched(edited)

    await set_voice(hass, entry, False)
    assert english.read_text(encoding="utf-8") == "language: en\nintents: {}\n"
    assert spanish.read_text(encoding="utf-8") == edited


async def test_outdated_file_is_refreshed(
    hass: HomeAssistant, set_up: SetUp, sim_camera: SimulatedCamera, config_dir: Path
) -> None:
    """An untouched file from an older version is replaced by the current one."""
    english = sentence_file(config_dir, "en")
    english.parent.mkdir(parents=True)
    old_body = "language: en\nintents: {}\n"
    digest = hashlib.sha256(old_body.encode()).hexdigest()
    old = voice_files.HEADER.format(digest=digest) + old_body
    english.write_text(old, encoding="utf-8")
    assert voice_files.is_untouched(old)
    await set_up(sim_camera, **VOICE_OPTIONS)
    assert english.read_text(encoding="utf-8") == voice_files.generated_sentences("en")


@pytest.mark.usefixtures("agent")
async def test_agent_reloads_when_the_option_changes(
    hass: HomeAssistant,
    set_up: SetUp,
    sim_camera: SimulatedCamera,
) -> None:
    """Sentences loaded before the option was turned on are picked up at once."""
    entry = await set_up(sim_camera, **VOICE_OPTIONS | {CONF_VOICE_SENTENCES: False})
    response = await converse(hass, "pan the front door left")
    assert response.response_type is intent.IntentResponseType.ERROR

    await set_voice(hass, entry, True)
    response = await converse(hass, "pan the front door left")
    assert speech(response) == "Panning Front door left"
    assert sim_camera.commands == [PtzCommand.LEFT]

    await set_voice(hass, entry, False)
    response = await converse(hass, "pan the front door left")
    assert response.response_type is intent.IntentResponseType.ERROR
    assert sim_camera.commands == [PtzCommand.LEFT]


async def test_unwritable_config(
    hass: HomeAssistant,
    set_up: SetUp,
    sim_camera: SimulatedCamera,
    config_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A file system error is logged; the camera still works."""
    (config_dir / "custom_sentences").write_text("not a folder", encoding="utf-8")
    entry = await set_up(sim_camera, **VOICE_OPTIONS)
    assert entry.state.name == "LOADED"
    assert "Cannot update the voice sentence files" in caplog.text


@pytest.mark.usefixtures("agent")
async def test_broken_configuration_yaml(
    hass: HomeAssistant,
    set_up: SetUp,
    sim_camera: SimulatedCamera,
    config_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The agent's reload re-reads configuration.yaml: a broken one is only logged."""
    (config_dir / "configuration.yaml").write_text(
        "conversation: [\n", encoding="utf-8"
    )
    entry = await set_up(sim_camera, **VOICE_OPTIONS)
    assert entry.state.name == "LOADED"
    assert "The conversation agent did not reload" in caplog.text
    assert sentence_file(config_dir, "en").is_file()
