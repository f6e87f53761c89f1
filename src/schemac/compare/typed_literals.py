"""Constants Postgres stores by value and prints in its own output format (compare.rewrite's normal forms): a string
cast to a type (or given as a column's default, compare.normalize.same_default's cast) is folded into a constant of
that type when the expression is stored, and pg_get_expr prints that constant as the type's output function does.

- jsonb (and json, read alike): `'{"b":1,"a":[1,2]}'` is `'{"a": [1, 2], "b": 1}'::jsonb` (keys by length then
  bytes, the last of a repeated key, one space after `,` and `:`, numbers as numeric prints them); any string that
  is a JSON object or array reads so (a text compared with one compares by the same rule on both sides).
- uuid: `'A0EEBC99-...'` is `'a0eebc99-...'::uuid`; an IPv4 address of prefix 32, `'10.0.0.1/32'`, is `'10.0.0.1'`
  (inet's print; cidr's /32 names the same network).
- bytea, where cast to it: `'abc'` is `'\\x616263'::bytea` (the escape format's bytes in hex).
- date, timestamp and timestamptz, where cast to one: an ISO basic date (`'20000101'`) in the extended form
  compare.literals reads by instant; arrays of those by their elements' instants, of intervals and times by their
  values, of money by the number, of inet and timetz by their print (`10.0.0.1/32` is `10.0.0.1`), of booleans by t
  and f
  (`'{yes,no}'::boolean[]` is `'{t,f}'`).
- money, where cast to it: `'1.5'` and `'$1.50'` (lc_monetary C's print) both the number 1.5.
- macaddr, where cast to it: `'08-00-2B-01-02-03'` is `'08:00:2b:01:02:03'`; inet and cidr: an IPv4 network written
  short, `'10/8'`, is `'10.0.0.0/8'`; a uuid[]'s elements in lower case; a timetz with its seconds and a two-digit
  offset, `'9:00+2'` is `'09:00:00+02'`.
- an interval of a type with a qualifier or a precision (`interval day`, `interval second(1)`, `interval(1)`):
  by its value as the type modifier leaves it (compare.literals.qualified_interval_value).
- int4range and int8range, where cast to one: `'[1,10]'` is `'[1,11)'` (the discrete range's canonical bounds);
  daterange, tsrange and tstzrange by their bounds' instants (compare.time_ranges).
- PostGIS's geometry and geography, where cast to one (qualified or not): (E)WKT as the hex EWKB they print,
  `'SRID=4326;POINT(1 2)'` is `'0101000020E6100000...'` (pg.ewkb); and a string no cast types that spells (E)WKT,
  as a function's or an operator's argument PostGIS resolves to geometry is stored (pg.ewkb.bare_printed).
- regclass: `nextval('public.s')` (pg_dump's spelling) is `nextval('s'::regclass)`: a sequence of public, on the
  catalog reader's search path, is printed bare.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Callable, Optional

from sqlglot import exp

from schemac.compare.literals import (array_text, extended_date, interval_in_typmod, interval_value,
                                      qualified_interval_value, timestamp_value)
from schemac.compare.time_ranges import time_range
from schemac.compare.tsquery import canonical_tsvector
from schemac.pg.ewkb import bare_printed, printed
from schemac.pg.array_literals import boolean_letter

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HOST = re.compile(r"(\d{1,3}(?:\.\d{1,3}){3})/32")
_PUBLIC = re.compile(r'(?:public|"public")\.((?:[a-z_][a-z0-9_$]*|"(?:[^"]|"")+"))')
_SEQUENCE_CALLS = ("nextval", "currval", "setval")
_RANGE = re.compile(r"\s*([\[(])\s*(-?\d*)\s*,\s*(-?\d*)\s*([\])])\s*")
_MONEY = re.compile(r"\s*(-?)\$?\s*([\d,]*\.?\d*)\s*")  # (lc_monetary C's print: `-$1,000.50`)
T = exp.DataType.Type
_INSTANTS = (T.DATE, T.TIMESTAMP, T.TIMESTAMPTZ)
_TIMETZ = re.compile(r"\s*(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*([+-]\d{1,2})(?::?(\d{2}))?\s*")
_ABBREVIATED = re.compile(r"(\d{1,3}(?:\.\d{1,3}){0,3})/(\d{1,2})")  # (`'10/8'` of an inet or a cidr: 10.0.0.0/8)


def _jsonb(value: object) -> str:
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {_jsonb(value[k])}" for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_jsonb(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return format(value, "f")
    return json.dumps(value, ensure_ascii=False)


def literal_value(text: str, geometric: bool = False) -> Optional[str]:
    """The one spelling of a constant that reads the same as any type it may be (JSON, a uuid, a host address, (E)WKT
    but where cast to a `geometric` type, whose own print spells it: a geography's with its SRID), or None where `text`
    is none of them or already that spelling."""
    stripped = text.strip()
    out = None
    if stripped[:1] in ("{", "[") and stripped[-1:] in ("}", "]"):
        try:
            out = _jsonb(json.loads(stripped, parse_float=Decimal, parse_int=Decimal))
        except ValueError:
            return None
    elif _UUID.fullmatch(stripped):
        out = stripped.lower()
    elif _HOST.fullmatch(stripped):
        out = _HOST.fullmatch(stripped)[1]
    elif not geometric:
        out = bare_printed(text)
    return out if out is not None and out != text else None


def _bytea(text: str) -> str:
    if text.startswith("\\x"):
        return "\\x" + text[2:].lower()
    data, i = bytearray(), 0
    while i < len(text):
        if text.startswith("\\\\", i):
            data.append(92)
            i += 2
        elif text[i] == "\\" and re.match(r"[0-3][0-7]{2}", text[i + 1:i + 4]):
            data.append(int(text[i + 1:i + 4], 8))
            i += 4
        else:
            data.extend(text[i].encode())
            i += 1
    return "\\x" + data.hex()


def _discrete_range(text: str) -> str:
    m = _RANGE.fullmatch(text)
    if m is None:
        return text
    opening, low, high, closing = m.groups()
    low = str(int(low) + 1) if low and opening == "(" else low
    high = str(int(high) + 1) if high and closing == "]" else high
    return f"{'[' if low else '('}{low},{high})"


def _money(text: str) -> str:
    m = _MONEY.fullmatch(text)
    return f"{m[1] or ''}{m[2].replace(',', '')}" if m is not None and any(c.isdigit() for c in m[2]) else text


def _money_number(text: str) -> str:
    """A money[]'s element as its number (`$1.50` and `1.5` alike), else as it is."""
    try:
        return format(Decimal(_money(text)).normalize(), "f")
    except InvalidOperation:
        return text


def _macaddr(text: str) -> str:
    digits = re.sub(r"[:.\-]", "", text.strip())
    if len(digits) != 12 or not re.fullmatch(r"[0-9a-fA-F]{12}", digits):
        return text
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2)).lower()


def _network(text: str) -> str:
    m = _ABBREVIATED.fullmatch(text.strip())
    if m is None or m[1].count(".") == 3:
        return text
    return ".".join((m[1].split(".") + ["0", "0", "0"])[:4]) + f"/{m[2]}"


def _element(to: exp.DataType) -> Optional[Callable[[str], str]]:
    """How an element of an array of `to` reads (None: as it is)."""
    kind = to.this
    if kind == T.BOOLEAN:
        return boolean_letter
    if kind in _INSTANTS:
        return lambda e: timestamp_value(extended_date(e)) or e
    if kind in (T.INTERVAL, T.TIME):  # (`'{1 day, 2 hours}'` is `'{"1 day",02:00:00}'::interval[]`: by value; a time
        # as the interval it spells, as compare.rewrite reads a string: `'{9:00}'` is `'{09:00:00}'::time[]`)
        return lambda e: "%d mons %d days %d microseconds" % v if (v := interval_value(e)) is not None else e
    if kind == T.MONEY:  # (`'{1.5}'` is `'{$1.50}'::money[]`: the number)
        return _money_number
    if kind == T.INET:  # (`'{10.0.0.1/32}'` is `'{10.0.0.1}'::inet[]`)
        return lambda e: h[1] if (h := _HOST.fullmatch(e.strip())) else _network(e)
    if kind == T.TIMETZ:
        return lambda e: _spelled(to, e)
    return str.lower if kind == T.UUID else None


def _named(to: exp.DataType) -> Optional[str]:
    """The name of a type sqlglot does not know (`macaddr`, `cidr`, a qualified `public.geometry`), else None."""
    kind = to.args.get("kind")
    if to.this == T.USERDEFINED and isinstance(kind, str):  # (as compare.type_calls builds it: `tsvector('a b')`)
        return kind
    return kind.name if to.this == T.USERDEFINED and isinstance(kind, (exp.Identifier, exp.Dot)) else None


def _postgis(to: object) -> bool:
    return isinstance(to, exp.DataType) and (to.this in (T.GEOMETRY, T.GEOGRAPHY) or _named(to) in ("geometry", "geography"))


def _spelled(to: exp.DataType, text: str) -> str:
    """`text`, a string cast to `to`, spelled as that type prints it (itself where this does not know the type)."""
    kind = to.this
    if isinstance(kind, exp.Interval) or (kind == T.INTERVAL and to.expressions):  # (`interval day`, `interval(1)`)
        unit = kind.args["unit"].sql().lower() if isinstance(kind, exp.Interval) and kind.args.get("unit") else None
        precision = to.expressions[0].name if to.expressions else None
        if precision:
            unit = f"{unit or 'second'}({precision})"
        if text.startswith("interval:") and unit is not None:  # (the string read already, compare.rewrite)
            value = interval_in_typmod(tuple(int(x) for x in text.split(":")[1:]), unit)  # type: ignore[arg-type]
            return "interval:%d:%d:%d" % value
        value = qualified_interval_value(text, unit)
        return "%d mons %d days %d microseconds" % value if value is not None else text
    if kind == T.ARRAY and to.expressions and isinstance(to.expressions[0], exp.DataType):
        element = _element(to.expressions[0])
        return array_text(text, element) if element is not None else text
    named = _named(to)
    if _postgis(to):
        return printed(text, kind == T.GEOGRAPHY or named == "geography") or text
    if named == "macaddr":
        return _macaddr(text)
    if named == "tsvector":
        return canonical_tsvector(text) or text
    if kind == T.INET or named == "cidr":
        return _network(text)
    if kind == T.TIMETZ and (m := _TIMETZ.fullmatch(text)) is not None:
        fraction, minutes = (m[4] or "").rstrip("0").rstrip("."), m[6] if m[6] not in (None, "00") else ""
        return f"{int(m[1]):02}:{m[2]}:{m[3] or '00'}{fraction}{m[5][0]}{int(m[5][1:]):02}{':' + minutes if minutes else ''}"
    return _bytea(text) if kind == T.VARBINARY else _discrete_range(text) \
        if kind in (T.INT4RANGE, T.INT8RANGE) else time_range(text, kind == T.DATERANGE) \
        if kind in (T.DATERANGE, T.TSRANGE, T.TSTZRANGE) else extended_date(text) if kind in _INSTANTS \
        else _money(text) if kind == T.MONEY else text


def typed_literals(node: exp.Expression) -> Optional[exp.Expression]:
    """A string constant in its type's printed spelling (above); None where there is nothing to change."""
    if isinstance(node, exp.Literal) and node.is_string:
        value = literal_value(node.this, isinstance(node.parent, exp.Cast) and _postgis(node.parent.to))
        return exp.Literal.string(value) if value is not None else None
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal) and node.this.is_string \
            and isinstance(node.to, exp.DataType):
        spelled = _spelled(node.to, node.this.this)
        return exp.Cast(this=exp.Literal.string(spelled), to=node.to) if spelled != node.this.this else None
    if isinstance(node, exp.Anonymous) and str(node.this).lower() in _SEQUENCE_CALLS and node.expressions:
        first = node.expressions[0]
        bare = _PUBLIC.fullmatch(first.this) if isinstance(first, exp.Literal) and first.is_string else None
        if bare is not None:
            return exp.Anonymous(this=node.this, expressions=[exp.Literal.string(bare[1]), *node.expressions[1:]])
    return None
