"""Shared fixtures: a real simulated camera on loopback and config entries for it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Generator, Iterable, Mapping
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path
import re
from typing import Any
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.device_registry import format_mac
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from syrupy.location import PyTestLocation

from custom_components.foscam_mjpeg.const import (
    CONF_PRIVILEGE,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
)
from custom_components.foscam_mjpeg.foscam_cgi import Privilege
from simulator import CameraConfig, SimulatedCamera, Simulator

from .deprecation_guard import DeprecationReports, deprecation_reports

USERS = {
    Privilege.ADMINISTRATOR: ("admin", "admin"),
    Privilege.OPERATOR: ("operator", "operator"),
    Privilege.VISITOR: ("visitor", "visitor"),
}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


@pytest.fixture(autouse=True)
def deprecation_guard() -> Generator[DeprecationReports]:
    """Fail the test if Home Assistant reported deprecated use by this integration."""
    with deprecation_reports() as found:
        yield found
    assert not found.reports, found.reports


@pytest.fixture(autouse=True)
async def enable_event_loop_debug() -> None:
    """Turn on asyncio debug as the newest test plugin's fixture does, on every release.

    The floor's plugin asks asyncio.get_event_loop(), which fails on Python 3.14
    after a synchronous test ran asyncio.run() (the hypothesis properties do).
    """
    asyncio.get_running_loop().set_debug(True)


@pytest.fixture(autouse=True)
def no_default_discovery() -> Generator[None]:
    """Send no discovery search unless a test aims one at the simulator.

    The production default is the broadcast address; nothing in the test suite
    may send a packet to a non-loopback address.
    """
    with patch("custom_components.foscam_mjpeg.discovery.DEFAULT_TARGETS", ()):
        yield


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncGenerator[Simulator]:
    """Run one simulated camera (HTTP and UDP discovery) on 127.0.0.1.

    Home Assistant's test plugin disables sockets; the simulator needs real
    loopback sockets, so tests that use it enable them.
    """
    del socket_enabled  # requested for its side effect only
    sim = Simulator([CameraConfig(alias="Front door")], discovery_port=0)
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


@pytest.fixture
def sim_camera(simulator: Simulator) -> SimulatedCamera:
    """Return the simulated camera."""
    return simulator.cameras[0]


def entry_for(
    camera: SimulatedCamera, privilege: Privilege = Privilege.ADMINISTRATOR
) -> MockConfigEntry:
    """Return a config entry for a simulated camera, logged in at the given level."""
    username, password = USERS[privilege]
    return MockConfigEntry(
        domain=DOMAIN,
        title=camera.config.alias,
        unique_id=format_mac(camera.state.id),
        data={
            CONF_HOST: camera.host,
            CONF_PORT: camera.port,
            CONF_USERNAME: username,
            CONF_PASSWORD: password,
            CONF_PRIVILEGE: int(privilege),
        },
    )


@pytest.fixture
def config_entry(sim_camera: SimulatedCamera) -> MockConfigEntry:
    """Return a config entry for the administrator of the simulated camera."""
    return entry_for(sim_camera)


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Add an entry to Home Assistant and set it up."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set up the administrator entry and return it."""
    return await setup_entry(hass, config_entry)


PLATFORMS = "custom_components.foscam_mjpeg.PLATFORMS"
ENTITY_PLATFORMS = (
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
)


# Which (domain, key) entities each user level gets (test_privilege.py proves it).
VISITOR_ENTITIES = {
    ("binary_sensor", "input_alarm"),
    ("binary_sensor", "motion"),
    ("binary_sensor", "sound"),
    ("sensor", "alarm_status"),
    ("sensor", "clock_offset"),
    ("sensor", "ddns_status"),
    ("sensor", "msn_status"),
    ("sensor", "upnp_status"),
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


# --- helpers shared by the entity platform tests ---------------------------


def on_newest_release() -> bool:
    """Whether this runs on the newest test plugin (requirements_test.txt's pin)."""
    plugin = "pytest-homeassistant-custom-component"
    pins = (Path(__file__).parents[1] / "requirements_test.txt").read_text()
    pinned = re.search(rf"^{plugin}==(\S+)$", pins, re.MULTILINE)
    assert pinned is not None
    return pinned.group(1) == version(plugin)


# The test plugin ships no type information (no py.typed): its classes are Any.
class ReleaseSnapshotExtension(HomeAssistantSnapshotExtension):  # type: ignore[misc]
    """Snapshots in snapshots_newest/ or snapshots_floor/, by the release under test.

    Home Assistant changes how registry entries serialize between releases.
    (Not below snapshots/: syrupy would call the other release's files unused.)
    """

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """Return the directory of this release's snapshot files."""
        release = "newest" if on_newest_release() else "floor"
        return str(Path(test_location.filepath).parent / f"snapshots_{release}")


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots with Home Assistant's serializer, one directory per release."""
    return snapshot.use_extension(ReleaseSnapshotExtension)


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
    """Return the entity id of an entity of the camera by its key."""
    unique_id = f"{entry_for(camera).unique_id}_{key}"
    found = entity_registry.async_get_entity_id(domain, "foscam_mjpeg", unique_id)
    assert found is not None, (domain, key)
    return found


def camera_device(hass: HomeAssistant, entry: MockConfigEntry) -> dr.DeviceEntry:
    """Return the device of a config entry's camera (one per entry, keyed by MAC)."""
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert [device.identifiers for device in devices] == [{(DOMAIN, entry.unique_id)}]
    return devices[0]


def entry_state(entry: ConfigEntry) -> ConfigEntryState:
    """Return a config entry's state as it is now.

    An assert on ``entry.state`` narrows it for mypy until the end of the test,
    even across the awaits that change it; a call's result is read afresh.
    """
    return entry.state


def state_of(hass: HomeAssistant, entity: str) -> str:
    """Return the state string of an entity that must exist."""
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


async def assert_platform_snapshot(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
    privilege: Privilege,
) -> None:
    """Match one platform's registry entries and states for a user level.

    A user level without entities of the platform must get no entries at all.
    """
    entry = await setup_camera(hass, camera, privilege, platforms=[platform])

    if any(domain == platform for domain, _ in ENTITIES[privilege]):
        await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)
    else:
        assert not er.async_entries_for_config_entry(entity_registry, entry.entry_id)
