"""Voice sentence files in the user's config folder.

``<config>/custom_sentences/<language>/foscam_mjpeg.yaml`` is copied from
``sentences/<language>.yaml`` while at least one camera has the
``voice_sentences`` option on, and removed when none has. The first line of a
copied file records the hash of the rest: a file whose content no longer
matches it was edited by the user and is never changed or removed.
The intents those sentences lead to are in voice.py.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import hashlib
from pathlib import Path
import re
from typing import Final

from homeassistant.config_entries import ConfigEntry, ConfigEntryChange
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from .const import CONF_VOICE_SENTENCES, DEFAULT_VOICE_SENTENCES, DOMAIN, LOGGER
from .helpers import has_pan_tilt

LANGUAGES: Final = ("en", "es")
TEMPLATE_DIR: Final = Path(__file__).parent / "sentences"
SENTENCE_FILE: Final = f"{DOMAIN}.yaml"
HEADER: Final = (
    "# Written by the Foscam MJPEG integration (sha256 {digest}). It is replaced or\n"
    "# removed only while the text below is unchanged: edit it to keep your version.\n"
)
HEADER_DIGEST: Final = re.compile(r"\(sha256 ([0-9a-f]{64})\)")


def generated_sentences(language: str) -> str:
    """Return the file we write for a language: a header with the body's hash, then the body."""
    body = (TEMPLATE_DIR / f"{language}.yaml").read_text(encoding="utf-8")
    digest = hashlib.sha256(body.encode()).hexdigest()
    return HEADER.format(digest=digest) + body


def is_untouched(text: str) -> bool:
    """Whether a file is one we wrote, unchanged since (its header hash still fits)."""
    header_lines = HEADER.count("\n")
    lines = text.splitlines(keepends=True)
    match = HEADER_DIGEST.search("".join(lines[:header_lines]))
    body = "".join(lines[header_lines:])
    return match is not None and hashlib.sha256(body.encode()).hexdigest() == match[1]


def sync_sentence_files(config_dir: Path, wanted: bool) -> bool:
    """Write, refresh or remove our sentence files; return whether any changed.

    Runs in the executor. Never touches a file the user edited or wrote.
    """
    changed = False
    for language in LANGUAGES:
        path = config_dir / "custom_sentences" / language / SENTENCE_FILE
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        ours = current is not None and is_untouched(current)
        if wanted:
            generated = generated_sentences(language)
            if current is None or (ours and current != generated):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(generated, encoding="utf-8")
                changed = True
        elif ours:
            path.unlink()
            changed = True
    return changed


def voice_enabled(entry: ConfigEntry) -> bool:
    """Whether the user opted in to voice control of this camera's motor.

    Every sentence moves the camera: a camera without a motor has none.
    """
    return has_pan_tilt(entry.options) and bool(
        entry.options.get(CONF_VOICE_SENTENCES, DEFAULT_VOICE_SENTENCES)
    )


@dataclass
class SentenceFiles:
    """Keeps the sentence files in line with the entries' options."""

    hass: HomeAssistant
    _written: bool | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def _wanted(self) -> bool:
        return any(
            voice_enabled(entry) and entry.disabled_by is None
            for entry in self.hass.config_entries.async_entries(DOMAIN)
        )

    @callback
    def async_entry_changed(
        self, _change: ConfigEntryChange, entry: ConfigEntry
    ) -> None:
        """Re-check after any change to one of our entries (options, removal)."""
        if entry.domain == DOMAIN and self._wanted() != self._written:
            self.hass.async_create_task(self.async_sync(), eager_start=False)

    async def async_sync(self) -> None:
        """Write or remove the files, then let the conversation agent reload them."""
        async with self._lock:
            wanted = self._wanted()
            if wanted == self._written:
                return
            config_dir = Path(self.hass.config.config_dir)
            try:
                changed = await self.hass.async_add_executor_job(
                    sync_sentence_files, config_dir, wanted
                )
            except OSError as err:
                LOGGER.warning("Cannot update the voice sentence files: %s", err)
                return
            self._written = wanted
            if changed and self.hass.services.has_service("conversation", "reload"):
                try:
                    await self.hass.services.async_call(
                        "conversation", "reload", blocking=True
                    )
                except HomeAssistantError as err:
                    # Since 2026.x the reload re-reads configuration.yaml first.
                    LOGGER.warning("The conversation agent did not reload: %s", err)
