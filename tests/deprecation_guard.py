"""Fail a test when Home Assistant reports deprecated use by this integration.

Home Assistant removes deprecated APIs a few releases after it starts reporting
them. It reports through its log, not through ``warnings``:
``helpers.frame.report_usage`` ("Detected that custom integration 'x' ...")
and ``helpers.deprecation`` ("The deprecated function f was used from x ...").
Python's DeprecationWarnings from our own modules are turned into errors by
pyproject.toml's ``filterwarnings``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
import logging
import re
from typing import override

from custom_components.foscam_mjpeg.const import DOMAIN

REPORT = re.compile(
    rf"Detected that custom integration '{DOMAIN}'"
    rf"|The deprecated .+ was \w+ from {DOMAIN}\b"
)


class DeprecationReports(logging.Handler):
    """Collects Home Assistant's reports of deprecated use by this integration."""

    def __init__(self) -> None:
        """Start with no reports."""
        super().__init__(logging.NOTSET)
        self.reports: list[str] = []

    @override
    def emit(self, record: logging.LogRecord) -> None:
        """Keep the message if it reports us."""
        if REPORT.search(message := record.getMessage()):
            self.reports.append(message)


@contextmanager
def deprecation_reports() -> Iterator[DeprecationReports]:
    """Collect the reports logged inside the block (from any logger)."""
    handler = DeprecationReports()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
