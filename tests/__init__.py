"""Tests for the Foscam MJPEG integration."""
