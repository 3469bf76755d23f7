"""The camera simulator (``python -m simulator``) as a separate process."""

from __future__ import annotations

import asyncio
from pathlib import Path
import re
import sys
import time
from typing import Any, Final

import aiohttp

from demo.child_process import ChildProcess

from .procs import LOOPBACK

_ADMIN_LINE: Final = re.compile(rb"admin: http://[\d.]+:(\d+)/cameras")
USER: Final = "admin"
PASSWORD: Final = "admin"
VGA: Final = 32  # videostream.cgi resolution code
FULL_RATE: Final = 0  # videostream.cgi rate code: the camera's maximum (30 fps)
# Requests that cost the camera an image (a stream or a snapshot).
IMAGE_CGIS: Final = ("videostream.cgi", "snapshot.cgi", "videostream.asf")


class SimulatorProcess:
    """Simulated cameras on ephemeral loopback ports, with the admin JSON API."""

    def __init__(self, root: Path, log_path: Path, session: aiohttp.ClientSession):
        """``root`` is the repository (``simulator`` is imported from there)."""
        self._root = root
        self._session = session
        self.process = ChildProcess("simulator", log_path)
        self.admin_url = ""
        self.cameras: list[dict[str, Any]] = []

    async def start(
        self, cameras: int, *, stream_limit: int | None, within: float = 60.0
    ) -> None:
        """Start and wait until every camera answers (bounded by ``within``)."""
        args = [
            sys.executable,
            "-m",
            "simulator",
            "--cameras",
            str(cameras),
            "--base-port",
            "0",
            "--admin-port",
            "0",
            "--stream-limit",
            str(stream_limit or 0),
        ]
        self.process.log_path.unlink(missing_ok=True)
        await self.process.start(args, cwd=self._root)
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if not self.process.running:
                break
            log = self.process.log_path.read_bytes()
            if b"ready" in log and (match := _ADMIN_LINE.search(log)):
                self.admin_url = f"http://{LOOPBACK}:{int(match.group(1))}"
                self.cameras = await self._get("/cameras")
                return
            await asyncio.sleep(0.1)
        raise RuntimeError(f"simulator did not start:\n{self.process.log_tail()}")

    async def _get(self, path: str) -> Any:
        async with asyncio.timeout(10):
            response = await self._session.get(self.admin_url + path)
            response.raise_for_status()
            return await response.json()

    async def counters(self, index: int = 0) -> dict[str, Any]:
        """Request and stream counters of one camera."""
        summaries = await self._get("/cameras")
        counters: dict[str, Any] = summaries[index]["counters"]
        return counters

    async def counters_all(self) -> list[dict[str, Any]]:
        """Counters of every camera, by index."""
        return [summary["counters"] for summary in await self._get("/cameras")]

    async def wait_streams(self, index: int, count: int, within: float) -> bool:
        """Wait until the camera has ``count`` open streams; False on timeout."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if (await self.counters(index))["stream_current"] == count:
                return True
            await asyncio.sleep(0.1)
        return False

    def camera_port(self, index: int) -> int:
        """TCP port of one camera."""
        port: int = self.cameras[index]["port"]
        return port

    def stream_url(self, index: int) -> str:
        """videostream.cgi URL with the login in the query (for ``mjpeg``)."""
        return (
            f"http://{LOOPBACK}:{self.camera_port(index)}/videostream.cgi"
            f"?user={USER}&pwd={PASSWORD}&resolution={VGA}&rate={FULL_RATE}"
        )

    def snapshot_url(self, index: int) -> str:
        """snapshot.cgi URL with the login in the query (for ``mjpeg``)."""
        return (
            f"http://{LOOPBACK}:{self.camera_port(index)}/snapshot.cgi"
            f"?user={USER}&pwd={PASSWORD}"
        )

    async def stop(self) -> None:
        """Stop the process (SIGTERM; the simulator closes every socket)."""
        await self.process.stop(within=15)


def image_requests(before: dict[str, Any], after: dict[str, Any]) -> int:
    """Image requests (streams + snapshots) the camera served between two readings."""
    return sum(
        after["requests"].get(cgi, 0) - before["requests"].get(cgi, 0)
        for cgi in IMAGE_CGIS
    )
