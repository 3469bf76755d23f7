"""Tests of the alarm device triggers, with real automations on the simulator."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.device_automation import (
    DeviceAutomationType,
    async_get_device_automations,
)
from homeassistant.components.device_automation.exceptions import (
    InvalidDeviceAutomationConfig,
)
from homeassistant.core import Context, HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.trigger import TriggerInfo
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.foscam_mjpeg import device_trigger
from custom_components.foscam_mjpeg.const import DOMAIN
from custom_components.foscam_mjpeg.foscam_cgi import AlarmStatus
from simulator import SimulatedCamera

from .conftest import camera_device

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.fixture
def device_id(hass: HomeAssistant, init_integration: MockConfigEntry) -> str:
    """Return the camera's device id."""
    return camera_device(hass, init_integration).id


@pytest.fixture
def calls(hass: HomeAssistant) -> list[ServiceCall]:
    """Record calls of the automations' test action."""
    calls: list[ServiceCall] = async_mock_service(hass, "test", "automation")
    return calls


def trigger(device_id: str, trigger_type: str, **extra: Any) -> dict[str, Any]:
    """Return a device trigger of ours."""
    return {
        "platform": "device",
        "domain": DOMAIN,
        "device_id": device_id,
        "type": trigger_type,
        **extra,
    }


async def set_up_automations(hass: HomeAssistant, device_id: str, **extra: Any) -> None:
    """One automation per trigger type, reporting which one ran."""
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "triggers": [trigger(device_id, trigger_type, **extra)],
                    "actions": [
                        {
                            "action": "test.automation",
                            "data": {
                                "type": trigger_type,
                                "entity_id": "{{ trigger.entity_id }}",
                            },
                        }
                    ],
                }
                for trigger_type in device_trigger.TRIGGER_TYPES
            ]
        },
    )


async def poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the next status poll happen (the coordinator adds jitter: overshoot).

    A request still in flight would time out when the clock jumps: let it end.
    """
    await hass.async_block_till_done(wait_background_tasks=True)
    freezer.tick(timedelta(seconds=11))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_get_triggers(hass: HomeAssistant, device_id: str) -> None:
    """All three alarms are offered for a camera that reports them."""
    automations = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, [device_id]
    )
    ours = [t for t in automations[device_id] if t["domain"] == DOMAIN]
    assert sorted(t["type"] for t in ours) == ["input_alarm", "motion", "sound"]
    assert all(t["device_id"] == device_id for t in ours)


async def test_get_triggers_only_existing_sensors(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_id: str,
    entity_registry: er.EntityRegistry,
) -> None:
    """Without its binary sensor, a trigger is not offered (and not valid)."""
    sound = entity_registry.async_get_entity_id(
        "binary_sensor", DOMAIN, f"{init_integration.unique_id}_sound"
    )
    assert sound is not None
    entity_registry.async_remove(sound)
    triggers = await device_trigger.async_get_triggers(hass, device_id)
    assert sorted(t["type"] for t in triggers) == ["input_alarm", "motion"]
    with pytest.raises(InvalidDeviceAutomationConfig):
        await device_trigger.async_validate_trigger_config(
            hass, trigger(device_id, "sound")
        )


async def test_other_devices(
    hass: HomeAssistant, device_registry: dr.DeviceRegistry
) -> None:
    """Unknown devices and other integrations' devices have no triggers of ours."""
    assert await device_trigger.async_get_triggers(hass, "nope") == []
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    device = device_registry.async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "1")}
    )
    assert await device_trigger.async_get_triggers(hass, device.id) == []


async def test_capabilities(hass: HomeAssistant, device_id: str) -> None:
    """A trigger may require the alarm to last a while."""
    capabilities = await device_trigger.async_get_trigger_capabilities(
        hass, trigger(device_id, "motion")
    )
    assert capabilities["extra_fields"]({"for": {"seconds": 5}}) == {
        "for": timedelta(seconds=5)
    }


@pytest.mark.usefixtures("init_integration")
async def test_motion_runs_automation(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    device_id: str,
    calls: list[ServiceCall],
    freezer: FrozenDateTimeFactory,
) -> None:
    """The camera's motion alarm runs the motion automation, once per alarm."""
    await set_up_automations(hass, device_id)
    sim_camera.trigger_alarm(AlarmStatus.MOTION)
    await poll(hass, freezer)
    assert [call.data["type"] for call in calls] == ["motion"]
    assert calls[0].data["entity_id"] == "binary_sensor.front_door_motion"

    await poll(hass, freezer)  # still on: no new run
    sim_camera.trigger_alarm(AlarmStatus.NONE)
    await poll(hass, freezer)
    sim_camera.trigger_alarm(AlarmStatus.SOUND)
    await poll(hass, freezer)
    sim_camera.trigger_alarm(AlarmStatus.INPUT)
    await poll(hass, freezer)
    assert [call.data["type"] for call in calls] == ["motion", "sound", "input_alarm"]


@pytest.mark.usefixtures("init_integration")
async def test_for_duration(
    hass: HomeAssistant,
    sim_camera: SimulatedCamera,
    device_id: str,
    calls: list[ServiceCall],
    freezer: FrozenDateTimeFactory,
) -> None:
    """With `for`, the alarm must last that long (longer than one poll here)."""
    await set_up_automations(hass, device_id, **{"for": {"seconds": 15}})
    sim_camera.trigger_alarm(AlarmStatus.MOTION)
    await poll(hass, freezer)
    assert calls == []
    for _ in range(2):
        await poll(hass, freezer)
    assert [call.data["type"] for call in calls] == ["motion"]


async def test_attach_without_sensor(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_id: str,
    entity_registry: er.EntityRegistry,
) -> None:
    """A sensor removed after validation cannot be attached."""

    async def action(
        run_variables: dict[str, Any], context: Context | None = None
    ) -> None:
        """Never runs."""

    trigger_info = TriggerInfo(
        domain="automation",
        name="test",
        variables={},
        trigger_data={"id": "0", "idx": "0", "alias": None},
    )
    config = await device_trigger.async_validate_trigger_config(
        hass, trigger(device_id, "input_alarm")
    )
    entity_id = entity_registry.async_get_entity_id(
        "binary_sensor", DOMAIN, f"{init_integration.unique_id}_input_alarm"
    )
    assert entity_id is not None
    entity_registry.async_remove(entity_id)
    with pytest.raises(InvalidDeviceAutomationConfig):
        await device_trigger.async_attach_trigger(hass, config, action, trigger_info)
