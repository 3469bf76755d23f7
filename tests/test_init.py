"""Setup, unload, polling, reauth and repairs of the integration, against the simulator."""

from __future__ import annotations

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.foscam_mjpeg.const import (
    CONF_PRIVILEGE,
    CONF_SCAN_INTERVAL,
    DOMAIN,
    SETTINGS_REFRESH_INTERVAL,
)
from custom_components.foscam_mjpeg.foscam_cgi import Privilege
from simulator import CameraConfig, SimulatedCamera, Simulator, UserAccount
from simulator.const import Privilege as SimPrivilege

from .conftest import (
    camera_device,
    entity_id,
    entry_for,
    entry_state,
    setup_entry,
    state_of,
)

CAMERA = "camera.front_door"


async def _tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float
) -> None:
    # The coordinator adds sub-second jitter to its schedule: overshoot by 1 s.
    freezer.tick(timedelta(seconds=seconds + 1))
    async_fire_time_changed(hass)
    # Scheduled refreshes run as background tasks doing real loopback I/O.
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_setup_and_unload(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    sim_camera: SimulatedCamera,
) -> None:
    """The entry loads, registers its device, and unloads cleanly."""
    entry = init_integration
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(CAMERA) is not None

    device = camera_device(hass, entry)
    assert device.name == "Front door"
    assert device.manufacturer == "Foscam"
    assert device.model == "CGI v1 camera (firmware line 11)"
    assert device.sw_version == "11.37.2.49"
    assert device.hw_version == "Web UI 2.0.10.7"
    assert device.configuration_url == f"http://127.0.0.1:{sim_camera.port}/"
    assert (dr.CONNECTION_NETWORK_MAC, "00:62:6e:4a:00:01") in device.connections

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry_state(entry) is ConfigEntryState.NOT_LOADED
    assert state_of(hass, CAMERA) == STATE_UNAVAILABLE


async def test_offline_at_setup_retries(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    sim_camera: SimulatedCamera,
) -> None:
    """An unreachable camera makes setup retry until it answers."""
    await sim_camera.set_offline(True)
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY

    await sim_camera.set_offline(False)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=60))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry_state(config_entry) is ConfigEntryState.LOADED


async def test_bad_credentials_at_setup_start_reauth(
    hass: HomeAssistant, config_entry: MockConfigEntry, sim_camera: SimulatedCamera
) -> None:
    """A 401 from check_user.cgi at setup starts a reauth flow."""
    sim_camera.state.settings.users[0].pwd = "changed"
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


@pytest.mark.usefixtures("init_integration")
async def test_unavailable_and_recovery_logged_once(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Losing the camera makes entities unavailable with one log line each way."""
    caplog.set_level(logging.INFO, logger="custom_components.foscam_mjpeg")
    await sim_camera.set_offline(True)
    for _ in range(3):
        await _tick(hass, freezer, 10)
    assert state_of(hass, CAMERA) == STATE_UNAVAILABLE
    ours = "custom_components.foscam_mjpeg"
    lost = [
        r
        for r in caplog.records
        if r.name.startswith(ours) and r.levelno >= logging.WARNING
    ]
    assert [r.levelno for r in lost] == [logging.WARNING], [
        r.getMessage() for r in lost
    ]
    assert lost[0].getMessage().startswith("Error fetching Front door data: ")

    caplog.clear()
    await sim_camera.set_offline(False)
    for _ in range(3):
        await _tick(hass, freezer, 10)
    assert state_of(hass, CAMERA) != STATE_UNAVAILABLE
    back = [r for r in caplog.records if r.name.startswith(ours)]
    assert [r.levelno for r in back] == [logging.INFO]
    assert "recovered" in back[0].getMessage()


async def test_scan_interval_option(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    freezer: FrozenDateTimeFactory,
) -> None:
    """get_status.cgi is polled at the configured interval."""
    entry = entry_for(sim_camera)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options={CONF_SCAN_INTERVAL: 30})
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    before = sim_camera.counters.requests["get_status.cgi"]
    await _tick(hass, freezer, 10)
    assert sim_camera.counters.requests["get_status.cgi"] == before
    await _tick(hass, freezer, 19)
    assert sim_camera.counters.requests["get_status.cgi"] == before + 1


# The clock is frozen first, so that setup's settings read starts the interval.
@pytest.mark.usefixtures("freezer", "init_integration")
async def test_settings_polled_slower(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim_camera: SimulatedCamera,
) -> None:
    """Settings CGIs are read at setup and then every SETTINGS_REFRESH_INTERVAL."""
    requests = sim_camera.counters.requests
    assert requests["get_params.cgi"] == 1
    assert requests["get_misc.cgi"] == 1
    await _tick(hass, freezer, 10)
    assert requests["get_params.cgi"] == 1
    await _tick(hass, freezer, SETTINGS_REFRESH_INTERVAL.total_seconds())
    assert requests["get_params.cgi"] == 2
    assert requests["get_camera_params.cgi"] == 2


@pytest.mark.usefixtures("init_integration")
async def test_password_changed_starts_reauth_and_stops_polling(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 401 from the camera starts reauth, and polling stops hammering it."""
    sim_camera.state.settings.users[0].pwd = "changed"
    await _tick(hass, freezer, SETTINGS_REFRESH_INTERVAL.total_seconds())
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]

    polls = sum(sim_camera.counters.requests.values())
    for _ in range(5):
        await _tick(hass, freezer, 60)
    assert sum(sim_camera.counters.requests.values()) == polls


async def test_privilege_reduced_at_runtime(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    sim_camera: SimulatedCamera,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A privilege taken away is a repair issue, not a reauth."""
    sim_camera.state.settings.users[0].pri = 1  # operator on the camera's 0..2 scale
    await _tick(hass, freezer, SETTINGS_REFRESH_INTERVAL.total_seconds())

    coordinator = init_integration.runtime_data.coordinator
    assert coordinator.last_update_success
    assert coordinator.privilege is Privilege.OPERATOR
    assert coordinator.data.params is None
    assert coordinator.data.camera_params is not None
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    issue = issue_registry.async_get_issue(
        DOMAIN, f"privilege_reduced_{init_integration.entry_id}"
    )
    assert issue is not None
    assert issue.translation_placeholders == {
        "name": "Front door",
        "configured": "administrator",
        "granted": "operator",
    }

    # On reload the lower level is stored, the entity set follows it and the
    # issue, now resolved, is gone.
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.data[CONF_PRIVILEGE] == Privilege.OPERATOR
    assert not issue_registry.async_get_issue(
        DOMAIN, f"privilege_reduced_{init_integration.entry_id}"
    )

    # Restoring the level on the camera clears the issue at the next setup.
    sim_camera.state.settings.users[0].pri = 2
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.data[CONF_PRIVILEGE] == Privilege.ADMINISTRATOR
    assert not issue_registry.async_get_issue(
        DOMAIN, f"privilege_reduced_{init_integration.entry_id}"
    )


async def test_privilege_repair_fixed_by_the_user(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    sim_camera: SimulatedCamera,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Settings → Repairs → the issue → Submit: the entry reloads and the issue clears."""
    assert await async_setup_component(hass, "repairs", {})
    sim_camera.state.settings.users[0].pri = 1  # operator on the camera's 0..2 scale
    await init_integration.runtime_data.coordinator.settings.async_refresh()
    issue_id = f"privilege_reduced_{init_integration.entry_id}"
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable

    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert response.status == 200
    flow = await response.json()
    assert flow["step_id"] == "confirm"
    assert flow["description_placeholders"] == {
        "name": "Front door",
        "configured": "administrator",
        "granted": "operator",
    }
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}")
    assert response.status == 200
    assert (await response.json())["type"] == "create_entry"
    await hass.async_block_till_done()

    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.data[CONF_PRIVILEGE] == Privilege.OPERATOR
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    # Still none at the next polls: the entry runs at the granted level.
    await _tick(hass, freezer, SETTINGS_REFRESH_INTERVAL.total_seconds())
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_visitor_reads_no_admin_settings(
    hass: HomeAssistant, sim_camera: SimulatedCamera
) -> None:
    """A visitor entry never calls administrator CGIs."""
    entry = await setup_entry(hass, entry_for(sim_camera, Privilege.VISITOR))
    assert entry.state is ConfigEntryState.LOADED
    data = entry.runtime_data.coordinator.data
    assert data.params is None
    assert data.misc is None
    assert sim_camera.counters.requests["get_params.cgi"] == 0


@pytest.mark.usefixtures("socket_enabled")
async def test_empty_admin_password_repair(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    """Factory-default cameras (admin without password) get a repair issue."""
    users = (
        UserAccount("admin", "", SimPrivilege.ADMINISTRATOR),
        UserAccount("viewer", "secret", SimPrivilege.VISITOR),
    )
    async with Simulator([CameraConfig(alias="Yard", users=users)]) as sim:
        camera = sim.cameras[0]
        entry = entry_for(camera)
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="Yard",
            unique_id=entry.unique_id,
            data={**entry.data, CONF_PASSWORD: ""},
        )
        await setup_entry(hass, entry)
        issue_id = f"empty_admin_password_{entry.entry_id}"
        assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None

        # Once the admin has a password (and the entry follows), the issue goes.
        camera.state.settings.users[0].pwd = "s3cret"
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_PASSWORD: "s3cret"}
        )
        await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        assert issue_registry.async_get_issue(DOMAIN, issue_id) is None

        await hass.config_entries.async_remove(entry.entry_id)
        await hass.async_block_till_done()


@pytest.mark.usefixtures("socket_enabled")
async def test_other_admin_without_password_detected(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    """An administrator entry also notices another admin account left empty."""
    users = (
        UserAccount("admin", "admin", SimPrivilege.ADMINISTRATOR),
        UserAccount("root", "", SimPrivilege.ADMINISTRATOR),
    )
    async with Simulator([CameraConfig(alias="Yard", users=users)]) as sim:
        entry = await setup_entry(hass, entry_for(sim.cameras[0]))
        assert issue_registry.async_get_issue(
            DOMAIN, f"empty_admin_password_{entry.entry_id}"
        )
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_remove_entry_deletes_issues(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Removing a camera forgets its repair issues."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"privilege_reduced_{init_integration.entry_id}",
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="privilege_reduced",
    )
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert not issue_registry.issues


async def test_options_change_reloads(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Changed options apply by reload; unchanged updates do not reload."""
    runtime = init_integration.runtime_data
    hass.config_entries.async_update_entry(init_integration, title="Renamed")
    await hass.async_block_till_done()
    assert init_integration.runtime_data is runtime

    async def save_options(scan_interval: float) -> None:
        flow = await hass.config_entries.options.async_init(init_integration.entry_id)
        await hass.config_entries.options.async_configure(
            flow["flow_id"], {CONF_SCAN_INTERVAL: scan_interval}
        )
        await hass.async_block_till_done()

    await save_options(20)
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.runtime_data is not runtime
    assert init_integration.runtime_data.coordinator.update_interval == timedelta(
        seconds=20
    )

    runtime = init_integration.runtime_data
    await save_options(20)
    assert init_integration.runtime_data is runtime


async def test_alias_renamed_on_camera_keeps_device_name(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    sim_camera: SimulatedCamera,
) -> None:
    """Renaming the camera's alias elsewhere does not rename the device."""
    sim_camera.state.settings.alias = "Somewhere else"
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    device = camera_device(hass, init_integration)
    assert device.name == "Front door"


@pytest.mark.usefixtures("init_integration")
async def test_settings_changed_on_the_camera_show_up(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
) -> None:
    """A setting changed in the camera's own web page appears within the interval.

    Only Home Assistant's clock moves here (no freezer): the settings have
    their own coordinator on Home Assistant's scheduler, not a cadence kept
    with the process's monotonic clock.
    """
    switch = entity_id(entity_registry, "switch", sim_camera, "motion_detection")
    sim_camera.state.settings.alarm.motion_armed = 1
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass, switch) == "off"  # only the status was polled

    async_fire_time_changed(
        hass, dt_util.utcnow() + SETTINGS_REFRESH_INTERVAL + timedelta(seconds=1)
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass, switch) == "on"
