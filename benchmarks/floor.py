"""The machine's floor: what the least possible MJPEG relay costs in Python.

``python -m benchmarks.floor [--viewers 1,10] [--seconds 30]``

A relay process with nothing but asyncio reads the simulated camera's stream
(VGA, full rate) and writes every chunk it receives, unparsed, to each
connected viewer: no HTTP framework, no frame parsing, no Home Assistant. Its
CPU is a practical lower bound for an asyncio program that relays this stream
on this machine. ``benchmarks.run`` runs it too (``measure_relay``, on its
own simulator) for its "HA CPU at N=10 <= 1.3x the bare relay's" target.

The viewers are the benchmark's own (``benchmarks.viewers``, HTTP clients in
this harness process); only the relay's CPU is measured
(``/proc/<pid>/stat``). The result goes to stdout and ``.bench/floor.json``.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
import json
from pathlib import Path
import sys
import time
from typing import Any, Final
from urllib.parse import urlsplit

import aiohttp

from demo.child_process import ChildProcess

from .metrics import fmt, table, to_json
from .procs import LOOPBACK, cpu_mark, cpu_share, loadavg
from .sim_process import SimulatorProcess
from .viewers import Viewer, new_session

ROOT: Final = Path(__file__).resolve().parent.parent
OUT: Final = ROOT / ".bench"
_REPLY_HEAD: Final = (
    b"HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace\r\n\r\n"
)


class _Upstream(asyncio.Protocol):
    """The camera connection: every chunk after the reply head goes to all viewers."""

    def __init__(self, viewers: set[asyncio.Transport]) -> None:
        self.viewers = viewers
        self.head = b""
        self.in_body = False

    def data_received(self, data: bytes) -> None:
        if not self.in_body:
            self.head += data
            if (end := self.head.find(b"\r\n\r\n")) < 0:
                return
            self.in_body, data = True, self.head[end + 4 :]
        for viewer in self.viewers:
            # Skip a viewer that has not taken the previous chunk (as the hub).
            if not viewer.get_write_buffer_size():
                viewer.write(data)


class _Viewer(asyncio.Protocol):
    """A relay client: any request gets the reply head, then the relayed bytes."""

    def __init__(self, viewers: set[asyncio.Transport]) -> None:
        self.viewers = viewers
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(_REPLY_HEAD)
        self.viewers.add(transport)

    def connection_lost(self, _exc: Exception | None) -> None:
        if self.transport is not None:
            self.viewers.discard(self.transport)


async def relay(camera_url: str) -> None:
    """Run the relay until killed; prints its port."""
    loop = asyncio.get_running_loop()
    viewers: set[asyncio.Transport] = set()
    url = urlsplit(camera_url)
    transport, _ = await loop.create_connection(
        lambda: _Upstream(viewers), url.hostname or LOOPBACK, url.port or 80
    )
    transport.write(
        f"GET {url.path}?{url.query} HTTP/1.1\r\nHost: {url.netloc}\r\n\r\n".encode()
    )
    server = await loop.create_server(lambda: _Viewer(viewers), LOOPBACK, 0)
    print(f"port {server.sockets[0].getsockname()[1]}", flush=True)
    await asyncio.Event().wait()


@dataclass(frozen=True, slots=True)
class RelayRow:
    """The relay's CPU with ``viewers`` viewers."""

    viewers: int
    cpu_percent_core: float
    fps_per_viewer_min: float | None
    us_per_viewer_frame: int | None


def relay_table(rows: list[RelayRow]) -> str:
    """Render the relay's table."""
    return table(
        ["viewers", "relay CPU %core", "fps/viewer (min)", "us/viewer-frame"],
        [
            [
                str(row.viewers),
                fmt(row.cpu_percent_core, 2),
                fmt(row.fps_per_viewer_min),
                fmt(row.us_per_viewer_frame, 0),
            ]
            for row in rows
        ],
    )


async def measure_relay(
    simulator: SimulatorProcess,
    viewer_session: aiohttp.ClientSession,
    counts: list[int],
    seconds: float,
    *,
    warmup: float = 2.0,
) -> list[RelayRow]:
    """Start the relay on camera 0 of ``simulator``; measure 0 and each count."""
    relay_process = ChildProcess("relay", OUT / "floor-relay.log")
    relay_process.log_path.unlink(missing_ok=True)
    try:
        await relay_process.start(
            [
                sys.executable,
                "-m",
                "benchmarks.floor",
                "--relay",
                simulator.stream_url(0),
            ],
            cwd=ROOT,
        )
        port = await _relay_port(relay_process)
        await asyncio.sleep(max(warmup, 1.0))  # the camera's stream is running
        rows: list[RelayRow] = []
        for count in [0, *counts]:
            viewers = [
                Viewer(viewer_session, f"http://{LOOPBACK}:{port}/")
                for _ in range(count)
            ]
            for viewer in viewers:
                viewer.start()
            await asyncio.sleep(warmup)
            start, started = cpu_mark(relay_process.pid), time.time()
            await asyncio.sleep(seconds)
            end, ended = cpu_mark(relay_process.pid), time.time()
            fps = [
                len(viewer.in_window(started, ended)) / (ended - started)
                for viewer in viewers
            ]
            share = cpu_share(start, end)
            delivered = sum(fps)
            rows.append(
                RelayRow(
                    viewers=count,
                    cpu_percent_core=round(share * 100, 2),
                    fps_per_viewer_min=round(min(fps), 1) if fps else None,
                    us_per_viewer_frame=(
                        round(share / delivered * 1e6) if delivered else None
                    ),
                )
            )
            for viewer in viewers:
                await viewer.close()
            await asyncio.sleep(0.5)
    finally:
        await relay_process.stop(within=5)
    return rows


async def measure(counts: list[int], seconds: float) -> dict[str, Any]:
    """Start the simulator and the relay, then measure each viewer count."""
    OUT.mkdir(exist_ok=True)
    async with aiohttp.ClientSession() as session, new_session() as viewer_session:
        simulator = SimulatorProcess(ROOT, OUT / "floor-simulator.log", session)
        await simulator.start(1, stream_limit=None)
        try:
            rows = await measure_relay(simulator, viewer_session, counts, seconds)
        finally:
            await simulator.stop()
    return {"rows": rows, "load_after": loadavg()[0], "seconds": seconds}


async def _relay_port(process: ChildProcess) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for line in process.log_path.read_text(errors="replace").splitlines():
            if line.startswith("port "):
                return int(line.split()[1])
        await asyncio.sleep(0.1)
    raise RuntimeError(f"relay did not start:\n{process.log_tail()}")


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", default="1,10", help="viewer counts")
    parser.add_argument("--seconds", type=float, default=30.0, help="window length")
    parser.add_argument("--relay", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.relay:
        asyncio.run(relay(args.relay))
        return
    counts = [int(n) for n in args.viewers.split(",")]
    print(f"load before: {loadavg()[0]:.2f}", file=sys.stderr)
    result = asyncio.run(measure(counts, args.seconds))
    print("Least possible relay (asyncio only, no parsing), VGA 30 fps camera")
    print(relay_table(result["rows"]))
    (OUT / "floor.json").write_text(json.dumps(to_json(result), indent=2))


if __name__ == "__main__":
    main()
