"""The integration's periodic UDP discovery, against the simulator's responder."""

from __future__ import annotations

from collections.abc import Generator
from unittest.mock import AsyncMock, patch

from homeassistant.config_entries import (
    SOURCE_INTEGRATION_DISCOVERY,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.const import CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed
import voluptuous as vol

from custom_components.foscam_mjpeg import discovery
from custom_components.foscam_mjpeg.const import DISCOVERY_INTERVAL, DOMAIN
from simulator import SimulatedCamera, Simulator

from .conftest import entry_for, entry_state, setup_entry

# The production default, captured before the autouse fixture patches it away.
PRODUCTION_TARGETS = discovery.DEFAULT_TARGETS


@pytest.fixture(autouse=True)
def short_search() -> Generator[None]:
    """Listen for replies briefly: the simulator answers at once."""
    with patch.object(discovery, "DISCOVERY_TIMEOUT", 0.2):
        yield


def _config(simulator: Simulator) -> dict[str, object]:
    return {
        DOMAIN: {"discovery": {"targets": [f"127.0.0.1:{simulator.discovery_port}"]}}
    }


def _target(simulator: Simulator) -> tuple[str, int]:
    """Return the address of the simulator's discovery responder."""
    assert simulator.discovery_port is not None
    return ("127.0.0.1", simulator.discovery_port)


def _discovery_flows(hass: HomeAssistant) -> list[ConfigFlowResult]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_INTEGRATION_DISCOVERY
    ]


async def test_default_target_is_broadcast() -> None:
    """Production searches the broadcast address on the vendor's port."""
    assert PRODUCTION_TARGETS == (("255.255.255.255", 10000),)


async def test_default_search_goes_to_broadcast(hass: HomeAssistant) -> None:
    """With no configuration the search is aimed at the broadcast address.

    The search itself is captured: nothing here may send to a non-loopback address.
    """
    fake = AsyncMock(return_value=[])
    with (
        patch.object(discovery, "DEFAULT_TARGETS", PRODUCTION_TARGETS),
        patch.object(discovery, "discover", fake),
    ):
        assert await async_setup_component(hass, DOMAIN, {})
        await hass.async_block_till_done(wait_background_tasks=True)
    fake.assert_awaited_once_with(target="255.255.255.255", port=10000, timeout=0.2)


async def test_search_starts_discovery_flow(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A camera answering the search shows up as a discovered flow."""
    assert await async_setup_component(hass, DOMAIN, _config(simulator))
    await hass.async_block_till_done(wait_background_tasks=True)
    flows = _discovery_flows(hass)
    assert len(flows) == 1
    assert flows[0]["step_id"] == "discovery_confirm"
    assert flows[0]["context"]["unique_id"] == "00:62:6e:4a:00:01"
    assert flows[0]["context"]["title_placeholders"] == {"name": "Front door"}


async def test_search_repeats(hass: HomeAssistant, simulator: Simulator) -> None:
    """The search runs again every DISCOVERY_INTERVAL."""
    calls = AsyncMock(return_value=[])
    with patch.object(discovery, "discover", calls):
        assert await async_setup_component(hass, DOMAIN, _config(simulator))
        await hass.async_block_till_done(wait_background_tasks=True)
        assert calls.await_count == 1
        async_fire_time_changed(hass, dt_util.utcnow() + DISCOVERY_INTERVAL)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert calls.await_count == 2


async def test_moved_camera_updates_entry(
    hass: HomeAssistant, simulator: Simulator, sim_camera: SimulatedCamera
) -> None:
    """A configured camera found at another port gets its entry updated."""
    entry = entry_for(sim_camera)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_PORT: 1})
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY

    await discovery.async_search(hass, (_target(simulator),))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.data[CONF_PORT] == sim_camera.port
    assert entry_state(entry) is ConfigEntryState.LOADED
    assert not _discovery_flows(hass)


async def test_known_camera_not_rediscovered(
    hass: HomeAssistant, simulator: Simulator, sim_camera: SimulatedCamera
) -> None:
    """A configured camera at the same address starts no flow."""
    entry = await setup_entry(hass, entry_for(sim_camera))
    runtime = entry.runtime_data
    await discovery.async_search(hass, (_target(simulator),))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.runtime_data is runtime  # not reloaded
    assert not _discovery_flows(hass)


async def test_failed_search_is_quiet(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """A search that cannot send (no network) is logged at debug level only."""
    with patch.object(discovery, "discover", AsyncMock(side_effect=OSError("down"))):
        assert await async_setup_component(
            hass, DOMAIN, {DOMAIN: {"discovery": {"targets": ["127.0.0.1"]}}}
        )
        await hass.async_block_till_done(wait_background_tasks=True)
    assert not [
        r
        for r in caplog.records
        if r.name.startswith("custom_components") and r.levelname != "DEBUG"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("192.168.20.255", ("192.168.20.255", 10000)),
        ("10.0.0.17:10001", ("10.0.0.17", 10001)),
        ("camera.local", ("camera.local", 10000)),
    ],
)
def test_target_validation(value: str, expected: tuple[str, int]) -> None:
    """Targets are "host" or "host:port"."""
    assert discovery.DISCOVERY_SCHEMA({"targets": value})["targets"] == [expected]


@pytest.mark.parametrize("value", ["10.0.0.1:99999", "10.0.0.1:http", []])
def test_target_validation_rejects(value: object) -> None:
    """Bad ports and empty lists are configuration errors."""
    with pytest.raises(vol.Invalid):
        discovery.DISCOVERY_SCHEMA({"targets": value})
