"""Table-driven settings fields: validation of set CGIs and ``var`` emission.

A settings group is a dataclass whose fields carry a :class:`FieldMeta`
(built with :func:`setting`). The same metadata drives the get CGI output
(``emit``), the set CGI parsing (``collect``/``apply``) and the backup blob
(``to_query``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
import ipaddress
import re
from typing import Any, Final

from .config import FieldValue
from .const import WEEK_DAYS

_META: Final = "sim_setting"
_INT_RE: Final = re.compile(r"-?[0-9]{1,10}")
SCHEDULE_WORDS: Final = 21  # 7 days x 3 words of 32 bits = 96 quarter hours + spare


class IllegalParams(Exception):
    """The camera answers ``error: illegal params.``."""


@dataclass(frozen=True, slots=True)
class IntRange:
    """Integer within ``lo..hi``."""

    lo: int
    hi: int

    def parse(self, raw: str) -> int:
        """Validate one query value."""
        if not _INT_RE.fullmatch(raw) or not self.lo <= (value := int(raw)) <= self.hi:
            raise IllegalParams
        return value


@dataclass(frozen=True, slots=True)
class IntChoice:
    """Integer from a fixed set of codes."""

    choices: frozenset[int]

    def parse(self, raw: str) -> int:
        """Validate one query value."""
        if not _INT_RE.fullmatch(raw) or (value := int(raw)) not in self.choices:
            raise IllegalParams
        return value


@dataclass(frozen=True, slots=True)
class Text:
    """String of at most ``max_len`` UTF-8 bytes, optionally an IPv4 address or ''."""

    max_len: int
    ipv4: bool = False

    def parse(self, raw: str) -> str:
        """Validate one query value."""
        if len(raw.encode()) > self.max_len:
            raise IllegalParams
        if self.ipv4 and raw:
            try:
                ipaddress.IPv4Address(raw)
            except ValueError:
                raise IllegalParams from None
        return raw


@dataclass(frozen=True, slots=True)
class Schedule:
    """21 unsigned 32-bit words ``<name>_<day>_<0..2>``."""

    word: IntRange = IntRange(0, 0xFFFFFFFF)


Spec = IntRange | IntChoice | Text | Schedule
BOOL: Final = IntRange(0, 1)


@dataclass(frozen=True, slots=True)
class FieldMeta:
    """How one dataclass field appears on the wire."""

    spec: Spec
    query: str | None = None  # name in the set CGI when it differs
    aliases: tuple[str, ...] = ()  # other accepted names in the set CGI
    optional: bool = False  # may be left out of a full set
    hidden: bool = False  # accepted by the set CGI, never emitted


def setting(default: Any, spec: Spec, **meta: Any) -> Any:
    """Declare a settings field (``meta``: see :class:`FieldMeta`)."""
    return field(default=default, metadata={_META: FieldMeta(spec, **meta)})


def _field_metas(cls: Any) -> tuple[tuple[str, FieldMeta], ...]:
    return tuple(
        (f.name, f.metadata[_META]) for f in fields(cls) if _META in f.metadata
    )


def _schedule_names(base: str) -> Iterator[str]:
    return (f"{base}_{day}_{i}" for day in WEEK_DAYS for i in range(3))


def emit(group: object, prefix: str = "") -> list[tuple[str, FieldValue]]:
    """List the group's ``var`` items as a get CGI does."""
    items: list[tuple[str, FieldValue]] = []
    for name, meta in _field_metas(type(group)):
        value = getattr(group, name)
        if meta.hidden:
            continue
        if isinstance(meta.spec, Schedule):
            items.extend(zip(_schedule_names(prefix + name), value, strict=True))
        else:
            items.append((prefix + name, value))
    return items


def _lookup(
    query: Mapping[str, str], names: Iterator[str] | tuple[str, ...]
) -> str | None:
    return next((query[n] for n in names if n in query), None)


def collect(
    group: object,
    query: Mapping[str, str],
    *,
    prefix: str = "",
    suffix: str = "",
    full: bool = False,
) -> dict[str, Any]:
    """Validate the group's parameters in a set CGI query; nothing is assigned.

    ``full``: every non-optional field must be present (firmware rejects
    partial sets of set_users/set_wifi/set_mail/set_forbidden/set_ddns/set_network).
    """
    values: dict[str, Any] = {}
    for name, meta in _field_metas(type(group)):
        base = meta.query or name
        if isinstance(meta.spec, Schedule):
            raws = [query.get(prefix + n + suffix) for n in _schedule_names(base)]
            given = [r for r in raws if r is not None]
            if full and len(given) < SCHEDULE_WORDS and not meta.optional:
                raise IllegalParams
            if given:
                old = getattr(group, name)
                values[name] = tuple(
                    meta.spec.word.parse(r) if r is not None else old[i]
                    for i, r in enumerate(raws)
                )
            continue
        names = tuple(prefix + n + suffix for n in (base, *meta.aliases))
        raw = _lookup(query, names)
        if raw is None:
            if full and not meta.optional:
                raise IllegalParams
            continue
        values[name] = meta.spec.parse(raw)
    return values


def assign(group: object, values: Mapping[str, Any]) -> None:
    """Store values returned by :func:`collect`."""
    for name, value in values.items():
        setattr(group, name, value)


def apply(group: object, query: Mapping[str, str], **kwargs: Any) -> None:
    """Validate then store (atomic: nothing changes on IllegalParams)."""
    assign(group, collect(group, query, **kwargs))


def to_query(group: object) -> dict[str, str]:
    """Build the set CGI query that reproduces the group (used by backup_params)."""
    query: dict[str, str] = {}
    for name, meta in _field_metas(type(group)):
        value = getattr(group, name)
        base = meta.query or name
        if isinstance(meta.spec, Schedule):
            query.update(zip(_schedule_names(base), map(str, value), strict=True))
        else:
            query[base] = str(value)
    return query
