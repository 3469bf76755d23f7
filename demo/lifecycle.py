"""``async with`` for the demo's long-lived parts: start on entry, stop on exit."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self


class Service(ABC):
    """Something started and stopped once; ``async with`` does both.

    A start that fails part way is stopped before the error propagates, so
    :meth:`stop` must be safe on a partly started (or never started) service.
    """

    @abstractmethod
    async def start(self) -> None:
        """Start (or connect)."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop (or disconnect); safe to call twice."""

    async def __aenter__(self) -> Self:
        """Start; stop again if starting fails."""
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop."""
        await self.stop()
