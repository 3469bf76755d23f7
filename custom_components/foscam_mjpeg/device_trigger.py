"""Device triggers: the alarms a camera reports (motion, sound, input).

Built on the alarm binary sensors: a trigger fires when its sensor turns from
off to on. The sensor is looked up by unique_id when the trigger attaches, so
renaming its entity_id does not break automations.
"""

from __future__ import annotations

from typing import Final

from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.components.device_automation.exceptions import (
    InvalidDeviceAutomationConfig,
)
from homeassistant.components.homeassistant.triggers import state as state_trigger
from homeassistant.const import (
    CONF_DEVICE_ID,
    CONF_DOMAIN,
    CONF_ENTITY_ID,
    CONF_FOR,
    CONF_PLATFORM,
    CONF_TYPE,
    STATE_OFF,
    STATE_ON,
    Platform,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .validation import vol

# Trigger type == the binary sensor's key (unique_id suffix).
TRIGGER_TYPES: Final = ("motion", "sound", "input_alarm")

TRIGGER_SCHEMA: Final = DEVICE_TRIGGER_BASE_SCHEMA.extend(
    {
        vol.Required(CONF_TYPE): vol.In(TRIGGER_TYPES),
        vol.Optional(CONF_FOR): cv.positive_time_period_dict,
    }
)


def _sensor_entity_ids(hass: HomeAssistant, device_id: str) -> dict[str, str]:
    """Return the alarm binary sensors of one of our devices, by trigger type."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        return {}
    registry = er.async_get(hass)
    found: dict[str, str] = {}
    for domain, unique_id in device.identifiers:
        if domain != DOMAIN:
            continue
        for trigger_type in TRIGGER_TYPES:
            entity_id = registry.async_get_entity_id(
                Platform.BINARY_SENSOR, DOMAIN, f"{unique_id}_{trigger_type}"
            )
            if entity_id is not None:
                found[trigger_type] = entity_id
    return found


async def async_validate_trigger_config(
    hass: HomeAssistant, config: ConfigType
) -> ConfigType:
    """Check the device still has the sensor behind the trigger."""
    config = TRIGGER_SCHEMA(config)
    if config[CONF_TYPE] not in _sensor_entity_ids(hass, config[CONF_DEVICE_ID]):
        raise InvalidDeviceAutomationConfig(
            f"Device {config[CONF_DEVICE_ID]} has no {config[CONF_TYPE]} alarm"
        )
    return config


async def async_get_triggers(
    hass: HomeAssistant, device_id: str
) -> list[dict[str, str]]:
    """Return the triggers whose binary sensor exists on this device."""
    return [
        {
            CONF_PLATFORM: "device",
            CONF_DOMAIN: DOMAIN,
            CONF_DEVICE_ID: device_id,
            CONF_TYPE: trigger_type,
        }
        for trigger_type in _sensor_entity_ids(hass, device_id)
    ]


async def async_get_trigger_capabilities(
    hass: HomeAssistant,
    config: ConfigType,  # noqa: ARG001 (Home Assistant's hook signature)
) -> dict[str, vol.Schema]:
    """Optionally require the alarm to last a while."""
    return {
        "extra_fields": vol.Schema(
            {vol.Optional(CONF_FOR): cv.positive_time_period_dict}
        )
    }


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Listen for the sensor's off -> on change."""
    entity_ids = _sensor_entity_ids(hass, config[CONF_DEVICE_ID])
    if (entity_id := entity_ids.get(config[CONF_TYPE])) is None:
        raise InvalidDeviceAutomationConfig(
            f"Device {config[CONF_DEVICE_ID]} has no {config[CONF_TYPE]} alarm"
        )
    state_config: ConfigType = {
        CONF_PLATFORM: "state",
        CONF_ENTITY_ID: entity_id,
        state_trigger.CONF_FROM: STATE_OFF,
        state_trigger.CONF_TO: STATE_ON,
    }
    if CONF_FOR in config:
        state_config[CONF_FOR] = config[CONF_FOR]
    state_config = await state_trigger.async_validate_trigger_config(hass, state_config)
    return await state_trigger.async_attach_trigger(
        hass, state_config, action, trigger_info, platform_type="device"
    )
