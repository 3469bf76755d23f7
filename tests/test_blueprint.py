"""The motion snapshot notification blueprint: valid, and working on the simulator."""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import Any

from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint, BlueprintInputs
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from homeassistant.util import yaml as yaml_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_mock_service,
)

from custom_components.foscam_mjpeg.foscam_cgi import AlarmStatus
from simulator import SimulatedCamera

from .test_stream_hub import wait_for

pytestmark = pytest.mark.usefixtures("socket_enabled")

BLUEPRINT_PATH = "foscam_mjpeg/motion_snapshot_notify.yaml"
SOURCE = Path(__file__).parent.parent / "blueprints" / "automation" / BLUEPRINT_PATH
JPEG_SOI = b"\xff\xd8"


def load_blueprint() -> Blueprint:
    """Parse the shipped file as Home Assistant does."""
    return Blueprint(
        yaml_util.load_yaml_dict(SOURCE),
        path=BLUEPRINT_PATH,
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )


def test_blueprint_is_valid() -> None:
    """The blueprint passes the automation blueprint schema, inputs and selectors."""
    blueprint = load_blueprint()
    assert blueprint.domain == "automation"
    assert set(blueprint.inputs) == {
        "motion_sensor",
        "camera",
        "notify_action",
        "title",
        "message",
        "snapshot_folder",
        "snapshot_url",
        "cooldown",
    }
    inputs = BlueprintInputs(
        blueprint,
        {
            "use_blueprint": {
                "path": BLUEPRINT_PATH,
                "input": {
                    "motion_sensor": "binary_sensor.front_door_motion",
                    "camera": "camera.front_door",
                },
            }
        },
    )
    inputs.validate()
    config = inputs.async_substitute()
    assert config["triggers"][0]["entity_id"] == "binary_sensor.front_door_motion"
    assert config["actions"][1]["action"] == "notify.notify"


def jpegs(folder: Path) -> list[tuple[Path, bytes]]:
    """The snapshots saved so far."""
    return [(path, path.read_bytes()) for path in sorted(folder.glob("*.jpg"))]


def copy_blueprint(target: Path) -> None:
    """Install the blueprint as a user would."""
    target.parent.mkdir(parents=True)
    shutil.copy(SOURCE, target)


async def alarm(
    entry: MockConfigEntry, camera: SimulatedCamera, status: AlarmStatus
) -> None:
    """Set the camera's alarm and poll it now.

    Real time in this test: the simulator renders the snapshot's frame on a
    timer, and the cooldown must still be running when motion comes back.
    """
    camera.trigger_alarm(status)
    await entry.runtime_data.coordinator.async_refresh()


async def test_automation_from_blueprint(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    sim_camera: SimulatedCamera,
    tmp_path: Path,
) -> None:
    """Motion saves a snapshot and notifies with it, then waits out the cooldown."""
    hass.config.config_dir = str(tmp_path)
    www = tmp_path / "www"
    hass.config.allowlist_external_dirs = {str(www)}
    target = tmp_path / "blueprints" / "automation" / BLUEPRINT_PATH
    await hass.async_add_executor_job(copy_blueprint, target)
    notifications: list[ServiceCall] = async_mock_service(hass, "notify", "phone")
    inputs: dict[str, Any] = {
        "motion_sensor": "binary_sensor.front_door_motion",
        "camera": "camera.front_door",
        "notify_action": "notify.phone",
        "snapshot_folder": str(www / "cams"),
        "snapshot_url": "/local/cams",
        "cooldown": 1,
    }
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "motion_snapshot",
                "use_blueprint": {"path": BLUEPRINT_PATH, "input": inputs},
            }
        },
    )
    automation = hass.states.async_entity_ids("automation")[0]

    def running() -> int:
        state = hass.states.get(automation)
        assert state is not None
        return int(state.attributes["current"])

    await alarm(init_integration, sim_camera, AlarmStatus.MOTION)
    await wait_for(lambda: len(notifications) == 1)
    data = notifications[0].data
    assert data["title"] == "Motion detected"
    assert data["message"].startswith("Front door saw motion at ")
    image = data["data"]["image"]
    assert image.startswith("/local/cams/front_door_")
    assert image.endswith(".jpg")
    snapshots = await hass.async_add_executor_job(jpegs, www / "cams")
    assert [path.name for path, _ in snapshots] == [image.removeprefix("/local/cams/")]
    assert snapshots[0][1].startswith(JPEG_SOI)

    # Motion again within the cooldown: ignored.
    assert running() == 1
    await alarm(init_integration, sim_camera, AlarmStatus.NONE)
    await alarm(init_integration, sim_camera, AlarmStatus.MOTION)
    assert running() == 1
    # After it: notified again.
    await wait_for(lambda: running() == 0)
    assert len(notifications) == 1
    await alarm(init_integration, sim_camera, AlarmStatus.NONE)
    await alarm(init_integration, sim_camera, AlarmStatus.MOTION)
    await wait_for(lambda: len(notifications) == 2)
    await hass.async_block_till_done()
