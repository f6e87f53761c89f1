"""Property: for random schemas A and B, migration(∅→A) then migration(A→B) on a real server leaves
no drift against B, a second generate writes nothing, and the catalog (read by the tests' own oracle,
tests/catalog_oracle.py) is that of B built from scratch.

Default run: a handful of examples (CI); `pytest -m slow tests/test_property.py` runs 300.
"""

from __future__ import annotations

import os
import tempfile

import psycopg
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from catalog_oracle import fingerprint, fingerprint_difference, without_key_names
from conftest import built_from_scratch

from schemac.migrations.apply import apply_files
from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.layout import Layout

NUMERIC = ["integer", "bigint", "smallint", "numeric(6,2)", "numeric(9,3)", "real", "double precision"]
TEXT = ["text", "varchar(20)", "varchar(40)"]
TYPES = NUMERIC + TEXT
INT_DEFAULTS = ["0", "1", "-5", "(2 + 3)"]
NUM_DEFAULTS = INT_DEFAULTS + ["2.5", "0.10"]
TEXT_DEFAULTS = ["''", "'a'", "'x y'", "'it''s'"]


def is_text(t: str) -> bool:
    return t in TEXT


@st.composite
def table(draw, name: str):
    col_names = draw(st.lists(st.sampled_from(["c1", "c2", "c3", "c4", "c5", "c6"]), min_size=1, max_size=5,
                              unique=True))
    columns: dict = {}
    types = {}
    for c in col_names:
        t = draw(st.sampled_from(TYPES))
        types[c] = t
        spec: dict = {"type": t}
        if draw(st.booleans()):
            spec["nullable"] = False
        if draw(st.integers(0, 2)) == 0:
            pool = TEXT_DEFAULTS if is_text(t) else NUM_DEFAULTS if t.startswith(("numeric", "real", "double")) \
                else INT_DEFAULTS
            spec["default"] = draw(st.sampled_from(pool))
        columns[c] = spec
    doc: dict = {"columns": columns}
    pk = None
    if draw(st.booleans()):
        pk = draw(st.sampled_from(col_names))
        doc["primary_key"] = {"columns": [pk]}
        columns[pk].pop("nullable", None)
    if len(col_names) >= 2 and draw(st.booleans()):
        cols = draw(st.lists(st.sampled_from(col_names), min_size=1, max_size=2, unique=True))
        if cols != [pk]:
            entry: dict = {"columns": cols}
            if draw(st.booleans()):
                entry["name"] = f"{name}_uq"
            doc["unique"] = [entry]
    checks = {}
    for n, c in enumerate(draw(st.lists(st.sampled_from(col_names), max_size=2, unique=True))):
        checks[f"{name}_ck{n}"] = f"length({c}) < 100" if is_text(types[c]) else \
            draw(st.sampled_from([f"{c} > -1000", f"{c} BETWEEN -1000 AND 100000", f"{c} IN (0, 1, 2, -5, 5)"]))
    if checks:
        doc["checks"] = checks
    indexes = {}
    for n in range(draw(st.integers(0, 2))):
        method = draw(st.sampled_from(["btree", "btree", "hash"]))
        if method == "hash":
            spec = {"columns": [draw(st.sampled_from(col_names))], "method": "hash"}
        else:
            elems = []
            for c in draw(st.lists(st.sampled_from(col_names), min_size=1, max_size=2, unique=True)):
                kind = draw(st.integers(0, 3))
                if kind == 0:
                    elems.append(c)
                elif kind == 1:
                    elems.append({"name": c, "order": "desc"})
                elif kind == 2:
                    elems.append({"name": c, "nulls": draw(st.sampled_from(["first", "last"]))})
                else:
                    elems.append({"expression": f"lower({c})" if is_text(types[c]) else f"({c} + 1)"})
            spec = {"columns": elems}
            if draw(st.booleans()):
                spec["unique"] = True
            if draw(st.integers(0, 3)) == 0:
                spec["where"] = f"{draw(st.sampled_from(col_names))} IS NOT NULL"
        indexes[f"{name}_ix{n}"] = spec
    if indexes:
        doc["indexes"] = indexes
    return doc


@st.composite
def schema(draw):
    names = draw(st.lists(st.sampled_from(["t1", "t2", "t3"]), min_size=1, max_size=3, unique=True))
    return {"tables": {n: draw(table(n)) for n in names}}


def dump(doc: dict) -> str:
    return yaml.safe_dump(doc, sort_keys=False)


def _check_a_to_b(server, a: dict, b: dict) -> None:
    url = server.create_database()
    try:
        with tempfile.TemporaryDirectory() as d:
            path, out = os.path.join(d, "schema.yaml"), os.path.join(d, "generated")
            with open(path, "w") as f:
                f.write(dump(a))
            generate(path, out)
            with psycopg.connect(url, autocommit=True) as conn:
                apply_files(conn, Layout(out).migrations())
            with open(path, "w") as f:
                f.write(dump(b))
            result = generate(path, out, allow_destructive=True)
            assert result.status in ("written", "unchanged"), result.message
            with psycopg.connect(url, autocommit=True) as conn:
                apply_files(conn, Layout(out).migrations())
            drift = check_drift(path, url)
            assert drift.differences == (), f"A:\n{dump(a)}\nB:\n{dump(b)}\nSQL:\n{result.sql}\n" + drift.render("text")
            assert generate(path, out).status == "unchanged"
            # The oracle: the catalog equals B built from scratch, read with the tests' own SQL.
            expected = without_key_names(built_from_scratch(url, dump(b), os.path.join(d, "scratch")))
            actual = without_key_names(fingerprint(url))
            assert actual == expected, f"A:\n{dump(a)}\nB:\n{dump(b)}\nSQL:\n{result.sql}\n" + \
                fingerprint_difference(actual, expected)
    finally:
        server.drop_database(url)


COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@settings(max_examples=int(os.environ.get("SCHEMAC_PROPERTY_EXAMPLES", "12")), **COMMON)
@given(a=schema(), b=schema())
def test_migration_a_to_b_leaves_no_drift(server, a, b):
    _check_a_to_b(server, a, b)


@pytest.mark.slow
@settings(max_examples=300, **COMMON)
@given(a=schema(), b=schema())
def test_migration_a_to_b_leaves_no_drift_300(server, a, b):
    _check_a_to_b(server, a, b)
