"""Robustness and security: faults, hostile cameras, secret hygiene."""
