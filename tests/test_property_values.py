"""Property (tests/test_property.py's, on values the others do not draw): for a random table A and B, its columns
widened losslessly, number literals of another scale and SQL value functions, migration(∅→A), rows at the ends of
each type's range in A, then migration(A→B), generated WITHOUT --allow-destructive, leaves no drift against B, a second
generate writes nothing, the catalog (tests/catalog_oracle.py) and comments are those of B built from scratch, and
every value reads back as Postgres's own cast of A's value to B's type gives it.

What a schema draws: a table w with an integer key id and
- one to three columns n1..n3 of a type B keeps or widens without loss (plan.widenings): smallint to integer,
  bigint, numeric, numeric(7,1), real, double precision, text or varchar(6); integer to bigint, numeric, double
  precision, text or varchar(11); bigint to numeric, numeric(21,2), text or varchar(20); real to double precision;
  numeric(6,2) to numeric(8,2), numeric(9,3) or numeric; varchar(5) and varchar(12) longer or text; interval hour
  to minute to interval hour to second, day to second or interval; interval second(1) to second(3) or interval;
  timestamp(0) to timestamp(3) or timestamp; date to timestamp. Now and then a default (`7`, `(2 + 3)`, `1.5`,
  `1.50`, `2.0`: a literal's scale is what a numeric column stores) kept or drawn again;
- x numeric (a default `1.5`, `1.50`, `(2.5 * 3)`, `(2.50 * 3)`), g numeric GENERATED ALWAYS AS (x * <literal>)
  STORED and an expression index on (x * <literal>), the literals of several scales (1, 1.0, 1.00, 2.5, 2.50): B
  changing only a literal's scale changes the values Postgres stores (2.0 against 2.00);
- at timestamptz and who text with defaults of SQL value functions Postgres keeps as spelled (now(),
  CURRENT_TIMESTAMP, transaction_timestamp(), CURRENT_TIMESTAMP(3); CURRENT_USER, SESSION_USER, CURRENT_ROLE):
  B's other spelling is an ALTER COLUMN ... SET DEFAULT (pg_attrdef as a fresh build's).

Rows: the ends of each type's range and values no narrower type holds (-32768, 9223372036854775807, 16777217,
-9999.99, 'é☕ x', '25:59', 'infinity', a BC date ...), and a row of NULLs. Oracle, beside the harness's: each column
n1..n3 read back by id as text after A→B equals CAST(A's value AS B's type) read before it, and g's values equal B's
expression computed by Postgres over A's rows.

Default run: 1 example on PostgreSQL 18 (SCHEMAC_PROPERTY_EXAMPLES=n for more); `pytest -m slow` runs 100 more, on
18, 16 and 15 (test_property's `databases` fixture).
"""

from __future__ import annotations

import json
from typing import Optional

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg import sql
from test_property import COMMON, default_examples, _check_a_to_b, databases
from test_property_objects import ORACLES, chance, dbs

assert databases and dbs  # the fixtures this module's tests take, imported

# A type -> the types B may widen it to, each keeping every value (plan.widenings says so too).
WIDER = {
    "smallint": ["integer", "bigint", "numeric", "numeric(7,1)", "real", "double precision", "text", "varchar(6)"],
    "integer": ["bigint", "numeric", "double precision", "text", "varchar(11)"],
    "bigint": ["numeric", "numeric(21,2)", "text", "varchar(20)"],
    "real": ["double precision"],
    "numeric(6,2)": ["numeric(8,2)", "numeric(9,3)", "numeric"],
    "varchar(5)": ["varchar(12)", "text"],
    "varchar(12)": ["varchar(40)", "text"],
    "interval hour to minute": ["interval hour to second", "interval day to second", "interval"],
    "interval second(1)": ["interval second(3)", "interval"],
    "timestamp(0)": ["timestamp(3)", "timestamp"],
    "date": ["timestamp"],
}
# The rows' values of each type of A (as text): its range's ends and what no narrower type holds.
EDGES = {
    "smallint": ["-32768", "32767", "0"],
    "integer": ["-2147483648", "2147483647", "16777217"],
    "bigint": ["-9223372036854775808", "9223372036854775807", "9007199254740993"],
    "real": ["1.5", "-3.4e+38", "16777216"],
    "numeric(6,2)": ["-9999.99", "1234.5", "0.01"],
    "varchar(5)": ["abcde", "", "é☕ x"],
    "varchar(12)": ["abcdefghijkl", " ", "it's"],
    "interval hour to minute": ["25:59", "-1:30", "1 day 02:03"],
    "interval second(1)": ["1.25", "-3601.5", "2 days 00:00:01.5"],
    "timestamp(0)": ["2024-02-29 23:59:59", "1999-12-31 00:00:00", "infinity"],
    "date": ["2024-02-29", "0044-03-15 BC", "-infinity"],
}
X_VALUES = ["1.5", "-2", "3.25"]
INT_DEFAULTS = ["7", "(2 + 3)"]
NUMBER_DEFAULTS = ["1.5", "1.50", "2.0"]
X_DEFAULTS = ["1.5", "1.50", "(2.5 * 3)", "(2.50 * 3)"]
SCALED = ["1", "1.0", "1.00", "2.5", "2.50"]
TIME_DEFAULTS = ["now()", "CURRENT_TIMESTAMP", "transaction_timestamp()", "CURRENT_TIMESTAMP(3)"]
USER_DEFAULTS = ["CURRENT_USER", "SESSION_USER", "CURRENT_ROLE"]


def defaults_for(t: str) -> list[str]:
    """The defaults a column of type `t` may draw: integers for integer types, literals of some scale for the others
    that hold numbers, none for the rest."""
    if t in ("smallint", "integer", "bigint"):
        return INT_DEFAULTS
    if t.startswith(("numeric", "real", "double")):
        return INT_DEFAULTS + NUMBER_DEFAULTS
    return []


@st.composite
def values_schema(draw, prev: Optional[dict] = None) -> dict:
    """The table w (the module's docstring); with `prev` (A), B: each column kept or widened, its default kept or
    drawn again, the literals' scales and the value functions' spellings kept or drawn again."""
    old = prev["tables"]["w"]["columns"] if prev else {}

    def kept_or(name: str, key: str, pool: list[str]) -> str:
        was = old.get(name, {}).get(key)
        return was if was is not None and draw(st.booleans()) else draw(st.sampled_from(pool))

    columns: dict = {"id": {"type": "integer"}}
    names = [c for c in old if c.startswith("n")] if prev else \
        draw(st.lists(st.sampled_from(["n1", "n2", "n3"]), min_size=1, max_size=3, unique=True))
    for c in names:
        t = old[c]["type"] if prev else draw(st.sampled_from(sorted(EDGES)))
        if prev and draw(st.integers(0, 3)):
            t = draw(st.sampled_from(WIDER[t]))
        spec: dict = {"type": t}
        pool = defaults_for(t)
        if pool and chance(draw, 2):
            was = old.get(c, {}).get("default")
            spec["default"] = was if was in pool and draw(st.booleans()) else draw(st.sampled_from(pool))
        columns[c] = spec
    columns["x"] = {"type": "numeric", "default": kept_or("x", "default", X_DEFAULTS)}
    scale = old.get("g", {}).get("generated", "x * 1").removeprefix("x * ")
    columns["g"] = {"type": "numeric", "generated": f"x * {scale if prev and draw(st.booleans()) else draw(st.sampled_from(SCALED))}"}
    columns["at"] = {"type": "timestamptz", "default": kept_or("at", "default", TIME_DEFAULTS)}
    columns["who"] = {"type": "text", "default": kept_or("who", "default", USER_DEFAULTS)}
    was = prev["tables"]["w"]["indexes"]["w_x"]["columns"][0]["expression"] if prev else None
    index = was if was and draw(st.booleans()) else f"(x * {draw(st.sampled_from(SCALED))})"
    w = {"columns": columns, "primary_key": {"columns": ["id"]}, "indexes": {"w_x": {"columns": [{"expression": index}]}}}
    return json.loads(json.dumps({"tables": {"w": w}}))  # (no object shared: no YAML anchors)


@st.composite
def values_pair(draw) -> tuple[dict, dict]:
    a = draw(values_schema())
    return a, draw(values_schema(prev=a))


def insert_edges(conn: psycopg.Connection, a: dict) -> None:
    """w's rows: id 0..2 the edge values of each column's type (x one of X_VALUES), id 3 NULLs but x; at and who take
    their defaults."""
    cols = {c: s["type"] for c, s in a["tables"]["w"]["columns"].items() if c.startswith("n")}
    for i in range(4):
        row = {"id": i, "x": X_VALUES[i % 3], **{c: EDGES[t][i] if i < 3 else None for c, t in cols.items()}}
        conn.execute(sql.SQL("INSERT INTO w ({}) VALUES ({})").format(
            sql.SQL(", ").join(map(sql.Identifier, row)),
            sql.SQL(", ").join(sql.SQL("CAST(%s AS {})").format(sql.SQL(cols.get(c, "integer" if c == "id" else "numeric")))
                               for c in row)), list(row.values()))


def read_as(a: dict, b: dict):
    """read_back for _check_a_to_b: before A→B (at A), each of n1..n3 cast by Postgres to B's type and B's g computed
    over A's rows, by id, as text; after (at B), the columns' own text."""
    def read(url: str, doc: dict) -> dict:
        mine, theirs = doc["tables"]["w"]["columns"], b["tables"]["w"]["columns"]
        before = doc is a
        out = {}
        with psycopg.connect(url) as conn:
            for c in mine:
                if c.startswith("n") and c in theirs:
                    expr = sql.SQL("CAST({} AS {})").format(sql.Identifier(c), sql.SQL(theirs[c]["type"])) if before \
                        else sql.Identifier(c)
                elif c == "g":
                    expr = sql.SQL("CAST(({}) AS numeric)").format(sql.SQL(theirs["g"]["generated"])) if before \
                        else sql.Identifier("g")
                else:
                    continue
                for k, v in conn.execute(sql.SQL("SELECT id, ({})::text FROM w").format(expr)).fetchall():
                    out[(c, k)] = v
        return out
    return read


def _check_values(dbs, ab: tuple[dict, dict]) -> None:
    a, b = ab
    _check_a_to_b(dbs[0], a, b, oracles=ORACLES, dev_url=dbs[1], read_back=read_as(a, b), rows=insert_edges,
                  destructive=False)


@default_examples(1)
@given(ab=values_pair())
def test_values_widened_and_respelled_leave_no_drift(dbs, ab):
    _check_values(dbs, ab)


@pytest.mark.slow
@settings(max_examples=100, **COMMON)
@given(ab=values_pair())
def test_values_widened_and_respelled_leave_no_drift_100(dbs, ab):
    _check_values(dbs, ab)
