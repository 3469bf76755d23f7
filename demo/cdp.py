"""Headless Chromium driven through the Chrome DevTools Protocol (no extra packages).

Chromium is started with the flags that keep it off the network, and every host
name but 127.0.0.1 resolves to nothing (``--host-resolver-rules``). Home
Assistant's frontend lives in shadow DOM; :data:`DEEP_JS` finds elements across
shadow roots, and clicks are real mouse events at the element's centre.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from itertools import count
import json
import os
from pathlib import Path
import shutil
import signal
from typing import Any, Final, cast

import aiohttp

from demo.lifecycle import Service

type Json = dict[str, Any]

CHROMIUM_FLAGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
    "--dns-prefetch-disable",
    # Belt and braces: no name but 127.0.0.1 resolves, so nothing can leave loopback.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--hide-scrollbars",
    "--mute-audio",
    "--lang=en-US",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)

# Helpers evaluated in the page: deep (shadow-piercing) queries by selector and text.
DEEP_JS: Final = r"""
globalThis.__deep ??= (() => {
  const all = (root = document) => {
    const out = [];
    const stack = [root];
    while (stack.length) {
      const node = stack.pop();
      if (node.nodeType === 1) out.push(node);
      if (node.shadowRoot) stack.push(node.shadowRoot);
      const kids = node.children || [];
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
    return out;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && style.visibility !== "hidden"
      && style.display !== "none";
  };
  // Text of an element, its children and their shadow roots.
  const text = (el) => {
    let out = "";
    const walk = (node) => {
      if (node.nodeType === 3) out += node.data;
      if (node.shadowRoot) walk(node.shadowRoot);
      for (const child of node.childNodes || []) {
        if (child.nodeName !== "STYLE" && child.nodeName !== "SCRIPT") walk(child);
      }
    };
    walk(el);
    return out.replace(/\s+/g, " ").trim();
  };
  const ownText = (el) => Array.from(el.childNodes)
    .filter((n) => n.nodeType === 3).map((n) => n.data).join("")
    .replace(/\s+/g, " ").trim();
  const query = (selector, root = document) =>
    all(root).filter((el) => el.matches(selector) && visible(el));
  // Innermost visible elements whose own text (or label) is exactly `wanted`.
  const byText = (wanted, root = document, selector = "*") =>
    all(root).filter((el) => el.matches(selector) && visible(el)
      && (ownText(el) === wanted || (el.getAttribute("label") || "") === wanted));
  const centre = (el) => {
    el.scrollIntoView({block: "center", inline: "center"});
    const r = el.getBoundingClientRect();
    return {x: r.left + r.width / 2, y: r.top + r.height / 2};
  };
  const rect = (el) => {
    const r = el.getBoundingClientRect();
    return {x: r.left, y: r.top, width: r.width, height: r.height};
  };
  return {all, visible, text, ownText, query, byText, centre, rect};
})();
"""


class BrowserError(Exception):
    """Chromium failed, or the page did not do what was expected."""


class Chromium(Service):
    """One headless Chromium process and one page, over the DevTools protocol."""

    def __init__(
        self,
        user_data_dir: Path,
        *,
        width: int = 1280,
        height: int = 900,
        executable: str | None = None,
    ) -> None:
        """Nothing runs until :meth:`start`."""
        self.user_data_dir = user_data_dir
        self.width = width
        self.height = height
        self.executable = (
            executable
            or os.environ.get("CHROMIUM")
            or shutil.which("chromium")
            or shutil.which("chromium-browser")
        )
        self._process: asyncio.subprocess.Process | None = None
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = count(1)
        self._pending: dict[int, asyncio.Future[Json]] = {}
        self._reader: asyncio.Task[None] | None = None
        self.console: list[str] = []

    async def start(self) -> None:
        """Start Chromium and attach to its first page."""
        if self.executable is None:
            raise BrowserError(
                "Chromium not found: apt-get install -y chromium chromium-driver"
            )
        if self.user_data_dir.exists():
            shutil.rmtree(self.user_data_dir)
        self.user_data_dir.mkdir(parents=True)
        self._process = await asyncio.create_subprocess_exec(
            self.executable,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self.user_data_dir}",
            f"--window-size={self.width},{self.height}",
            "about:blank",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,  # its own group: stop() ends every helper process
        )
        port_file = self.user_data_dir / "DevToolsActivePort"
        async with asyncio.timeout(30):
            while not port_file.exists() or not port_file.read_text().strip():
                if self._process.returncode is not None:
                    raise BrowserError("Chromium exited at start")
                await asyncio.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        self._session = aiohttp.ClientSession()
        async with self._session.get(f"http://127.0.0.1:{port}/json/list") as response:
            targets = await response.json(content_type=None)
        page = next(t for t in targets if t.get("type") == "page")
        self._ws = await self._session.ws_connect(
            page["webSocketDebuggerUrl"], max_msg_size=0
        )
        self._reader = asyncio.create_task(self._read())
        await self.send("Page.enable")
        await self.send("Runtime.enable")
        await self.send(
            "Emulation.setDeviceMetricsOverride",
            width=self.width,
            height=self.height,
            deviceScaleFactor=1,
            mobile=False,
        )

    async def stop(self) -> None:
        """Close the page connection and end Chromium and its helpers."""
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None
        if self._ws is not None:
            await self._ws.close()
            self._ws = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                await process.wait()
        if process is not None:
            # Helpers (renderer, GPU, zygote) share the group: make sure none is left.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    async def _read(self) -> None:
        assert self._ws is not None
        async for message in self._ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            data = json.loads(message.data)
            if (future := self._pending.pop(data.get("id", -1), None)) is not None:
                if not future.done():
                    future.set_result(data)
            elif data.get("method") == "Runtime.consoleAPICalled":
                args = data["params"].get("args", [])
                self.console.append(
                    " ".join(
                        str(a.get("value", a.get("description", ""))) for a in args
                    )
                )
        for future in self._pending.values():
            if not future.done():
                future.set_exception(BrowserError("DevTools connection closed"))

    async def send(self, method: str, **params: Any) -> Json:
        """Send one DevTools command; return its result."""
        if self._ws is None:
            raise BrowserError("not connected")
        message_id = next(self._ids)
        future: asyncio.Future[Json] = asyncio.get_running_loop().create_future()
        self._pending[message_id] = future
        await self._ws.send_json({"id": message_id, "method": method, "params": params})
        async with asyncio.timeout(60):
            reply = await future
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error']}")
        return cast(Json, reply.get("result", {}))

    # -- page helpers

    async def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript (with the deep-query helpers) and return its value."""
        result = await self.send(
            "Runtime.evaluate",
            expression=f"{DEEP_JS}\n{expression}",
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get(
                "text"
            )
            raise BrowserError(f"JavaScript failed: {text}")
        return result.get("result", {}).get("value")

    async def wait_for(self, expression: str, what: str, within: float = 30.0) -> Any:
        """Evaluate ``expression`` until it is truthy; return that value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            value = await self.evaluate(expression)
            if value:
                return value
            if loop.time() > deadline:
                raise BrowserError(f"timed out waiting for {what}")
            await asyncio.sleep(0.25)

    async def goto(self, url: str) -> None:
        """Load a URL (a full page load)."""
        await self.send("Page.navigate", url=url)

    async def click(self, x: float, y: float) -> None:
        """Click left at viewport coordinates, as a user makes it."""
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            await self.send(
                "Input.dispatchMouseEvent",
                type=kind,
                x=x,
                y=y,
                button="left" if kind != "mouseMoved" else "none",
                clickCount=1 if kind != "mouseMoved" else 0,
            )

    async def click_element(
        self, expression: str, what: str, within: float = 30.0
    ) -> None:
        """Wait for the element ``expression`` returns, then click its centre."""
        point = await self.wait_for(
            f"(() => {{ const el = {expression}; return el ? __deep.centre(el) : null; }})()",
            what,
            within,
        )
        await asyncio.sleep(0.3)  # let a scroll or an opening animation settle
        point = (
            await self.evaluate(
                f"(() => {{ const el = {expression}; return el ? __deep.centre(el) : null; }})()"
            )
            or point
        )
        await self.click(point["x"], point["y"])

    async def type_text(self, text: str) -> None:
        """Type into the focused element."""
        await self.send("Input.insertText", text=text)

    async def screenshot(self, path: Path, clip: Json | None = None) -> bytes:
        """Save a PNG of the viewport (or of ``clip``); return its bytes."""
        params: Json = {"format": "png"}
        if clip is not None:
            params["clip"] = {**clip, "scale": 1}
        data = base64.b64decode(
            (await self.send("Page.captureScreenshot", **params))["data"]
        )
        await asyncio.to_thread(_write, path, data)
        return data

    async def png(self, clip: Json) -> bytes:
        """Capture a PNG of a region, not saved."""
        result = await self.send(
            "Page.captureScreenshot", format="png", clip={**clip, "scale": 1}
        )
        return base64.b64decode(result["data"])


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
