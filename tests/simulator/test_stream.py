"""videostream.cgi / videostream.asf / snapshot.cgi."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import io
import re
import time

import aiohttp
from PIL import Image
import pytest

from simulator import CameraConfig, SimulatedCamera, StreamMode

from .conftest import ADMIN, VISITOR, fetch, wait_until

COM_RE = re.compile(rb"\xff\xfe..sim-ts=(\d+\.\d{6}) frame=(\d+)", re.DOTALL)


@contextlib.asynccontextmanager
async def stream(
    session: aiohttp.ClientSession, cam: SimulatedCamera, path: str = "videostream.cgi"
) -> AsyncIterator[aiohttp.ClientResponse]:
    """Open a stream response (closed on exit)."""
    async with session.get(f"{cam.base_url}/{path}", headers=VISITOR) as resp:
        yield resp


async def read_part(content: aiohttp.StreamReader) -> tuple[dict[str, str], bytes]:
    """One ``--ipcamera`` part: headers and JPEG."""
    assert await content.readline() == b"--ipcamera\r\n"
    headers: dict[str, str] = {}
    while (line := await content.readline()) != b"\r\n":
        name, _, value = line.decode().rstrip("\r\n").partition(": ")
        headers[name] = value
    data = await content.readexactly(int(headers["Content-Length"]))
    assert await content.readexactly(2) == b"\r\n"
    return headers, data


async def read_parts(content: aiohttp.StreamReader, count: int) -> None:
    """Read ``count`` parts."""
    for _ in range(count):
        await read_part(content)


def frame_number(jpeg: bytes) -> int:
    """Return the frame counter of the COM segment."""
    match = COM_RE.search(jpeg)
    assert match is not None
    return int(match[2])


async def measure_fps(resp: aiohttp.ClientResponse, frames: int) -> float:
    """Frames per second over ``frames`` parts (after the first)."""
    await read_part(resp.content)
    start = time.monotonic()
    await read_parts(resp.content, frames)
    return frames / (time.monotonic() - start)


async def test_mjpeg_format(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """Exact content type, no chunking, CRLF parts with Content-Length, real VGA JPEGs."""
    async with stream(session, cam) as resp:
        assert resp.status == 200
        assert (
            resp.headers["Content-Type"]
            == "multipart/x-mixed-replace;boundary=ipcamera"
        )
        assert "Transfer-Encoding" not in resp.headers
        assert "Content-Length" not in resp.headers
        headers, jpeg = await read_part(resp.content)
        _, second = await read_part(resp.content)
    assert headers == {"Content-Type": "image/jpeg", "Content-Length": str(len(jpeg))}
    assert jpeg.startswith(b"\xff\xd8")
    assert jpeg.endswith(b"\xff\xd9")
    assert 20_000 <= len(jpeg) <= 50_000
    match = COM_RE.search(jpeg)
    assert match is not None
    assert abs(float(match[1]) - time.time()) < 5
    assert frame_number(second) > frame_number(jpeg)
    assert Image.open(io.BytesIO(jpeg)).size == (640, 480)


@pytest.mark.parametrize(
    ("resolution", "size", "low", "high"),
    [(8, (320, 240), 8_000, 20_000), (2, (160, 120), 1_000, 10_000)],
)
async def test_resolution(
    resolution: int,
    size: tuple[int, int],
    low: int,
    high: int,
    cam: SimulatedCamera,
    session: aiohttp.ClientSession,
) -> None:
    """resolution=8 is QVGA, 2 is QQVGA."""
    async with stream(session, cam, f"videostream.cgi?resolution={resolution}") as resp:
        _, jpeg = await read_part(resp.content)
    assert Image.open(io.BytesIO(jpeg)).size == size
    assert low <= len(jpeg) <= high


@pytest.mark.parametrize("configs", [[CameraConfig(max_fps=20.0)]])
async def test_rates(cam: SimulatedCamera, session: aiohttp.ClientSession) -> None:
    """rate=6 is 10 fps; rate=0 is the camera's maximum (20 here)."""
    async with stream(session, cam, "videostream.cgi?rate=6") as resp:
        assert 8 <= await measure_fps(resp, 4) <= 12
    async with stream(session, cam, "videostream.cgi?rate=0&resolution=8") as resp:
        assert 16 <= await measure_fps(resp, 8) <= 24


async def test_streams_share_rendered_frames(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """Two viewers see the same frames; rendering happens once per tick."""
    async with stream(session, cam) as first, stream(session, cam) as second:
        await read_part(first.content)
        await read_part(second.content)
        start = cam.frames_rendered
        numbers_a = [
            frame_number((await read_part(first.content))[1]) for _ in range(8)
        ]
        numbers_b = [
            frame_number((await read_part(second.content))[1]) for _ in range(8)
        ]
        rendered = cam.frames_rendered - start
    assert set(numbers_a) & set(numbers_b)
    assert rendered <= 12  # ~8 ticks, not 16 renders
    await asyncio.sleep(0.2)
    idle = cam.frames_rendered
    await asyncio.sleep(0.2)
    assert cam.frames_rendered == idle  # the producer stops with the last viewer


@pytest.mark.parametrize("configs", [[CameraConfig(stream_limit=2)]])
async def test_stream_limit_and_counters(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """Beyond the limit the camera answers 503; counters follow connections."""
    async with (
        stream(session, cam) as one,
        stream(session, cam, "videostream.asf") as two,
    ):
        assert (one.status, two.status) == (200, 200)
        async with stream(session, cam) as three:
            assert three.status == 503
        assert (cam.counters.stream_current, cam.counters.stream_rejected) == (2, 1)
    await wait_until(lambda: cam.counters.stream_current == 0)
    async with stream(session, cam) as again:
        assert again.status == 200
    assert (cam.counters.stream_peak, cam.counters.stream_total) == (2, 3)
    assert cam.counters.requests["videostream.cgi"] == 3


@pytest.mark.parametrize("configs", [[CameraConfig(stream_limit=None, max_fps=5.0)]])
async def test_unlimited_streams(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """stream_limit None serves everybody."""
    async with contextlib.AsyncExitStack() as stack:
        responses = [
            await stack.enter_async_context(stream(session, cam)) for _ in range(6)
        ]
        assert {r.status for r in responses} == {200}
        assert cam.counters.stream_peak == 6


async def test_asf_stream(cam: SimulatedCamera, session: aiohttp.ClientSession) -> None:
    """video/x-ms-asf starting with the ASF header object GUID, then data chunks."""
    async with stream(session, cam, "videostream.asf?resolution=8&rate=0") as resp:
        assert resp.headers["Content-Type"] == "video/x-ms-asf"
        head = await resp.content.readexactly(16)
        more = await resp.content.readexactly(20_000)
    assert head == bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
    assert bytes.fromhex("3626b2758e66cf11a6d900aa0062ce6c") in more
    assert b"\xff\xd8" in more


async def test_snapshot(cam: SimulatedCamera, session: aiohttp.ClientSession) -> None:
    """A JPEG at the current resolution with the firmware's filename header."""
    status, body, headers = await fetch(session, cam, "snapshot.cgi", auth=VISITOR)
    assert status == 200
    assert headers["Content-Type"] == "image/jpeg"
    assert re.fullmatch(
        r'filename="snapshot_00626E4A0001_\d{14}\.jpg"', headers["Content-disposition"]
    )
    assert Image.open(io.BytesIO(body)).size == (640, 480)
    await fetch(session, cam, "camera_control.cgi?param=0&value=8", auth=ADMIN)
    _, body, headers = await fetch(
        session, cam, "snapshot.cgi?next_url=x.jpg", auth=VISITOR
    )
    assert Image.open(io.BytesIO(body)).size == (320, 240)
    assert headers["Content-disposition"] == 'filename="x.jpg"'
    assert cam.counters.snapshot_count == 2


@pytest.mark.parametrize("configs", [[CameraConfig(frame_size=60_000)]])
async def test_frame_size_padding(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """frame_size pads VGA frames (and QVGA proportionally) with COM segments."""
    _, vga, _ = await fetch(session, cam, "snapshot.cgi")
    assert len(vga) >= 60_000
    assert Image.open(io.BytesIO(vga)).size == (640, 480)
    async with stream(session, cam, "videostream.cgi?resolution=8") as resp:
        _, qvga = await read_part(resp.content)
    assert len(qvga) >= 15_000


async def test_drop_streams(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """drop_streams cuts the connection; counters return to zero."""
    async with stream(session, cam) as resp:
        await read_part(resp.content)
        cam.drop_streams()
        with pytest.raises(
            (aiohttp.ClientPayloadError, asyncio.IncompleteReadError, AssertionError)
        ):
            await read_parts(resp.content, 100)
    await wait_until(lambda: cam.counters.stream_current == 0)


async def test_stall_and_truncated_frames(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """stall_stream: open but silent; truncated_jpeg: consistent framing, no EOI."""
    async with stream(session, cam) as resp:
        await read_part(resp.content)
        cam.faults.stall_stream = True
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.5):
                await read_parts(resp.content, 10)  # at most one part was in flight
        cam.faults.truncated_jpeg = True
        cam.faults.stall_stream = False
        for _ in range(3):  # frames rendered before the fault may still come
            _, jpeg = await read_part(resp.content)
    assert jpeg.startswith(b"\xff\xd8")
    assert not jpeg.endswith(b"\xff\xd9")


@pytest.mark.parametrize(
    ("mode", "start"),
    [
        (
            StreamMode.NO_CONTENT_LENGTH,
            b"--ipcamera\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8",
        ),
        (StreamMode.BARE_LF, b"--ipcamera\nContent-Type: image/jpeg\nContent-Length: "),
        (StreamMode.EXTRA_CRLF, b"\r\n\r\n--ipcamera\r\n"),
    ],
)
async def test_hostile_stream_modes(
    mode: StreamMode, start: bytes, cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """faults.stream_mode changes the part framing."""
    cam.faults.stream_mode = mode
    async with stream(session, cam) as resp:
        head = await resp.content.readexactly(len(start))
    assert head == start


async def test_garbage_stream_mode(
    cam: SimulatedCamera, session: aiohttp.ClientSession
) -> None:
    """GARBAGE sends random bytes instead of parts."""
    cam.faults.stream_mode = StreamMode.GARBAGE
    async with stream(session, cam) as resp:
        data = await resp.content.readexactly(5000)
    assert not data.startswith(b"--ipcamera")
