"""Interval literals as Postgres reads them: `INTERVAL '1 day'` (a string of its own units) apart from `INTERVAL '2'
HOUR` (a number and a field qualifier, SQL's spelling: the constant `'02:00:00'::interval hour`, of that type modifier).

sqlglot reads both as one tree (it takes the unit out of `'1 day'`, INTERVAL '1' DAY) and writes `INTERVAL '2 HOUR'`,
which Postgres stores without the modifier (`'02:00:00'::interval`): another catalog than the one the hand-written
SQL builds. Read here, the first keeps its string and no unit, the second its qualifier, written after the string.
And which retypes between interval types keep every value (interval_kept, for plan.hazards).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.tokens import TokenType


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
_FIELDS = ("year", "month", "day", "hour", "minute", "second")  # (Postgres's interval qualifier's words)


def parse_interval(parser, require_interval: bool = True, parse_function_unit: bool = True):
    """The dialect's Parser._parse_interval: sqlglot's, with a unit it took out of the string put back."""
    start = parser._index
    node = Postgres.Parser._parse_interval(parser, require_interval, parse_function_unit)
    tokens = parser._tokens[start:start + 2]
    string = next((t for t in tokens if t.token_type == TokenType.STRING), None)
    if isinstance(node, exp.Interval) and string is not None and isinstance(node.this, exp.Literal) \
            and node.this.is_string and isinstance(node.args.get("unit"), exp.Var) and string.text != node.this.name:
        node.set("this", exp.Literal.string(string.text))
        node.set("unit", None)
        node.set("fraction_in_string", None)
    if isinstance(node, exp.Interval) and node.args.get("unit") is None and _at_field(parser):
        node.set("unit", _qualifier(parser))  # (`INTERVAL '1.5 days' DAY`: sqlglot gives the DAY back, an alias)
    return node


def _at_field(parser) -> bool:
    return parser._curr is not None and parser._curr.text.lower() in _FIELDS


def _qualifier(parser) -> exp.Expression:
    """The interval qualifier at the parser's token (`DAY`, `SECOND(1)`, `DAY TO HOUR`), as sqlglot's own is read."""
    unit = parser._parse_function() or parser._parse_var(any_token=True, upper=True)
    if parser._match_text_seq("TO"):
        unit = exp.IntervalSpan(this=unit, expression=parser._parse_function() or
                                parser._parse_var(any_token=True, upper=True))
    return unit


def interval_literal_sql(generator, e: exp.Interval) -> str:
    """`INTERVAL '2' HOUR` as written (sqlglot: `INTERVAL '2 HOUR'`, another constant to Postgres)."""
    unit = e.args.get("unit")
    if isinstance(unit, exp.Anonymous) and unit.name.lower() == "second" and isinstance(e.this, exp.Literal) \
            and e.this.is_string:  # `INTERVAL '1.55' SECOND(1)` (sqlglot: `INTERVAL '1.55 SECOND(1)'`, not SQL)
        return f"INTERVAL {generator.sql(e, 'this')} SECOND({generator.expressions(unit, flat=True)})"
    if isinstance(unit, exp.Var) and isinstance(e.this, exp.Literal) and e.this.is_string:
        return f"INTERVAL {generator.sql(e, 'this')} {generator.sql(unit)}"
    return generator.interval_sql(e)


def qualified_interval_text(value: str, unit: Optional[str]) -> str:
    """The text of an interval literal's value with its qualifier's meaning (`'2' HOUR` is '2 hour', `'1:30' MINUTE TO
    SECOND` '00:1:30', `'1-2' YEAR TO MONTH` '1 years 2 months'): a bare number is of the qualifier's last field
    (Postgres's DecodeInterval); a string of its own units is itself (the modifier's rounding of a finer part aside)."""
    if unit is None:
        return value
    last, _, precision = unit.split()[-1].partition("(")
    text = value.strip()
    if last == "second" and precision.rstrip(") ").isdigit() and _NUMBER.fullmatch(text):
        # SECOND(p) rounds the seconds to p digits, half away from zero (AdjustIntervalForTypmod): `'1.55'
        # SECOND(1)` is stored `'00:00:01.6'::interval second(1)`
        text = str(Decimal(text).quantize(Decimal(1).scaleb(-int(precision.rstrip(") "))), ROUND_HALF_UP))
    if text.replace(".", "", 1).lstrip("+-").isdigit():
        # A fraction spills into finer fields (`'1.5' DAY` is 1 day 12 hours), which the type modifier then clears:
        # the constant is stored truncated to the qualifier's last field (`'1 day'::interval day`, `'1.5' HOUR`
        # `'01:00:00'::interval hour`, toward zero as C divides), bar SECOND's fraction, which its precision keeps.
        if "." in text and last != "second":
            whole = text.split(".")[0]
            text = "0" if whole.lstrip("+-") == "" else whole
        return f"{text} {last}"
    if unit.startswith("minute to second") and text.count(":") == 1:
        return f"00:{text}"
    years_months = re.fullmatch(r"(\d+)-(\d+)", text)
    return f"{years_months[1]} years {years_months[2]} months" if years_months else value


# What an interval's last field keeps of a value (AdjustIntervalForTypmod): YEAR whole years, MONTH (YEAR TO MONTH) no
# days or time, DAY (DAY alone) no time, HOUR and MINUTE the time cut there, SECOND (and no fields) the time at its
# precision; no field larger than the last is ever cut (`interval hour to minute` keeps '1 mon 2 days 03:04')
_INTERVAL_CUTS = {"year": 0, "month": 1, "day": 2, "hour": 3, "minute": 4, "second": 5}


def interval_kept(ob: str, op: tuple[int, ...], nb: str, np_: tuple[int, ...]) -> bool:
    """Whether every value of interval type `ob`(`op`) is kept by `nb`(`np_`) (fields and precision): the new last
    field as fine as the old, and where it is SECOND, its precision as fine as the old's (unless the old's values hold
    no seconds' fractions: its last field is larger). 18/16/15 agree over rows (tests/test_widenings.py)."""
    def cut(base: str) -> int:
        fields = base.split()[1:]
        return _INTERVAL_CUTS.get(fields[-1], -1) if fields else 5
    old, new = cut(ob), cut(nb)
    if old < 0 or new < 0:
        return False
    return new >= old and (old < 5 or (np_[0] if np_ else 6) >= (op[0] if op else 6))
