"""backup/restore, firmware uploads and factory resets."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from simulator import CameraConfig, SimulatedCamera

from .conftest import fetch, wait_until


def upload(data: bytes, field: str = "file") -> aiohttp.FormData:
    """multipart/form-data with one file field."""
    form = aiohttp.FormData()
    form.add_field(
        field, data, filename="params.bin", content_type="application/octet-stream"
    )
    return form


async def wait_rebooted(cam: SimulatedCamera) -> None:
    """Until the reboot that follows the reply is over."""
    await wait_until(lambda: cam.state.boot_count == 2 and cam.online)


@pytest.fixture
def configs() -> list[CameraConfig]:
    """Short reboots."""
    return [CameraConfig(alias="Front door", reboot_downtime=0.05)]


async def test_backup_restore_round_trip(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """restore_params brings back what backup_params saved, then the camera reboots."""
    await fetch(session, cam, "set_alarm.cgi?motion_armed=1&schedule_tue_2=77")
    status, blob, headers = await fetch(session, cam, "backup_params.cgi")
    assert status == 200
    assert headers["Content-Type"] == "application/octet-stream"
    assert b"motion" not in blob  # binary, not text
    await fetch(session, cam, "set_alias.cgi?alias=Changed")
    await fetch(session, cam, "set_alarm.cgi?motion_armed=0&schedule_tue_2=0")
    assert (await fetch(session, cam, "restore_params.cgi", data=upload(blob)))[
        1
    ] == b"ok.\n"
    await wait_rebooted(cam)
    settings = cam.state.settings
    assert (
        settings.alias,
        settings.alarm.motion_armed,
        settings.alarm.schedule[8],
    ) == ("Front door", 1, 77)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, b"error: illegal http frame.\n"),
        ({"data": b"raw bytes"}, b"error: illegal http frame.\n"),
        ({"data": "EMPTY"}, b"error: illegal http frame.\n"),
        ({"data": "OTHER_FIELD"}, b"error: illegal http frame.\n"),
        ({"data": "CORRUPT"}, b"error: illegal params.\n"),
    ],
)
async def test_bad_restore_uploads(
    kwargs: dict[str, Any],
    expected: bytes,
    cam: SimulatedCamera,
    session: aiohttp.ClientSession,
) -> None:
    """GET, non-multipart, empty or foreign uploads are bad frames; bad blobs bad params."""
    forms = {
        "EMPTY": upload(b""),
        "OTHER_FIELD": upload(b"x", "other"),
        "CORRUPT": upload(b"IPCAMPRM" + bytes(40)),
    }
    if isinstance(data := kwargs.get("data"), str):
        kwargs = {"data": forms[data]}
    status, body, _ = await fetch(session, cam, "restore_params.cgi", **kwargs)
    assert (status, body) == (200, expected)
    assert cam.state.boot_count == 1


@pytest.mark.parametrize(
    "name", ["upgrade_firmware.cgi", "upgrade_htmls.cgi", "set_factory_params.cgi"]
)
async def test_uploads(
    name: str, cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """Multipart POST with field ``file`` is stored; upgrades reboot the camera."""
    assert (await fetch(session, cam, name))[1] == b"error: illegal http frame.\n"
    assert (await fetch(session, cam, name, data=upload(b"\x00firmware")))[
        1
    ] == b"ok.\n"
    assert cam.state.uploads[name] == b"\x00firmware"
    if name.startswith("upgrade"):
        await wait_rebooted(cam)
    else:
        await asyncio.sleep(0.1)
        assert cam.state.boot_count == 1


async def test_restore_factory(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """Factory settings come back; the camera reboots."""
    await fetch(session, cam, "set_alias.cgi?alias=Changed")
    await fetch(session, cam, "set_misc.cgi?led_mode=2")
    assert (await fetch(session, cam, "restore_factory.cgi"))[1] == b"ok.\n"
    await wait_rebooted(cam)
    assert (cam.state.alias, cam.state.misc.led_mode) == ("Front door", 0)
    assert cam.state.settings.network.port == cam.port
