"""Tests of the ``var name=value;`` parser and its inverse."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.foscam_mjpeg.foscam_cgi import (
    FoscamResponseError,
    Value,
    format_vars,
    parse_vars,
)

STATUS_BODY = b"""var id='00626E4A0001';
var sys_ver='11.37.2.49';
var app_ver='2.0.10.7';
var alias='Front door';
var now=1195552193;
var tz=-3600;
var alarm_status=0;
var ddns_status=0;
var ddns_host='';
var oray_type=0;
var upnp_status=0;
var p2p_status=0;
"""

WIFI_SCAN_BODY = b"""var ap_bssid=new Array();
var ap_ssid=new Array();
var ap_mode=new Array();
var ap_security=new Array();
ap_bssid[0]='0015ebbe2153';
ap_ssid[0]='ZXDSL531BII-BE2153';
ap_mode[0]=0;
ap_security[0]=0;
ap_bssid[1]='001d0f3fef40';
ap_ssid[1]='Calvin&Cici';
ap_mode[1]=0;
ap_security[1]=1;
var ap_number=2;
"""


def test_status_body() -> None:
    """A get_status body parses into its numbers and strings; unknown fields are kept."""
    values = parse_vars(STATUS_BODY)
    assert values["id"] == "00626E4A0001"
    assert values["now"] == 1195552193
    assert values["tz"] == -3600
    assert values["ddns_host"] == ""
    assert values["p2p_status"] == 0  # unknown fields are kept


def test_arrays() -> None:
    """Array element assignments of a Wi-Fi scan build lists in index order."""
    values = parse_vars(WIFI_SCAN_BODY)
    assert values["ap_ssid"] == ["ZXDSL531BII-BE2153", "Calvin&Cici"]
    assert values["ap_security"] == [0, 1]
    assert values["ap_number"] == 2


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"var a='x';", {"a": "x"}),
        (b'var a="x";', {"a": "x"}),
        (b"var a=1", {"a": 1}),
        (b"var a = 1 ;", {"a": 1}),
        (b"var a=1;var b=2;  var c='3';", {"a": 1, "b": 2, "c": "3"}),
        (b"var a=1;\r\nvar b=2;\r\n", {"a": 1, "b": 2}),
        (b"var a=-0042;", {"a": -42}),
        (b"var a=1.5;", {"a": "1.5"}),
        (b"var a=true;", {"a": "true"}),
        (b"var a=;\nvar b=1;", {"b": 1}),
        (b"var a='x' junk;\nvar b=1;", {"b": 1}),
        (b"var a='unterminated;\nvar b=1;", {"b": 1}),
        (b"var a=new Array() junk;\nvar b=1;", {"b": 1}),
        (b"<script>\nvar a=1;\n</script>", {"a": 1}),
        (b"var $x_1=2;", {"$x_1": 2}),
        (b"a=1;\nvar b=2;", {"b": 2}),  # only array elements may omit `var`
        (b"var a=1; b=2;", {"a": 1}),
        (b"var alias='Bob's cam';", {"alias": "Bob's cam"}),
        (b"var alias='semi;colon';", {"alias": "semi;colon"}),
        (b"var a='it\\'s';", {"a": "it's"}),
        (b'var a="say \\"hi\\"";', {"a": 'say "hi"'}),
        (b"var a='a\\\\b';", {"a": "a\\b"}),
        (b"var a='\\n\\t\\r\\b\\f\\v\\0';", {"a": "\n\t\r\b\f\v\0"}),
        (b"var a='\\x41\\u00e9\\q\\x4';", {"a": "A\u00e9qx4"}),
        (b"var a='\\ud83d\\ude00';", {"a": "\U0001f600"}),
        (b"var a='\\ud800x';", {"a": "\ufffdx"}),
        (b"var a='x\\';", {"a": "x\\"}),
        (b"var a='\\u2028\\x85';", {"a": "\u2028\x85"}),
    ],
)
def test_lenient_lines(body: bytes, expected: dict[str, Value]) -> None:
    """Quotes, escapes, spacing and broken lines parse like the firmware's JavaScript."""
    assert parse_vars(body) == expected


def test_log_text_keeps_escaped_newlines() -> None:
    """Escaped newlines in the log text become real newlines."""
    body = (
        b"var log_text='Mon, 2009-08-03 19:53:04 admin 192.168.0.16 access\\nTue x\\n';"
    )
    assert parse_vars(body)["log_text"] == (
        "Mon, 2009-08-03 19:53:04 admin 192.168.0.16 access\nTue x\n"
    )


def test_non_utf8_falls_back_to_latin1() -> None:
    """A body that is not UTF-8 is read as Latin-1."""
    assert parse_vars(b"var alias='Caf\xe9';") == {"alias": "Caf\u00e9"}
    assert parse_vars("var alias='Café';".encode()) == {"alias": "Caf\u00e9"}


def test_bom_is_ignored() -> None:
    """A leading byte order mark is ignored."""
    assert parse_vars(b"\xef\xbb\xbfvar a=1;") == {"a": 1}


def test_long_digit_runs_stay_text() -> None:
    """A huge run of digits stays text instead of a slow int."""
    digits = "9" * 5000
    assert parse_vars(f"var a={digits};".encode()) == {"a": digits}


def test_array_semantics() -> None:
    """Sparse, redeclared and overwritten arrays end up as the firmware's script would."""
    body = b"""c[2]='two';
c[0]='zero';
var d=new Array();
var d=5;
var e=5;
e[0]=1;
var f=new Array();
f[0]=1;
var f=new Array();
g[0]=new Array();
"""
    assert parse_vars(body) == {"c": ["zero", "two"], "d": 5, "e": [1], "f": []}


def test_duplicate_keys_last_wins() -> None:
    """A repeated variable takes its last value."""
    assert parse_vars(b"var a=1;\nvar a=2;") == {"a": 2}


@pytest.mark.parametrize("body", [b"", b"  \n\r\n\t"])
def test_blank_body(body: bytes) -> None:
    """A blank body parses to no values."""
    assert parse_vars(body) == {}


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>404 Not Found</body></html>",
        b'{"id": "x"}',
        b"ok.\n",
        b"\x00\xff\xfe",
        b"a=1",  # `var` may only be left out of array element assignments
        b"Qz=\x9c\xd1\x07",  # garbage that looks like an assignment without `var`
    ],
)
def test_nothing_parses(body: bytes) -> None:
    """A body without any assignment is refused."""
    with pytest.raises(FoscamResponseError):
        parse_vars(body)


def test_oversize() -> None:
    """A body over the size limit is refused; one at the limit parses."""
    with pytest.raises(FoscamResponseError, match="exceeds"):
        parse_vars(b"var a=1;" * 10, max_size=20)
    assert parse_vars(b"var a=1;", max_size=8) == {"a": 1}


def test_format_vars() -> None:
    """Values are written as the firmware writes them, with escapes and arrays."""
    body = format_vars({"a": 1, "b": "it's\n\x01\\\u00e9", "c": ["x", 2], "d": []})
    assert body == (
        b"var a=1;\n"
        b"var b='it\\'s\\n\\x01\\\\\xc3\xa9';\n"
        b"var c=new Array();\nc[0]='x';\nc[1]=2;\n"
        b"var d=new Array();\n"
    )


def test_format_vars_escapes_lone_surrogates() -> None:
    """A lone surrogate is written as an escape."""
    assert format_vars({"a": "\ud800"}) == b"var a='\\ud800';\n"


@pytest.mark.parametrize("name", ["", "1a", "a b", "a-b", "a[0]"])
def test_format_vars_rejects_bad_names(name: str) -> None:
    """Names that are not JavaScript identifiers are refused."""
    with pytest.raises(ValueError, match="variable name"):
        format_vars({name: 1})


# --- property tests -----------------------------------------------------------------

NAMES = st.from_regex(r"[A-Za-z_$][A-Za-z0-9_$]{0,15}", fullmatch=True)
SCALARS = st.one_of(st.integers(min_value=-(2**63), max_value=2**64), st.text())
VALUES: st.SearchStrategy[Value] = st.one_of(SCALARS, st.lists(SCALARS, max_size=5))

# Bytes built from the grammar's own pieces reach far more branches than noise.
FRAGMENTS = st.sampled_from(
    [
        b"var ",
        b"a",
        b"b[",
        b"0",
        b"]",
        b"=",
        b"'",
        b'"',
        b"\\",
        b"\\u",
        b"\\x",
        b"d8",
        b"00",
        b";",
        b"\n",
        b"\r",
        b" ",
        b"new Array()",
        b"-",
        b"9" * 50,
        b"\xff",
        b"\xc3",
        b"\xef\xbb\xbf",
    ]
)
GRAMMAR_BYTES = st.lists(FRAGMENTS | st.binary(max_size=4), max_size=40).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=2048) | GRAMMAR_BYTES)
def test_arbitrary_bytes_never_raise_anything_else(body: bytes) -> None:
    """Any bytes parse into names and values or raise FoscamResponseError."""
    try:
        values = parse_vars(body, max_size=1024)
    except FoscamResponseError:
        return
    for name, value in values.items():
        assert isinstance(name, str)
        assert isinstance(value, str | int | list)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(NAMES, VALUES, max_size=12))
def test_round_trip(values: dict[str, Value]) -> None:
    """Whatever format_vars writes, parse_vars reads back unchanged."""
    assert parse_vars(format_vars(values)) == values
