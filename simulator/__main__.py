"""``python -m simulator``: run simulated cameras until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import signal
import sys

from .config import CameraConfig
from .simulator import Simulator


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m simulator", description="Simulated CGI v1.x MJPEG cameras."
    )
    parser.add_argument("--cameras", type=int, default=1, help="number of cameras")
    parser.add_argument(
        "--base-port",
        type=int,
        default=8081,
        help="first camera port (0: ephemeral ports)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument(
        "--discovery-port", type=int, help="UDP discovery port (0: ephemeral)"
    )
    parser.add_argument(
        "--admin-port", type=int, help="JSON admin API port (0: ephemeral)"
    )
    parser.add_argument(
        "--stream-limit", type=int, default=4, help="streams per camera (0: unlimited)"
    )
    parser.add_argument(
        "--alias", action="append", default=[], help="camera alias (repeat per camera)"
    )
    parser.add_argument(
        "--reboot-downtime",
        type=float,
        default=5.0,
        help="seconds offline when rebooting",
    )
    args = parser.parse_args(argv)
    if args.cameras < 1:
        parser.error("--cameras must be at least 1")
    try:
        loopback = ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        parser.error("--host must be a loopback address")
    return args


def _configs(args: argparse.Namespace) -> list[CameraConfig]:
    aliases = list(args.alias)
    return [
        CameraConfig(
            alias=aliases[i] if i < len(aliases) else f"Foscam Sim {i + 1}",
            stream_limit=args.stream_limit or None,
            reboot_downtime=args.reboot_downtime,
        )
        for i in range(args.cameras)
    ]


async def run(args: argparse.Namespace) -> None:
    """Start, print the endpoints, wait for SIGINT/SIGTERM, stop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Simulator(
        _configs(args),
        host=args.host,
        base_port=args.base_port,
        discovery_port=args.discovery_port,
        admin_port=args.admin_port,
    ) as sim:
        for camera in sim.cameras:
            users = ", ".join(
                f"{u.name}/{u.password} ({u.privilege.name.lower()})"
                for u in camera.config.users
            )
            print(
                f"camera {camera.index}: {camera.base_url}/ alias={camera.state.alias!r}"
            )
            print(f"  id={camera.state.id} users: {users}")
        if sim.discovery_port is not None:
            print(f"discovery: udp://{args.host}:{sim.discovery_port}")
        if sim.admin_port is not None:
            print(f"admin: http://{args.host}:{sim.admin_port}/cameras")
        print("ready (Ctrl-C to stop)", flush=True)
        await stop.wait()
    print("stopped", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = _parse(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
