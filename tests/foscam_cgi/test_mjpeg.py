"""Tests of the multipart MJPEG frame reader."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.foscam_mjpeg.foscam_cgi import (
    FoscamResponseError,
    parse_boundary,
    read_mjpeg_frames,
)

JPEG_A = b"\xff\xd8" + b"A\r\n--ipcam" * 50 + b"\xff\xd9"
JPEG_B = b"\xff\xd8" + bytes(range(256)) * 4 + b"\xff\xd9"


def part(frame: bytes, *, length: bool = True, eol: bytes = b"\r\n") -> bytes:
    """Return one multipart part holding a frame, with or without Content-Length."""
    headers = [b"--ipcamera", b"Content-Type: image/jpeg"]
    if length:
        headers.append(b"Content-Length: %d" % len(frame))
    return eol.join(headers) + eol + eol + frame + eol


class ChunkedReader:
    """Hands out pre-cut chunks; an empty list means end of stream."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self.chunks = list(chunks)
        self.reads = 0

    async def read(self, n: int = -1, /) -> bytes:
        """Return the next chunk, cut to at most n bytes."""
        self.reads += 1
        if not self.chunks:
            return b""
        chunk = self.chunks.pop(0)
        if len(chunk) > n:
            self.chunks.insert(0, chunk[n:])
            chunk = chunk[:n]
        return chunk


class EndlessReader:
    """Never ends: repeats one chunk forever."""

    def __init__(self, chunk: bytes, prefix: bytes = b"") -> None:
        self.prefix = prefix
        self.chunk = chunk

    async def read(self, _n: int = -1, /) -> bytes:
        """Return the prefix once, then the chunk whatever size is asked."""
        if self.prefix:
            data, self.prefix = self.prefix, b""
            return data
        return self.chunk


async def collect(
    data: bytes, boundary: str = "ipcamera", **kwargs: int
) -> list[bytes]:
    """Return every frame the reader finds in data."""
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    return [frame async for frame in read_mjpeg_frames(reader, boundary, **kwargs)]


async def test_content_length() -> None:
    """Parts with Content-Length yield their frames."""
    assert await collect(part(JPEG_A) + part(JPEG_B)) == [JPEG_A, JPEG_B]


async def test_boundary_fallback_without_content_length() -> None:
    """Without Content-Length the next boundary ends each frame."""
    data = part(JPEG_A, length=False) + part(JPEG_B, length=False) + b"--ipcamera--\r\n"
    assert await collect(data) == [JPEG_A, JPEG_B]


async def test_bad_content_length_falls_back() -> None:
    """A non-numeric or negative Content-Length falls back to the boundary."""
    data = (
        b"--ipcamera\r\nContent-Length: abc\r\n\r\n"
        + JPEG_A
        + b"\r\n--ipcamera\r\nContent-Length: -5\r\n\r\n"
        + JPEG_B
        + b"\n--ipcamera--"
    )
    assert await collect(data) == [JPEG_A, JPEG_B]


async def test_lenient_framing() -> None:
    """Extra CRLFs, bare LFs, header case and spacing are all accepted."""
    data = (
        b"\r\n\r\n"  # CRLFs before the first part
        + part(JPEG_A)
        + b"\r\n\r\n\r\n"  # extra CRLFs between parts
        + part(JPEG_B, eol=b"\n")  # LF only
        + b"--ipcamera  \r\ncontent-length:3\r\n\r\nabc"  # case, spacing
    )
    assert await collect(data) == [JPEG_A, JPEG_B, b"abc"]


async def test_short_content_length_tail_is_skipped() -> None:
    """Bytes past a too-short Content-Length are skipped up to the next part."""
    data = b"--ipcamera\r\nContent-Length: 4\r\n\r\n" + JPEG_A + b"\r\n" + part(JPEG_B)
    assert await collect(data) == [JPEG_A[:4], JPEG_B]


async def test_boundary_with_dashes_in_header() -> None:
    """A boundary given with its leading dashes still matches."""
    assert await collect(part(JPEG_A), "--ipcamera") == [JPEG_A]


async def test_close_delimiter_ends_stream() -> None:
    """The close delimiter ends the stream; nothing after it is read."""
    data = part(JPEG_A) + b"--ipcamera--\r\n" + part(JPEG_B)
    assert await collect(data) == [JPEG_A]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\r\n",
        b"--ipcamera",
        b"--ipcamera\r\nContent-Length: 10",
        b"--ipcamera\r\nContent-Length: 10\r\n\r\nshort",
        b"--ipcamera\r\n\r\nno boundary after this frame",
    ],
)
async def test_truncated_stream_ends_quietly(data: bytes) -> None:
    """A stream cut anywhere before a whole frame yields nothing and raises nothing."""
    assert await collect(data) == []


async def test_split_reads() -> None:
    """Frames come out the same whatever size the reads are."""
    data = part(JPEG_A) + part(JPEG_B, length=False) + b"--ipcamera--"
    for size in (1, 2, 3, 7, 64):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        frames = [f async for f in read_mjpeg_frames(ChunkedReader(chunks), "ipcamera")]
        assert frames == [JPEG_A, JPEG_B], size


async def test_oversize_frame_with_content_length() -> None:
    """A Content-Length over the frame cap is refused."""
    with pytest.raises(FoscamResponseError, match="over 100"):
        await collect(part(JPEG_A), max_frame_size=100)


async def test_oversize_frame_without_content_length() -> None:
    """A frame without Content-Length growing past the cap is refused."""
    reader = EndlessReader(b"\xff" * 1000, prefix=b"--ipcamera\r\n\r\n")
    with pytest.raises(FoscamResponseError, match="over 5000"):
        async for _ in read_mjpeg_frames(reader, "ipcamera", max_frame_size=5000):
            pass


async def test_boundary_found_beyond_cap() -> None:
    """A boundary that comes only after the cap is refused."""
    data = b"--ipcamera\r\n\r\n" + b"x" * 200 + b"\r\n--ipcamera--"
    with pytest.raises(FoscamResponseError, match="over 100"):
        await collect(data, max_frame_size=100)


async def test_endless_junk_without_boundary() -> None:
    """Endless bytes without a boundary are refused instead of buffered."""
    with pytest.raises(FoscamResponseError):
        async for _ in read_mjpeg_frames(EndlessReader(b"junk\r\n" * 100), "ipcamera"):
            pass


async def test_endless_header_line() -> None:
    """An endless header line is refused at the line cap."""
    reader = EndlessReader(b"A" * 512, prefix=b"--ipcamera\r\nX-Long: ")
    with pytest.raises(FoscamResponseError, match="header line"):
        async for _ in read_mjpeg_frames(reader, "ipcamera", max_header_line=1024):
            pass


async def test_long_header_line_in_buffer() -> None:
    """A header line over the cap already in the buffer is refused."""
    data = b"--ipcamera\r\nX-Long: " + b"A" * 2000 + b"\r\n\r\n"
    with pytest.raises(FoscamResponseError, match="header line"):
        await collect(data, max_header_line=1024)


async def test_too_many_headers() -> None:
    """More headers than the cap are refused; exactly the cap is fine."""
    data = b"--ipcamera\r\n" + b"X-A: 1\r\n" * 40 + b"\r\n" + JPEG_A
    with pytest.raises(FoscamResponseError, match="headers"):
        await collect(data, max_headers=32)
    many_ok = b"--ipcamera\r\n" + b"X-A: 1\r\n" * 31 + b"Content-Length: 1\r\n\r\nx"
    assert await collect(many_ok, max_headers=32) == [b"x"]


async def test_empty_boundary() -> None:
    """A boundary of only dashes is refused."""
    with pytest.raises(FoscamResponseError, match="empty"):
        await collect(part(JPEG_A), "--")


async def test_cancellation() -> None:
    """A consumer waiting for the next part can be cancelled."""
    reader = asyncio.StreamReader()
    reader.feed_data(part(JPEG_A))
    frames: list[bytes] = []

    async def consume() -> None:
        async for frame in read_mjpeg_frames(reader, "ipcamera"):
            frames.append(frame)  # noqa: PERF401 - observed while the task still runs

    task = asyncio.create_task(consume())
    for _ in range(5):
        await asyncio.sleep(0)
    assert frames == [JPEG_A]
    assert not task.done()  # waiting for the next part
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_early_close_of_generator() -> None:
    """Closing the frame generator early ends it."""
    reader = ChunkedReader([part(JPEG_A), part(JPEG_B)])
    frames = read_mjpeg_frames(reader, "ipcamera")
    assert await anext(frames) == JPEG_A
    await frames.aclose()
    with pytest.raises(StopAsyncIteration):
        await anext(frames)


@pytest.mark.parametrize(
    ("content_type", "boundary"),
    [
        ("multipart/x-mixed-replace;boundary=ipcamera", "ipcamera"),
        ("multipart/x-mixed-replace; boundary=ipcamera", "ipcamera"),
        ('multipart/x-mixed-replace; BOUNDARY="my boundary"', "my boundary"),
        ("multipart/x-mixed-replace;charset=x;boundary=--myboundary", "--myboundary"),
    ],
)
def test_parse_boundary(content_type: str, boundary: str) -> None:
    """The boundary is taken from the Content-Type, quoted or not, in any case."""
    assert parse_boundary(content_type) == boundary


@pytest.mark.parametrize(
    "content_type",
    [
        "",
        "image/jpeg",
        "multipart/x-mixed-replace",
        "multipart/x-mixed-replace; boundary=",
        'multipart/x-mixed-replace; boundary="--"',
        "multipart/x-mixed-replace; boundary",
    ],
)
def test_parse_boundary_missing(content_type: str) -> None:
    """A Content-Type without a usable boundary is refused."""
    with pytest.raises(FoscamResponseError):
        parse_boundary(content_type)


PIECES = st.sampled_from(
    [
        b"--ipcamera",
        b"--ipcamera--",
        b"\r\n",
        b"\n",
        b"\r",
        b"Content-Length: ",
        b"Content-Length: 5",
        b"Content-Length: 99999999999999",
        b"Content-Length: 3\r\n\r\n",
        b"X: y",
        b"12",
        b"\xff\xd8",
        b"\xff\xd9",
        b"-",
        b":",
    ]
)
HOSTILE = st.lists(PIECES | st.binary(max_size=40), max_size=60).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(
    data=HOSTILE | st.binary(max_size=2000),
    chunk=st.integers(min_value=1, max_value=97),
)
def test_hostile_input_never_raises_anything_else(data: bytes, chunk: int) -> None:
    """Any input yields frames within the cap or FoscamResponseError, nothing else."""

    async def run() -> None:
        chunks = [data[i : i + chunk] for i in range(0, len(data), chunk)]
        reader = ChunkedReader(chunks)
        try:
            async for frame in read_mjpeg_frames(
                reader,
                "ipcamera",
                max_frame_size=300,
                max_header_line=64,
                max_headers=4,
            ):
                assert len(frame) <= 300
        except FoscamResponseError:
            pass

    asyncio.run(run())
