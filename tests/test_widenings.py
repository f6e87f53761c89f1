"""Column type changes that lose no value (issue 13's open items, probe29b: `character(1)` -> `text` was called
destructive, refused without --allow-destructive): written without it, applied over rows, every value the same
(char(n)'s padding blanks aside, which bpchar ignores), and where Postgres allows it without a rewrite of the table
(the relation's file the same: varchar to a longer varchar or text, numeric(p,s) to numeric, timestamp(0) to timestamp,
and `bit varying(3)` to `bit varying(10)`, which the migration cast through text, a rewrite). The oracle is the
test's own SQL: pg_relation_filenode, format_type and the values."""

from __future__ import annotations

import psycopg
import pytest
from conftest import migrated_then_described

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from schemac.plan.hazards import is_widening
from schemac.schemafile.load import load_text

IN_PLACE = {  # column -> (old type, new type, a value)
    "a": ("varchar(5)", "varchar(20)", "'abc'"), "b": ("varchar(10)", "text", "'x y'"), "c": ("numeric(5,2)", "numeric", "1.5"),
    "d": ("bit varying(3)", "bit varying(10)", "B'101'"), "e": ("timestamp(0)", "timestamp", "'2020-01-02 03:04:05'"),
    "f": ("varchar(4)", "varchar", "'abcd'"), "g": ("bit varying(3)", "bit varying", "B'11'"),
}
REWRITTEN = {  # Postgres's casts from char(n) trim its blanks, and bit to bit varying takes a function: a rewrite
    "h": ("char(1)", "text", "'y'"), "i": ("char(3)", "varchar(3)", "'ab'"), "j": ("char(2)", "varchar", "'q'"),
    "k": ("bit(3)", "bit varying(3)", "B'101'"), "l": ("char(3)[]", "text[]", "ARRAY['ab'::char(3)]"),
}
FORMAT = "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'w'::regclass AND attnum > 0"


def _table(types: dict) -> str:
    return "CREATE TABLE w (id int PRIMARY KEY, " + ", ".join(f"{c} {t}" for c, t in types.items()) + ");"


def _values(conn, columns) -> list:
    return conn.execute(f"SELECT {', '.join(f'{c}::text' for c in columns)} FROM w").fetchall()


def test_widenings_are_written_without_allow_destructive_and_in_place_where_postgres_can(db_url, tmp_path):
    for changes, in_place in ((IN_PLACE, True), (REWRITTEN, False)):
        schema, out = tmp_path / f"schema{in_place}.yaml", str(tmp_path / f"generated{in_place}")
        old = _table({c: t for c, (t, _, _) in changes.items()}) + \
            f" INSERT INTO w VALUES (1, {', '.join(v for _, _, v in changes.values())});"
        new = _table({c: t for c, (_, t, _) in changes.items()})
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS w; DROP TABLE IF EXISTS _sqlx_migrations")
        with migrated_then_described(db_url, schema, out, old, new) as (other, _):
            result = generate(str(schema), out)  # (no --allow-destructive)
            assert result.status == "written", result.message
            with psycopg.connect(other) as conn:
                wanted = conn.execute(FORMAT).fetchall()
        with psycopg.connect(db_url, autocommit=True) as conn:
            before = conn.execute("SELECT pg_relation_filenode('w')").fetchone()
            kept = [tuple(v.rstrip() if isinstance(v, str) else v for v in row) for row in _values(conn, changes)]
            apply_files(conn, Layout(out).migrations())
            assert conn.execute(FORMAT).fetchall() == wanted
            assert (conn.execute("SELECT pg_relation_filenode('w')").fetchone() == before) == in_place
            if in_place:
                assert _values(conn, changes) == kept
            else:  # char(n)'s padding blanks are gone: the rest is the same
                assert _values(conn, ["h", "i", "j", "k"]) == [("y", "ab", "q", "101")] and \
                    _values(conn, ["l"]) == [("{ab}",)]
        assert check_drift(str(schema), db_url).differences == ()


_INTERVALS = ["year", "month", "day", "hour", "minute", "second", "year to month", "day to hour", "day to minute",
              "day to second", "hour to minute", "hour to second", "minute to second", "second(2)", "day to second(2)",
              "hour to second(0)", "minute to second(3)", ""]
_INTERVAL_ROWS = ["3 years 14 months 40 days 27:59:59.123456", "-1 year -5 months -3 days -01:02:03.654321",
                  "0.5 seconds", "13 months", "25 hours 1 minute", "-7 days", "1 day 02:03:04.567"]


@pytest.mark.parametrize("major_db", ["pg18", "pg16", "pg15"], indirect=True)
def test_interval_fields_widened_are_what_postgres_keeps_over_rows(major_db):
    """An interval's fields and precision changed (peer44a's LEFT: `interval hour to minute` -> `interval day to
    second` was refused without --allow-destructive): is_widening says lossless exactly where each row of a column of
    the old type, cast to the new one, keeps its text (a wider set of fields or a finer last one keeps every value; a
    narrower one, `day to second` -> `hour to minute`, or a precision cut, `second(3)` -> `second(0)`, does not)."""
    columns = {f"c{n}": f"interval {f}".strip() for n, f in enumerate(_INTERVALS)}
    pairs = [(a, b) for a in columns for b in columns if a != b]
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE iv (" + ", ".join(f"{c} {t}" for c, t in columns.items()) + ")")
        for v in _INTERVAL_ROWS:
            conn.execute("INSERT INTO iv VALUES (" + ", ".join(f"'{v}'::interval" for _ in columns) + ")")
        kept = conn.execute("SELECT " + ", ".join(f"bool_and(({a}::{columns[b]})::text = {a}::text)" for a, b in pairs)
                            + " FROM iv").fetchone()
        typed = dict(conn.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                                  "WHERE attrelid = 'iv'::regclass AND attnum > 0").fetchall())
    said = {(typed[a], typed[b]): is_widening(typed[a], typed[b]) for a, b in pairs}
    truth = {(typed[a], typed[b]): k for (a, b), k in zip(pairs, kept)}
    assert said == truth, [p for p in said if said[p] != truth[p]]
    assert truth[("interval hour to minute", "interval day to second")] and \
        not truth[("interval day to second", "interval hour to minute")]
    assert is_widening("interval hour to minute[]", "interval day to second[]")


@pytest.mark.parametrize("attributes,to,kept", [
    ("{a: text, b: integer, c: 'uuid[]', d: email}", "text", True),
    ("{a: text, b: inner}", "character varying", True),
    ("{a: text, b: 'timestamp with time zone'}", "text", False),  # (printed in the applying session's zone)
    ("{a: text, b: date}", "text", False),  # (DateStyle)
    ("{a: text, b: real}", "text", False),  # (extra_float_digits)
    ("{a: text, b: inner_late}", "text", False),  # (a date two levels down)
    ("{a: text, b: interval}", "text", False),  # (IntervalStyle)
    ("{a: text, b: integer}", "character varying(200)", False),  # (a row's text may be longer)
])
def test_a_composite_made_text_keeps_its_values_where_every_attribute_prints_text_read_back(attributes, to, kept):
    """A composite type's column made text (or a varchar without a length) keeps every value where every attribute, at
    any depth (a domain's, a nested composite's), prints a text its input reads back whatever the settings: no
    --allow-destructive (fix48c; pairs type-composite-*-made-text-*, over rows on a server). A date, a time, a float or
    an interval prints as the session's settings say: still destructive."""
    from schemac.compare.differ import diff
    from schemac.plan.hazards import destructive_reason

    types = ("domains:\n  email: {type: text, checks: {at: \"VALUE LIKE '%@%'\"}}\ncomposite_types:\n"
             "  inner:\n    attributes: {x: integer, y: 'text[]'}\n  inner_late:\n    attributes: {x: integer, y: inner_d}\n"
             "  inner_d:\n    attributes: {z: date}\n"
             f"  p:\n    attributes: {attributes}\n")
    changes = diff(load_text(types + "tables:\n  t:\n    columns: {x: p}\n"),
                   load_text(types + f"tables:\n  t:\n    columns: {{x: '{to}'}}\n"))
    reasons = [r for r in map(destructive_reason, changes) if r]
    assert reasons == ([] if kept else [f"change type of column x of public.t from p to {to}: existing values may be "
                                        "truncated, rounded or rejected"])
