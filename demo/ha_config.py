"""The demo's Home Assistant configuration directory.

``configuration.yaml`` is written from ``demo/config/configuration.yaml`` on every
start. On the first start the owner user is created and onboarding is marked done
by writing Home Assistant's own ``.storage`` files, so the browser goes straight
to the login page (and no onboarding step runs that would reach the network).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
import importlib.util
import json
import os
from pathlib import Path
import socket
from string import Template
from types import ModuleType
from typing import Any, Final
import uuid

import bcrypt

LOOPBACK: Final = "127.0.0.1"
REPO_ROOT: Final = Path(__file__).resolve().parent.parent
TEMPLATE: Final = Path(__file__).resolve().parent / "config" / "configuration.yaml"
INTEGRATION: Final = REPO_ROOT / "custom_components" / "foscam_mjpeg"

# The onboarding steps of Home Assistant 2025.4 to 2026.11 (components.onboarding).
ONBOARDING_STEPS: Final = ("user", "core_config", "analytics", "integration")


@dataclass(frozen=True, slots=True)
class DemoUser:
    """The Home Assistant owner account of the demo."""

    name: str
    username: str
    password: str


DEMO_USER: Final = DemoUser(name="Demo", username="demo", password="foscam-demo")


def discovery_yaml(discovery_port: int | None) -> str:
    """Return the integration's YAML: its UDP search aimed at the simulator on loopback.

    None: no YAML at all, as on a fresh install (the browser check, in a
    network namespace with loopback only, where the search's broadcast stays).
    """
    if discovery_port is None:
        return ""
    return (
        "foscam_mjpeg:\n"
        "  discovery:\n"
        "    # The UDP search goes to the simulator on loopback only, never to a\n"
        "    # broadcast address.\n"
        "    targets:\n"
        f'      - "127.0.0.1:{discovery_port}"\n'
    )


def write_configuration(
    config_dir: Path, *, http_port: int, discovery_port: int | None
) -> None:
    """Write configuration.yaml and link the integration into custom_components/."""
    config_dir.mkdir(parents=True, exist_ok=True)
    text = Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        http_port=http_port,
        discovery=discovery_yaml(discovery_port),
        http=http_yaml(config_dir, http_port),
    )
    (config_dir / "configuration.yaml").write_text(text, encoding="utf-8")
    custom = config_dir / "custom_components"
    custom.mkdir(exist_ok=True)
    link = custom / "foscam_mjpeg"
    if link.is_symlink() and link.resolve() == INTEGRATION:
        return
    if link.is_symlink() or link.exists():
        raise RuntimeError(f"{link} exists and is not a link to {INTEGRATION}")
    link.symlink_to(INTEGRATION, target_is_directory=True)


def loopback_adapters() -> list[str]:
    """Names of the loopback network interfaces ("lo" on Linux, "lo0" on macOS)."""
    names = [name for _, name in socket.if_nameindex() if name.startswith("lo")]
    return names or ["lo"]


def write_network(config_dir: Path) -> None:
    """Enable only the loopback adapter in Home Assistant's network settings.

    Creating its aiohttp session makes Home Assistant start its shared zeroconf
    instance, which joins the mDNS multicast group on every enabled adapter
    (an IGMP report on the real network). With only loopback enabled it joins
    nothing. Written on every start: the demo never leaves 127.0.0.1.
    """
    storage = config_dir / ".storage"
    storage.mkdir(parents=True, exist_ok=True)
    _write_private(
        storage / "core.network",
        _store("core.network", 1, {"configured_adapters": loopback_adapters()}),
    )


def http_yaml(config_dir: Path, port: int) -> str:
    """Serve on 127.0.0.1:port only; return the ``http:`` YAML this release needs.

    Since 2026.11 Home Assistant keeps the HTTP settings in ``.storage/http``: it
    migrates an ``http:`` YAML block once, as a *pending* change the user must
    confirm in the UI within five minutes, or it reverts to port 8123 on every
    interface. So on such a release the settings are written there as the
    confirmed (stable) ones, on every start, and no YAML is returned. Older
    releases get the YAML block.
    """
    http_config: ModuleType | None
    try:
        http_config = importlib.import_module("homeassistant.components.http.config")
    except ImportError:  # pragma: no cover - this environment has no Home Assistant
        http_config = None
    wanted = {"server_host": [LOOPBACK], "server_port": port}
    if http_config is None or not hasattr(http_config, "HTTP_STORAGE_SCHEMA"):
        return f"http:\n  server_host: {LOOPBACK}\n  server_port: {port}\n"
    stable = {
        **http_config.HTTP_STORAGE_SCHEMA(wanted),
        "created_at": datetime.now(UTC).isoformat(),
        "error": None,
        "error_message": None,
    }
    storage = config_dir / ".storage"
    storage.mkdir(parents=True, exist_ok=True)
    body = _store(
        http_config.STORAGE_KEY,
        http_config.STORAGE_VERSION,
        {"stable": stable, "pending": None, "yaml_migration_done": True},
    )
    body["minor_version"] = http_config.STORAGE_MINOR_VERSION
    _write_private(storage / http_config.STORAGE_KEY, body)
    return ""


def disable_marketplace(config_dir: Path) -> None:
    """Turn off the built-in Marketplace (2026.11+), as a user can.

    Set up by default, it downloads its catalog from the internet when Home
    Assistant starts; nothing the demo or the benchmarks run may leave
    127.0.0.1. A disabled config entry is the user's way to turn it off (the
    integration then creates none). Written before every start.
    """
    if importlib.util.find_spec("homeassistant.components.marketplace") is None:
        return
    path = config_dir / ".storage" / "core.config_entries"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file():
        store = json.loads(path.read_text(encoding="utf-8"))
    else:
        store = _store("core.config_entries", 1, {"entries": []})
        store["minor_version"] = 5
    entries: list[dict[str, Any]] = store["data"]["entries"]
    marketplace = [entry for entry in entries if entry["domain"] == "marketplace"]
    if not marketplace:
        now = datetime.now(UTC).isoformat()
        marketplace = [
            {
                "created_at": now,
                "data": {},
                "disabled_by": None,
                "discovery_keys": {},
                "domain": "marketplace",
                "entry_id": uuid.uuid4().hex.upper()[:26],
                "minor_version": 1,
                "modified_at": now,
                "options": {},
                "pref_disable_new_entities": False,
                "pref_disable_polling": False,
                "source": "system",
                "subentries": [],
                "title": "",
                "unique_id": None,
                "version": 1,
            }
        ]
        entries.extend(marketplace)
    for entry in marketplace:
        entry["disabled_by"] = "user"
    _write_private(path, store)


def is_onboarded(config_dir: Path) -> bool:
    """Whether a previous run already created the owner and finished onboarding."""
    return (config_dir / ".storage" / "onboarding").is_file()


def _store(key: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
    """Make a Home Assistant ``Store`` file body."""
    return {"version": version, "minor_version": 1, "key": key, "data": data}


def _write_private(path: Path, content: dict[str, Any]) -> None:
    """Write JSON readable by the owner only, as Home Assistant's private stores are."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        json.dump(content, file, indent=2)


def write_onboarding(config_dir: Path, user: DemoUser = DEMO_USER) -> None:
    """Create the owner account and mark every onboarding step done.

    The layout is that of ``homeassistant.auth.auth_store`` (version 1),
    ``auth.providers.homeassistant`` (version 1, base64 of a bcrypt hash) and
    ``components.onboarding`` (version 4).
    """
    storage = config_dir / ".storage"
    storage.mkdir(parents=True, exist_ok=True)
    if (storage / "auth").exists() or (
        storage / "auth_provider.homeassistant"
    ).exists():
        raise RuntimeError(
            f"{config_dir} has users but no onboarding record; start over with --reset"
        )
    user_id = uuid.uuid4().hex
    password_hash = bcrypt.hashpw(user.password.encode(), bcrypt.gensalt(rounds=12))
    auth = {
        "users": [
            {
                "id": user_id,
                "group_ids": ["system-admin"],
                "is_owner": True,
                "is_active": True,
                "name": user.name,
                "system_generated": False,
                "local_only": False,
            }
        ],
        "groups": [
            {"id": "system-admin", "name": "Administrators"},
            {"id": "system-users", "name": "Users"},
            {"id": "system-read-only", "name": "Read Only"},
        ],
        "credentials": [
            {
                "id": uuid.uuid4().hex,
                "user_id": user_id,
                "auth_provider_type": "homeassistant",
                "auth_provider_id": None,
                "data": {"username": user.username},
            }
        ],
        "refresh_tokens": [],
    }
    provider = {
        "users": [
            {
                "username": user.username,
                "password": base64.b64encode(password_hash).decode(),
            }
        ]
    }
    _write_private(storage / "auth", _store("auth", 1, auth))
    _write_private(
        storage / "auth_provider.homeassistant",
        _store("auth_provider.homeassistant", 1, provider),
    )
    # Written last: its presence means "onboarded" (is_onboarded).
    _write_private(
        storage / "onboarding",
        _store("onboarding", 4, {"done": list(ONBOARDING_STEPS)}),
    )
