"""JPEG frame rendering (Pillow) and the shared per-resolution frame producer."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
import contextlib
from dataclasses import dataclass
import io
import random
import threading
from types import TracebackType
from typing import Any, Final, Self

from PIL import Image, ImageDraw, ImageFont

_NOISE: Final = 0.07  # texture strength: ~35 KB VGA / ~12 KB QVGA at quality 75
_COM_MAX: Final = 65533
VGA_PIXELS: Final = 640 * 480


@dataclass(frozen=True, slots=True)
class FrameInfo:
    """Everything drawn on one frame (computed on the event loop)."""

    size: tuple[int, int]
    lines: tuple[str, ...]
    marker: tuple[float, float]  # 0..1 fractions of width/height
    comment: str
    quality: int
    pad_to: int | None = None
    truncated: bool = False


def _pad(jpeg: bytes, size: int) -> bytes:
    """Insert COM segments after SOI until the JPEG is ``size`` bytes or more."""
    segments = []
    missing = size - len(jpeg)
    while missing > 0:
        chunk = min(max(missing - 4, 0), _COM_MAX)
        segments.append(b"\xff\xfe" + (chunk + 2).to_bytes(2, "big") + b"\x00" * chunk)
        missing -= chunk + 4
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


class Renderer:
    """Draws frames over a textured background rendered once per size.

    Not thread-safe (FreeType faces are shared): use one worker thread.
    """

    def __init__(self, seed: int) -> None:
        """Backgrounds are deterministic per seed."""
        self._seed = seed
        self._backgrounds: dict[tuple[int, int], Image.Image] = {}
        self._fonts: dict[int, ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}
        self._lock = threading.Lock()

    def _background(self, size: tuple[int, int]) -> Image.Image:
        if (image := self._backgrounds.get(size)) is None:
            width, height = size
            rnd = random.Random(self._seed)
            noise = Image.frombytes("L", size, rnd.randbytes(width * height))
            gradient = Image.linear_gradient("L").resize(size)
            base = Image.merge(
                "RGB",
                (
                    gradient,
                    gradient.transpose(Image.Transpose.ROTATE_90).resize(size),
                    Image.new("L", size, 90),
                ),
            )
            image = Image.blend(base, Image.merge("RGB", (noise, noise, noise)), _NOISE)
            self._backgrounds[size] = image
        return image

    def _font(self, height: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        size = max(8, height // 24)
        if (font := self._fonts.get(size)) is None:
            font = self._fonts[size] = ImageFont.load_default(size)
        return font

    def render(self, info: FrameInfo) -> bytes:
        """Encode one frame."""
        with self._lock:
            image = self._background(info.size).copy()
            font = self._font(info.size[1])
        width, height = info.size
        draw = ImageDraw.Draw(image)
        line_height = max(8, height // 24) + 2
        draw.rectangle((0, 0, width, line_height * len(info.lines) + 4), fill=(0, 0, 0))
        for i, line in enumerate(info.lines):
            draw.text((4, 2 + i * line_height), line, fill=(255, 255, 255), font=font)
        x, y = info.marker[0] * (width - 1), info.marker[1] * (height - 1)
        radius = max(4, width // 40)
        draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius),
            outline=(255, 40, 40),
            width=2,
        )
        draw.line((x - 2 * radius, y, x + 2 * radius, y), fill=(255, 40, 40), width=1)
        draw.line((x, y - 2 * radius, x, y + 2 * radius), fill=(255, 40, 40), width=1)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=info.quality, comment=info.comment.encode())
        jpeg = buffer.getvalue()
        if info.pad_to is not None and len(jpeg) < info.pad_to:
            jpeg = _pad(jpeg, info.pad_to)
        if info.truncated:
            jpeg = jpeg[: len(jpeg) * 3 // 5]
        return jpeg


@dataclass(frozen=True, slots=True)
class Frame:
    """A published frame."""

    seq: int
    time: float  # loop time of publication
    data: bytes


class FrameSource:
    """Renders one (camera, resolution) stream while anybody subscribes.

    A single producer task renders at the fastest subscriber's rate (at most
    once per tick) and every subscriber picks the newest frame when due, so
    the bytes are shared between all connections.
    """

    def __init__(
        self,
        render: Callable[[], Awaitable[bytes]],
        spawn: Callable[[Coroutine[Any, Any, None]], asyncio.Task[None]],
    ) -> None:
        """``spawn`` runs the producer as a task its owner cancels on shutdown."""
        self._render = render
        self._spawn = spawn
        self._intervals: dict[Subscription, float] = {}
        self._latest: Frame | None = None
        self._published = asyncio.Event()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def subscribers(self) -> int:
        """Number of current subscribers."""
        return len(self._intervals)

    def subscribe(self, fps: float) -> Subscription:
        """``async with source.subscribe(fps) as sub: await sub.next_frame()``."""
        return Subscription(self, 1 / fps)

    def attach(self, sub: Subscription) -> None:
        """Register a subscriber and make sure the producer runs."""
        self._intervals[sub] = sub.interval
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = self._spawn(self._produce())

    def detach(self, sub: Subscription) -> None:
        """Unregister a subscriber."""
        self._intervals.pop(sub, None)
        self._wake.set()

    @property
    def tick(self) -> float:
        """Current production interval (fastest subscriber)."""
        return min(self._intervals.values(), default=1.0)

    @property
    def latest(self) -> Frame | None:
        """Newest frame."""
        return self._latest

    async def wait_published(self) -> None:
        """Wait for the next frame."""
        await self._published.wait()

    async def _produce(self) -> None:
        loop = asyncio.get_running_loop()
        last = -float("inf")
        seq = 0
        while self._intervals:
            self._wake.clear()
            delay = last + self.tick - loop.time()
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._wake.wait()
                continue
            last = loop.time()
            data = await self._render()
            seq += 1
            self._latest = Frame(seq, loop.time(), data)
            published, self._published = self._published, asyncio.Event()
            published.set()
        self._latest = None


class Subscription:
    """One stream connection's view of a :class:`FrameSource`."""

    def __init__(self, source: FrameSource, interval: float) -> None:
        """Use through :meth:`FrameSource.subscribe`."""
        self._source = source
        self.interval = interval
        self._due: float | None = None
        self._last_seq = 0

    async def __aenter__(self) -> Self:
        """Start receiving."""
        self._source.attach(self)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop receiving (the producer stops with the last subscriber)."""
        self._source.detach(self)

    async def next_frame(self) -> bytes:
        """Wait for the newest frame once this subscriber's interval has elapsed."""
        loop = asyncio.get_running_loop()
        if self._due is not None and (delay := self._due - loop.time()) > 0:
            await asyncio.sleep(delay)
        source = self._source
        while True:
            frame = source.latest
            if (
                frame
                and frame.seq > self._last_seq
                and frame.time >= loop.time() - source.tick
            ):
                break
            await source.wait_published()
        now = loop.time()
        if self._due is None or self._due < now - self.interval:
            self._due = now  # first frame, or too far behind to catch up
        self._due += self.interval
        self._last_seq = frame.seq
        return frame.data
