"""Packaging checks: hacs.json, manifest.json and the translation keys.

hacs.json and manifest.json are checked as HACS and hassfest validate them, and
every translation key the code uses must exist in strings.json and translations/.

The schemas mirror ``custom_components/hacs/utils/validate.py`` (HACS 2) and
``script/hassfest/manifest.py`` (Home Assistant 2025). hassfest is not part of
the ``homeassistant`` wheel; when it can be imported, its own schema is used too.

The translation checks scan the code rather than list keys: entity descriptions
are collected from the platform modules at run time, everything else
(``translation_key=`` of exceptions, issues and selectors, helpers that forward
a key, config flow steps, aborts and errors) from the source's syntax tree.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
import importlib
import json
from pathlib import Path
import re
import string
import tomllib
from types import ModuleType
from typing import Any, Final
from urllib.parse import urlparse

from awesomeversion import (
    AwesomeVersion,
    AwesomeVersionException,
    AwesomeVersionStrategy,
)
from homeassistant.const import Platform, __version__ as HA_VERSION
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.selector import SelectSelector
from homeassistant.util.yaml import load_yaml_dict
from packaging.requirements import InvalidRequirement, Requirement
from PIL import Image
import pytest
import voluptuous as vol

from .conftest import on_newest_release

ROOT: Final = Path(__file__).resolve().parent.parent
DOMAIN: Final = "foscam_mjpeg"
PACKAGE: Final = f"custom_components.{DOMAIN}"
INTEGRATION: Final = ROOT / "custom_components" / DOMAIN
MANIFEST: Final = INTEGRATION / "manifest.json"
HACS_JSON: Final = ROOT / "hacs.json"
STRINGS: Final = INTEGRATION / "strings.json"
TRANSLATIONS: Final = sorted((INTEGRATION / "translations").glob("*.json"))
HA_COMPONENTS: Final = Path(
    importlib.import_module("homeassistant.components").__path__[0]
)

type Json = dict[str, Any]


def _load(path: Path) -> Json:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} must hold a JSON object"
    return data


# --- hacs.json -----------------------------------------------------------------

HACS_MANIFEST_SCHEMA: Final = vol.Schema(
    {
        vol.Optional("content_in_root"): bool,
        vol.Optional("country"): vol.Any(str, [str]),
        vol.Optional("filename"): str,
        vol.Optional("hacs"): str,
        vol.Optional("hide_default_branch"): bool,
        vol.Optional("homeassistant"): str,
        vol.Optional("persistent_directory"): str,
        vol.Optional("render_readme"): bool,
        vol.Optional("zip_release"): bool,
        vol.Required("name"): str,
    },
    extra=vol.PREVENT_EXTRA,
)
# HACS requires these in the integration's manifest (extra keys allowed).
HACS_INTEGRATION_MANIFEST_SCHEMA: Final = vol.Schema(
    {
        vol.Required("codeowners"): list,
        vol.Required("documentation"): vol.Url(),
        vol.Required("domain"): str,
        vol.Required("issue_tracker"): vol.Url(),
        vol.Required("name"): str,
        vol.Required("version"): vol.Coerce(AwesomeVersion),
    },
    extra=vol.ALLOW_EXTRA,
)


def test_hacs_json() -> None:
    """hacs.json passes HACS's schema and fits the repository layout."""
    hacs = _load(HACS_JSON)
    HACS_MANIFEST_SCHEMA(hacs)
    assert hacs["name"].strip()
    if "homeassistant" in hacs:
        minimum = AwesomeVersion(hacs["homeassistant"])
        assert minimum.valid, f"'homeassistant' is not a version: {minimum}"
        assert minimum <= AwesomeVersion(HA_VERSION), (
            f"hacs.json asks for Home Assistant {minimum}; tests run {HA_VERSION}"
        )
    if hacs.get("zip_release"):
        assert hacs.get("filename"), "zip_release needs filename"
    if not on_newest_release():
        # The floor run (requirements_floor.txt) is what hacs.json promises.
        assert hacs["homeassistant"] == HA_VERSION
    if not hacs.get("content_in_root", False):
        assert (ROOT / "custom_components" / DOMAIN / "manifest.json").is_file()
    HACS_INTEGRATION_MANIFEST_SCHEMA(_load(MANIFEST))


# --- manifest.json (hassfest) ----------------------------------------------------

SUPPORTED_QUALITY_SCALES: Final = (
    "bronze",
    "silver",
    "gold",
    "platinum",
    "custom",
    "no_score",
    "internal",
    "legacy",
)
SUPPORTED_IOT_CLASSES: Final = (
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
)
INTEGRATION_TYPES: Final = (
    "device",
    "entity",
    "hardware",
    "helper",
    "hub",
    "service",
    "system",
)
CORE_DOCUMENTATION: Final = "https://www.home-assistant.io/integrations"


def _verify_version(value: str) -> str:
    try:
        AwesomeVersion(
            value,
            ensure_strategy=[
                AwesomeVersionStrategy.CALVER,
                AwesomeVersionStrategy.SEMVER,
                AwesomeVersionStrategy.SIMPLEVER,
                AwesomeVersionStrategy.BUILDVER,
                AwesomeVersionStrategy.PEP440,
            ],
        )
    except AwesomeVersionException as err:
        raise vol.Invalid(f"'{value}' is not a valid version.") from err
    return value


def _custom_documentation_url(value: str) -> str:
    if urlparse(value).scheme != "https":
        raise vol.Invalid("Documentation url is not prefixed with https")
    if value.startswith(CORE_DOCUMENTATION):
        raise vol.Invalid("Documentation URL should point to the custom integration")
    return value


def _case(upper: bool) -> Any:
    def check(value: str) -> str:
        if value != (value.upper() if upper else value.lower()):
            raise vol.Invalid(f"Value needs to be {'upper' if upper else 'lower'}case")
        return value

    return check


def _wildcard(value: str) -> str:
    if "*" not in value:
        raise vol.Invalid(f"'{value}' needs to contain a wildcard matcher")
    return value


CUSTOM_INTEGRATION_MANIFEST_SCHEMA: Final = vol.Schema(
    {
        vol.Required("domain"): str,
        vol.Required("name"): str,
        vol.Optional("integration_type", default="hub"): vol.In(INTEGRATION_TYPES),
        vol.Optional("config_flow"): bool,
        vol.Optional("mqtt"): [str],
        vol.Optional("zeroconf"): [
            vol.Any(
                str,
                vol.Schema(
                    {
                        vol.Required("type"): str,
                        vol.Optional("name"): vol.All(str, _case(upper=False)),
                        vol.Optional("properties"): vol.Schema(
                            {str: _case(upper=False)}
                        ),
                    }
                ),
            )
        ],
        vol.Optional("ssdp"): [
            vol.All(vol.Schema({}, extra=vol.ALLOW_EXTRA), vol.Length(min=1))
        ],
        vol.Optional("bluetooth"): [
            vol.Schema(
                {
                    vol.Optional("connectable"): bool,
                    vol.Optional("service_uuid"): vol.All(str, _case(upper=False)),
                    vol.Optional("service_data_uuid"): vol.All(str, _case(upper=False)),
                    vol.Optional("local_name"): str,
                    vol.Optional("manufacturer_id"): int,
                    vol.Optional("manufacturer_data_start"): [int],
                }
            )
        ],
        vol.Optional("homekit"): vol.Schema({vol.Optional("models"): [str]}),
        vol.Optional("dhcp"): [
            vol.Schema(
                {
                    vol.Optional("macaddress"): vol.All(
                        str, _case(upper=True), _wildcard
                    ),
                    vol.Optional("hostname"): vol.All(str, _case(upper=False)),
                    vol.Optional("registered_devices"): cv.boolean,
                }
            )
        ],
        vol.Optional("usb"): [
            vol.Schema(
                {
                    vol.Optional("vid"): vol.All(str, _case(upper=True)),
                    vol.Optional("pid"): vol.All(str, _case(upper=True)),
                    vol.Optional("serial_number"): vol.All(str, _case(upper=False)),
                    vol.Optional("manufacturer"): vol.All(str, _case(upper=False)),
                    vol.Optional("description"): vol.All(str, _case(upper=False)),
                    vol.Optional("known_devices"): [str],
                }
            )
        ],
        vol.Required("documentation"): vol.All(vol.Url(), _custom_documentation_url),
        vol.Optional("issue_tracker"): vol.Url(),
        vol.Optional("quality_scale"): vol.In(SUPPORTED_QUALITY_SCALES),
        vol.Optional("requirements"): [str],
        vol.Optional("dependencies"): [str],
        vol.Optional("after_dependencies"): [str],
        vol.Required("codeowners"): [str],
        vol.Optional("loggers"): [str],
        vol.Optional("disabled"): str,
        vol.Optional("iot_class"): vol.In(SUPPORTED_IOT_CLASSES),
        vol.Optional("single_config_entry"): bool,
        vol.Optional("version"): vol.All(str, _verify_version),
        vol.Optional("import_executor"): bool,
    }
)


def test_manifest_schema() -> None:
    """manifest.json passes hassfest's custom-integration schema and rules."""
    manifest = _load(MANIFEST)
    CUSTOM_INTEGRATION_MANIFEST_SCHEMA(manifest)
    assert manifest["domain"] == INTEGRATION.name, "Domain does not match dir name"
    assert not (HA_COMPONENTS / manifest["domain"]).exists(), (
        "Domain collides with a built-in integration"
    )
    assert manifest.get("version"), "No 'version' key in the manifest file"
    assert "iot_class" in manifest, "Domain is missing an IoT Class"
    assert manifest["codeowners"], "a code owner is required (and for silver and up)"
    assert all(owner.startswith("@") for owner in manifest["codeowners"])
    if manifest.get("config_flow"):
        assert (INTEGRATION / "config_flow.py").is_file()


def test_manifest_with_hassfest_if_available() -> None:
    """Home Assistant's own hassfest schema, when the checkout has script/."""
    hassfest = pytest.importorskip("script.hassfest.manifest")
    hassfest.CUSTOM_INTEGRATION_MANIFEST_SCHEMA(_load(MANIFEST))


def test_manifest_keys_sorted() -> None:
    """Manifest keys: domain, name, then the rest in alphabetical order (hassfest)."""
    keys = list(_load(MANIFEST))
    order = {"domain": ".domain", "name": ".name"}
    assert keys == sorted(keys, key=lambda key: order.get(key, key))


def test_manifest_references() -> None:
    """Versions, requirements, dependencies and loggers point at real things."""
    manifest = _load(MANIFEST)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert manifest["version"] == project["project"]["version"], (
        "manifest.json and pyproject.toml disagree on the version"
    )
    for requirement in manifest.get("requirements", []):
        try:
            parsed = Requirement(requirement)
        except InvalidRequirement as err:
            pytest.fail(f"requirement {requirement!r}: {err}")
        assert str(parsed.specifier).startswith("=="), f"{requirement} is not pinned"
    for dependency in [
        *manifest.get("dependencies", []),
        *manifest.get("after_dependencies", []),
    ]:
        assert (HA_COMPONENTS / dependency / "manifest.json").is_file(), (
            f"dependency {dependency!r} is not a Home Assistant integration"
        )
    for logger in manifest.get("loggers", []):
        module = logger.removeprefix("custom_components.")
        assert (ROOT / "custom_components" / Path(*module.split("."))).exists(), (
            f"logger {logger!r} names no module of this repository"
        )


def test_brand_images() -> None:
    """The brand images have the sizes Home Assistant's brand rules ask for."""
    brand = INTEGRATION / "brand"
    sizes = {}
    for name in ("icon.png", "icon@2x.png", "logo.png", "logo@2x.png"):
        with Image.open(brand / name) as image:
            assert image.format == "PNG"
            sizes[name] = image.size
    assert sizes["icon.png"] == (256, 256)
    assert sizes["icon@2x.png"] == (512, 512)
    assert 128 <= min(sizes["logo.png"]) <= 256
    assert 256 <= min(sizes["logo@2x.png"]) <= 512


# --- translations ----------------------------------------------------------------


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = str(value)
    return flat


def _placeholders(text: str) -> set[str]:
    return {
        name
        for _, name, _, _ in string.Formatter().parse(text)
        if name is not None and name != ""
    }


def _has(strings: Json, *path: str) -> bool:
    node: Any = strings
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


@pytest.fixture(scope="module")
def strings() -> Json:
    """strings.json."""
    return _load(STRINGS)


@pytest.mark.parametrize("path", TRANSLATIONS, ids=lambda p: p.name)
def test_translation_files_match_strings(path: Path, strings: Json) -> None:
    """Every translation has exactly strings.json's keys and placeholders."""
    wanted = _flatten(strings)
    have = _flatten(_load(path))
    assert sorted(set(wanted) - set(have)) == [], f"missing in {path.name}"
    assert sorted(set(have) - set(wanted)) == [], f"not in strings.json: {path.name}"
    for key, text in wanted.items():
        if "[%key:" in text:
            continue  # a reference, resolved when en.json is generated
        assert _placeholders(have[key]) == _placeholders(text), (
            f"{path.name}: {key} has placeholders {_placeholders(have[key])},"
            f" strings.json has {_placeholders(text)}"
        )
        assert have[key].strip(), f"{path.name}: {key} is empty"


def test_required_languages() -> None:
    """English and Spanish are shipped."""
    assert {p.stem for p in TRANSLATIONS} >= {"en", "es"}


def test_translation_keys_are_slugs(strings: Json) -> None:
    """Keys use only lowercase letters, digits, "_" and "-" (as hassfest wants)."""
    bad = [key for key in _flatten(strings) if not re.fullmatch(r"[a-z0-9_.-]+", key)]
    assert bad == []


# Entity descriptions and entity classes, found at run time.


def _platform_modules() -> Iterator[tuple[str, ModuleType]]:
    for platform in Platform:
        if (INTEGRATION / f"{platform.value}.py").is_file():
            yield platform.value, importlib.import_module(f"{PACKAGE}.{platform.value}")


def _descriptions(value: Any) -> Iterator[EntityDescription]:
    if isinstance(value, EntityDescription):
        yield value
    elif isinstance(value, (tuple, list, frozenset, set)):
        for item in value:
            yield from _descriptions(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _descriptions(item)


@dataclass(frozen=True)
class EntityKey:
    """A translation key an entity uses, and where."""

    platform: str
    key: str
    origin: str
    options: tuple[str, ...] = ()
    named: bool = True  # False: `_attr_name = None`, the key may serve only icons


def _entity_keys() -> list[EntityKey]:
    found: list[EntityKey] = []
    for platform, module in _platform_modules():
        for attribute, value in vars(module).items():
            for description in _descriptions(value):
                if description.translation_key is None:
                    continue
                options = getattr(description, "options", None) or ()
                codes = getattr(description, "codes", None)
                if not options and isinstance(codes, Mapping):
                    options = tuple(codes)
                found.append(
                    EntityKey(
                        platform,
                        description.translation_key,
                        f"{module.__name__}.{attribute}",
                        tuple(str(o) for o in options),
                    )
                )
            if (
                isinstance(value, type)
                and issubclass(value, Entity)
                and value.__module__ == module.__name__
                and isinstance(key := vars(value).get("_attr_translation_key"), str)
            ):
                named = not ("_attr_name" in vars(value) and value._attr_name is None)
                found.append(
                    EntityKey(
                        platform, key, f"{value.__module__}.{value.__name__}", (), named
                    )
                )
    return found


ENTITY_KEYS: Final = _entity_keys()


def test_entities_found() -> None:
    """The scan sees the entity descriptions (guards the scan itself)."""
    assert {k.platform for k in ENTITY_KEYS} >= {"button", "select", "sensor", "switch"}
    assert any(k.key == "ptz_left" for k in ENTITY_KEYS)


@pytest.mark.parametrize("entity", ENTITY_KEYS, ids=lambda k: f"{k.platform}.{k.key}")
def test_entity_translation(entity: EntityKey, strings: Json) -> None:
    """Each entity translation key has a name (or at least an icon), and its states."""
    icons = _load(INTEGRATION / "icons.json")
    in_strings = _has(strings, "entity", entity.platform, entity.key)
    if entity.named:
        assert _has(strings, "entity", entity.platform, entity.key, "name"), (
            f"{entity.origin}: entity.{entity.platform}.{entity.key}.name"
            " is missing in strings.json"
        )
    else:
        assert in_strings or _has(icons, "entity", entity.platform, entity.key), (
            f"{entity.origin}: translation key {entity.key!r} is in neither"
            " strings.json nor icons.json"
        )
    for option in entity.options:
        assert _has(strings, "entity", entity.platform, entity.key, "state", option), (
            f"{entity.origin}: state {option!r} of {entity.key!r} has no translation"
        )


# Keys in the source, found in its syntax tree.

EXCEPTION_SUFFIXES: Final = ("Error", "Exception", "Failed", "NotReady", "Invalid")
ISSUE_CALLS: Final = frozenset({"async_create_issue", "create_issue"})
SELECTOR_CALLS: Final = frozenset({"SelectSelectorConfig", "SelectSelector"})


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _category(call: ast.Call) -> str | None:
    """Return what a ``translation_key=`` keyword of this call translates."""
    name = _call_name(call)
    if name in ISSUE_CALLS:
        return "issues"
    if name in SELECTOR_CALLS:
        return "selector"
    # Also a parameter holding an exception class (errors.camera_errors_as).
    if name.lower().endswith(tuple(suffix.lower() for suffix in EXCEPTION_SUFFIXES)):
        return "exceptions"
    if name.endswith("EntityDescription"):
        return None  # checked at run time above
    return "unknown"


@dataclass(frozen=True)
class SourceKey:
    """A translation key found in the source."""

    category: str
    key: str
    where: str


def _strings_in(node: ast.AST) -> list[str]:
    return [
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


class _Scanner:
    """Collect translation keys, following helpers that forward a key parameter."""

    def __init__(self, trees: dict[str, ast.Module]) -> None:
        self.trees = trees
        # function name -> (parameter name, parameter index, category)
        self.forwarders: dict[str, tuple[str, int, str]] = {}
        self.keys: list[SourceKey] = []

    def functions(self) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
        for name, tree in self.trees.items():
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield name, node

    @staticmethod
    def _params(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
        args = func.args
        return [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]

    def find_forwarders(self) -> None:
        """Functions whose parameter becomes a translation key (fixed point)."""
        changed = True
        while changed:
            changed = False
            for _, func in self.functions():
                if func.name in self.forwarders:
                    continue
                params = self._params(func)
                for node in ast.walk(func):
                    hit = self._forwarded(node, params)
                    if hit is not None:
                        param, category = hit
                        index = params.index(param)
                        if params and params[0] in ("self", "cls"):
                            index -= 1  # not passed at the call
                        self.forwarders[func.name] = (param, index, category)
                        changed = True
                        break

    def _forwarded(self, node: ast.AST, params: list[str]) -> tuple[str, str] | None:
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if (
                    keyword.arg == "translation_key"
                    and isinstance(keyword.value, ast.Name)
                    and keyword.value.id in params
                    and (category := _category(node)) is not None
                ):
                    return keyword.value.id, category
            if (target := self.forwarders.get(_call_name(node))) is not None:
                param_name, index, category = target
                arg = self._argument(node, param_name, index)
                if isinstance(arg, ast.Name) and arg.id in params:
                    return arg.id, category
        # strings[f"component.{DOMAIN}.exceptions.{key}.message"]
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                str(v.value) if isinstance(v, ast.Constant) else "{}"
                for v in node.values
            )
            match = re.search(r"\.(exceptions|issues|selector)\.\{\}", text)
            names = [
                v.value.id
                for v in node.values
                if isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name)
            ]
            if match and names and names[-1] in params:
                return names[-1], match.group(1)
        return None

    @staticmethod
    def _argument(call: ast.Call, name: str, index: int) -> ast.AST | None:
        for keyword in call.keywords:
            if keyword.arg == name:
                return keyword.value
        if 0 <= index < len(call.args):
            return call.args[index]
        return None

    def collect(self) -> None:
        """Every literal key, direct or passed to a forwarding helper."""
        for module, func in self.functions():
            assignments = self._assignments(func)
            for node in ast.walk(func):
                if isinstance(node, ast.Call):
                    self._collect_call(module, node, assignments)
        self._collect_module_level()

    @staticmethod
    def _assignments(
        func: ast.FunctionDef | ast.AsyncFunctionDef,
    ) -> dict[str, list[str]]:
        """Return the strings assigned to each local name of a function."""
        assignments: dict[str, list[str]] = {}
        for node in ast.walk(func):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assignments.setdefault(target.id, []).extend(
                            _strings_in(node.value)
                        )
        return assignments

    def _collect_module_level(self) -> None:
        """Collect the keys of calls outside functions and classes."""
        for module, tree in self.trees.items():
            for node in tree.body:  # module-level calls (schemas, constants)
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and not isinstance(
                        node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                    ):
                        self._collect_call(module, call, {})

    def _collect_call(
        self, module: str, call: ast.Call, assignments: dict[str, list[str]]
    ) -> None:
        where = f"{module}:{call.lineno}"
        for keyword in call.keywords:
            if keyword.arg == "translation_key" and isinstance(
                keyword.value, ast.Constant
            ):
                category = _category(call)
                if category is not None:
                    self.keys.append(
                        SourceKey(category, str(keyword.value.value), where)
                    )
        if (target := self.forwarders.get(_call_name(call))) is not None:
            param_name, index, category = target
            arg = self._argument(call, param_name, index)
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                self.keys.append(SourceKey(category, arg.value, where))
            elif isinstance(arg, ast.Name):
                self.keys.extend(
                    SourceKey(category, key, where)
                    for key in assignments.get(arg.id, [])
                )


def _source_trees() -> dict[str, ast.Module]:
    return {
        str(path.relative_to(INTEGRATION)): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(INTEGRATION.rglob("*.py"))
    }


def _source_keys() -> list[SourceKey]:
    scanner = _Scanner(_source_trees())
    scanner.find_forwarders()
    scanner.collect()
    unique = {(k.category, k.key): k for k in scanner.keys}
    return sorted(unique.values(), key=lambda k: (k.category, k.key))


SOURCE_KEYS: Final = _source_keys()


def test_source_scan_finds_keys() -> None:
    """The scan sees direct, forwarded and conditional keys (guards the scan)."""
    categories = {k.category for k in SOURCE_KEYS}
    assert {"exceptions", "issues", "selector"} <= categories
    assert "unknown" not in categories, [
        k for k in SOURCE_KEYS if k.category == "unknown"
    ]


@pytest.mark.parametrize("found", SOURCE_KEYS, ids=lambda k: f"{k.category}.{k.key}")
def test_source_translation_key(found: SourceKey, strings: Json) -> None:
    """A key raised, created or selected in the code exists in strings.json."""
    leaf = {"exceptions": "message", "issues": "title"}.get(found.category)
    path = (found.category, found.key, *((leaf,) if leaf else ()))
    assert _has(strings, *path), f"{found.where}: {'.'.join(path)} is missing"


def _selectors(value: Any, seen: set[int]) -> Iterator[SelectSelector]:
    """SelectSelectors inside (nested) voluptuous schemas."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, SelectSelector):
        yield value
    elif isinstance(value, vol.Schema):
        yield from _selectors(value.schema, seen)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _selectors(key, seen)
            yield from _selectors(item, seen)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _selectors(item, seen)
    elif isinstance(value, vol.All | vol.Any):
        yield from _selectors(value.validators, seen)


def test_selector_options_translated(strings: Json) -> None:
    """Every option of a translated select selector (flows, services) has a label."""
    checked = 0
    seen: set[int] = set()
    modules = [
        importlib.import_module(f"{PACKAGE}.{path.stem}")
        for path in sorted(INTEGRATION.glob("*.py"))
        if path.stem != "__init__"
    ]
    selectors = [
        s
        for m in modules
        for value in vars(m).values()
        for s in _selectors(value, seen)
    ]
    for selector in selectors:
        key = selector.config.get("translation_key")
        if key is None:
            continue
        for option in selector.config["options"]:
            value = option if isinstance(option, str) else option["value"]
            assert _has(strings, "selector", key, "options", value), (
                f"selector.{key}.options.{value} is missing"
            )
            checked += 1
    services = load_yaml_dict(INTEGRATION / "services.yaml")
    for service in services.values():
        for field in (service or {}).get("fields", {}).values():
            select = (field.get("selector") or {}).get("select") or {}
            if (key := select.get("translation_key")) is None:
                continue
            for option in select.get("options", []):
                value = option if isinstance(option, str) else option["value"]
                assert _has(strings, "selector", key, "options", value), (
                    f"services.yaml: selector.{key}.options.{value} is missing"
                )
                checked += 1
    assert checked, "no translated selector found: the scan is broken"


def test_services_translated(strings: Json) -> None:
    """Every action in services.yaml has a name, a description and its fields."""
    services = load_yaml_dict(INTEGRATION / "services.yaml")
    for name, service in services.items():
        assert _has(strings, "services", name, "name"), f"services.{name}.name"
        assert _has(strings, "services", name, "description"), (
            f"services.{name}.description"
        )
        fields = dict((service or {}).get("fields", {}))
        for section in [f for f in fields.values() if "fields" in f]:
            fields.update(section["fields"])
        for field in fields:
            assert _has(strings, "services", name, "fields", field, "name"), (
                f"services.{name}.fields.{field}.name"
            )
            assert _has(strings, "services", name, "fields", field, "description"), (
                f"services.{name}.fields.{field}.description"
            )
    assert set(strings.get("services", {})) <= set(services), (
        "strings.json translates actions that services.yaml does not define"
    )


# Reasons Home Assistant's flow helpers abort with.
IMPLIED_ABORTS: Final = {
    "_abort_if_unique_id_configured": "already_configured",
    "async_step_reauth": "reauth_successful",
    "async_step_reconfigure": "reconfigure_successful",
    "async_step_integration_discovery": "already_in_progress",
    "async_step_dhcp": "already_in_progress",
    "async_step_zeroconf": "already_in_progress",
}


def _flow_section(cls: ast.ClassDef) -> str | None:
    """Return the strings.json section of a flow class, None if it is no flow."""
    bases = {
        b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in cls.bases
    }
    if not bases & {"ConfigFlow", "OptionsFlow"}:
        return None
    return "options" if "OptionsFlow" in bases else "config"


def _untranslated_steps_and_aborts(
    strings: Json, cls: ast.ClassDef, section: str
) -> list[str]:
    """Return the step_id= and reason= literals of a flow without strings."""
    missing: list[str] = []
    for call in [n for n in ast.walk(cls) if isinstance(n, ast.Call)]:
        for keyword in call.keywords:
            value = keyword.value
            if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                continue
            if keyword.arg == "step_id":
                path = (section, "step", value.value)
            elif keyword.arg == "reason":
                path = (section, "abort", value.value)
            else:
                continue
            if not _has(strings, *path):
                missing.append(".".join(path))
    return missing


def _untranslated_errors(strings: Json, cls: ast.ClassDef, section: str) -> list[str]:
    """Return the {"base": ...} error literals of a flow without strings."""
    missing: list[str] = []
    for node in [n for n in ast.walk(cls) if isinstance(n, ast.Dict)]:
        for key, value in zip(node.keys, node.values, strict=True):
            if (
                isinstance(key, ast.Constant)
                and key.value == "base"
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
                and not _has(strings, section, "error", value.value)
            ):
                missing.append(f"{section}.error.{value.value}")
    return missing


def test_config_flow_translated(strings: Json) -> None:
    """Form steps, aborts and errors of the config and options flows."""
    tree = ast.parse((INTEGRATION / "config_flow.py").read_text(encoding="utf-8"))
    missing: list[str] = []
    for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
        section = _flow_section(cls)
        if section is None:
            continue
        missing += _untranslated_steps_and_aborts(strings, cls, section)
        missing += _untranslated_errors(strings, cls, section)
        source = ast.unparse(cls)
        missing += [
            f"{section}.abort.{reason}"
            for marker, reason in IMPLIED_ABORTS.items()
            if marker in source and not _has(strings, section, "abort", reason)
        ]
    assert missing == []


def test_device_trigger_types_translated(strings: Json) -> None:
    """Device trigger types have a label."""
    module = importlib.import_module(f"{PACKAGE}.device_trigger")
    for trigger_type in module.TRIGGER_TYPES:
        assert _has(strings, "device_automation", "trigger_type", trigger_type)
