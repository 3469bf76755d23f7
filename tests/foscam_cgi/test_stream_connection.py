"""The lean MJPEG upstream (open_mjpeg): frames by callback, stall timer, raw replies.

Against the simulator (a real HTTP camera on loopback) and against raw
servers that send what the simulator never does.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

import aiohttp
import pytest

from custom_components.foscam_mjpeg.foscam_cgi import (
    AuthMode,
    FoscamAuthenticationError,
    FoscamCamera,
    FoscamConnectionError,
    FoscamError,
    FoscamResponseError,
    FoscamTimeoutError,
    FrameRate,
    MjpegConnection,
    Resolution,
)
from custom_components.foscam_mjpeg.foscam_cgi.client import basic_authorization
from simulator import Privilege as SimPrivilege, SimulatedCamera, StreamMode
from simulator.config import UserAccount

from .conftest import (
    JPEG,
    ClientFactory,
    RawCamera,
    http,
    jpeg_size,
    wait_until,
    with_camera,
)

MJPEG_TYPE = "multipart/x-mixed-replace;boundary=ipcamera"
PART = b"--ipcamera\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n%s\r\n" % (
    len(JPEG),
    JPEG,
)
SECRET = "p&ss word"


class Frames:
    """A frame handler that keeps what it gets and can wait for a count."""

    def __init__(self, usable: bool = True) -> None:
        self.frames: list[bytes] = []
        self.usable = usable
        self._more = asyncio.Event()

    def __call__(self, frame: bytes) -> bool:
        """Keep the frame; return whether it counts as usable (holds off a stall)."""
        self.frames.append(frame)
        self._more.set()
        return self.usable

    async def wait(self, count: int) -> list[bytes]:
        """Wait (at most 5 s) for the first ``count`` frames and return them."""
        async with asyncio.timeout(5):
            while len(self.frames) < count:
                self._more.clear()
                await self._more.wait()
        return self.frames[:count]


async def closed(cam: SimulatedCamera) -> None:
    """Wait until the simulator has seen every stream connection end."""
    await wait_until(lambda: cam.counters.stream_current == 0, what="stream close")


@pytest.mark.parametrize(
    "mode", [StreamMode.NORMAL, StreamMode.NO_CONTENT_LENGTH, StreamMode.BARE_LF]
)
async def test_frames_by_callback(
    mode: StreamMode, admin: FoscamCamera, cam: SimulatedCamera
) -> None:
    """Whole JPEGs, each one bytes object, handed on as they are read."""
    cam.faults.stream_mode = mode
    handler = Frames()
    stream = await admin.open_mjpeg(handler, Resolution.QVGA, FrameRate.FULL)
    frames = await handler.wait(3)
    assert [jpeg_size(frame) for frame in frames] == [(320, 240)] * 3
    assert all(type(frame) is bytes for frame in frames)
    assert cam.counters.stream_current == 1
    await stream.aclose()
    assert stream.closed
    await stream.wait_closed()  # closed by the consumer: no error
    await closed(cam)


async def test_one_stall_timer_per_connection(
    admin: FoscamCamera, cam: SimulatedCamera
) -> None:
    """Frames move the stall deadline on; they do not re-arm a timer each."""
    handler = Frames()
    stream = await admin.open_mjpeg(
        handler, Resolution.QQVGA, FrameRate.FULL, stall_timeout=60
    )
    await handler.wait(1)
    timer = stream._timer
    await handler.wait(10)
    assert stream._timer is timer
    await stream.aclose()
    assert stream._timer is None
    await closed(cam)


@pytest.mark.parametrize("cause", ["silence", "unusable frames"])
async def test_stall(cause: str, admin: FoscamCamera, cam: SimulatedCamera) -> None:
    """No usable frame for the stall time: FoscamTimeoutError, connection closed."""
    handler = Frames(usable=cause != "unusable frames")
    cam.faults.stall_stream = cause == "silence"
    stream = await admin.open_mjpeg(
        handler, Resolution.QQVGA, FrameRate.FULL, stall_timeout=0.2
    )
    with pytest.raises(
        FoscamTimeoutError,
        match=r"^videostream\.cgi on 127\.0\.0\.1:\d+: timed out \(no frame for 0\.2 s\)$",
    ):
        async with asyncio.timeout(5):
            await stream.wait_closed()
    assert bool(handler.frames) is (cause == "unusable frames")
    cam.faults.stall_stream = False
    await closed(cam)


async def test_camera_ends_the_stream(
    admin: FoscamCamera, cam: SimulatedCamera
) -> None:
    """A cut stream (the firmware sends no Content-Length) ends without error."""
    handler = Frames()
    stream = await admin.open_mjpeg(handler, Resolution.QQVGA, FrameRate.FULL)
    await handler.wait(2)
    cam.drop_streams()
    async with asyncio.timeout(5):
        await stream.wait_closed()
    await closed(cam)


async def test_consumer_error_ends_the_connection(
    admin: FoscamCamera, cam: SimulatedCamera
) -> None:
    """An exception of the frame handler ends this connection with it."""

    def broken(_frame: bytes) -> bool:
        raise RuntimeError("consumer bug")

    stream = await admin.open_mjpeg(broken, Resolution.QQVGA, FrameRate.FULL)
    with pytest.raises(RuntimeError, match="consumer bug"):
        async with asyncio.timeout(5):
            await stream.wait_closed()
    await closed(cam)


@with_camera(users=(UserAccount("cam:admin", SECRET, SimPrivilege.ADMINISTRATOR),))
async def test_query_auth_mode(
    make_client: ClientFactory, cam: SimulatedCamera
) -> None:
    """A user name with ":" goes in the query (no Basic header possible)."""
    client = make_client("cam:admin", SECRET)
    assert client.auth_mode is AuthMode.QUERY
    handler = Frames()
    stream = await client.open_mjpeg(handler, Resolution.QQVGA)
    assert await handler.wait(1)
    await stream.aclose()
    await closed(cam)


async def test_basic_to_query_fallback(
    raw_camera: RawCamera, session: aiohttp.ClientSession
) -> None:
    """Basic refused with 401, query credentials accepted: the client switches."""

    def answer(head: bytes) -> bytes:
        if b"Authorization:" in head:
            return http(b"", status="401 Unauthorized")
        return http(PART * 2, content_type=MJPEG_TYPE, length=None)

    raw_camera.answer = answer
    port = raw_camera.port
    client = FoscamCamera("127.0.0.1", port, "admin", SECRET, session=session)
    handler = Frames()
    stream = await client.open_mjpeg(handler, Resolution.VGA, FrameRate.FULL)
    await stream.wait_closed()  # the reply ends after two parts
    assert handler.frames == [JPEG, JPEG]
    assert client.auth_mode is AuthMode.QUERY
    basic, query = raw_camera.heads
    expected = basic_authorization("admin", SECRET).encode()
    assert b"\r\nAuthorization: " + expected + b"\r\n" in basic
    assert basic.startswith(b"GET /videostream.cgi?resolution=32&rate=0 HTTP/1.1\r\n")
    assert f"\r\nHost: 127.0.0.1:{port}\r\n".encode() in basic
    assert b"Authorization" not in query
    target = query.split(b" ")[1].decode()
    assert dict(parse_qsl(target.partition("?")[2])) == {
        "resolution": "32",
        "rate": "0",
        "user": "admin",
        "pwd": SECRET,
    }


@pytest.mark.usefixtures("socket_enabled")
async def test_head_timeout(session: aiohttp.ClientSession) -> None:
    """A camera that accepts but never answers: timed out, within request_timeout."""
    never = asyncio.Event()

    async def silent(
        _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await never.wait()
        writer.close()

    async with await asyncio.start_server(silent, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        client = FoscamCamera(
            "127.0.0.1", port, "admin", "admin", session=session, request_timeout=0.2
        )
        with pytest.raises(
            FoscamTimeoutError, match=r"videostream\.cgi on .*: timed out"
        ):
            await client.open_mjpeg(Frames())
        never.set()


HEAD = "HTTP/1.1 200 OK\r\nContent-Type: " + MJPEG_TYPE + "\r\n"


@pytest.mark.parametrize(
    ("reply", "error", "message"),
    [
        (None, FoscamConnectionError, "ServerDisconnectedError"),
        (b"SSH-2.0-OpenSSH\r\n\r\n", FoscamResponseError, "not an HTTP reply"),
        ((HEAD + "X-Junk: " + "a" * 20_000 + "\r\n\r\n").encode(), FoscamResponseError, "reply head over 16384 bytes"),
        ((HEAD + "X-Junk: 1\r\n" * 70 + "\r\n").encode(), FoscamResponseError, "reply with over 64 headers"),
        ((HEAD + "Transfer-Encoding: chunked\r\n\r\n").encode() + b"5\r\n--ipc\r\n", FoscamResponseError, "chunked stream reply"),
        (http(b"busy", status="503 Service Unavailable"), FoscamConnectionError, "HTTP 503"),
        (http(b"", status="401 Unauthorized"), FoscamAuthenticationError, "HTTP 401"),
        (http(b"<html>", content_type="text/html"), FoscamResponseError, "no multipart boundary"),
    ],
    ids=["silent-close", "not-http", "huge-head", "many-headers", "chunked", "503", "401", "html"],
)  # fmt: skip
async def test_hostile_replies(
    reply: bytes | None,
    error: type[FoscamError],
    message: str,
    raw_camera: RawCamera,
    session: aiohttp.ClientSession,
) -> None:
    """Each refused with the library's error, naming the CGI and host, never the URL."""
    raw_camera.replies["videostream.cgi"] = reply
    client = FoscamCamera("127.0.0.1", raw_camera.port, session=session)
    handler = Frames()
    with pytest.raises(FoscamError) as info:
        await client.open_mjpeg(handler)
    assert type(info.value) is error
    assert message in str(info.value)
    assert str(info.value).startswith(f"videostream.cgi on 127.0.0.1:{raw_camera.port}")
    assert handler.frames == []


async def test_reply_with_content_length(
    raw_camera: RawCamera, session: aiohttp.ClientSession
) -> None:
    """A reply with its own Content-Length ends after that many bytes, in order."""
    raw_camera.replies["videostream.cgi"] = http(
        PART * 3 + b"trailing junk", content_type=MJPEG_TYPE, length=len(PART) * 3
    )
    client = FoscamCamera("127.0.0.1", raw_camera.port, session=session)
    handler = Frames()
    stream = await client.open_mjpeg(handler)
    async with asyncio.timeout(5):
        await stream.wait_closed()
    assert handler.frames == [JPEG] * 3


def test_connection_type_is_exported() -> None:
    """MjpegConnection is exported as an asyncio buffered protocol."""
    assert issubclass(MjpegConnection, asyncio.BufferedProtocol)
