"""Which entities exist for which camera user, firmware and settings.

The tables of entities per user level are in conftest.py; each platform's test
module snapshots that platform's entities for each user level.
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.foscam_mjpeg.const import CONF_PAN_TILT
from custom_components.foscam_mjpeg.foscam_cgi import Privilege
from simulator import CameraConfig, SimulatedCamera, Simulator

from .conftest import (
    ADMINISTRATOR_ENTITIES,
    ENTITIES,
    OPERATOR_ENTITIES,
    async_poll,
    entity_id,
    keys_of,
    setup_camera,
)

# Loopback sockets: the simulator.
pytestmark = pytest.mark.usefixtures("socket_enabled")


# --- tests -------------------------------------------------------------------


@pytest.mark.parametrize("privilege", list(Privilege), ids=lambda p: p.name.lower())
async def test_entities_per_privilege(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    privilege: Privilege,
) -> None:
    """Each user level gets exactly the entities its CGIs allow."""
    entry = await setup_camera(hass, sim_camera, privilege)

    assert keys_of(entity_registry, entry) == ENTITIES[privilege]
    if privilege < Privilege.ADMINISTRATOR:
        # Nothing above the user's level was even tried.
        assert sim_camera.counters.requests["get_params.cgi"] == 0
        assert sim_camera.counters.requests["get_misc.cgi"] == 0


# What a new administrator sees at first: the rest is a click away (entity settings).
ENABLED_BY_DEFAULT = {
    ("binary_sensor", "input_alarm"),
    ("binary_sensor", "motion"),
    ("binary_sensor", "sound"),
    ("button", "ptz_center"),
    ("button", "ptz_down"),
    ("button", "ptz_left"),
    ("button", "ptz_right"),
    ("button", "ptz_up"),
    ("button", "reboot"),
    ("button", "sync_clock"),
    ("number", "brightness"),
    ("number", "contrast"),
    ("number", "motion_sensitivity"),
    ("number", "sound_sensitivity"),
    ("select", "image_orientation"),
    ("select", "ptz_preset"),
    ("select", "resolution"),
    ("sensor", "alarm_status"),
    ("sensor", "clock_offset"),
    ("sensor", "wifi_status"),
    ("switch", "input_alarm"),
    ("switch", "io_output"),
    ("switch", "motion_detection"),
    ("switch", "sound_detection"),
}
PAN_TILT_ENTITIES = {
    key for key in ADMINISTRATOR_ENTITIES if key[1].startswith(("ptz_", "patrol_"))
}


async def test_lean_entity_set_for_an_administrator(
    hass: HomeAssistant, sim_camera: SimulatedCamera, entity_registry: er.EntityRegistry
) -> None:
    """At most 25 enabled by default (the camera entity included)."""
    entry = await setup_camera(hass, sim_camera)
    enabled = {
        (registered.domain, registered.unique_id.removeprefix(f"{entry.unique_id}_"))
        for registered in er.async_entries_for_config_entry(
            entity_registry, entry.entry_id
        )
        if registered.disabled_by is None and registered.domain != "camera"
    }
    assert enabled == ENABLED_BY_DEFAULT
    assert len(enabled) + 1 <= 25


async def test_fixed_camera_has_no_pan_tilt(
    hass: HomeAssistant, sim_camera: SimulatedCamera, entity_registry: er.EntityRegistry
) -> None:
    """Without a motor: no pad, patrols, patrol rates or preset select."""
    entry = await setup_camera(hass, sim_camera, options={CONF_PAN_TILT: False})
    assert keys_of(entity_registry, entry) == ADMINISTRATOR_ENTITIES - PAN_TILT_ENTITIES
    assert {key[1] for key in PAN_TILT_ENTITIES} >= {
        "ptz_up",
        "ptz_center",
        "patrol_stop",
        "ptz_preset",
        "ptz_patrol_rate",
    }


async def test_older_firmware_without_sound_detection(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """No sound detection entities when the camera does not report the fields."""
    omitted = {"alarm_sounddetect_armed", "alarm_sounddetect_sensitivity"}
    async with Simulator([CameraConfig(omit_fields=frozenset(omitted))]) as sim:
        entry = await setup_camera(hass, sim.cameras[0])
        keys = keys_of(entity_registry, entry)
        await hass.config_entries.async_unload(entry.entry_id)

    assert keys == ADMINISTRATOR_ENTITIES - {
        ("switch", "sound_detection"),
        ("number", "sound_sensitivity"),
        ("binary_sensor", "sound"),
    }


async def test_older_firmware_status_fields(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """Status fields added by later firmware have no sensor when absent."""
    omitted = {"wifi_status", "msn_status", "alarm_status", "app_ver", "now"}
    async with Simulator([CameraConfig(omit_fields=frozenset(omitted))]) as sim:
        entry = await setup_camera(hass, sim.cameras[0], Privilege.VISITOR)
        keys = keys_of(entity_registry, entry)
        await hass.config_entries.async_unload(entry.entry_id)

    assert keys == {("sensor", "ddns_status"), ("sensor", "upnp_status")}


async def test_presets_disabled_on_camera(
    hass: HomeAssistant, sim_camera: SimulatedCamera, entity_registry: er.EntityRegistry
) -> None:
    """Presets switched off in the camera's settings give no preset select."""
    sim_camera.state.misc.ptz_disable_preset = 1
    entry = await setup_camera(hass, sim_camera)

    assert ("select", "ptz_preset") not in keys_of(entity_registry, entry)


@pytest.mark.usefixtures("enable_all_entities")
async def test_privilege_taken_away(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Settings entities go unavailable when the camera stops granting them."""
    entry = await setup_camera(hass, sim_camera)
    admin_only = (
        ADMINISTRATOR_ENTITIES
        - OPERATOR_ENTITIES
        - {
            ("button", "reboot"),
            ("button", "sync_clock"),
        }
    )

    sim_camera.state.users[0].pri = Privilege.OPERATOR.user_level
    await async_poll(hass, freezer, 61)

    for domain, key in admin_only:
        state = hass.states.get(entity_id(entity_registry, domain, sim_camera, key))
        assert state is not None
        assert state.state == STATE_UNAVAILABLE, (domain, key)
    for domain, key in OPERATOR_ENTITIES:
        state = hass.states.get(entity_id(entity_registry, domain, sim_camera, key))
        assert state is not None
        assert state.state != STATE_UNAVAILABLE, (domain, key)
    assert entry.runtime_data.coordinator.privilege is Privilege.OPERATOR
