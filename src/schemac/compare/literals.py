"""Constants read by value, as Postgres reads them: intervals ('1 hour' = '01:00:00'), instants (ISO
dates and timestamps, in UTC), booleans ('t', 'off', ...) and array literals ('{1, 2}' = '{1,2}').
Used by :mod:`schemac.compare.normalize`."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Optional

from schemac.pg.array_literals import BOOLEAN_WORDS, array_text  # noqa: F401 (compare.cast_forms', typed_literals')

_INTERVAL_UNITS = {
    "microsecond": (0, 0, 1), "millisecond": (0, 0, 1000), "second": (0, 0, 1_000_000),
    "minute": (0, 0, 60_000_000), "hour": (0, 0, 3_600_000_000), "day": (0, 1, 0), "week": (0, 7, 0),
    "month": (1, 0, 0), "year": (12, 0, 0), "decade": (120, 0, 0), "century": (1200, 0, 0),
    "millennium": (12000, 0, 0),
}
_UNIT_ALIASES = {"us": "microsecond", "usec": "microsecond", "usecs": "microsecond", "ms": "millisecond",
                 "msec": "millisecond", "msecs": "millisecond", "s": "second", "sec": "second", "secs": "second",
                 "m": "minute", "min": "minute", "mins": "minute", "h": "hour", "hr": "hour", "hrs": "hour",
                 "d": "day", "w": "week", "mon": "month", "mons": "month", "y": "year", "yr": "year",
                 "yrs": "year", "centuries": "century", "millennia": "millennium"}
_CLOCK = re.compile(r"^([+-]?)(\d+):(\d+)(?::(\d+(?:\.\d+)?))?$")


def interval_value(text: str) -> Optional[tuple[int, int, int]]:
    """(months, days, microseconds) of a Postgres interval literal, or None if we cannot be sure.

    Postgres prints intervals in its own style ('0 seconds' comes back as '00:00:00'), so two
    spellings are compared by value.
    """
    words = text.strip().lower().replace(",", " ").split()
    if not words:
        return None
    months = days = micros = 0
    i = 0
    while i < len(words):
        m = _CLOCK.match(words[i])
        if m:
            sign = -1 if m.group(1) == "-" else 1
            secs = Decimal(m.group(4) or 0)
            micros += sign * (int(m.group(2)) * 3_600_000_000 + int(m.group(3)) * 60_000_000 + int(secs * 1_000_000))
            i += 1
            continue
        try:
            qty = Decimal(words[i])
        except InvalidOperation:
            return None
        if i + 1 >= len(words):
            return None
        unit = words[i + 1]
        unit = _UNIT_ALIASES.get(unit, unit)
        unit = unit[:-1] if unit.endswith("s") and unit[:-1] in _INTERVAL_UNITS else unit
        if unit not in _INTERVAL_UNITS:
            return None
        mo, d, us = _INTERVAL_UNITS[unit]
        if qty != qty.to_integral_value() and mo:
            months, days, micros = _months_fraction(qty, mo, (months, days, micros))
            i += 2
            continue
        if qty != qty.to_integral_value():
            # A fraction of a day or a week spills into the clock (`1.5 day` is 1 day 12:00:00), of a clock unit
            # into microseconds.
            whole = int(qty * d)
            fraction = (qty * d - whole) * 86_400_000_000 + qty * us
            if mo or fraction != fraction.to_integral_value():
                return None
            days, micros = days + whole, micros + int(fraction)
            i += 2
            continue
        months, days, micros = months + int(qty) * mo, days + int(qty) * d, micros + int(qty) * us
        i += 2
    return months, days, micros


def _months_fraction(qty: Decimal, months_each: int, total: tuple[int, int, int]) -> tuple[int, int, int]:
    """`total` plus `qty` of a unit of `months_each` months with a fraction, as PostgreSQL (15 and later) reads it
    (datetime.c's DecodeInterval, in C doubles): a month's fraction in days of 30 (`1.5 month` is 1 mon 15 days) and
    what is left of a day in microseconds, rounded; a year's (a decade's, ...) in whole months, rint
    (`1.5 year` is 1 year 6 mons)."""
    whole = int(qty)  # (toward zero, as strtoint; the fraction keeps the sign)
    fraction = float(qty - whole)
    months, days, micros = total[0] + whole * months_each, total[1], total[2]
    if months_each >= 12:
        return months + round(fraction * months_each), days, micros  # (round: half to even, as rint)
    fraction *= 30
    extra = int(fraction)
    fraction = (fraction - extra) * 86_400_000_000
    usec = int(fraction)
    usec += 1 if fraction - usec > 0.5 else -1 if fraction - usec < -0.5 else 0
    return months, days + extra, micros + usec


_CLOCK_FIELDS = {"hour": 3_600_000_000, "minute": 60_000_000}


def qualified_interval_value(text: str, unit: Optional[str]) -> Optional[tuple[int, int, int]]:
    """interval_value of an interval constant of a type with a qualifier, `unit` as sqlglot prints it in lower case
    (`day`, `second(1)`, `minute to second(1)`; None: none), as Postgres stores it (AdjustIntervalForTypmod): a bare
    number is of the qualifier's last field (pg.intervals.qualified_interval_text), then the fields finer than that
    are cleared (`'1.5 days'` of interval day is `'1 day'`; an hour or a minute truncated toward zero) and SECOND(p)
    rounds to p digits, half away from zero (`'1.55'` of interval second(1) is `'00:00:01.6'`)."""
    from schemac.pg.intervals import qualified_interval_text

    value = interval_value(qualified_interval_text(text, unit))
    return value if value is None or unit is None else interval_in_typmod(value, unit)


def interval_in_typmod(value: tuple[int, int, int], unit: str) -> tuple[int, int, int]:
    """`value` as an interval type of the qualifier `unit` leaves it (qualified_interval_value)."""
    months, days, micros = value
    last, _, precision = unit.split()[-1].partition("(")
    if last == "year":
        return int(months / 12) * 12, 0, 0
    if last == "month":
        return months, 0, 0
    if last == "day":
        return months, days, 0
    if last in _CLOCK_FIELDS:
        return months, days, int(micros / _CLOCK_FIELDS[last]) * _CLOCK_FIELDS[last]
    if last == "second" and precision.rstrip(") ").isdigit():
        scale = 10 ** (6 - min(int(precision.rstrip(") ")), 6))
        return months, days, (1 if micros >= 0 else -1) * ((abs(micros) + scale // 2) // scale * scale)
    return value


# (the zone: an offset, or a tz database name of an area and a place, `Europe/Paris`, which no abbreviation spells)
_TIMESTAMP = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?"
                        r"(?:\s*(z|[+-]\d{2}(?::?\d{2})?)|\s+([A-Za-z][\w+-]*(?:/[\w+-]+)+))?$", re.I)


_BASIC_DATE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?=$|[ T])")


def extended_date(text: str) -> str:
    """`text` with an ISO 8601 basic date at its start (`20000101`, `20000101 10:00`), which every DateStyle reads,
    in the extended form timestamp_value reads (`2000-01-01`)."""
    return _BASIC_DATE.sub(r"\1-\2-\3", text, count=1)


def timestamp_value(text: str) -> Optional[str]:
    """The instant an ISO date or timestamp literal names, in UTC ('2020-01-01' and Postgres's
    '2020-01-01 00:00:00+00'::timestamp with time zone agree); None if it is not one. A literal
    without an offset is read as UTC, the zone `schemac diff` reads the catalog in."""
    if text.strip().lower() == "epoch":  # Postgres's special value, stored as the instant: '1970-01-01 00:00:00+00'
        text = "1970-01-01"
    m = _TIMESTAMP.match(text.strip())
    if m is None:
        return None
    year, month, day, hour, minute, second, fraction, zone, name = m.groups()
    offset = dt.timedelta(0)
    if name:
        return _in_zone(name, m.groups()[:7])
    if zone and zone.lower() != "z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
    try:
        value = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                            int((fraction or "0").ljust(6, "0")), tzinfo=dt.timezone(offset))
    except (ValueError, OverflowError):
        return None
    return value.astimezone(dt.timezone.utc).isoformat()


def _in_zone(name: str, fields: tuple) -> Optional[str]:
    """The instant of a wall time in a tz database zone (`'2024-01-01 00:00 Europe/Paris'` is 2023-12-31 23:00 UTC),
    read from the same tz database Postgres reads; None where the name is not one, or the wall time falls in a
    change of the zone's offset (twice or never: Postgres's choice there is its own) or outside what zoneinfo covers."""
    import zoneinfo

    try:
        zone = zoneinfo.ZoneInfo(name)
        wall = dt.datetime(*(int(f or 0) for f in fields[:6]), int((fields[6] or "0").ljust(6, "0")), tzinfo=zone)
        utc = wall.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError, zoneinfo.ZoneInfoNotFoundError, OSError):
        return None
    if wall.utcoffset() != wall.replace(fold=1).utcoffset() or utc.astimezone(zone).replace(tzinfo=None) != \
            wall.replace(tzinfo=None):
        return None
    return utc.isoformat()
