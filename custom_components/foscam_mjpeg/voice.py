"""Pan/tilt by voice through Home Assistant's own conversation agent: the intents.

``FoscamPtzPan``, ``FoscamPtzTilt``, ``FoscamPtzPreset`` and ``FoscamPtzCenter``
are always registered; they act only on loaded cameras whose
``voice_sentences`` option is on. The sentences that lead to them are the
files voice_files.py keeps in the user's config folder.

Success replies come from the sentence files' response templates (with the
camera's name in ``slots.camera``); error replies from the translations.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
import re
from typing import Any, Final
import unicodedata

from homeassistant.config_entries import SIGNAL_CONFIG_ENTRY_CHANGED
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    intent,
    translation,
)
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from .const import DOMAIN
from .data import FoscamConfigEntry
from .errors import translate_camera_errors
from .foscam_cgi import PRESET_COUNT, Direction, PtzCommand
from .ptz import async_ptz_move
from .validation import vol
from .voice_files import SentenceFiles, voice_enabled

SLOT_CAMERA: Final = "foscam_camera"
SLOT_PAN: Final = "foscam_pan_direction"
SLOT_TILT: Final = "foscam_tilt_direction"
SLOT_PRESET: Final = "foscam_preset"
PTZ_CGI: Final = "decoder_control.cgi"

# Words around a spoken camera name that are not part of it.
LEADING_FILLERS: Final = frozenset(
    {
        "the",
        "my",
        "el",
        "la",
        "los",
        "las",
        "mi",
        "camera",
        "camara",
        "cam",
        "de",
        "del",
    }
)
TRAILING_FILLERS: Final = frozenset({"camera", "cam", "camara"})


def _words(text: str) -> list[str]:
    """Lower-case words without accents ("Cámara" and "camara" are equal)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.findall(r"\w+", plain)


def _core(words: list[str]) -> list[str]:
    """Drop articles and "camera" around a name."""
    start, end = 0, len(words)
    while start < end and words[start] in LEADING_FILLERS:
        start += 1
    while end > start and words[end - 1] in TRAILING_FILLERS:
        end -= 1
    return words[start:end]


@dataclass(frozen=True, slots=True)
class VoiceCamera:
    """A camera voice commands may move."""

    entry: FoscamConfigEntry
    device: dr.DeviceEntry

    @property
    def name(self) -> str:
        """The name the user gave the device, else its own."""
        return self.device.name_by_user or self.device.name or self.entry.title

    def names(self) -> Iterable[str]:
        """Every name the camera answers to."""
        return filter(
            None, (self.device.name_by_user, self.device.name, self.entry.title)
        )


def voice_cameras(hass: HomeAssistant) -> list[VoiceCamera]:
    """Return the loaded cameras whose voice option is on."""
    registry = dr.async_get(hass)
    cameras = []
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        # One device per camera entry: the camera itself.
        devices = dr.async_entries_for_config_entry(registry, entry.entry_id)
        if voice_enabled(entry) and devices:
            cameras.append(VoiceCamera(entry, devices[0]))
    return cameras


def match_cameras(cameras: list[VoiceCamera], spoken: str) -> list[VoiceCamera]:
    """Cameras named like the spoken words: exact words first, then without fillers."""
    words = _words(spoken)
    for normalise in (lambda w: w, _core):
        wanted = normalise(words)
        found = [
            camera
            for camera in cameras
            if any(normalise(_words(name)) == wanted for name in camera.names())
        ]
        if found:
            return found
    return []


type PtzRun = Callable[[FoscamConfigEntry, dict[str, Any]], Awaitable[None]]


class FoscamPtzIntentHandler(intent.IntentHandler):
    """Moves the camera named in the ``foscam_camera`` slot."""

    def __init__(
        self,
        intent_type: str,
        description: str,
        slots: dict[vol.Marker, Any],
        run: PtzRun,
    ) -> None:
        """Describe one intent: its slots and what it does with them."""
        self.intent_type = intent_type
        self.description = description
        self._slots: dict[vol.Marker, Any] = {
            vol.Required(SLOT_CAMERA): cv.string,
            **slots,
        }
        self._run = run

    @property
    def slot_schema(self) -> dict[Any, Any]:
        """The camera name plus the intent's own slots."""
        return self._slots

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Find the camera, move it and report."""
        hass = intent_obj.hass
        slots = self.async_validate_slots(intent_obj.slots)
        values = {name: slot["value"] for name, slot in slots.items()}
        response = intent_obj.create_response()
        spoken = str(values[SLOT_CAMERA]).strip()

        async def fail(
            code: intent.IntentResponseErrorCode, key: str, **args: str
        ) -> intent.IntentResponse:
            response.async_set_error(
                code, await _message(hass, intent_obj.language, key, **args)
            )
            return response

        found = match_cameras(voice_cameras(hass), spoken)
        if len(found) != 1:
            key = "voice_ambiguous_camera" if found else "voice_unknown_camera"
            return await fail(
                intent.IntentResponseErrorCode.NO_VALID_TARGETS, key, name=spoken
            )
        camera = found[0]
        if not camera.entry.runtime_data.coordinator.privilege.allows(PTZ_CGI):
            return await fail(
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
                "voice_insufficient_privilege",
                name=camera.name,
            )
        try:
            with translate_camera_errors():
                await self._run(camera.entry, values)
        except HomeAssistantError as err:
            return await fail(
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
                "voice_failed",
                name=camera.name,
                error=str(err),
            )
        response.async_set_results(
            [
                intent.IntentResponseTarget(
                    type=intent.IntentResponseTargetType.DEVICE,
                    name=camera.name,
                    id=camera.device.id,
                )
            ]
        )
        response.async_set_speech_slots(
            {"camera": camera.name} | _speech_values(values)
        )
        return response


def _speech_values(values: dict[str, Any]) -> dict[str, Any]:
    return {"preset": values[SLOT_PRESET]} if SLOT_PRESET in values else {}


async def _message(hass: HomeAssistant, language: str, key: str, **args: str) -> str:
    strings = await translation.async_get_translations(
        hass, language, "exceptions", [DOMAIN]
    )
    return strings[f"component.{DOMAIN}.exceptions.{key}.message"].format(**args)


async def _move(entry: FoscamConfigEntry, values: dict[str, Any], slot: str) -> None:
    await async_ptz_move(entry, Direction(values[slot]))


async def _preset(entry: FoscamConfigEntry, values: dict[str, Any]) -> None:
    await entry.runtime_data.client.preset_go(values[SLOT_PRESET])


async def _center(entry: FoscamConfigEntry, _values: dict[str, Any]) -> None:
    await entry.runtime_data.client.decoder_control(PtzCommand.CENTER)


HANDLERS: Final = (
    FoscamPtzIntentHandler(
        "FoscamPtzPan",
        "Pans a Foscam camera left or right",
        {vol.Required(SLOT_PAN): vol.In([Direction.LEFT, Direction.RIGHT])},
        lambda entry, values: _move(entry, values, SLOT_PAN),
    ),
    FoscamPtzIntentHandler(
        "FoscamPtzTilt",
        "Tilts a Foscam camera up or down",
        {vol.Required(SLOT_TILT): vol.In([Direction.UP, Direction.DOWN])},
        lambda entry, values: _move(entry, values, SLOT_TILT),
    ),
    FoscamPtzIntentHandler(
        "FoscamPtzPreset",
        "Moves a Foscam camera to a stored preset position",
        {
            vol.Required(SLOT_PRESET): vol.All(
                vol.Coerce(int), vol.Range(min=1, max=PRESET_COUNT)
            )
        },
        _preset,
    ),
    FoscamPtzIntentHandler(
        "FoscamPtzCenter",
        "Moves a Foscam camera back to the middle of its pan/tilt range",
        {},
        _center,
    ),
)


async def async_setup_voice(hass: HomeAssistant) -> None:
    """Register the intents and keep the sentence files in line with the options."""
    for handler in HANDLERS:
        intent.async_register(hass, handler)
    files = SentenceFiles(hass)
    async_dispatcher_connect(
        hass, SIGNAL_CONFIG_ENTRY_CHANGED, files.async_entry_changed
    )
    await files.async_sync()
