"""Ranges of dates and instants in their printed spelling (compare.typed_literals): `'[2020-01-01,2020-12-31]'` cast
to a daterange is stored `'[2020-01-01,2021-01-01)'` (a discrete range's canonical bounds, a day's step), and
`'[2020-01-01,2021-01-01)'` cast to a tstzrange `'["2020-01-01 00:00:00+00","2021-01-01 00:00:00+00")'` (each bound
in the type's output format). Both read here as the instants of their bounds (compare.literals.timestamp_value, in
UTC as `schemac diff` reads the catalog): another bound (infinity, a text this does not read) leaves the string as
it is."""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from schemac.compare.literals import extended_date, timestamp_value

_RANGE = re.compile(r'\s*([\[(])\s*("(?:[^"\\]|\\.)*"|[^,"]*?)\s*,\s*("(?:[^"\\]|\\.)*"|[^,"]*?)\s*([\])])\s*')


def _instant(bound: str) -> Optional[dt.datetime]:
    text = bound[1:-1] if bound.startswith('"') else bound
    text = extended_date(text.strip())
    value = timestamp_value(text) if text.lower() != "epoch" else None
    return dt.datetime.fromisoformat(value) if value is not None else None


def time_range(text: str, dates: bool) -> str:
    """`text`, a daterange's (`dates`) or a tsrange's or tstzrange's constant, spelled by its bounds' instants."""
    if text.strip().lower() == "empty":
        return "empty"
    m = _RANGE.fullmatch(text)
    if m is None:
        return text
    opening, low, high, closing = m.groups()
    low_at = _instant(low) if low else None
    high_at = _instant(high) if high else None
    if (low and low_at is None) or (high and high_at is None):
        return text
    if dates:  # canonical: `[low, high)`, a day's step (an unbounded side is `(`, `)`)
        if low_at is not None and opening == "(":
            low_at, opening = low_at + dt.timedelta(days=1), "["
        if high_at is not None and closing == "]":
            high_at, closing = high_at + dt.timedelta(days=1), ")"
        opening, closing = (opening if low_at is not None else "("), (closing if high_at is not None else ")")
    spelled = [at.isoformat() if at is not None else "" for at in (low_at, high_at)]
    return f"{opening}{spelled[0]},{spelled[1]}{closing}"
