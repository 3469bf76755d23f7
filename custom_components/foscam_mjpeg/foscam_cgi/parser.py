"""Parser for the ``var name=value;`` bodies of get_status.cgi and friends.

Lenient by design (see protocol facts "Status and parameter bodies"): unknown
fields are kept, broken lines are skipped, non-UTF-8 text is decoded as
Latin-1, single or double quotes are accepted, and an unescaped quote inside a
string is tolerated when the line still ends with the closing quote.
"""

from __future__ import annotations

from collections.abc import Mapping
import re
from typing import Final

from .exceptions import FoscamResponseError

type Scalar = str | int
type Value = str | int | list[str | int]

DEFAULT_MAX_SIZE: Final = 256 * 1024

# Longer digit runs are kept as text: int() refuses > 4300 digits and no
# camera field is that long.
_MAX_INT_DIGITS: Final = 40

_NAME = r"[A-Za-z_$][A-Za-z0-9_$]*"
# ``var`` may only be left out of an array element assignment (``ap_ssid[0]=...;``
# of get_wifi_scan_result). A bare ``name=value`` is not something a camera
# sends: accepting it let binary garbage with an ``x=y`` line pass as a reply.
_STATEMENT: Final = re.compile(
    rf"[ \t]*(?:(?P<var>var)[ \t]+)?(?P<name>{_NAME})[ \t]*(?:\[[ \t]*(?P<index>[0-9]{{1,9}})[ \t]*\])?[ \t]*=[ \t]*"
)
_NAME_ONLY: Final = re.compile(_NAME)
_QUOTED: Final = re.compile(r"'(?:[^'\\]|\\.)*'" r'|"(?:[^"\\]|\\.)*"', re.DOTALL)
_END: Final = re.compile(r"[ \t]*(?:;|$)")
_NEW_ARRAY: Final = re.compile(r"new[ \t]+Array[ \t]*\([ \t]*\)")
_BARE: Final = re.compile(r"[^;]*")
_INT: Final = re.compile(rf"-?[0-9]{{1,{_MAX_INT_DIGITS}}}")
_ESCAPE: Final = re.compile(
    r"\\(?:u(?P<u>[0-9A-Fa-f]{4})|x(?P<x>[0-9A-Fa-f]{2})|(?P<c>.))", re.DOTALL
)
_SIMPLE_ESCAPES: Final = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "0": "\0",
}


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("latin-1")


def _unescape(text: str) -> str:
    """Resolve JavaScript string escapes; lone surrogates become U+FFFD."""
    if "\\" not in text:
        return text

    def repl(match: re.Match[str]) -> str:
        if (code := match["u"] or match["x"]) is not None:
            return chr(int(code, 16))
        char = match["c"]
        return _SIMPLE_ESCAPES.get(char, char)

    result = _ESCAPE.sub(repl, text)
    if any("\ud800" <= ch <= "\udfff" for ch in result):
        result = result.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return result


def _parse_value(line: str, pos: int) -> tuple[Scalar | None, int] | None:
    """Parse the value at ``pos``: (value, end) with None for ``new Array()``."""
    if line[pos : pos + 1] in ("'", '"'):
        quote = line[pos]
        match = _QUOTED.match(line, pos)
        if match and (end := _END.match(line, match.end())):
            return _unescape(match.group()[1:-1]), end.end()
        # Unescaped quote inside the string (e.g. an alias "Bob's cam"):
        # take everything up to the last quote of the line.
        rest = line.rstrip(" \t;")
        if len(rest) > pos + 1 and rest.endswith(quote):
            return _unescape(rest[pos + 1 : -1]), len(line)
        return None
    if match := _NEW_ARRAY.match(line, pos):
        if end := _END.match(line, match.end()):
            return None, end.end()
        return None
    bare = _BARE.match(line, pos)
    assert bare is not None  # [^;]* always matches
    text = bare.group().strip()
    if not text:
        return None
    value: Scalar = int(text) if _INT.fullmatch(text) else text
    return value, bare.end() + 1


def _iter_statements(text: str) -> list[tuple[str, int | None, Scalar | None]]:
    statements: list[tuple[str, int | None, Scalar | None]] = []
    for raw_line in text.split("\n"):
        line = raw_line.rstrip("\r")
        pos = 0
        while pos < len(line):
            match = _STATEMENT.match(line, pos)
            if match is None or (match["var"] is None and match["index"] is None):
                break  # broken or foreign line: skip the rest of it
            parsed = _parse_value(line, match.end())
            if parsed is None:
                break
            value, pos = parsed
            index = match["index"]
            statements.append(
                (match["name"], None if index is None else int(index), value)
            )
            while pos < len(line) and line[pos] in " \t;":
                pos += 1
    return statements


def parse_vars(body: bytes, *, max_size: int = DEFAULT_MAX_SIZE) -> dict[str, Value]:
    """Parse a ``var name=value;`` body into a dict.

    ``var a=new Array();`` with ``a[0]='x';`` gives a list (ordered by index,
    gaps closed). Raises FoscamResponseError if the body is larger than
    ``max_size`` or is non-blank and contains no statement at all.
    """
    if len(body) > max_size:
        raise FoscamResponseError(f"reply of {len(body)} bytes exceeds {max_size}")
    text = _decode(body)
    result: dict[str, Value] = {}
    arrays: dict[str, dict[int, Scalar]] = {}
    statements = _iter_statements(text)
    for name, index, value in statements:
        if index is None and value is not None:
            result[name] = value
            arrays.pop(name, None)
        elif index is None:  # new Array()
            arrays[name] = {}
            result.pop(name, None)
        elif value is not None:
            if name not in arrays:
                result.pop(name, None)
                arrays[name] = {}
            arrays[name][index] = value
    for name, items in arrays.items():
        result[name] = [items[i] for i in sorted(items)]
    if not statements and text.strip():
        raise FoscamResponseError("reply is not a list of 'var name=value;' lines")
    return result


_FORMAT_ESCAPES: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(text: str) -> str:
    out: list[str] = []
    for char in text:
        code = ord(char)
        if char in "\\'\"":
            out.append("\\" + char)
        elif char in _FORMAT_ESCAPES:
            out.append(_FORMAT_ESCAPES[char])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def _format_scalar(value: Scalar) -> str:
    if isinstance(value, int):
        return str(int(value))
    return f"'{_escape(value)}'"


def format_vars(values: Mapping[str, Value]) -> bytes:
    """Inverse of parse_vars: one ``var name=value;`` line per entry (UTF-8)."""
    lines: list[str] = []
    for name, value in values.items():
        if not _NAME_ONLY.fullmatch(name):
            raise ValueError(f"not a variable name: {name!r}")
        if isinstance(value, list):
            lines.append(f"var {name}=new Array();")
            lines.extend(
                f"{name}[{i}]={_format_scalar(item)};" for i, item in enumerate(value)
            )
        else:
            lines.append(f"var {name}={_format_scalar(value)};")
    return "".join(line + "\n" for line in lines).encode()
