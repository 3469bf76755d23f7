"""videostream.cgi / videostream.asf through the client: framing, faults, closing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing

import aiohttp
import pytest

from custom_components.foscam_mjpeg.foscam_cgi import (
    FoscamAuthenticationError,
    FoscamCamera,
    FoscamConnectionError,
    FoscamError,
    FoscamNotSupportedError,
    FoscamResponseError,
    FoscamTimeoutError,
    FrameRate,
    Resolution,
)
from simulator import SimulatedCamera, StreamMode

from .conftest import (
    ASF_HEADER,
    JPEG,
    ClientFactory,
    RawCamera,
    http,
    jpeg_size,
    take,
    wait_until,
    with_camera,
)

StreamOpener = Callable[[FoscamCamera], AsyncGenerator[bytes]]
OPENERS: dict[str, StreamOpener] = {
    "mjpeg": lambda c: c.stream_frames(Resolution.QQVGA, FrameRate.FULL),
    "asf": lambda c: c.videostream_asf(Resolution.QQVGA, FrameRate.FULL),
}
both_streams = pytest.mark.parametrize("opener", OPENERS.values(), ids=OPENERS)


async def closed(cam: SimulatedCamera) -> None:
    """Wait until the simulator has seen every stream connection end."""
    await wait_until(lambda: cam.counters.stream_current == 0, what="stream close")


@pytest.mark.parametrize(
    "mode",
    [
        StreamMode.NORMAL,
        StreamMode.NO_CONTENT_LENGTH,
        StreamMode.BARE_LF,
        StreamMode.EXTRA_CRLF,
    ],
)
async def test_stream_modes(
    mode: StreamMode, admin: FoscamCamera, cam: SimulatedCamera
) -> None:
    """Every framing variant yields whole JPEGs of the requested size."""
    cam.faults.stream_mode = mode
    frames = await take(admin.stream_frames(Resolution.QVGA, FrameRate.FULL), 4)
    assert [jpeg_size(frame) for frame in frames] == [(320, 240)] * 4
    await closed(cam)


@pytest.mark.parametrize(
    ("resolution", "size"),
    [
        (Resolution.QQVGA, (160, 120)),
        (Resolution.QVGA, (320, 240)),
        (Resolution.VGA, (640, 480)),
        (None, (640, 480)),  # the camera's own setting
    ],
)
@pytest.mark.usefixtures("cam")
async def test_resolutions(
    resolution: Resolution | None,
    size: tuple[int, int],
    admin: FoscamCamera,
) -> None:
    """Each resolution (or the camera's own) streams frames of its size."""
    frames = await take(admin.stream_frames(resolution, FrameRate.FULL), 2)
    assert [jpeg_size(frame) for frame in frames] == [size] * 2


async def test_undocumented_rate(admin: FoscamCamera) -> None:
    """A rate code outside FrameRate is sent as is."""
    [frame] = await take(admin.stream_frames(Resolution.QQVGA, 2), 1)
    assert jpeg_size(frame) == (160, 120)


async def test_garbage_stream(admin: FoscamCamera, cam: SimulatedCamera) -> None:
    """Random bytes instead of parts: no boundary within the frame cap."""
    cam.faults.stream_mode = StreamMode.GARBAGE
    stream = admin.stream_frames(Resolution.VGA, FrameRate.FULL, max_frame_size=100_000)
    with pytest.raises(FoscamResponseError, match=r"videostream\.cgi.*over 100000"):
        await take(stream, 1)
    await closed(cam)


async def test_frame_over_cap(admin: FoscamCamera, cam: SimulatedCamera) -> None:
    """A Content-Length beyond max_frame_size ends the stream."""
    stream = admin.stream_frames(Resolution.QVGA, FrameRate.FULL, max_frame_size=1000)
    with pytest.raises(FoscamResponseError, match=r"videostream\.cgi.*over 1000"):
        await take(stream, 1)
    await closed(cam)


async def test_truncated_jpegs_are_passed_on(
    admin: FoscamCamera, cam: SimulatedCamera
) -> None:
    """The framing is intact, the JPEG is not: the client does not judge it."""
    cam.faults.truncated_jpeg = True
    frames = await take(admin.stream_frames(Resolution.QVGA, FrameRate.FULL), 2)
    assert all(frame.startswith(b"\xff\xd8") for frame in frames)
    assert not any(frame.endswith(b"\xff\xd9") for frame in frames)


@both_streams
async def test_drop_ends_the_stream(
    opener: StreamOpener, admin: FoscamCamera, cam: SimulatedCamera
) -> None:
    """A cut connection ends the iterator.

    The reply has no Content-Length and no chunking (like the firmware), so the
    client cannot tell a cut from an orderly end: the iterator simply stops.
    """
    received = 0
    async with aclosing(opener(admin)) as stream:
        async for _ in stream:
            received += 1
            if received == 2:
                cam.drop_streams()
            assert received < 50, "the stream went on after drop_streams()"
    assert received >= 2
    await closed(cam)


@both_streams
async def test_cancellation_closes_upstream(
    opener: StreamOpener, admin: FoscamCamera, cam: SimulatedCamera
) -> None:
    """Cancelling the consumer closes the camera connection."""
    started = asyncio.Event()

    async def consume() -> None:
        async for _ in opener(admin):
            started.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(started.wait(), 5)
    assert cam.counters.stream_current == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await closed(cam)
    assert cam.counters.stream_total == 1


@both_streams
async def test_break_closes_upstream(
    opener: StreamOpener, admin: FoscamCamera, cam: SimulatedCamera
) -> None:
    """Leaving the loop early closes the camera connection."""
    assert await take(opener(admin), 3)
    await closed(cam)


async def test_stall_times_out(
    make_client: ClientFactory, cam: SimulatedCamera
) -> None:
    """No data for request_timeout (and 3 frame periods): FoscamTimeoutError."""
    client = make_client(request_timeout=0.2)
    cam.faults.stall_stream = True
    with pytest.raises(FoscamTimeoutError, match=r"videostream\.cgi.*timed out"):
        await take(client.stream_frames(Resolution.QQVGA, FrameRate.FULL), 1)
    cam.faults.stall_stream = False
    await closed(cam)


@with_camera(stream_limit=1)
@both_streams
async def test_stream_limit(
    opener: StreamOpener, admin: FoscamCamera, cam: SimulatedCamera
) -> None:
    """Beyond the camera's stream limit: 503, a connection error."""
    async with aclosing(opener(admin)) as first:
        assert await anext(first)
        with pytest.raises(FoscamConnectionError, match="HTTP 503"):
            await take(opener(admin), 1)
    assert cam.counters.stream_rejected == 1
    await closed(cam)


async def test_streams_are_not_serialised(
    admin: FoscamCamera, cam: SimulatedCamera
) -> None:
    """Open streams hold no lock: requests and other streams go on."""
    async with (
        aclosing(admin.stream_frames(Resolution.QQVGA, FrameRate.FULL)) as one,
        aclosing(admin.videostream_asf(Resolution.QQVGA, FrameRate.FULL)) as two,
    ):
        assert await anext(one)
        assert (await anext(two)).startswith(ASF_HEADER)
        assert (await admin.get_status()).id == cam.state.id
        assert await anext(one)
        assert cam.counters.stream_current == 2
    await closed(cam)


@both_streams
async def test_stream_errors(
    opener: StreamOpener, make_client: ClientFactory, cam: SimulatedCamera
) -> None:
    """Wrong password, then connection refused."""
    with pytest.raises(FoscamAuthenticationError):
        await take(opener(make_client("visitor", "wrong")), 1)
    assert await take(opener(make_client("visitor", "visitor")), 1)
    await cam.set_offline(True)
    with pytest.raises(FoscamConnectionError, match="Connection refused"):
        await take(opener(make_client()), 1)


MJPEG_TYPE = "multipart/x-mixed-replace;boundary=ipcamera"
PART = b"--ipcamera\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n%s\r\n" % (
    len(JPEG),
    JPEG,
)


@pytest.mark.parametrize(
    ("cgi", "reply", "error", "message"),
    [
        ("videostream.cgi", http(PART, content_type="text/plain", length=None), FoscamResponseError, "no multipart boundary"),
        ("videostream.cgi", http(PART, content_type=MJPEG_TYPE, length=100_000), FoscamConnectionError, "ClientPayloadError"),
        ("videostream.cgi", http(b"", status="404 Not Found"), FoscamNotSupportedError, "HTTP 404"),
        ("videostream.asf", http(b"\x30\x26", content_type="video/x-ms-asf", length=100_000), FoscamConnectionError, "ClientPayloadError"),
    ],
    ids=["no-boundary", "mjpeg-truncated", "404", "asf-truncated"],
)  # fmt: skip
async def test_foreign_streams(
    cgi: str,
    reply: bytes,
    error: type[FoscamError],
    message: str,
    raw_camera: RawCamera,
    session: aiohttp.ClientSession,
) -> None:
    """A stream that is not MJPEG/ASF, is cut short or missing raises the matching error."""
    raw_camera.replies[cgi] = reply
    client = FoscamCamera("127.0.0.1", raw_camera.port, session=session)
    stream = (
        client.stream_frames() if cgi == "videostream.cgi" else client.videostream_asf()
    )
    items = []
    with pytest.raises(FoscamError) as info:
        async with aclosing(stream):
            items.extend([item async for item in stream])
    assert type(info.value) is error
    assert message in str(info.value)
    assert items in ([], [JPEG], [b"\x30\x26"])


async def test_stream_ends_with_the_reply(
    raw_camera: RawCamera, session: aiohttp.ClientSession
) -> None:
    """A multipart reply read to EOF: every part, then the end."""
    raw_camera.replies["videostream.cgi"] = http(
        PART * 3, content_type=MJPEG_TYPE, length=None
    )
    client = FoscamCamera("127.0.0.1", raw_camera.port, session=session)
    async with aclosing(client.stream_frames()) as stream:
        assert [frame async for frame in stream] == [JPEG] * 3
