"""Drive the demo in headless Chromium like a user, and take the README's screenshots.

``scripts/browser-check`` (not part of CI; needs Debian's ``chromium``):

1. starts the demo with a fresh configuration (``.demo/browser-check/``);
2. logs in to Home Assistant with the demo user;
3. adds both discovered cameras through the config-flow dialog
   (screenshot ``docs/screenshots/config-flow.png``);
4. opens the demo dashboard, checks that both live views show moving video,
   presses the "left" PTZ button of each camera and checks, through the
   simulator's admin API, that the normal camera turned left and the mirrored
   one was sent "right" (screenshot ``dashboard.png``);
5. opens the first camera's device page (screenshot ``device.png``).

It exits non-zero when any check fails (``.demo/browser-check/failure.png``
shows the page at that moment). Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
from pathlib import Path
import shutil
import signal
import sys
import time
from typing import Any, Final

import aiohttp
from PIL import Image, ImageChops

from demo import dashboard
from demo.cdp import BrowserError, Chromium
from demo.ha_client import Json
from demo.run import (
    CAMERA_PASSWORD,
    CAMERA_USERNAME,
    DEFAULT_ROOT,
    DOMAIN,
    MIRROR,
    Demo,
    ensure_frontend,
    pick_port,
    say,
)
from simulator.simulator import only_loopback_interfaces

SCREENSHOTS: Final = DEFAULT_ROOT.parent / "docs" / "screenshots"
CHECK_ROOT: Final = DEFAULT_ROOT / "browser-check"
PAN_LEFT: Final = 4  # decoder_control command: left
PAN_RIGHT: Final = 6  # decoder_control command: right
MOVE_STOPS: Final = frozenset({1, 3, 5, 7})


class CheckFailed(Exception):
    """The demo did not behave as a user expects."""


def _js(value: Any) -> str:
    return json.dumps(value)


class BrowserCheck:
    """The checks, in order; each step waits for what a user would wait for."""

    def __init__(self, demo: Demo, browser: Chromium, screenshots: Path) -> None:
        """Work on a started demo and browser."""
        self.demo = demo
        self.browser = browser
        self.screenshots = screenshots
        self.session = aiohttp.ClientSession()

    async def close(self) -> None:
        """Close the admin API session."""
        await self.session.close()

    # -- simulator admin API

    async def camera_state(self, index: int) -> Json:
        """Read the simulated camera's state, as its admin endpoint reports it."""
        assert self.demo.sim is not None
        url = f"http://127.0.0.1:{self.demo.sim.admin_port}/cameras/{index}/state"
        async with self.session.get(url) as response:
            response.raise_for_status()
            return dict(await response.json())

    # -- navigation

    async def navigate(self, path: str) -> None:
        """Client-side navigation, as the frontend's own links do (no reload)."""
        await self.browser.evaluate(
            f"history.pushState(null, '', {_js(path)});"
            "window.dispatchEvent(new CustomEvent('location-changed',"
            " {detail: {replace: false}}));"
        )

    async def login(self) -> None:
        """Log in on Home Assistant's login page."""
        user = self.demo.user
        await self.browser.goto(self.demo.base_url)
        await self.browser.click_element(
            "__deep.query('input').find((i) => i.type === 'text' || i.name === 'username')",
            "the user name field",
            within=60,
        )
        await self.browser.type_text(user.username)
        await self.browser.click_element(
            "__deep.query('input').find((i) => i.type === 'password')",
            "the password field",
        )
        await self.browser.type_text(user.password)
        await self.browser.click_element(
            "__deep.byText('Log in')[0]", "the Log in button"
        )
        await self.browser.wait_for(
            "!!document.querySelector('home-assistant')?.hass?.states",
            "the frontend to connect after logging in",
            within=60,
        )
        say("browser-check: logged in")

    async def add_discovered(self, alias: str, screenshot: str | None) -> None:
        """Add via Settings → Devices & services → Discovered → Add → login → Submit → Finish."""
        await self.navigate("/config/integrations/dashboard")
        card = (
            "__deep.query('ha-config-flow-card')"
            f".find((c) => __deep.text(c).includes({_js(alias)}))"
        )
        await self.browser.click_element(
            f"(() => {{ const c = {card}; return c && __deep.byText('Add', c)[0]; }})()",
            f"the discovered camera {alias!r} with its Add button",
            within=60,
        )
        await self._login_and_finish(screenshot)
        say(f"browser-check: added {alias!r} through the config flow dialog")

    async def open_dashboard(self) -> list[Json]:
        """Open the demo dashboard; wait for every camera's live view to play."""
        assert self.demo.sim is not None
        count = len(self.demo.sim.cameras)
        async with asyncio.timeout(60):
            while True:
                await self.demo.sync_dashboard()
                views = self.demo.state.dashboard or {}
                sections = views.get("views", [{}])[0].get("sections", [])
                if len(sections) == count and all(
                    any(c.get("type") == "picture-entity" for c in s["cards"])
                    for s in sections
                ):
                    break
                await asyncio.sleep(1)
        await self.navigate(f"/{dashboard.URL_PATH}/{dashboard.VIEW_PATH}")
        videos = await self.browser.wait_for(
            "(() => { const imgs = __deep.query('img')"
            ".filter((i) => i.src.includes('/api/camera_proxy_stream/')"
            " && i.naturalWidth > 0);"
            f" return imgs.length === {count}"
            " ? imgs.map((i) => ({src: i.src, rect: __deep.rect(i)})) : null; })()",
            f"{count} live camera views with a picture",
            within=60,
        )
        return list(videos)

    async def check_live(self, videos: list[Json]) -> None:
        """Each live view changes over time (the clock and frame number move)."""
        for index, video in enumerate(videos):
            clip = video["rect"]
            first = await self.browser.png(clip)
            await asyncio.sleep(1.5)
            second = await self.browser.png(clip)
            a = Image.open(io.BytesIO(first)).convert("RGB")
            b = Image.open(io.BytesIO(second)).convert("RGB")
            if ImageChops.difference(a, b).getbbox() is None:
                raise CheckFailed(f"live view {index} shows no new frames")
            colours = a.getcolors(maxcolors=1 << 16)
            if colours is not None and len(colours) < 50:
                raise CheckFailed(f"live view {index} looks blank")
        for index in range(len(videos)):
            counters = (await self.camera_state(index))["counters"]
            if counters["stream_current"] < 1:
                raise CheckFailed(f"camera {index} has no open stream: {counters}")
        say(f"browser-check: {len(videos)} live views show moving video")

    async def press_left(self, entities: list[Json]) -> None:
        """Press the "left" PTZ button of every camera on the dashboard."""
        assert self.demo.sim is not None
        for index, camera in enumerate(self.demo.sim.cameras):
            button = next(
                e
                for e in entities
                if e.get("translation_key") == "ptz_left"
                and e.get("unique_id", "").startswith(f"{_mac(camera.state.id)}_")
            )
            name = button.get("name") or button["original_name"]
            before = await self.camera_state(index)
            await self.browser.click_element(
                "__deep.query('hui-button-card')"
                f".find((c) => c._config?.entity === {_js(button['entity_id'])})",
                f"the {name!r} button of camera {index}",
            )
            await asyncio.sleep(2.0)  # the move lasts 0.5 s by default, then stops
            after = await self.camera_state(index)
            sent = after["commands"][len(before["commands"]) :]
            mirrored = bool(camera.config.flip & MIRROR)
            expected = PAN_RIGHT if mirrored else PAN_LEFT
            moved = after["pan"] - before["pan"]
            if expected not in sent or not MOVE_STOPS & set(sent):
                raise CheckFailed(
                    f"{name!r} on camera {index} sent {sent}, expected {expected} then a stop"
                )
            if (moved <= 0) if mirrored else (moved >= 0):
                raise CheckFailed(f"{name!r} on camera {index} moved pan by {moved}")
            say(
                f"browser-check: {name!r} on {camera.config.alias!r} sent {sent}"
                f" and moved pan {before['pan']:.1f} → {after['pan']:.1f}"
                + (" (mirrored picture)" if mirrored else "")
            )

    async def _login_and_finish(self, screenshot: str | None) -> None:
        """Fill the open flow's login form: password, Submit, then Finish."""
        dialog = "__deep.all().find((e) => e.localName === 'dialog-data-entry-flow')"
        await self.browser.click_element(
            f"(() => {{ const d = {dialog};"
            " return d && __deep.query('input', d).find((i) => i.type === 'password'); })()",
            "the config flow's password field",
        )
        await self.browser.type_text(CAMERA_PASSWORD)
        user_field = await self.browser.evaluate(
            f"(() => {{ const d = {dialog};"
            " const i = __deep.query('input', d).find((i) => i.type === 'text');"
            " return i ? i.value : null; })()"
        )
        if user_field != CAMERA_USERNAME:
            raise CheckFailed(f"the user name field shows {user_field!r}")
        if screenshot is not None:
            await asyncio.sleep(0.5)
            await self.browser.screenshot(self.screenshots / screenshot)
        await self.browser.click_element(
            f"(() => {{ const d = {dialog}; return d && __deep.byText('Submit', d)[0]; }})()",
            "the Submit button",
        )
        # "Finish" until 2026.10; the 2026.11 frontend's "Name and assign" step
        # says "Skip and finish" while the name and area are left as they are.
        finish = (
            f"(() => {{ const d = {dialog}; return d && (__deep.byText('Finish', d)[0]"
            " || __deep.byText('Skip and finish', d)[0]); })()"
        )
        await self.browser.click_element(
            finish, "the success step's Finish button", within=60
        )
        await self.browser.wait_for(
            f"(() => !{finish})()", "the config flow dialog to close"
        )

    async def add_first_from_search(
        self, aliases: list[str], screenshot: str, login_screenshot: str
    ) -> None:
        """Add from the search on a fresh install, no YAML: it lists the cameras.

        The integration's own UDP search (to 255.255.255.255, in this check's
        loopback-only network namespace) finds the simulated cameras; the
        first one is added from the list.
        """
        await self.navigate(f"/config/integrations/dashboard/add?domain={DOMAIN}")
        await self.browser.click_element(  # "Do you want to set up …?"
            "__deep.byText('OK')[0]", "the 'set up Foscam MJPEG?' confirmation"
        )
        dialog = "__deep.all().find((e) => e.localName === 'dialog-data-entry-flow')"
        await self.browser.click_element(
            f"(() => {{ const d = {dialog};"
            " return d && __deep.byText('Add a camera that was found', d)[0]; })()",
            "the search result's 'Add a camera that was found'",
            within=30,
        )
        await self.browser.wait_for(
            f"(() => {{ const d = {dialog};"
            " return d && __deep.text(d).includes('Choose the camera'); })()",
            "the list of cameras found",
        )
        listed = await self.browser.evaluate(
            f"(() => {{ const d = {dialog}; return d ? __deep.text(d) : ''; }})()"
        )
        missing = [alias for alias in aliases if alias not in str(listed)]
        if missing:
            raise CheckFailed(f"the search did not list {missing}: {listed!r}")
        await asyncio.sleep(0.5)
        await self.browser.screenshot(self.screenshots / screenshot)
        say(f"browser-check: a fresh install's search lists {aliases} ({screenshot})")
        # The first camera is preselected.
        await self.browser.click_element(
            f"(() => {{ const d = {dialog}; return d && __deep.byText('Submit', d)[0]; }})()",
            "the Submit button under the list",
        )
        await self._login_and_finish(login_screenshot)
        say(f"browser-check: added {aliases[0]!r} from the search's list")

    async def device_page(self, device_id: str, screenshot: str) -> None:
        """Open a camera's device page and wait for its controls to render."""
        await self.navigate(f"/config/devices/device/{device_id}")
        await self.browser.wait_for(
            "__deep.query('ha-device-entities-card').length >= 2",
            "the device page's entity cards",
        )
        await asyncio.sleep(2)  # let the camera picture load
        await self.browser.screenshot(self.screenshots / screenshot)
        say(f"browser-check: device page saved as {screenshot}")


def _mac(camera_id: str) -> str:
    """Entity unique ids start with the camera's MAC (format_mac of its id)."""
    mac = camera_id.lower()
    return ":".join(mac[i : i + 2] for i in range(0, 12, 2))


async def run_check(screenshots: Path, keep: bool) -> None:
    """Start a fresh demo and Chromium; run the checks; stop both."""
    if CHECK_ROOT.exists():
        shutil.rmtree(CHECK_ROOT)
    if not only_loopback_interfaces():
        raise CheckFailed(
            "run this through scripts/browser-check: it needs a network namespace"
            " with loopback only (the integration's search is a broadcast)"
        )
    demo = Demo(
        CHECK_ROOT / "demo",
        http_port=pick_port(None, 8200),
        broadcast_discovery=True,
    )
    browser = Chromium(CHECK_ROOT / "chromium", width=1280, height=1000)
    say("browser-check: starting the demo (fresh configuration) and Chromium …")
    async with demo, browser:
        check = BrowserCheck(demo, browser, screenshots)
        try:
            assert demo.sim is not None
            await check.login()
            aliases = [camera.config.alias for camera in demo.sim.cameras]
            await check.add_first_from_search(
                aliases, "config-flow-search.png", "config-flow.png"
            )
            # Loaded now, the integration searches by itself: the others wait
            # under Discovered.
            for alias in aliases[1:]:
                await check.add_discovered(alias, None)
            videos = await check.open_dashboard()
            await check.check_live(videos)
            assert demo.client is not None
            entities = [
                e
                for e in await demo.client.entity_registry()
                if e.get("platform") == DOMAIN
            ]
            await check.press_left(entities)
            await browser.send(  # no hover highlight in the screenshot
                "Input.dispatchMouseEvent", type="mouseMoved", x=1, y=400
            )
            await asyncio.sleep(1)  # the moved marker shows in the next frames
            await browser.screenshot(screenshots / "dashboard.png")
            say("browser-check: dashboard saved as dashboard.png")
            devices = await demo.client.device_registry()
            first = next(
                d
                for d in devices
                if any(i[0] == DOMAIN for i in d.get("identifiers", []))
                and d.get("name") == aliases[0]
            )
            await check.device_page(first["id"], "device.png")
        except BaseException:
            with contextlib.suppress(Exception):
                await browser.screenshot(CHECK_ROOT / "failure.png")
                say(
                    f"browser-check: the page at the failure: {CHECK_ROOT / 'failure.png'}"
                )
            raise
        finally:
            await check.close()
            if keep:
                say("browser-check: --keep: Ctrl-C to stop")
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``scripts/browser-check``."""
    parser = argparse.ArgumentParser(prog="scripts/browser-check", description=__doc__)
    parser.add_argument(
        "--screenshots",
        type=Path,
        default=SCREENSHOTS,
        help="where the PNGs go (default: docs/screenshots)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep everything running at the end"
    )
    args = parser.parse_args(argv)
    ensure_frontend()
    started = time.monotonic()

    async def _main() -> None:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, task.cancel)
        await run_check(args.screenshots, args.keep)

    try:
        asyncio.run(_main())
    except (CheckFailed, BrowserError, TimeoutError) as err:
        say(f"browser-check: FAILED: {err!r}")
        return 1
    except asyncio.CancelledError:
        return 130
    say(
        f"browser-check: passed in {time.monotonic() - started:.0f} s;"
        f" screenshots in {args.screenshots}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
