"""The "Foscam demo" dashboard, built from the entity and device registries.

Entity ids are only known once the cameras are added, so the runner writes the
dashboard whenever the set of cameras changes. Entities are found by their
translation key, not by their id: renaming an entity does not break the card.
"""

from __future__ import annotations

from typing import Any, Final

type Json = dict[str, Any]

DOMAIN: Final = "foscam_mjpeg"
URL_PATH: Final = "foscam-demo"
VIEW_PATH: Final = "cameras"
TITLE: Final = "Foscam demo"
ICON: Final = "mdi:cctv"

# The PTZ pad, row by row, as the user sees the picture.
PTZ_PAD: Final = (
    ("ptz_up_left", "ptz_up", "ptz_up_right"),
    ("ptz_left", "ptz_center", "ptz_right"),
    ("ptz_down_left", "ptz_down", "ptz_down_right"),
)
STATUS_DOMAINS: Final = ("binary_sensor", "sensor")
FULL_WIDTH: Final = {"grid_options": {"columns": "full"}}


def no_cameras_text(aliases: list[str], username: str, password: str) -> str:
    """Markdown shown until the first camera is added."""
    others = ", ".join(f"*{alias}*" for alias in aliases[1:]) or "the others"
    return f"""\
## No camera added yet

The simulated cameras were found by the UDP search and wait under
**Settings → Devices & services → Discovered**.

1. Click **Add** on *{aliases[0]}*.
2. Keep user name **{username}**, enter password **{password}**, click
   **Submit**, then **Skip and finish** (or name the device and pick an area). Do the same for {others}.

This dashboard fills itself in as soon as a camera is added.
"""


def _domain(entity_id: str) -> str:
    return entity_id.partition(".")[0]


def _press(entity_id: str, name: str) -> Json:
    """Make a button card that presses a button entity."""
    return {
        "type": "button",
        "entity": entity_id,
        "name": name,
        "show_state": False,
        "icon_height": "32px",
        "tap_action": {
            "action": "perform-action",
            "perform_action": "button.press",
            "target": {"entity_id": entity_id},
        },
        "hold_action": {"action": "more-info"},
    }


def _entity_name(entity: Json) -> str:
    return str(entity.get("name") or entity.get("original_name") or entity["entity_id"])


def _tile(entity: Json) -> Json:
    """Make a tile named without the device name (the section's heading shows it)."""
    return {"type": "tile", "entity": entity["entity_id"], "name": _entity_name(entity)}


def camera_section(device_name: str, entities: list[Json]) -> Json:
    """Live view, PTZ pad, preset select, alarm switches and status of one camera."""
    by_key = {e.get("translation_key"): e for e in entities}
    camera = next((e for e in entities if _domain(e["entity_id"]) == "camera"), None)
    cards: list[Json] = [{"type": "heading", "heading": device_name, "icon": ICON}]
    if camera is not None:
        cards.append(
            {
                "type": "picture-entity",
                "entity": camera["entity_id"],
                "camera_view": "live",
                "show_name": False,
                "show_state": False,
                **FULL_WIDTH,
            }
        )
    # Disabled buttons (the diagonals by default) leave their cell empty, so
    # every arrow stays where it points.
    pad: list[dict[str, Any]] = [
        _press(by_key[key]["entity_id"], _entity_name(by_key[key]))
        if key in by_key
        else {"type": "vertical-stack", "cards": []}
        for row in PTZ_PAD
        for key in row
    ]
    if any(key in by_key for row in PTZ_PAD for key in row):
        cards.append(
            {
                "type": "grid",
                "columns": 3,
                "square": False,
                "cards": pad,
                **FULL_WIDTH,
            }
        )
    if (preset := by_key.get("ptz_preset")) is not None:
        cards.append(
            {
                **_tile(preset),
                "features": [{"type": "select-options"}],
                "features_position": "inline",
                **FULL_WIDTH,
            }
        )
    primary = [e for e in entities if e.get("entity_category") is None]
    cards.extend(_tile(e) for e in primary if _domain(e["entity_id"]) == "switch")
    cards.extend(
        _tile(e)
        for domain in STATUS_DOMAINS
        for e in primary
        if _domain(e["entity_id"]) == domain
    )
    return {"type": "grid", "cards": cards}


def build(
    entries: list[Json], devices: list[Json], entities: list[Json], empty_text: str
) -> Json:
    """Build the dashboard for the loaded config entries of the integration."""
    sections: list[Json] = []
    # In the cameras' order (their ids count up), not alphabetically.
    for entry in sorted(entries, key=lambda e: str(e.get("unique_id"))):
        if entry.get("state") != "loaded":
            continue
        entry_id = entry["entry_id"]
        device = next(
            (d for d in devices if entry_id in d.get("config_entries", [])), None
        )
        own = [
            e
            for e in entities
            if e.get("config_entry_id") == entry_id
            and e.get("platform") == DOMAIN
            and e.get("disabled_by") is None
            and e.get("hidden_by") is None
        ]
        name = str(
            (device and (device.get("name_by_user") or device.get("name")))
            or entry.get("title")
        )
        sections.append(camera_section(name, own))
    if not sections:
        sections.append(
            {"type": "grid", "cards": [{"type": "markdown", "content": empty_text}]}
        )
    return {
        "title": TITLE,
        "views": [
            {
                "title": "Cameras",
                "path": VIEW_PATH,
                "icon": ICON,
                "type": "sections",
                "max_columns": 2,
                "sections": sections,
            }
        ],
    }
