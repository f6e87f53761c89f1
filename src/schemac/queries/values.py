"""The values a column can take, as a numbered domain: value k for k in [0, size), distinct k giving distinct
values. Built from the column's type (in the canonical spelling of schemac.pg.types), the ranges and value
lists its CHECK constraints state, an enum's labels and the `distribution:` hint. Values are written as
COPY's text format reads them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Callable, Optional

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from schemac.errors import SchemacError
from schemac.model import Check, Column, Distribution
from schemac.pg.dialect import DIALECT

UNBOUNDED = 1 << 62
_EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)
_INT_RANGES = {"smallint": (-(1 << 15), (1 << 15) - 1), "integer": (-(1 << 31), (1 << 31) - 1),
               "bigint": (-(1 << 63), (1 << 63) - 1)}
_TEXT = re.compile(r"^(?:character varying|character|bpchar|text|name|citext)(?:\((\d+)\))?$")
_NUMERIC = re.compile(r"^numeric(?:\((\d+)(?:,\s*(-?\d+))?\))?$")
_TIMESTAMP = re.compile(r"^timestamp(?:\(\d\))? with(out)? time zone$")


class GenerationError(SchemacError):
    """A column whose values schemac cannot generate (a type it does not know, constraints it cannot meet)."""


def copy_text(value: str) -> str:
    """A value as COPY's text format reads it."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


@dataclass
class Bounds:
    """What the CHECK constraints say about one column: a closed range, a list of allowed values."""

    low: Optional[Decimal] = None
    high: Optional[Decimal] = None
    low_open: bool = False
    high_open: bool = False
    allowed: Optional[list[str]] = None


def _literal(node: exp.Expression) -> Optional[str]:
    while isinstance(node, (exp.Cast, exp.Paren)):
        node = node.this
    if isinstance(node, exp.Neg):
        inner = _literal(node.this)
        return None if inner is None else f"-{inner}"
    return node.this if isinstance(node, exp.Literal) else None


def _number(node: exp.Expression) -> Optional[Decimal]:
    text = _literal(node)
    try:
        return Decimal(text) if text is not None else None
    except ArithmeticError:
        return None


def _column_of(node: exp.Expression) -> Optional[str]:
    while isinstance(node, (exp.Cast, exp.Paren)):
        node = node.this
    return node.name if isinstance(node, exp.Column) and not node.table else None


_FLIP = {exp.GT: exp.LT, exp.GTE: exp.LTE, exp.LT: exp.GT, exp.LTE: exp.GTE, exp.EQ: exp.EQ}


def _conjunct(node: exp.Expression, found: dict[str, Bounds]) -> None:
    if isinstance(node, exp.Paren):
        return _conjunct(node.this, found)
    if isinstance(node, exp.And):
        _conjunct(node.left, found)
        return _conjunct(node.right, found)
    if isinstance(node, exp.Between) and (col := _column_of(node.this)):
        b = found.setdefault(col, Bounds())
        _narrow(b, exp.GTE, _number(node.args["low"]))
        return _narrow(b, exp.LTE, _number(node.args["high"]))
    if isinstance(node, exp.In) and (col := _column_of(node.this)):
        values = [_literal(e) for e in node.expressions]
        if values and all(v is not None for v in values):
            found.setdefault(col, Bounds()).allowed = [str(v) for v in values]
        return None
    kind = type(node)
    if kind in _FLIP:
        left, right = node.left, node.right
        if _column_of(left) is None and _column_of(right) is not None:
            left, right, kind = right, left, _FLIP[kind]
        col = _column_of(left)
        if col is None:
            return None
        if kind is exp.EQ:
            if isinstance(right, exp.Any) and isinstance(right.this, exp.Array):  # x = ANY (ARRAY[...])
                values = [_literal(e) for e in right.this.expressions]
                if values and all(v is not None for v in values):
                    found.setdefault(col, Bounds()).allowed = [str(v) for v in values]
            elif (v := _literal(right)) is not None:
                found.setdefault(col, Bounds()).allowed = [str(v)]
            return None
        _narrow(found.setdefault(col, Bounds()), kind, _number(right))
    return None


def _narrow(b: Bounds, kind: type, value: Optional[Decimal]) -> None:
    if value is None:
        return
    if kind in (exp.GT, exp.GTE) and (b.low is None or value >= b.low):
        b.low, b.low_open = value, kind is exp.GT
    elif kind in (exp.LT, exp.LTE) and (b.high is None or value <= b.high):
        b.high, b.high_open = value, kind is exp.LT


def check_bounds(checks: tuple[Check, ...], value_name: Optional[str] = None) -> dict[str, Bounds]:
    """Per column, the range and value list that the CHECK constraints' top-level ANDs state (other
    conditions are left to the server, which refuses rows that break them). For a domain's checks,
    `value_name` stands for VALUE."""
    found: dict[str, Bounds] = {}
    for c in checks:
        text = c.expression if value_name is None else re.sub(r"\bVALUE\b", value_name, c.expression, flags=re.I)
        try:
            _conjunct(sqlglot.parse_one(text, read=DIALECT), found)
        except SqlglotError:
            continue
    return found


@dataclass
class Domain:
    """value(k) for k in [0, size): distinct for distinct k. `parts`, when given, (n, outer, inner) with
    value(k) == outer(k // n) + inner(k % n): random draws then pick two small lists' items, not format."""

    size: int
    value: Callable[[int], str]
    parts: Optional[tuple[int, Callable[[int], str], Callable[[int], str]]] = None

    def cached(self) -> "Domain":
        if self.size <= 100_000:
            table = [self.value(k) for k in range(self.size)]
            return Domain(self.size, table.__getitem__)
        return self

    def drawn(self, size: int) -> Optional[tuple[list[str], list[str]]]:
        """(outer, inner) lists whose items, concatenated, are values below about `size`."""
        if self.parts is None:
            return None
        n, outer, inner = self.parts
        return [outer(k) for k in range(max(1, -(-size // n)))], [inner(k) for k in range(n)]


def listed(values: list[str]) -> Domain:
    escaped = [copy_text(v) for v in values]
    return Domain(len(escaped), escaped.__getitem__)


def _numbers(low: Decimal, high: Decimal, step: Decimal, scale: int, b: Bounds) -> Domain:
    if b.low is not None and b.low > low:
        low = b.low
    if b.high is not None and b.high < high:
        high = b.high
    first = (low / step).to_integral_value(rounding="ROUND_CEILING")
    last = (high / step).to_integral_value(rounding="ROUND_FLOOR")
    if b.low_open and first * step == b.low:
        first += 1
    if b.high_open and last * step == b.high:
        last -= 1
    if first > last:
        raise GenerationError(f"the CHECK constraints leave no value between {low} and {high}")
    start = int(first) if first >= 0 or last < 0 else 0  # no CHECK: from 0 up, as most data is
    size = int(last) - start + 1
    if scale <= 0:
        unit = int(step)
        return Domain(min(size, UNBOUNDED), lambda k: str((start + k) * unit))
    q = Decimal(1).scaleb(-scale)
    return Domain(min(size, UNBOUNDED), lambda k: str((Decimal(start + k) * step).quantize(q)))


def _text(name: str, length: Optional[int]) -> Domain:
    prefix = re.sub(r"[^a-z0-9]", "", name.lower())[:12]
    if length is None or length >= len(prefix) + 1 + 16:
        low = [f"{k:04x}" for k in range(1 << 16)]  # each half formatted once
        high: dict[int, str] = {}

        def outer(k: int) -> str:
            text = high.get(k)
            if text is None:
                text = high[k] = f"{prefix}-{k:x}"
            return text
        return Domain(UNBOUNDED, lambda k: outer(k >> 16) + low[k & 0xFFFF], (1 << 16, outer, low.__getitem__))
    return Domain(min(16 ** length, UNBOUNDED), lambda k: f"{k:x}")


def _uuid_part(k: int) -> str:
    h = (k * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF  # scattered, and k is in it: distinct
    return f"{h >> 32:08x}-{k & 0xFFFF:04x}-4{h >> 20 & 0xFFF:03x}-"


def _uuids() -> Callable[[int], str]:
    """Version-4-looking UUIDs: the low 16 bits of k (scattered) make the first half, the rest the second;
    both halves formatted once per value of their bits."""
    low = [_uuid_part(k) for k in range(1 << 16)]
    high: dict[int, str] = {}

    def value(k: int) -> str:
        hi = k >> 16
        tail = high.get(hi)
        if tail is None:
            tail = high[hi] = f"8{hi * 0x9E37 & 0xFFF:03x}-{hi:012x}"
        return low[k & 0xFFFF] + tail
    return value


def _timestamps(zone: str) -> Domain:
    """Second k after 2026-01-01 00:00 UTC: a day's text and a time of day's, each formatted once."""
    hms = [f"{h:02d}:{m:02d}:{s:02d}{zone}" for h in range(24) for m in range(60) for s in range(60)]
    days: dict[int, str] = {}

    def day(d: int) -> str:
        text = days.get(d)
        if text is None:
            text = days[d] = (_EPOCH.date() + timedelta(days=d)).isoformat() + " "
        return text

    def value(k: int) -> str:
        d, s = divmod(k, 86_400)
        return day(d) + hms[s]
    return Domain(2_900_000 * 86_400, value, (86_400, day, hms.__getitem__))


def base_domain(type_: str, name: str, b: Bounds, enums: dict[str, tuple[str, ...]]) -> Domain:
    """The domain of a type under the column's CHECK bounds."""
    if b.allowed is not None:
        return listed(b.allowed)
    if type_.endswith("[]"):
        inner = base_domain(type_[:-2], name, Bounds(), enums)
        return Domain(inner.size, lambda k: "{" + '"' + inner.value(k).replace('"', '\\\\"') + '"' + "}")
    if type_ in enums:
        return listed(list(enums[type_]))
    if type_ in _INT_RANGES:
        low, high = _INT_RANGES[type_]
        return _numbers(Decimal(low), Decimal(high), Decimal(1), 0, b)
    if m := _NUMERIC.match(type_):
        precision, scale = int(m.group(1) or 18), int(m.group(2) or 0)
        top = Decimal(10) ** (precision - scale) - Decimal(1).scaleb(-scale)
        return _numbers(-top, top, Decimal(1).scaleb(-scale), scale, b)
    if type_ in ("real", "double precision", "money"):
        return _numbers(Decimal(-10 ** 9), Decimal(10 ** 9), Decimal("0.01"), 2, b)
    if m := _TEXT.match(type_):
        return _text(name, int(m.group(1)) if m.group(1) else None)
    if type_ == "uuid":
        return Domain(1 << 64, _uuids())
    if m := _TIMESTAMP.match(type_):
        return _timestamps("+00" if m.group(1) is None else "")
    if type_ == "date":
        return Domain(2_000_000, lambda k: (date(2000, 1, 1) + timedelta(days=k)).isoformat())
    if type_.startswith("time"):
        return Domain(86_400, lambda k: f"{k // 3600:02d}:{k // 60 % 60:02d}:{k % 60:02d}")
    if type_ == "interval":
        return Domain(UNBOUNDED, lambda k: f"{k} seconds")
    if type_ == "boolean":
        return listed(["false", "true"])
    if type_ in ("json", "jsonb"):
        return Domain(UNBOUNDED, lambda k: f'{{"n": {k}}}')
    if type_ == "bytea":
        return Domain(UNBOUNDED, lambda k: f"\\\\x{k:016x}")
    if type_ in ("inet", "cidr"):
        return Domain(1 << 24, lambda k: f"10.{k >> 16 & 255}.{k >> 8 & 255}.{k & 255}")
    raise GenerationError(f"cannot generate values of type {type_}: give the column a distribution: with values")


def column_domain(column: Column, b: Bounds, enums: dict[str, tuple[str, ...]],
                  domains: dict[str, tuple[str, tuple[Check, ...]]]) -> Domain:
    """The column's domain: its distribution's values or distinct count, else its type's under its checks."""
    d: Optional[Distribution] = column.distribution
    if d is not None and d.values:
        return listed(list(d.values))
    type_ = column.type
    if type_ in domains:  # a domain: its base type, its checks on VALUE too
        type_, checks = domains[type_]
        extra = check_bounds(checks, column.name).get(column.name)
        if extra is not None and b.allowed is None and b.low is None and b.high is None:
            b = extra
    domain = base_domain(type_, column.name, b, enums)
    if d is not None and d.distinct is not None:
        if d.distinct > domain.size:
            raise GenerationError(f"distinct: {d.distinct} is more values than the column can take ({domain.size})")
        domain = Domain(d.distinct, domain.value)
    return domain.cached()
