"""``python -m simulator`` smoke test."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
import re
import signal
import sys

import aiohttp
import pytest

from simulator.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


async def test_cli_runs_and_stops_on_sigint(session: aiohttp.ClientSession) -> None:
    """Prints URL and users, serves, exits cleanly on Ctrl-C."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "simulator", "--cameras", "1", "--base-port", "0",
        "--discovery-port", "0", "--admin-port", "0", "--alias", "Porch",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        lines = []
        async with asyncio.timeout(15):
            while not (line := (await process.stdout.readline()).decode()).startswith(
                "ready"
            ):
                assert line, "simulator exited early"
                lines.append(line)
        text = "".join(lines)
        match = re.search(r"(http://127\.0\.0\.1:\d+)/ alias='Porch'", text)
        assert match, text
        assert "admin/admin (administrator)" in text
        assert re.search(r"discovery: udp://127\.0\.0\.1:\d+", text)
        async with session.get(f"{match[1]}/get_status.cgi") as resp:
            assert resp.status == 200
            assert b"var alias='Porch';" in await resp.read()
        process.send_signal(signal.SIGINT)
        async with asyncio.timeout(15):
            out, err = await process.communicate()
        assert process.returncode == 0, err
        assert out.decode().strip().endswith("stopped")
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


@pytest.mark.parametrize(
    "argv", [["--host", "0.0.0.0"], ["--host", "example.com"], ["--cameras", "0"]]
)
def test_cli_rejects_bad_arguments(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing but loopback may be bound; at least one camera."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "--" in capsys.readouterr().err
