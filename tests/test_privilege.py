"""Which entities exist for which camera user, firmware and platform.

Also home to the small helpers the entity platform tests share.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Mapping
from datetime import timedelta
from typing import Any
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.foscam_mjpeg.const import DEFAULT_SCAN_INTERVAL
from custom_components.foscam_mjpeg.foscam_cgi import Privilege
from simulator import CameraConfig, SimulatedCamera, Simulator

from .conftest import entry_for

# Loopback sockets: the simulator.
pytestmark = pytest.mark.usefixtures("socket_enabled")

PLATFORMS = "custom_components.foscam_mjpeg.PLATFORMS"
ENTITY_PLATFORMS = (
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
)

VISITOR_ENTITIES = {
    ("binary_sensor", "input_alarm"),
    ("binary_sensor", "motion"),
    ("binary_sensor", "sound"),
    ("sensor", "alarm_status"),
    ("sensor", "clock_offset"),
    ("sensor", "ddns_status"),
    ("sensor", "firmware_version"),
    ("sensor", "msn_status"),
    ("sensor", "upnp_status"),
    ("sensor", "web_ui_version"),
    ("sensor", "wifi_status"),
}
OPERATOR_ENTITIES = VISITOR_ENTITIES | {
    *(
        ("button", key)
        for key in (
            "patrol_horizontal",
            "patrol_stop",
            "patrol_vertical",
            "ptz_center",
            "ptz_down",
            "ptz_down_left",
            "ptz_down_right",
            "ptz_left",
            "ptz_right",
            "ptz_up",
            "ptz_up_left",
            "ptz_up_right",
        )
    ),
    ("number", "brightness"),
    ("number", "contrast"),
    ("select", "image_orientation"),
    ("select", "power_frequency"),
    ("select", "ptz_preset"),
    ("select", "resolution"),
    ("switch", "io_output"),
}
ADMINISTRATOR_ENTITIES = OPERATOR_ENTITIES | {
    ("button", "reboot"),
    ("button", "sync_clock"),
    ("number", "motion_sensitivity"),
    ("number", "ptz_patrol_down_rate"),
    ("number", "ptz_patrol_left_rate"),
    ("number", "ptz_patrol_rate"),
    ("number", "ptz_patrol_right_rate"),
    ("number", "ptz_patrol_up_rate"),
    ("number", "sound_sensitivity"),
    ("select", "led_mode"),
    ("switch", "alarm_http"),
    ("switch", "alarm_io_linkage"),
    ("switch", "alarm_mail"),
    ("switch", "alarm_upload"),
    ("switch", "input_alarm"),
    ("switch", "motion_detection"),
    ("switch", "ntp"),
    ("switch", "sound_detection"),
    ("switch", "upnp"),
}
ENTITIES = {
    Privilege.VISITOR: VISITOR_ENTITIES,
    Privilege.OPERATOR: OPERATOR_ENTITIES,
    Privilege.ADMINISTRATOR: ADMINISTRATOR_ENTITIES,
}


# --- helpers shared by the platform tests ---------------------------------------


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots with Home Assistant's serializer, stored in tests/snapshots/."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def enable_all_entities() -> Generator[None]:
    """Create every entity enabled, also those disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


async def setup_camera(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    privilege: Privilege = Privilege.ADMINISTRATOR,
    *,
    platforms: Iterable[Platform] = ENTITY_PLATFORMS,
    options: Mapping[str, Any] | None = None,
) -> MockConfigEntry:
    """Set up an entry for the camera with the given options and platforms."""
    entry = entry_for(camera, privilege)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options=dict(options or {}))
    with patch(PLATFORMS, list(platforms)):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    return entry


async def async_poll(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float = 0
) -> None:
    """Let the next status poll happen (settings are re-read after `seconds`)."""
    freezer.tick(timedelta(seconds=seconds or DEFAULT_SCAN_INTERVAL))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def entity_id(
    entity_registry: er.EntityRegistry, domain: str, camera: SimulatedCamera, key: str
) -> str:
    """The entity id of an entity of the camera by its key."""
    unique_id = f"{entry_for(camera).unique_id}_{key}"
    found = entity_registry.async_get_entity_id(domain, "foscam_mjpeg", unique_id)
    assert found is not None, (domain, key)
    return found


def state_of(hass: HomeAssistant, entity: str) -> str:
    """The state string of an entity that must exist."""
    state = hass.states.get(entity)
    assert state is not None, entity
    return state.state


def keys_of(
    entity_registry: er.EntityRegistry, entry: MockConfigEntry
) -> set[tuple[str, str]]:
    """(domain, key) of every entity of an entry except the camera itself."""
    prefix = f"{entry.unique_id}_"
    return {
        (entity.domain, entity.unique_id.removeprefix(prefix))
        for entity in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        if entity.unique_id.startswith(prefix)
    }


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


@pytest.mark.freeze_time("2025-05-01 12:00:00.2")
@pytest.mark.usefixtures("enable_all_entities")
@pytest.mark.parametrize("privilege", list(Privilege), ids=lambda p: p.name.lower())
@pytest.mark.parametrize("platform", ENTITY_PLATFORMS)
async def test_snapshot(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
    privilege: Privilege,
) -> None:
    """Registry entries and states of each platform for each user level."""
    entry = await setup_camera(hass, sim_camera, privilege, platforms=[platform])

    if any(domain == platform for domain, _ in ENTITIES[privilege]):
        await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)
    else:
        assert not er.async_entries_for_config_entry(entity_registry, entry.entry_id)


async def test_older_firmware_without_sound_detection(
    hass: HomeAssistant, socket_enabled: None, entity_registry: er.EntityRegistry
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
    hass: HomeAssistant, socket_enabled: None, entity_registry: er.EntityRegistry
) -> None:
    """Status fields added by later firmware have no sensor when absent."""
    omitted = {"wifi_status", "msn_status", "alarm_status", "app_ver", "now"}
    async with Simulator([CameraConfig(omit_fields=frozenset(omitted))]) as sim:
        entry = await setup_camera(hass, sim.cameras[0], Privilege.VISITOR)
        keys = keys_of(entity_registry, entry)
        await hass.config_entries.async_unload(entry.entry_id)

    assert keys == {
        ("sensor", "ddns_status"),
        ("sensor", "firmware_version"),
        ("sensor", "upnp_status"),
    }


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
