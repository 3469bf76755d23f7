"""The demo: Home Assistant with two simulated cameras on 127.0.0.1 (scripts/demo)."""
