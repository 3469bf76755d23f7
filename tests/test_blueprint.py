"""The motion snapshot notification blueprint: valid, and working on the simulator."""

from __future__ import annotations

from http import HTTPStatus
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
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.foscam_mjpeg.foscam_cgi import AlarmStatus
from simulator import SimulatedCamera

from .test_stream_hub import wait_for

pytestmark = pytest.mark.usefixtures("socket_enabled")

BLUEPRINT_PATH = "foscam_mjpeg/motion_snapshot_notify.yaml"
SOURCE = Path(__file__).parent.parent / "blueprints" / "automation" / BLUEPRINT_PATH
JPEG_SOI = b"\xff\xd8"


def load_blueprint(source: Path = SOURCE) -> Blueprint:
    """Parse the shipped file as Home Assistant does."""
    return Blueprint(
        yaml_util.load_yaml_dict(source),
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
        "snapshot_counter",
        "keep",
        "media_folder",
        "subfolder",
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
                    "snapshot_counter": "counter.front_door_snapshots",
                },
            }
        },
    )
    inputs.validate()
    config = inputs.async_substitute()
    assert config["triggers"][0]["entity_id"] == "binary_sensor.front_door_motion"
    notify = next(a for a in config["actions"] if a.get("action") == "notify.notify")
    assert notify["data"]["data"]["image"] == "{{ media_url }}"
    # Defaults: the media folder of Home Assistant OS and Container, a ring of 20.
    assert config["variables"]["media_folder"] == "/media"
    assert config["variables"]["keep"] == 20


def jpegs(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Return the snapshots saved so far: name → (modification time, content)."""
    return {
        path.name: (path.stat().st_mtime_ns, path.read_bytes())
        for path in sorted(folder.glob("*.jpg"))
    }


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
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Motion saves a snapshot in the media folder and notifies with it.

    The image is served to logged-in users only, the cooldown holds, and a
    ring of `keep` files is all that stays on disk.
    """
    hass.config.config_dir = str(tmp_path)
    media = tmp_path / "media"
    www = tmp_path / "www"
    # As Home Assistant sets them up: "My media" is writable by camera.snapshot.
    hass.config.media_dirs = {"local": str(media)}
    hass.config.allowlist_external_dirs = {str(www), str(media)}
    assert await async_setup_component(hass, "media_source", {})
    assert await async_setup_component(
        hass, "counter", {"counter": {"front_door_snapshots": {}}}
    )
    target = tmp_path / "blueprints" / "automation" / BLUEPRINT_PATH
    await hass.async_add_executor_job(copy_blueprint, target)
    notifications: list[ServiceCall] = async_mock_service(hass, "notify", "phone")
    inputs: dict[str, Any] = {
        "motion_sensor": "binary_sensor.front_door_motion",
        "camera": "camera.front_door",
        "notify_action": "notify.phone",
        "snapshot_counter": "counter.front_door_snapshots",
        "keep": 2,
        "media_folder": str(media),
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
    folder = media / "foscam_mjpeg"

    def running() -> int:
        state = hass.states.get(automation)
        assert state is not None
        return int(state.attributes["current"])

    async def motion_after_cooldown(count: int) -> None:
        await wait_for(lambda: running() == 0)
        await alarm(init_integration, sim_camera, AlarmStatus.NONE)
        await alarm(init_integration, sim_camera, AlarmStatus.MOTION)
        await wait_for(lambda: len(notifications) == count)

    await alarm(init_integration, sim_camera, AlarmStatus.MOTION)
    await wait_for(lambda: len(notifications) == 1)
    data = notifications[0].data
    assert data["title"] == "Motion detected"
    assert data["message"].startswith("Front door saw motion at ")
    image = data["data"]["image"]
    assert image == "/media/local/foscam_mjpeg/front_door_0.jpg"
    first = await hass.async_add_executor_job(jpegs, folder)
    assert list(first) == ["front_door_0.jpg"]
    assert first["front_door_0.jpg"][1].startswith(JPEG_SOI)
    assert not www.exists()

    # The attached path is the media source's, which needs a login.
    anonymous = await hass_client_no_auth()
    response = await anonymous.get(image)
    assert response.status == HTTPStatus.UNAUTHORIZED
    logged_in = await hass_client()
    response = await logged_in.get(image)
    assert response.status == HTTPStatus.OK
    assert await response.read() == first["front_door_0.jpg"][1]

    # Motion again within the cooldown: ignored.
    assert running() == 1
    await alarm(init_integration, sim_camera, AlarmStatus.NONE)
    await alarm(init_integration, sim_camera, AlarmStatus.MOTION)
    assert running() == 1
    assert len(notifications) == 1

    # After it: notified again, into the ring's next file.
    await motion_after_cooldown(2)
    assert notifications[1].data["data"]["image"].endswith("/front_door_1.jpg")
    # The ring is full: the third snapshot overwrites the oldest, nothing piles up.
    await motion_after_cooldown(3)
    assert notifications[2].data["data"]["image"].endswith("/front_door_0.jpg")
    third = await hass.async_add_executor_job(jpegs, folder)
    assert list(third) == ["front_door_0.jpg", "front_door_1.jpg"]
    assert third["front_door_0.jpg"][0] > first["front_door_0.jpg"][0]
    counter = hass.states.get("counter.front_door_snapshots")
    assert counter is not None
    assert counter.state == "3"
    await wait_for(lambda: running() == 0)
    await hass.async_block_till_done()
