"""Print the pinned requirements of Home Assistant components, one per line.

Home Assistant installs a component's requirements (its manifest's ``requirements``)
when it first loads it; the test plugin and ``pip install homeassistant`` do not. This
reads them from the installed ``homeassistant`` package, following each component's
``dependencies``, so a venv can hold what production would install:

    python scripts/ha_requirements.py camera conversation
    python scripts/ha_requirements.py --bootstrap frontend config camera mjpeg

``--bootstrap`` adds the integrations Home Assistant sets up without configuration.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import sys


def components_dir() -> Path:
    """Locate the installed homeassistant/components folder."""
    import homeassistant.components

    return Path(homeassistant.components.__path__[0])


def bootstrap_domains() -> set[str]:
    """List what Home Assistant sets up without configuration (outside recovery mode)."""
    from homeassistant import bootstrap

    return (
        set(bootstrap.CORE_INTEGRATIONS)
        | set(bootstrap.LOGGING_AND_HTTP_DEPS_INTEGRATIONS)
        | set(bootstrap.FRONTEND_INTEGRATIONS)
        | set(bootstrap.DEFAULT_INTEGRATIONS)
    )


def requirements(domains: set[str]) -> list[str]:
    """Collect the requirements of ``domains`` and of everything they depend on."""
    base = components_dir()
    seen: set[str] = set()
    pending = sorted(domains)
    found: set[str] = set()
    while pending:
        domain = pending.pop()
        if domain in seen:
            continue
        seen.add(domain)
        manifest_path = base / domain / "manifest.json"
        if not manifest_path.is_file():
            continue
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        found.update(manifest.get("requirements", []))
        pending.extend(manifest.get("dependencies", []))
    return sorted(found, key=str.lower)


def main() -> int:
    """Print the requirements of the components named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", action="store_true")
    parser.add_argument("components", nargs="*")
    args = parser.parse_args()
    domains = set(args.components)
    if args.bootstrap:
        domains |= bootstrap_domains()
    sys.stdout.write("".join(f"{line}\n" for line in requirements(domains)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
