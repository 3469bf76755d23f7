"""Diagnostics carry the camera's state with every secret redacted."""

from __future__ import annotations

import json

from homeassistant.components.diagnostics import REDACTED
from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from simulator import SimulatedCamera

from .conftest import setup_entry

SECRETS = {
    "admin": "Adm1n-Secret-0",
    "wifi_psk": "WifiPsk-Secret-1",
    "wifi_key": "WepKey-Secret-2",
    "ftp": "Ftp-Secret-3",
    "mail": "Mail-Secret-4",
    "ddns": "Ddns-Secret-5",
    "pppoe": "Pppoe-Secret-6",
    "msn": "Msn-Secret-7",
    "device": "Dev-Secret-8",
    "operator": "op-secret-9",
    "url": "http://hook:Url-Secret-10@example.invalid/alarm",
}


def _plant_secrets(camera: SimulatedCamera) -> None:
    settings = camera.state.settings
    settings.wifi.wpa_psk = SECRETS["wifi_psk"]
    settings.wifi.key1 = SECRETS["wifi_key"]
    settings.ftp.pwd = SECRETS["ftp"]
    settings.mail.pwd = SECRETS["mail"]
    settings.ddns.pwd = SECRETS["ddns"]
    settings.pppoe.pwd = SECRETS["pppoe"]
    settings.msn.pwd = SECRETS["msn"]
    settings.devices[0].pwd = SECRETS["device"]
    settings.users[1].pwd = SECRETS["operator"]
    settings.alarm.http_url = SECRETS["url"]
    settings.users[0].pwd = SECRETS["admin"]


async def test_diagnostics_redact_every_secret(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    config_entry: MockConfigEntry,
    sim_camera: SimulatedCamera,
) -> None:
    """Passwords of users, devices, Wi-Fi and services never reach diagnostics."""
    _plant_secrets(sim_camera)
    entry = MockConfigEntry(
        domain=config_entry.domain,
        title=config_entry.title,
        unique_id=config_entry.unique_id,
        data={**config_entry.data, CONF_PASSWORD: SECRETS["admin"]},
    )
    await setup_entry(hass, entry)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    dumped = json.dumps(diagnostics)
    for secret in SECRETS.values():
        assert secret not in dumped, secret

    assert diagnostics["entry"]["data"]["password"] == REDACTED
    params = diagnostics["params"]
    for key in (
        "user1_pwd",
        "user1_name",
        "wifi_wpa_psk",
        "wifi_key1",
        "ftp_pwd",
        "mail_pwd",
        "ddns_pwd",
        "pppoe_pwd",
        "msn_pwd",
        "dev2_pwd",
        "alarm_http_url",
    ):
        assert params[key] == REDACTED, key
    # Non-secret state stays readable.
    assert params["alarm_motion_armed"] == 0
    assert diagnostics["status"]["alias"] == "Front door"
    assert diagnostics["privilege"] == "administrator"
    assert diagnostics["stream_hub"]["viewers"] == 0
