"""What ``benchmarks.run`` measures, as typed records.

Each record is what one phase returns; :class:`Results` collects them as the
run goes (a failed run keeps what was measured). ``to_json`` writes them in the
shape of the result files (``.bench/results*.json``): parts marked
:data:`~benchmarks.metrics.FLATTEN` are merged into their record, parts not
measured (None, :data:`~benchmarks.metrics.OMIT_IF_NONE`) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .cold_start import ColdStartRow
from .floor import RelayRow
from .metrics import FLATTEN, OMIT_IF_NONE, WindowSummary, to_json


@dataclass(frozen=True, slots=True)
class CpuReport:
    """CPU over one window: Home Assistant's, and what the rest of the machine used."""

    ha_cpu_s: float
    ha_user_s: float
    ha_system_s: float
    ha_core_pct: float  # % of one core
    simulator_core_pct: float
    harness_core_pct: float
    machine_busy_cores: float
    other_processes_cores: float


@dataclass(frozen=True, slots=True)
class IdleReading:
    """Home Assistant with its entries loaded and nobody streaming."""

    window_s: float
    cpu: CpuReport = field(metadata=FLATTEN)
    rss_mb: float
    loop_lag_p99_ms: float
    loop_lag_max_ms: float


@dataclass(frozen=True, slots=True)
class StreamPhase:
    """N viewers of one integration: delivery, CPU, upstreams, joins, latency."""

    integration: str
    viewers: int
    camera_idle_before: bool
    upstream_streams_max: int | None
    upstream_streams_min: int | None
    upstream_opened_in_window: int
    summary: WindowSummary = field(metadata=FLATTEN)
    cpu: CpuReport = field(metadata=FLATTEN)
    ha_cpu_us_per_viewer_frame: float | None
    ttff_joins: int
    ttff_failed: int
    ttff_p50_ms: float | None
    ttff_p95_ms: float | None
    ttff_max_ms: float | None
    rss_mb: float
    loop_lag_p99_ms: float
    loop_lag_max_ms: float


@dataclass(frozen=True, slots=True)
class DirectReference:
    """One viewer straight on the camera: the simulator's own latency and TTFF."""

    integration: str
    camera_idle_before: bool
    summary: WindowSummary = field(metadata=FLATTEN)
    ttff_p50_ms: float | None
    ttff_p95_ms: float | None


@dataclass(frozen=True, slots=True)
class StillsResult:
    """Still images through /api/camera_proxy while one viewer streams."""

    integration: str
    requests: int
    failed: int
    camera_image_requests: int
    camera_snapshots: int
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    latency_max_ms: float | None


@dataclass(frozen=True, slots=True)
class SlowViewerResult:
    """One viewer behind a slow link among normal ones."""

    integration: str
    normal_viewers: int
    window_s: float
    camera_fps: float | None
    others_fps_min: float
    others_fps_mean: float
    others_frame_coverage_min: float | None
    others_latency_p99_ms: float | None
    slow_link_kb_s: float
    frame_bytes_mean: int
    slow_error: str | None
    slow_frames: int
    slow_fps: float
    slow_frames_skipped_mean: float | None
    slow_latency_p50_ms: float | None
    slow_latency_max_ms: float | None
    slow_latency_end_ms: float | None
    # How far behind the live picture the slow viewer is, in frames.
    slow_frames_behind_p50: float
    slow_frames_behind_max: float
    # Home Assistant's side: the hub's buffer of that viewer (max sampled every
    # 50 ms; foscam_mjpeg only) and its transport + kernel send buffers.
    hub_buffered_frames_max: int | None
    hub_transport_buffer_max_kb: float | None
    ha_held_frames_max: float
    server_kernel_sendq_max_kb: float
    server_kernel_sendq_max_frames: float
    client_kernel_recvq_max_kb: float
    rss_start_mb: float | None
    rss_end_mb: float | None
    rss_max_mb: float | None
    rss_slope_mb_per_min: float
    cpu: CpuReport = field(metadata=FLATTEN)
    loop_lag_p99_ms: float


@dataclass(slots=True)
class StreamingResults:
    """The streaming comparison on one Home Assistant process."""

    phases: list[StreamPhase] = field(default_factory=list)
    stills: list[StillsResult] = field(default_factory=list)
    slow_viewer: list[SlowViewerResult] = field(default_factory=list)
    idle: IdleReading | None = field(default=None, metadata=OMIT_IF_NONE)
    direct: DirectReference | None = field(default=None, metadata=OMIT_IF_NONE)
    # The foscam_mjpeg entry's diagnostics (the integration's own shape).
    hub_stats: dict[str, Any] | None = field(default=None, metadata=OMIT_IF_NONE)
    floor: list[RelayRow] | None = field(default=None, metadata=OMIT_IF_NONE)
    # Home Assistant idling again while the relay runs.
    idle_again: CpuReport | None = field(default=None, metadata=OMIT_IF_NONE)
    cold_start: list[ColdStartRow] | None = field(default=None, metadata=OMIT_IF_NONE)

    def idle_pct(self) -> float:
        """Idle Home Assistant CPU: the mean of the readings before and after."""
        readings = [
            reading.ha_core_pct
            for reading in (
                self.idle.cpu if self.idle else None,
                self.idle_again,
            )
            if reading is not None
        ]
        return sum(readings) / len(readings) if readings else 0.0


@dataclass(frozen=True, slots=True)
class ScaleIdle:
    """The scale Home Assistant with no entries."""

    cpu: CpuReport = field(metadata=FLATTEN)
    loop_lag_p99_ms: float


@dataclass(frozen=True, slots=True)
class ScalePolling:
    """Many loaded cameras, nobody streaming: polling CPU and loop lag."""

    window_s: float
    cpu: CpuReport = field(metadata=FLATTEN)
    ha_core_pct_net: float
    camera_requests_per_s: float
    loop_lag_count: int
    loop_lag_p50_ms: float
    loop_lag_p99_ms: float
    loop_lag_max_ms: float
    rss_mb: float


@dataclass(slots=True)
class ScaleResults:
    """Many cameras on one Home Assistant: setup time, polling CPU, loop lag."""

    cameras: int
    http_up_no_entries_s: float | None = field(default=None, metadata=OMIT_IF_NONE)
    running_no_entries_s: float | None = field(default=None, metadata=OMIT_IF_NONE)
    idle_no_entries: ScaleIdle | None = field(default=None, metadata=OMIT_IF_NONE)
    config_flows_s: float | None = field(default=None, metadata=OMIT_IF_NONE)
    http_up_s: float | None = field(default=None, metadata=OMIT_IF_NONE)
    entries_loaded: int | None = field(default=None, metadata=OMIT_IF_NONE)
    entry_states: dict[str, int] | None = field(default=None, metadata=OMIT_IF_NONE)
    all_set_up_s: float | None = field(default=None, metadata=OMIT_IF_NONE)
    running_s: float | None = field(default=None, metadata=OMIT_IF_NONE)
    polling: ScalePolling | None = field(default=None, metadata=OMIT_IF_NONE)


@dataclass(frozen=True, slots=True)
class StartTimes:
    """How long one Home Assistant took to start."""

    http_up_s: float
    running_s: float


@dataclass(slots=True)
class HomeAssistantInfo:
    """The Home Assistant processes of the run."""

    # By config directory name (ha-stream, ...).
    started: dict[str, StartTimes] = field(default_factory=dict, metadata=FLATTEN)
    version: str | None = field(default=None, metadata=OMIT_IF_NONE)
    # Camera entity by integration.
    entities: dict[str, str] | None = field(default=None, metadata=OMIT_IF_NONE)


@dataclass(frozen=True, slots=True)
class LoadSample:
    """The machine load at one point of the run."""

    at: str
    load1: float
    load5: float
    load15: float


@dataclass(slots=True)
class Meta:
    """How, when and on what the run was made."""

    mode: str
    started: str
    plan: dict[str, Any]
    cpus: int | None
    cpu_model: str
    python: str
    git: str
    load_wait_s: float | None = field(default=None, metadata=OMIT_IF_NONE)
    load_before: float | None = field(default=None, metadata=OMIT_IF_NONE)
    integration: str | None = field(default=None, metadata=OMIT_IF_NONE)
    load_after: float | None = field(default=None, metadata=OMIT_IF_NONE)
    load_samples: list[LoadSample] | None = field(default=None, metadata=OMIT_IF_NONE)
    finished: str | None = field(default=None, metadata=OMIT_IF_NONE)


@dataclass(frozen=True, slots=True)
class Target:
    """One of the issue's targets: met or not, with the measured values."""

    target: str
    met: bool | None
    measured: str


@dataclass(slots=True)
class Results:
    """Everything one run measured (filled in as the run goes)."""

    meta: Meta | None = field(default=None, metadata=OMIT_IF_NONE)
    streaming: StreamingResults | None = field(default=None, metadata=OMIT_IF_NONE)
    home_assistant: HomeAssistantInfo = field(default_factory=HomeAssistantInfo)
    scale: ScaleResults | None = field(default=None, metadata=OMIT_IF_NONE)
    error: str | None = field(default=None, metadata=OMIT_IF_NONE)
    targets: list[Target] | None = field(default=None, metadata=OMIT_IF_NONE)

    def to_json(self) -> dict[str, Any]:
        """Return the result file's content."""
        data: dict[str, Any] = to_json(self)
        if not data["home_assistant"]:
            del data["home_assistant"]
        return data
