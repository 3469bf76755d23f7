"""Child processes of the demo and the benchmarks, Home Assistant among them.

One launcher for every ``hass`` the repository starts (the demo, the benchmark
harness, the soak) and for the helper processes of the benchmarks (simulator,
relay). A child runs in its own session, so Ctrl-C reaches only the parent,
which stops its children in order; its output goes to a log file; it is
stopped with SIGTERM, then SIGKILL to its whole process group, and, as a last
resort, by an ``atexit`` fallback. Home Assistant also gets SIGTERM when the
parent dies without cleaning up (``setpriv --pdeathsig``, where available).
"""

from __future__ import annotations

import asyncio
import atexit
from collections.abc import Callable, Iterable, Mapping
import contextlib
import os
from pathlib import Path
import shutil
import signal
import sys
import time
from typing import IO, Final

# homeassistant.const.RESTART_EXIT_CODE: Home Assistant asks to be started again.
RESTART_EXIT_CODE: Final = 100

# Every child still running when the interpreter exits is killed (last resort
# behind the ``finally`` blocks of the callers).
_RUNNING: set[int] = set()


@atexit.register
def _kill_leftovers() -> None:
    for pid in list(_RUNNING):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


class ChildProcess:
    """A child in its own session, output to a log file, always stopped."""

    def __init__(
        self, name: str, log_path: Path, *, truncate_log: bool = False
    ) -> None:
        """Nothing runs before start(); ``truncate_log`` empties the log at each start."""
        self.name = name
        self.log_path = log_path
        self.truncate_log = truncate_log
        self._proc: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None
        self.started_at = 0.0

    @property
    def pid(self) -> int:
        """Process id (raises if not started)."""
        if self._proc is None:
            raise RuntimeError(f"{self.name} is not running")
        return self._proc.pid

    @property
    def running(self) -> bool:
        """Whether the child is alive."""
        return self._proc is not None and self._proc.returncode is None

    async def start(
        self,
        args: list[str],
        *,
        cwd: Path,
        env: Mapping[str, str] | None = None,
        drop_env: Iterable[str] = (),
        parent_death_signal: bool = False,
    ) -> None:
        """Spawn the child; its output goes to ``log_path``.

        ``env`` is added to this process's environment, ``drop_env`` removed
        from it. ``parent_death_signal``: SIGTERM to the child if this process
        dies without stopping it.
        """
        self._forget()
        if parent_death_signal and (setpriv := shutil.which("setpriv")) is not None:
            args = [setpriv, "--pdeathsig", "TERM", "--", *args]
        environment = {**os.environ, **(env or {})}
        for name in drop_env:
            environment.pop(name, None)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb" if self.truncate_log else "ab")
        self.started_at = time.monotonic()
        self._proc = await asyncio.create_subprocess_exec(
            *args,
            cwd=cwd,
            env=environment,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the parent only
        )
        _RUNNING.add(self._proc.pid)

    async def wait(self) -> int:
        """Wait until the child exits; its exit code."""
        if self._proc is None:
            raise RuntimeError(f"{self.name} is not running")
        return await self._proc.wait()

    def log_tail(self, lines: int = 30) -> str:
        """Return the end of the child's output (for error messages)."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    async def stop(
        self, within: float = 30.0, *, on_kill: Callable[[], None] | None = None
    ) -> int | None:
        """SIGTERM, then SIGKILL after ``within`` seconds; returns the exit code.

        ``on_kill`` is called before the SIGKILL of a child that did not stop in
        time. Cancelled while waiting (an impatient second Ctrl-C), the child's
        process group is killed at once.
        """
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        try:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
                try:
                    async with asyncio.timeout(within):
                        await proc.wait()
                except TimeoutError:
                    if on_kill is not None:
                        on_kill()
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    async with asyncio.timeout(10):
                        await proc.wait()
        finally:
            _RUNNING.discard(proc.pid)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # stray grandchildren
            self._close_log()
        return proc.returncode

    def _forget(self) -> None:
        """Drop a child that has exited on its own (before a restart)."""
        if self._proc is not None and self._proc.returncode is not None:
            _RUNNING.discard(self._proc.pid)
            self._proc = None
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


def home_assistant_command(config_dir: Path) -> list[str]:
    """``python -P -m homeassistant --skip-pip --config <dir>`` of this interpreter.

    ``-P``: the working directory is not put on ``sys.path`` (as with the
    ``hass`` script), so nothing in it can shadow a module Home Assistant imports.
    """
    return [
        sys.executable,
        "-P",
        "-m",
        "homeassistant",
        "--skip-pip",
        "--config",
        str(config_dir),
    ]


class HomeAssistantChild(ChildProcess):
    """A Home Assistant process with its own configuration directory."""

    def __init__(
        self, config_dir: Path, log_path: Path, *, truncate_log: bool = False
    ) -> None:
        """Nothing runs before start_hass()."""
        super().__init__("home-assistant", log_path, truncate_log=truncate_log)
        self.config_dir = config_dir

    async def start_hass(
        self,
        *,
        cwd: Path,
        env: Mapping[str, str] | None = None,
        drop_env: Iterable[str] = (),
    ) -> None:
        """Spawn Home Assistant on ``config_dir`` (SIGTERM if this process dies)."""
        await self.start(
            home_assistant_command(self.config_dir),
            cwd=cwd,
            env=env,
            drop_env=drop_env,
            parent_death_signal=True,
        )
