"""Shared fixtures: a real simulated camera on loopback and config entries for it."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from unittest.mock import patch

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import format_mac
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.foscam_mjpeg.const import CONF_PRIVILEGE, DOMAIN
from custom_components.foscam_mjpeg.foscam_cgi import Privilege
from simulator import CameraConfig, SimulatedCamera, Simulator

USERS = {
    Privilege.ADMINISTRATOR: ("admin", "admin"),
    Privilege.OPERATOR: ("operator", "operator"),
    Privilege.VISITOR: ("visitor", "visitor"),
}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


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
    sim = Simulator([CameraConfig(alias="Front door")], discovery_port=0)
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


@pytest.fixture
def sim_camera(simulator: Simulator) -> SimulatedCamera:
    """The simulated camera."""
    return simulator.cameras[0]


def entry_for(
    camera: SimulatedCamera, privilege: Privilege = Privilege.ADMINISTRATOR
) -> MockConfigEntry:
    """A config entry for a simulated camera, logged in at the given level."""
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
    """A config entry for the administrator of the simulated camera."""
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
    """The administrator entry, set up."""
    return await setup_entry(hass, config_entry)
