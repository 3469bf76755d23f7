"""A set of simulated cameras, the discovery responder and the admin API."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
import ipaddress
import socket
from types import TracebackType
from typing import Self

from aiohttp import web

from . import admin
from .camera import SimulatedCamera
from .config import CameraConfig
from .discovery import DiscoveryResponder
from .runtime import Runtime


def only_loopback_interfaces() -> bool:
    """Whether every network interface of this process is a loopback one."""
    return all(name.startswith("lo") for _, name in socket.if_nameindex())


class Simulator:
    """Cameras on 127.0.0.1, one aiohttp server each.

    ``base_port`` 0: every camera on an ephemeral port, else ``base_port + index``.
    ``discovery_port`` / ``admin_port``: 0 ephemeral, None disabled.
    Only loopback hosts are accepted: nothing here may reach a real network.
    """

    def __init__(
        self,
        configs: Sequence[CameraConfig] = (CameraConfig(),),
        *,
        host: str = "127.0.0.1",
        base_port: int = 0,
        discovery_port: int | None = 0,
        admin_port: int | None = None,
        discovery_broadcast: bool = False,
    ) -> None:
        """Nothing listens until :meth:`start`.

        ``discovery_broadcast`` has the search responder listen on every
        address, so that it hears a search sent to 255.255.255.255 (as a
        real camera does). It is refused unless this process's network
        namespace has loopback interfaces only: nothing can reach it from,
        or leak it to, a real network.
        """
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError("the simulator only binds loopback addresses")
        if discovery_broadcast and not only_loopback_interfaces():
            raise ValueError(
                "broadcast discovery needs a network namespace with loopback only"
            )
        self._discovery_host = "0.0.0.0" if discovery_broadcast else host
        self.host = host
        self._runtime = Runtime()
        self.cameras = [
            SimulatedCamera(
                index,
                config,
                host=host,
                port=base_port + index if base_port else 0,
                runtime=self._runtime,
            )
            for index, config in enumerate(configs)
        ]
        self.discovery_port = discovery_port
        self.admin_port = admin_port
        self._discovery: asyncio.DatagramTransport | None = None
        self._admin: web.AppRunner | None = None
        self._started = False

    async def start(self) -> None:
        """Open every socket (cleans up after itself when one fails)."""
        self._started = True
        try:
            for camera in self.cameras:
                await camera.start()
            if self.discovery_port is not None:
                await self._start_discovery(self.discovery_port)
            if self.admin_port is not None:
                await self._start_admin(self.admin_port)
        except BaseException:
            await self.stop()
            raise

    async def _start_discovery(self, port: int) -> None:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: DiscoveryResponder(lambda: self.cameras),
            local_addr=(self._discovery_host, port),
        )
        self._discovery = transport
        self.discovery_port = int(transport.get_extra_info("sockname")[1])

    async def _start_admin(self, port: int) -> None:
        self._admin = web.AppRunner(
            admin.build_app(self.cameras), handle_signals=False, access_log=None
        )
        await self._admin.setup()
        site = web.TCPSite(self._admin, self.host, port, reuse_address=True)
        await site.start()
        self.admin_port = int(self._admin.addresses[0][1])

    async def stop(self) -> None:
        """Close every socket and await every task (safe to call twice)."""
        if not self._started:
            return
        self._started = False
        await self._runtime.cancel_tasks()  # reboots first: nothing may reopen
        await asyncio.gather(*(camera.stop() for camera in self.cameras))
        if self._discovery is not None:
            self._discovery.close()
            self._discovery = None
        if self._admin is not None:
            await self._admin.cleanup()
            self._admin = None
        await self._runtime.close()

    async def __aenter__(self) -> Self:
        """``async with Simulator(...) as sim``."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop."""
        await self.stop()
