"""Tests of the standalone Foscam CGI client package."""
