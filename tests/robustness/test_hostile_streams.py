"""Hostile MJPEG streams, served raw by the hostile front, read through the hub.

Each case runs a fresh StreamHub on the real protocol client with one viewer
(served over HTTP on loopback, as Home Assistant's camera proxy does) and
checks the outcome:

* ``frames``: the camera's framing is odd but usable; the viewer gets whole
  parts that each start with a JPEG SOI; nothing is logged.
* ``dropped``: the client gives up on the connection (FoscamResponseError);
  the hub keeps the viewer, reconnects with back-off and logs one line for
  the whole incident however often the camera repeats it.
* ``replaced``: the connection stays open but never yields a usable frame
  (trickled bytes, non-JPEG parts); the hub's stall watchdog replaces it.

Memory cap per camera connection: the frame parser buffers at most
max_frame_size (2 MiB) + one 64 KiB read + the boundary; the connection reads
into one fixed 64 KiB buffer. A part header line is capped at 1 KiB and a part
at 32 headers. The test measures the frame parser's buffer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Iterator
from dataclasses import dataclass
import io
import logging
from typing import Literal

import aiohttp
from aiohttp import ClientSession
from homeassistant.core import HomeAssistant
from PIL import Image
import pytest

from custom_components.foscam_mjpeg import upstream
from custom_components.foscam_mjpeg.foscam_cgi import (
    FoscamCamera,
    FrameRate,
    Resolution,
)
from custom_components.foscam_mjpeg.foscam_cgi.mjpeg import DEFAULT_MAX_FRAME_SIZE
from custom_components.foscam_mjpeg.stream_hub import StreamHub

from ..test_stream_hub import Serve, read_part, serve, wait_for
from .buffer_peak import tracking_buffer_peak
from .conftest import OURS, HostileFront, Script, messages, our_records

pytestmark = pytest.mark.usefixtures("socket_enabled")

__all__ = ["serve"]  # the fixture, imported for these tests

CGI = "videostream.cgi"
READ_SIZE = 64 * 1024


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (160, 120), (40, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


JPEG = _jpeg()
MULTIPART = b"multipart/x-mixed-replace;boundary=ipcamera"


def head(content_type: bytes = MULTIPART) -> bytes:
    """Return the reply head of videostream.cgi."""
    return (
        b"HTTP/1.1 200 OK\r\nServer: Netwave IP Camera\r\nConnection: close\r\n"
        b"Content-Type: " + content_type + b"\r\n\r\n"
    )


def part(jpeg: bytes = JPEG, *, length: int | None = -1) -> bytes:
    """One part; ``length`` -1: the true Content-Length, None: no header."""
    size = b""
    if length is not None:
        size = b"Content-Length: %d\r\n" % (len(jpeg) if length < 0 else length)
    return (
        b"--ipcamera\r\nContent-Type: image/jpeg\r\n" + size + b"\r\n" + jpeg + b"\r\n"
    )


def stream(first: bytes, then: Callable[[], bytes], *, interval: float = 0.0) -> Script:
    """Build a reply: head + ``first``, then ``then()`` again and again."""

    async def script(
        _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writer.write(first)
        while True:
            writer.write(then())
            await writer.drain()
            await asyncio.sleep(interval)

    return script


def frames_every(make: Callable[[], bytes], content_type: bytes = MULTIPART) -> Script:
    """Parts at 50 per second."""
    return stream(head(content_type), make, interval=0.02)


def flood(first: bytes, filler: bytes, content_type: bytes = MULTIPART) -> Script:
    """``first`` then ``filler`` as fast as the client reads."""
    return stream(head(content_type) + first, lambda: filler)


type Outcome = Literal["frames", "dropped", "replaced"]


@dataclass(frozen=True)
class StreamCase:
    """A hostile stream and its expected outcome (and log reason)."""

    script: Script
    outcome: Outcome
    reason: str = ""


CASES: dict[str, StreamCase] = {
    "no_boundary": StreamCase(
        frames_every(part, b"multipart/x-mixed-replace"),
        "dropped",
        "no multipart boundary",
    ),
    "wrong_boundary": StreamCase(
        flood(b"", part() * 40, b"multipart/x-mixed-replace;boundary=elsewhere"),
        "dropped",
        f"stream frame over {DEFAULT_MAX_FRAME_SIZE}",
    ),
    "missing_content_length": StreamCase(
        frames_every(lambda: part(length=None)), "frames"
    ),
    "content_length_too_big": StreamCase(
        frames_every(lambda: part(length=len(JPEG) + 300)), "frames"
    ),
    "content_length_too_small": StreamCase(
        frames_every(lambda: part(length=len(JPEG) - 300)), "frames"
    ),
    "fifty_megabyte_frame": StreamCase(
        flood(
            b"--ipcamera\r\nContent-Type: image/jpeg\r\nContent-Length: 52428800\r\n\r\n",
            b"\xff" * READ_SIZE,
        ),
        "dropped",
        "stream frame of 52428800 bytes over",
    ),
    "fifty_megabyte_frame_without_length": StreamCase(
        flood(b"--ipcamera\r\nContent-Type: image/jpeg\r\n\r\n", b"\xd8" * READ_SIZE),
        "dropped",
        "stream frame over",
    ),
    "endless_part_headers": StreamCase(
        flood(b"--ipcamera\r\n", b"X-Junk: 1\r\n" * 100),
        "dropped",
        "stream part with over 32 headers",
    ),
    "endless_header_line": StreamCase(
        flood(b"--ipcamera\r\nX-Junk: ", b"a" * 4096),
        "dropped",
        "stream header line over 1024 bytes",
    ),
    "parts_that_are_not_jpeg": StreamCase(
        frames_every(lambda: part(b"<html>not a picture</html>")),
        "replaced",
        "no frame for 0.5 s",  # 5 frame periods at 10 fps (over STALL_MIN)
    ),
    "trickle_without_frames": StreamCase(
        stream(
            head() + b"--ipcamera\r\nContent-Length: 100000\r\n\r\n",
            lambda: b"\xff",
            interval=0.02,
        ),
        "replaced",
        "no frame for 0.5 s",  # 5 frame periods at 10 fps (over STALL_MIN)
    ),
}


@pytest.fixture
def buffer_peak() -> Iterator[list[int]]:
    """Return the largest buffer any MJPEG frame reader held (bytes)."""
    with tracking_buffer_peak() as peak:
        yield peak


@pytest.fixture
async def session() -> AsyncGenerator[ClientSession]:
    """Return the client's session."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.mark.parametrize("case", CASES.values(), ids=CASES)
async def test_hostile_stream(
    hass: HomeAssistant,
    serve: Serve,
    front: HostileFront,
    session: ClientSession,
    case: StreamCase,
    buffer_peak: list[int],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One hostile stream: bounded memory, right outcome, one log line at most."""
    monkeypatch.setattr(upstream, "RECONNECT_MIN", 0.05)
    monkeypatch.setattr(upstream, "RECONNECT_MAX", 0.2)
    monkeypatch.setattr(upstream, "STALL_MIN", 0.3)
    caplog.set_level(logging.DEBUG, logger=OURS)
    front.overrides[CGI] = case.script
    client = FoscamCamera("127.0.0.1", front.port, "admin", "admin", session=session)
    hub = StreamHub(
        hass,
        client,
        resolution=Resolution.QVGA,
        rate=FrameRate.FPS_10,
        idle_timeout=0.0,
        name="Front door",
    )
    http = await serve(hub)
    viewer = await http.get("/stream")

    if case.outcome == "frames":
        parts = [await read_part(viewer) for _ in range(4)]
        assert all(jpeg.startswith(b"\xff\xd8") for jpeg in parts)
        assert front.count(CGI) == 1
    else:
        # The camera repeats the offence on every connection: the hub keeps
        # reconnecting (with back-off) and keeps the viewer.
        await wait_for(lambda: front.count(CGI) >= 3)
        assert hub.stats["viewers"] == 1
        assert hub.stats["frames_received"] == 0
    assert front.peak[CGI] == 1  # never two camera connections
    assert buffer_peak[0] <= DEFAULT_MAX_FRAME_SIZE + READ_SIZE + 64

    await hub.async_shutdown()
    viewer.close()
    await wait_for(lambda: front.active[CGI] == 0)
    records = our_records(caplog, logging.INFO)
    if case.outcome == "frames":
        assert records == [], messages(records)
    else:
        assert len(records) == 1, messages(records)
        assert records[0].levelno == logging.INFO
        assert case.reason in records[0].getMessage()
        assert not records[0].exc_info
