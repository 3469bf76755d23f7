"""Benchmark harness: this integration vs Home Assistant's ``mjpeg`` integration.

Run ``scripts/bench`` (or ``python -m benchmarks.run [--quick]``); see README.md.
"""
