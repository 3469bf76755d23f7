"""One simulated camera: state, counters, faults, frames, reboot and alarms."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any, Final

from aiohttp import web

from .config import CameraConfig
from .const import RESOLUTION_SIZES, AlarmStatus
from .faults import Counters, Faults
from .frames import VGA_PIXELS, FrameInfo, FrameSource, Renderer
from .ptz import PAN_RANGE, TILT_RANGE, PanTilt
from .runtime import Runtime
from .server import CameraServer
from .state import CameraState, SerialWrite, Settings

_LOG_LIMIT: Final = 100
_IO_OUTPUT: Final = {94: True, 95: False}


def default_camera_id(index: int) -> str:
    """Deterministic MAC-style id: ``00626E4A0001`` for the first camera."""
    return f"00626E4A{index + 1:04X}"


class SimulatedCamera:
    """A CGI v1.x camera on 127.0.0.1 (create through :class:`Simulator`)."""

    def __init__(
        self,
        index: int,
        config: CameraConfig,
        *,
        host: str,
        port: int,
        runtime: Runtime,
    ) -> None:
        """``port`` 0 picks an ephemeral port at start."""
        self.index = index
        self.config = config
        self.host = host
        self.port = port
        self._runtime = runtime
        self.state = CameraState(
            id=(config.camera_id or default_camera_id(index)).upper(),
            sys_ver=config.sys_ver,
            app_ver=config.app_ver,
            settings=Settings.factory(config, port),
            ptz=PanTilt(speed=config.ptz_speed, pan_reversed=config.pan_reversed),
        )
        self.counters = Counters()
        self.faults = Faults()
        self.commands: list[int] = []
        self._server = CameraServer(self)
        self._renderer = Renderer(seed=index)
        self._sources: dict[int, FrameSource] = {}
        self._streams: set[asyncio.Transport] = set()
        self._frame_no = 0
        self._alarm_timer: asyncio.TimerHandle | None = None
        self._reboot: asyncio.Task[None] | None = None
        self._boot()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (no credentials)."""
        return f"http://{self.host}:{self.port}"

    @property
    def online(self) -> bool:
        """Whether the camera accepts connections."""
        return self._server.listening

    @property
    def frames_rendered(self) -> int:
        """JPEGs rendered so far (streams share them; snapshots render their own)."""
        return self._frame_no

    @property
    def rebooting(self) -> bool:
        """Whether a reboot is in progress."""
        return self._reboot is not None and not self._reboot.done()

    # -- lifecycle ---------------------------------------------------------

    async def start(self) -> None:
        """Start listening (the factory ``port`` setting follows an ephemeral port)."""
        requested = self.port
        self.port = await self._server.listen(self.host, self.port)
        if self.state.settings.network.port == requested:
            self.state.settings.network.port = self.port

    async def stop(self) -> None:
        """Stop everything this camera runs (the runtime cancels its tasks)."""
        self._cancel_alarm_timer()
        self.faults.offline = True
        await self._server.close(final=True)

    async def set_offline(self, offline: bool) -> None:
        """Close (connection refused) or reopen the listening socket on the same port."""
        if offline and self.online:
            self.faults.offline = True
            await self._server.close()
        elif not offline and not self.online:
            await self._server.listen(self.host, self.port)
            self.faults.offline = False

    async def reboot(self, downtime: float | None = None) -> None:
        """Go offline for ``downtime`` seconds, then boot (runtime state reset)."""
        await self.set_offline(True)
        await asyncio.sleep(
            self.config.reboot_downtime if downtime is None else downtime
        )
        self._boot()
        self.state.boot_count += 1
        await self.set_offline(False)

    def start_reboot(self, downtime: float | None = None) -> asyncio.Task[None]:
        """Reboot in the background (one at a time)."""
        if self._reboot is None or self._reboot.done():
            self._reboot = self._runtime.spawn(self.reboot(downtime))
        return self._reboot

    def reboot_after(self, task: asyncio.Task[None]) -> None:
        """Reboot once ``task`` (the connection that asked for it) has finished."""

        async def later() -> None:
            await asyncio.wait({task}, timeout=2)
            await self.start_reboot()

        self._runtime.spawn(later())

    def _boot(self) -> None:
        state = self.state
        self._cancel_alarm_timer()
        state.alarm_status = AlarmStatus.NONE
        state.io_output = False
        state.ptz.stop()
        misc = state.settings.misc
        if misc.ptz_center_onstart:
            state.ptz.center()
        elif misc.ptz_preset_onstart:
            state.ptz.go_preset(misc.ptz_preset_onstart)
        # Without NTP the clock starts at 1970 (firmware fact).
        state.clock_offset = 0.0 if state.settings.datetime.ntp_enable else -time.time()
        self.add_log("ipcamera", "", "system start")

    # -- faults and events -------------------------------------------------

    def drop_streams(self) -> None:
        """Cut every active stream connection."""
        for transport in list(self._streams):
            transport.abort()

    def trigger_alarm(
        self, status: AlarmStatus | int, duration: float | None = None
    ) -> None:
        """Set ``alarm_status``; back to NONE after ``duration`` seconds (None: stays)."""
        self._cancel_alarm_timer()
        self.state.alarm_status = status
        if duration is not None:
            self._alarm_timer = asyncio.get_running_loop().call_later(
                duration, self._clear_alarm
            )

    def _clear_alarm(self) -> None:
        self._alarm_timer = None
        self.state.alarm_status = AlarmStatus.NONE

    def _cancel_alarm_timer(self) -> None:
        if self._alarm_timer is not None:
            self._alarm_timer.cancel()
            self._alarm_timer = None

    # -- used by the CGI handlers -----------------------------------------

    def decoder_command(
        self, command: int, *, onestep: bool, degree: int | None
    ) -> None:
        """Record a decoder_control command and drive the motor / IO output."""
        self.commands.append(command)
        if command in _IO_OUTPUT:
            self.state.io_output = _IO_OUTPUT[command]
        else:
            self.state.ptz.command(command, onestep=onestep, degree=degree)

    def record_serial(self, port: int, baud: int, data: str) -> None:
        """Keep a comm_write.cgi call."""
        self.state.serial_writes.append(SerialWrite(port, baud, data))

    def add_log(self, user: str, remote: str, event: str) -> None:
        """Append a get_log.cgi line (camera local time)."""
        local = dt.datetime.fromtimestamp(
            self.state.now - self.state.settings.datetime.tz, dt.UTC
        )
        line = f"{local:%a, %Y-%m-%d %H:%M:%S}    {user:<12} {remote:<16} {event}"
        self.state.log = [*self.state.log, line][-_LOG_LIMIT:]

    def register_stream(self, request: web.BaseRequest) -> None:
        """Track a stream connection that started (drop_streams can cut it)."""
        if request.transport is not None:
            self._streams.add(request.transport)

    def unregister_stream(self, request: web.BaseRequest) -> None:
        """Forget a stream connection that ended."""
        if request.transport is not None:
            self._streams.discard(request.transport)

    # -- frames ------------------------------------------------------------

    def frame_info(self, resolution: int) -> FrameInfo:
        """Describe what the next frame shows (read on the event loop)."""
        self._frame_no += 1
        state = self.state
        width, height = RESOLUTION_SIZES[resolution]
        pan, tilt = state.ptz.pan, state.ptz.tilt
        x = (pan - PAN_RANGE[0]) / (PAN_RANGE[1] - PAN_RANGE[0])
        y = 1 - (tilt - TILT_RANGE[0]) / (TILT_RANGE[1] - TILT_RANGE[0])
        flip = state.settings.camera.flip
        marker = (1 - x if flip & 2 else x, 1 - y if flip & 1 else y)
        utc = dt.datetime.fromtimestamp(state.now, dt.UTC)
        pad_to = None
        if self.config.frame_size is not None:
            pad_to = self.config.frame_size * width * height // VGA_PIXELS
        return FrameInfo(
            size=(width, height),
            lines=(
                state.alias,
                f"{utc:%Y-%m-%d %H:%M:%S} UTC",
                f"#{self._frame_no} pan {pan:.1f} tilt {tilt:.1f}",
            ),
            marker=marker,
            comment=f"sim-ts={time.time():.6f} frame={self._frame_no}",
            quality=self.config.jpeg_quality,
            pad_to=pad_to,
            truncated=self.faults.truncated_jpeg,
        )

    async def render(self, resolution: int) -> bytes:
        """Render one JPEG on the render thread."""
        return await self._runtime.run_in_thread(
            self._renderer.render, self.frame_info(resolution)
        )

    def frame_source(self, resolution: int) -> FrameSource:
        """Return the shared producer of ``resolution`` frames."""
        if (source := self._sources.get(resolution)) is None:
            source = self._sources[resolution] = FrameSource(
                lambda: self.render(resolution), self._runtime.spawn
            )
        return source

    # -- views -------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """JSON view for the admin endpoint's list."""
        return {
            "index": self.index,
            "id": self.state.id,
            "alias": self.state.alias,
            "host": self.host,
            "port": self.port,
            "url": self.base_url,
            "online": self.online,
            "counters": self.counters.as_dict(),
        }

    def snapshot_state(self) -> dict[str, Any]:
        """JSON view of the runtime state (admin endpoint)."""
        state = self.state
        return self.summary() | {
            "alarm_status": int(state.alarm_status),
            "pan": state.ptz.pan,
            "tilt": state.ptz.tilt,
            "moving": state.ptz.moving,
            "presets": {str(n): list(p) for n, p in state.ptz.presets.items()},
            "io_output": state.io_output,
            "extra_io": state.extra_io,
            "boot_count": state.boot_count,
            "rebooting": self.rebooting,
            "commands": list(self.commands),
            "faults": self.faults.as_dict(),
        }
