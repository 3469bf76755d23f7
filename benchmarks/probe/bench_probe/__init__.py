"""Benchmark-only component: event-loop lag and stream hub viewer buffers.

The harness copies this directory into the temporary Home Assistant config
(``<config>/custom_components/bench_probe``); it is never shipped.

``GET /api/bench_probe`` (Bearer token) returns the loop lag statistics since the
last reset and the current viewers of every ``foscam_mjpeg`` stream hub.
Query: ``reset=1`` starts a new window after answering; ``track=1``/``track=0``
turns on/off sampling of the hub viewer buffers on every probe tick (off by
default: it is not free and the CPU measurements must not include it);
``profile=start``/``profile=stop`` runs cProfile on the event loop thread
(benchmarks/profile.py --cprofile).
"""

from __future__ import annotations

import asyncio
import cProfile
import math
from typing import Any, Final

from aiohttp import web
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.http import HomeAssistantView
from homeassistant.helpers.typing import ConfigType

DOMAIN: Final = "bench_probe"
INTERVAL: Final = 0.05  # seconds between two probe timers
MAX_SAMPLES: Final = 200_000  # bounded memory: about 2.7 h of samples


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    rank = max(0, math.ceil(fraction * len(sorted_values)) - 1)
    return sorted_values[rank]


class LagProbe:
    """Schedules a timer every INTERVAL and records how late it runs."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Idle until start()."""
        self._hass = hass
        self._loop = hass.loop
        self._handle: asyncio.TimerHandle | None = None
        self._deadline = 0.0
        self._lags: list[float] = []
        self._window_start = self._loop.time()
        self.track = False
        # Per viewer (peer port): highest buffered frames / write buffer bytes.
        self.viewer_max: dict[int, dict[str, int]] = {}

    def start(self) -> None:
        """Schedule the first timer."""
        self._deadline = self._loop.time() + INTERVAL
        self._handle = self._loop.call_at(self._deadline, self._tick)

    @callback
    def stop(self, _event: Event | None = None) -> None:
        """Cancel the timer."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _tick(self) -> None:
        now = self._loop.time()
        if len(self._lags) < MAX_SAMPLES:
            self._lags.append(max(0.0, now - self._deadline))
        if self.track:
            self._sample_viewers()
        self._deadline = now + INTERVAL
        self._handle = self._loop.call_at(self._deadline, self._tick)

    def _sample_viewers(self) -> None:
        for viewer in hub_viewers(self._hass):
            port = viewer["peer_port"]
            if port is None:
                continue
            seen = self.viewer_max.setdefault(port, {"buffered": 0, "write_buffer": 0})
            seen["buffered"] = max(seen["buffered"], viewer["buffered"])
            seen["write_buffer"] = max(seen["write_buffer"], viewer["write_buffer"])

    def reset(self) -> None:
        """Start a new window."""
        self._lags = []
        self._window_start = self._loop.time()
        self.viewer_max = {}

    def stats(self) -> dict[str, Any]:
        """Lag statistics of the current window, in milliseconds."""
        lags = sorted(self._lags)
        return {
            "window_s": self._loop.time() - self._window_start,
            "count": len(lags),
            "mean_ms": 1000 * sum(lags) / len(lags) if lags else 0.0,
            "p50_ms": 1000 * _percentile(lags, 0.50),
            "p99_ms": 1000 * _percentile(lags, 0.99),
            "max_ms": 1000 * lags[-1] if lags else 0.0,
            "over_20ms": sum(1 for lag in lags if lag > 0.020),
        }


def hub_viewers(hass: HomeAssistant) -> list[dict[str, Any]]:
    """List the current viewers of every foscam_mjpeg hub (reads private state, guarded)."""
    viewers: list[dict[str, Any]] = []
    for entry in hass.config_entries.async_entries("foscam_mjpeg"):
        hub = getattr(getattr(entry, "runtime_data", None), "hub", None)
        for viewer in list(getattr(hub, "_viewers", ())):
            # The viewer's transport sits on its ViewerSocket since the hub split.
            transport = getattr(getattr(viewer, "socket", None), "transport", None)
            peer = transport.get_extra_info("peername") if transport else None
            write_buffer = (
                transport.get_write_buffer_size()
                if isinstance(transport, asyncio.WriteTransport)
                else 0
            )
            viewers.append(
                {
                    "entry_id": entry.entry_id,
                    "peer_port": peer[1] if peer else None,
                    "buffered": len(getattr(viewer, "buffer", ())),
                    "write_buffer": write_buffer,
                    "sent": getattr(viewer, "sent", 0),
                    "dropped": getattr(viewer, "dropped", 0),
                }
            )
    return viewers


class ProbeView(HomeAssistantView):
    """GET /api/bench_probe."""

    url = "/api/bench_probe"
    name = "api:bench_probe"

    def __init__(self, hass: HomeAssistant, probe: LagProbe) -> None:
        """Serve one probe."""
        self._hass = hass
        self._probe = probe
        self._profiler: cProfile.Profile | None = None

    async def get(self, request: web.Request) -> web.Response:
        """Statistics, then the optional reset / tracking switch."""
        probe = self._probe
        data = probe.stats()
        data["hub_viewers"] = hub_viewers(self._hass)
        data["viewer_max"] = {
            str(port): seen for port, seen in probe.viewer_max.items()
        }
        if request.query.get("reset") == "1":
            probe.reset()
        if (track := request.query.get("track")) is not None:
            probe.track = track == "1"
        if (action := request.query.get("profile")) is not None:
            data["profile"] = await self._profile(action)
        return self.json(data)

    async def _profile(self, action: str) -> str | None:
        """Profile the event loop thread: ``start``, then ``stop``.

        ``stop`` writes ``<config>/bench_profile.pstats`` and returns its path.
        """
        if action == "start" and self._profiler is None:
            self._profiler = cProfile.Profile()
            self._profiler.enable()
            return None
        if action == "stop" and (profiler := self._profiler) is not None:
            profiler.disable()
            self._profiler = None
            path = self._hass.config.path("bench_profile.pstats")
            await self._hass.async_add_executor_job(profiler.dump_stats, path)
            return path
        return None


async def async_setup(hass: HomeAssistant, _config: ConfigType) -> bool:
    """Start the probe and register its view."""
    probe = LagProbe(hass)
    probe.start()
    hass.http.register_view(ProbeView(hass, probe))
    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, probe.stop)
    return True
