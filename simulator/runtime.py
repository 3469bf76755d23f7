"""Background tasks and the render thread shared by all simulated cameras."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
import logging
from typing import Any

_LOGGER = logging.getLogger(__name__)


class Runtime:
    """Owns every task the simulator starts, so ``close()`` leaves nothing behind."""

    def __init__(self) -> None:
        """Nothing runs until used inside an event loop."""
        self._tasks: set[asyncio.Task[Any]] = set()
        self._executor: ThreadPoolExecutor | None = None

    def spawn[T](self, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Run ``coro`` as a tracked task."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            _LOGGER.error("simulator task failed", exc_info=exc)

    async def run_in_thread[T, A](self, func: Callable[[A], T], arg: A) -> T:
        """Run blocking work (frame rendering) on the single render thread."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="sim-render")
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, func, arg
        )

    async def cancel_tasks(self) -> None:
        """Cancel and await every task (including ones spawned meanwhile)."""
        while self._tasks:
            tasks = list(self._tasks)
            self._tasks.clear()  # done callbacks may still be queued: don't spin on them
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self) -> None:
        """Cancel every task, then stop the render thread."""
        await self.cancel_tasks()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
