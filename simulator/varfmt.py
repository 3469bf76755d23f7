"""Reply bodies in the firmware's ``var name=value;`` format."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .config import FieldValue

_ESCAPES = {ord("\\"): b"\\\\", ord("'"): b"\\'", ord("\n"): b"\\n", ord("\r"): b"\\r"}


def quote(value: str | bytes) -> bytes:
    """Single-quote a string the way the firmware's JavaScript replies do."""
    raw = value.encode() if isinstance(value, str) else value
    return b"'" + b"".join(_ESCAPES.get(b, bytes((b,))) for b in raw) + b"'"


def literal(value: FieldValue) -> bytes:
    """Numbers unquoted, strings quoted."""
    if isinstance(value, int):
        return str(value).encode()
    return quote(value)


def format_vars(items: Iterable[tuple[str, FieldValue]]) -> bytes:
    """One ``var name=value;`` per line, LF line endings."""
    return b"".join(b"var %s=%s;\n" % (name.encode(), literal(v)) for name, v in items)


def format_arrays(
    columns: Mapping[str, Sequence[FieldValue]], count_name: str
) -> bytes:
    """Format ``new Array()`` declarations, the elements row by row, then the count."""
    rows = max((len(values) for values in columns.values()), default=0)
    lines = [b"var %s=new Array();\n" % name.encode() for name in columns]
    lines.extend(
        b"%s[%d]=%s;\n" % (name.encode(), i, literal(values[i]))
        for i in range(rows)
        for name, values in columns.items()
    )
    lines.append(b"var %s=%d;\n" % (count_name.encode(), rows))
    return b"".join(lines)
