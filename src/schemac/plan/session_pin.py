"""The session settings a migration's constants are read in, pinned in each file that holds one they change.

Postgres reads a constant when the statement holding it is parsed and stores the value: `DEFAULT '2024-01-01 00:00'`
of a timestamptz, a CHECK's `ts > '2024-01-01 00:00'`, a partition bound, a view's `'01/02/2024'::date` become an
instant or a day of the applying session's TimeZone and DateStyle (PGTZ, PGDATESTYLE, the server's or the role's
defaults), an interval's `'-1 2:00:00'` a span of its IntervalStyle. The catalog is read (catalog.connection) and
the throwaway database replays (migrations.replay.PINNED_SESSION) in one zone and style: a file applied under
Asia/Tokyo stored `'2023-12-31 15:00:00+00'` and `diff` reported it. Each file that holds such a constant sets them
first (SET LOCAL: until its transaction ends). Not standard_conforming_strings: sqlx (and `schemac apply`) send a
file as one query, which the server's lexer reads whole, by the session's setting, before its first SET runs.

Which files: those of a statement holding a string literal that one of these settings can read otherwise, found by
its text (the literal's type is not known without the server: an untyped `'2024-01-01'` beside a timestamptz column,
a domain over date). Every date, time, timestamp or interval input holds a digit, but for the words a zone reads
(`now`, `today`, `tomorrow`, `yesterday`). So a literal holding a digit or one of those words pins the file: never a
file that needs it left out, sometimes one that does not (a `'v2'` text); a file without one (most) is written as
before. So does a file retyping a column from, to or through a date, time or interval type (`timestamp` ->
`timestamptz`, `timestamptz` -> `text`, a domain over one, a `using:` naming one, a `tstzrange` or `daterange`):
Postgres converts every row's value by the applying session's zone and styles (`'2024-03-01 10:00'` stored as 10:00
UTC, or as 01:00 UTC under Asia/Tokyo), as the throwaway database's replay and the catalog read convert it in UTC; a
float or bytea column retyped sets the read's extra_float_digits or bytea_output, which its text form follows; an xml
one, or a file holding an xml constant, Postgres's default xmloption (content), under which a fragment is xml.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # (migrations.replay reads PIN without the compare package)
    from schemac.compare.changes import Change


# (setting, value): the catalog read's (catalog.connection.begin_read_only) that change how a constant is read
READING = (("TimeZone", "UTC"), ("DateStyle", "ISO, MDY"), ("IntervalStyle", "postgres"))
# ... and the abbreviations a timestamp's text may name its zone by, which the read prints none of but a constant or a
# retyped text is read by: '2024-03-01 10:00 IST' is Israel's under Postgres's Default, India's under `India` (04:30
# UTC, not 08:00)
PINNED = (*READING, ("timezone_abbreviations", "Default"))
# (as render_sql prints them; written out so that migrations.replay takes PINNED without the planner's imports)
PIN = tuple(f"SET LOCAL {name} = '{value}';\n" for name, value in PINNED)

_READ = re.compile(r"[0-9]|\b(?:now|today|tomorrow|yesterday)\b", re.IGNORECASE)
# What may hold a quote without being a string literal, and the literals, as Postgres's lexer tells them apart
# (pg.sqllex's rules in one pattern: its tokens() took ~3 ms for a CREATE TABLE of 20 columns). Group 1: a literal
# whose reading a setting can change (not a bit string, B'...' or X'...'); a dollar-quoted body is read when it runs,
# in the caller's session.
_LEXED = re.compile(r"""(?<![\w$])(?:[eE]'((?:[^'\\]|''|\\.)*)'|(?:[nN]|[uU]&)?'((?:[^']|'')*)'|[bBxX]'(?:[^']|'')*')"""
                    r"""|"(?:[^"]|"")*"|--[^\n]*|/\*.*?\*/|(?<![\w$])(\$(?:[A-Za-z_]\w*)?\$).*?\3|'""", re.DOTALL)


def reads_in_session(text: str, read: re.Pattern = _READ) -> bool:
    """Whether a statement's text holds a string literal the session's zone or styles may read otherwise (or, `read`
    given, one that pattern finds)."""
    if "'" not in text or not read.search(text):
        return False
    for m in _LEXED.finditer(text):
        literal = m.group(1) if m.group(1) is not None else m.group(2)
        if literal is not None and read.search(literal) or m.group(0) == "'":
            return True  # (a quote left open: schemac's statements close theirs, and this is the safe side)
    return False


# A date, time or interval type's name, or one of Postgres's ranges and multiranges over them (a tstzrange's text holds
# its bounds in the session's zone, a daterange's in its DateStyle), in a column's type, its domain's base type or a
# `using:` expression
_TIMED = re.compile(r"\b(?:timestamptz|timestamp|date|timetz|time|interval|(?:tstz|ts|date)(?:multi)?range)\b",
                    re.IGNORECASE)
# Postgres's default xmloption, under which the throwaway database replays: a text value read as xml (a column retyped
# xml, a default or CHECK constant of it) is a document or a fragment; under `xmloption = document` a fragment ('abc',
# '<a/><b/>') is refused ('invalid XML document'), and the migration failed
XML_CONTENT = "SET LOCAL xmloption = 'content';\n"
_XML = re.compile(r"\bxml\b", re.IGNORECASE)
# The other settings the catalog read pins (catalog.connection.begin_read_only) that a retype's conversion reads: a
# float's and a bytea's text (0.30000000000000004 was stored '0.3' under extra_float_digits=0, '\x0102'
# '\001\002' under bytea_output=escape)
_CONVERTED = ((re.compile(r"\b(?:real|float4|float8|float|double precision)\b", re.IGNORECASE),
               "SET LOCAL extra_float_digits = '1';\n"),
              (re.compile(r"\bbytea\b", re.IGNORECASE), "SET LOCAL bytea_output = 'hex';\n"),
              (_XML, XML_CONTENT))


# The other settings that change what a migration stores, and the statements that need them:
# - array_nulls: off, an array's unquoted NULL is the string 'NULL' ('{a,NULL}' a text[] of two strings; a tsrange[]
#   retyped through text failed: 'malformed range literal: "NULL"'): an array constant holding NULL, a retype to an array;
# - transform_null_equals: on, `c = NULL` is stored as `c IS NULL` (a CHECK, a view, an index's WHERE: diff then
#   reads another expression than schema.yaml's): a statement comparing with NULL by `=`;
# - TimeZone (PIN): a default computed over a table's rows as the migration runs, `DEFAULT CURRENT_DATE`, `now()` into
#   a timestamp, a `using:` or a backfill calling them, is the applying session's day or time; evaluated when the
#   migration runs, by design, in the zone the catalog is read and the replay runs (UTC), as every other value it stores.
ARRAY_NULLS = "SET LOCAL array_nulls = 'on';\n"
NULL_EQUALS = "SET LOCAL transform_null_equals = 'off';\n"
_ARRAY_NULL = re.compile(r"\{.*\bnull\b", re.IGNORECASE | re.DOTALL)
_NULL_EQUALS = re.compile(r"=\s*NULL\b|\bNULL\s*=", re.IGNORECASE)
_NOW = re.compile(r"\b(?:now|current_date|current_time|current_timestamp|localtime|localtimestamp|statement_timestamp"
                  r"|transaction_timestamp|clock_timestamp|timeofday)\b", re.IGNORECASE)
_OVER_ROWS = re.compile(r"^(?:UPDATE\b|ALTER TABLE\b.*\b(?:ADD COLUMN|USING)\b)", re.IGNORECASE | re.DOTALL)


def _computed_now(text: str) -> bool:
    """Whether a statement computes the time or day over a table's rows (ADD COLUMN ... DEFAULT CURRENT_DATE, an
    ALTER ... TYPE's USING, an UPDATE filling NULLs with a default)."""
    return bool(_NOW.search(text)) and bool(_OVER_ROWS.match(text))


def retypes_in_session(changes: Iterable[Change]) -> tuple[str, ...]:
    """The SET LOCALs a file needs where a change retypes a column from, to or through a type whose values the
    session's settings convert (the old and new types, the types of the model's own are made of, the `using:`
    expression): PIN for a date, time or interval type, the read's own setting for a float or a bytea, XML_CONTENT
    for xml."""
    texts = [text or "" for c in changes if c.kind == "alter_column_type"
             for text in (getattr(c.old, "type", ""), getattr(c.new, "type", ""), getattr(c.new, "using", ""),
                          c.from_base, c.to_base, *c.made_of)]
    timed = PIN if any(_TIMED.search(text) for text in texts) else ()
    arrays = (ARRAY_NULLS,) if any(c.kind == "alter_column_type" and getattr(c.new, "type", "").endswith("]")
                                   for c in changes) else ()
    return (*timed, *(line for pattern, line in _CONVERTED if any(pattern.search(text) for text in texts)), *arrays)


def pins_needed(run: list[str], retyped: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The SET LOCALs (each a line) statements' texts need: PIN where one that is not itself a SET LOCAL reads a
    constant reads_in_session finds or computes the time over rows, `retyped` (retypes_in_session of their changes),
    XML_CONTENT where one holding a quote names the xml type, ARRAY_NULLS where an array constant holds NULL,
    NULL_EQUALS where one compares `= NULL`; () for most."""
    run = [text for text in run if not text.startswith("SET LOCAL ")]
    read = PIN if any(reads_in_session(text) or _computed_now(text) for text in run) else ()
    xml = (XML_CONTENT,) if any("'" in text and _XML.search(text) for text in run) else ()
    nulls = (ARRAY_NULLS,) if any(reads_in_session(text, _ARRAY_NULL) for text in run) else ()
    equals = (NULL_EQUALS,) if any(_NULL_EQUALS.search(text) for text in run) else ()
    return tuple(dict.fromkeys((*read, *retyped, *xml, *nulls, *equals)))


def pinned_where_read(run: list[str], retyped: tuple[str, ...] = ()) -> list[str]:
    """A transactional file's statements (each rendered alone), with PIN after its leading SET LOCALs (the
    preamble: plan.preamble) where one statement reads a constant reads_in_session finds, and the settings
    `retyped` adds (retypes_in_session of the file's changes)."""
    pins = pins_needed(run, retyped)
    if not pins:
        return run
    at = next((i for i, text in enumerate(run) if not text.startswith("SET LOCAL ")), len(run))
    return [*run[:at], *pins, *run[at:]]
