"""Profile Home Assistant while N viewers watch one integration (py-spy).

``python -m benchmarks.profile [--integration foscam_mjpeg] [--viewers 10]
[--seconds 20] [--py-spy PATH | --cprofile]`` writes ``.bench/profile-<integration>-<n>.txt``
(collapsed stacks, for flamegraph.pl / speedscope) and prints the functions
with the most samples. py-spy is not a dependency: ``pip install --target
.bench/tools py-spy`` (it is looked up there and on PATH). ``--cprofile`` needs nothing: the
bench_probe component runs cProfile on Home Assistant's event loop thread.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from pathlib import Path
import pstats
import shutil
import sys

import aiohttp

from .harness import FOSCAM, MJPEG, QUICK, REPO, Context, log, setup_stream_ha
from .procs import cpu_mark, cpu_share
from .sim_process import SimulatorProcess
from .viewers import close_viewers, new_session, start_viewers


def _py_spy(path: str | None) -> str:
    candidates = [path] if path else [str(REPO / ".bench/tools/bin/py-spy"), "py-spy"]
    for candidate in candidates:
        if candidate and (found := shutil.which(candidate)):
            return found
    raise SystemExit("py-spy not found: pip install --target .bench/tools py-spy")


def summarize(collapsed: str, top: int = 25) -> str:
    """Self and inclusive sample counts per function from collapsed stacks."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    lines = [f"{total} samples", "", "self:"]
    lines += [f"{100 * c / total:6.1f}%  {f}" for f, c in own.most_common(top)]
    lines += ["", "inclusive:"]
    lines += [f"{100 * c / total:6.1f}%  {f}" for f, c in inclusive.most_common(top)]
    return "\n".join(lines)


async def _record(seconds: float, *command: str) -> None:
    """Run a profiler that records for ``seconds``; wait for it (bounded)."""
    proc = await asyncio.create_subprocess_exec(
        *command,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    async with asyncio.timeout(seconds + 60):
        await proc.wait()


async def profile(args: argparse.Namespace) -> None:
    """Start everything, attach py-spy for ``seconds``, stop everything."""
    py_spy = "" if args.cprofile or args.perf else _py_spy(args.py_spy)
    bench = REPO / ".bench"
    out = bench / f"profile-{args.integration}-{args.viewers}.txt"
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as control,
        new_session() as viewers_session,
    ):
        ctx = Context(QUICK, bench, control, viewers_session)
        sim = SimulatorProcess(REPO, bench / "simulator-profile.log", control)
        ha = None
        try:
            await sim.start(1, stream_limit=None)
            env = {"PYTHONPERFSUPPORT": "1"} if args.perf else {}
            ha, foscam, mjpeg = await setup_stream_ha(
                ctx, sim, args.integration_src, env
            )
            camera = foscam if args.integration == FOSCAM else mjpeg
            token = await ha.camera_token(camera.entity_id)
            url = (
                f"{ha.base_url}/api/camera_proxy_stream/{camera.entity_id}"
                f"?token={token}"
            )
            viewers = await start_viewers(viewers_session, url, args.viewers, within=30)
            await asyncio.sleep(3)
            start = cpu_mark(ha.pid)
            if args.cprofile:
                await ha.get("/api/bench_probe?profile=start")
                await asyncio.sleep(args.seconds)
                path = (await ha.get("/api/bench_probe?profile=stop"))["profile"]
                end = cpu_mark(ha.pid)
                await close_viewers(viewers)
                log(
                    f"Home Assistant used {100 * cpu_share(start, end):.2f} % (cProfile on)"
                )
                stats = pstats.Stats(path)
                stats.sort_stats("tottime").print_stats(args.top)
                stats.sort_stats("cumulative").print_stats(args.top)
                return
            if args.perf:
                data = bench / f"perf-{args.integration}-{args.viewers}.data"
                await _record(
                    args.seconds,
                    "perf",
                    "record",
                    "-F",
                    "997",
                    "-g",
                    "-o",
                    str(data),
                    "-p",
                    str(ha.pid),
                    "--",
                    "sleep",
                    str(args.seconds),
                )
                end = cpu_mark(ha.pid)
                await close_viewers(viewers)
                log(
                    f"Home Assistant used {100 * cpu_share(start, end):.2f} % "
                    f"(perf data: {data}; perf report -i {data} --no-children)"
                )
                return
            log(f"py-spy on pid {ha.pid} for {args.seconds} s")
            await _record(
                args.seconds,
                py_spy,
                "record",
                "--pid",
                str(ha.pid),
                "--duration",
                str(args.seconds),
                "--rate",
                str(args.rate),
                "--format",
                "raw",
                "--output",
                str(out),
                "--nonblocking",
            )
            end = cpu_mark(ha.pid)
            await close_viewers(viewers)
            log(
                f"Home Assistant used {100 * cpu_share(start, end):.2f} % of a core "
                f"(user {end.user - start.user:.2f} s, "
                f"system {end.system - start.system:.2f} s)"
            )
        finally:
            if ha is not None:
                await ha.stop()
            await sim.stop()
    print(summarize(out.read_text()))
    log(f"collapsed stacks: {out}")


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile")
    parser.add_argument("--integration", choices=(FOSCAM, MJPEG), default=FOSCAM)
    parser.add_argument("--viewers", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rate", type=int, default=250, help="samples per second")
    parser.add_argument("--py-spy", help="path of the py-spy binary")
    parser.add_argument(
        "--cprofile",
        action="store_true",
        help="cProfile the event loop thread (bench_probe) instead of py-spy",
    )
    parser.add_argument("--top", type=int, default=40, help="rows of cProfile output")
    parser.add_argument(
        "--perf",
        action="store_true",
        help="Linux perf (kernel + Python frames, PYTHONPERFSUPPORT=1)",
    )
    parser.add_argument(
        "--integration-src",
        type=Path,
        help="copy of custom_components/foscam_mjpeg to profile instead",
    )
    asyncio.run(profile(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
