"""The schema library Home Assistant validates with.

Home Assistant's newest releases (2026.10 here) replaced voluptuous with
probatio, which keeps voluptuous's API and is aliased as ``voluptuous`` for code
that still imports that name. Using it under its own name gives schemas and
type hints Home Assistant expects; older releases have only voluptuous.
"""

try:
    import probatio as vol
except ImportError:  # pragma: no cover - Home Assistant before probatio (the floor)
    import voluptuous as vol  # type: ignore[no-redef]

__all__ = ["vol"]
