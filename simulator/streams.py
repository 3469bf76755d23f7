"""videostream.cgi (MJPEG server push) and videostream.asf."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
import os
from typing import TYPE_CHECKING, Final

from aiohttp import web

from . import asf, replies
from .const import StreamMode

if TYPE_CHECKING:
    from .camera import SimulatedCamera

BOUNDARY: Final = "ipcamera"
MJPEG_CONTENT_TYPE: Final = f"multipart/x-mixed-replace;boundary={BOUNDARY}"
ASF_CONTENT_TYPE: Final = "video/x-ms-asf"
_STALL_POLL: Final = 0.05


def _part(
    jpeg: bytes, *, length: bool = True, eol: bytes = b"\r\n", lead: bytes = b""
) -> bytes:
    size = b"Content-Length: %d%s" % (len(jpeg), eol) if length else b""
    return (
        b"".join(
            (
                lead,
                b"--",
                BOUNDARY.encode(),
                eol,
                b"Content-Type: image/jpeg",
                eol,
                size,
                eol,
            )
        )
        + jpeg
        + eol
    )


PART_BUILDERS: Final[Mapping[StreamMode, Callable[[bytes], bytes]]] = {
    StreamMode.NORMAL: _part,
    StreamMode.NO_CONTENT_LENGTH: lambda jpeg: _part(jpeg, length=False),
    StreamMode.BARE_LF: lambda jpeg: _part(jpeg, eol=b"\n"),
    StreamMode.EXTRA_CRLF: lambda jpeg: _part(jpeg, lead=b"\r\n\r\n"),
    StreamMode.GARBAGE: lambda jpeg: os.urandom(len(jpeg)),
}


class _UnchunkedResponse(web.StreamResponse):
    """Body written raw until the connection closes (firmware uses no chunking)."""

    _length_check = False


async def serve(
    camera: SimulatedCamera,
    request: web.BaseRequest,
    *,
    resolution: int,
    fps: float,
    asf_format: bool,
) -> web.StreamResponse:
    """Stream until the client leaves, the stream is dropped or the camera stops.

    Beyond ``stream_limit`` the camera answers 503 (documented choice: the real
    limit behaviour is unknown; a clear refusal beats a hanging socket).
    """
    limit = camera.config.stream_limit
    counters = camera.counters
    if limit is not None and counters.stream_current >= limit:
        counters.stream_rejected += 1
        return replies.unavailable()
    response = _UnchunkedResponse(
        headers={"Content-Type": ASF_CONTENT_TYPE if asf_format else MJPEG_CONTENT_TYPE}
    )
    counters.stream_opened()
    camera.register_stream(request)
    try:
        await response.prepare(request)
        if asf_format:
            await response.write(asf.stream_header(camera.state.id))
        async with camera.frame_source(resolution).subscribe(fps) as subscription:
            while True:
                frame = await subscription.next_frame()
                while camera.faults.stall_stream:  # noqa: ASYNC110 - a plain flag tests flip
                    await asyncio.sleep(_STALL_POLL)
                if asf_format:
                    chunk = b"".join(asf.packets(frame))
                else:
                    chunk = PART_BUILDERS[camera.faults.stream_mode](frame)
                await response.write(chunk)
    except ConnectionError:
        pass
    finally:
        camera.unregister_stream(request)
        counters.stream_closed()
    return response
