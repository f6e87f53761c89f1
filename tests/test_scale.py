"""The whole-schema issue's scale: a reporting database with hundreds of views, functions and triggers
(tests/scale_schema.py, written here) round-tripped, and edited the way a reporting team edits it, over rows.

Round trip: load into A, `schemac inspect`, `schemac generate`, apply to an empty sibling B; `diff` clean
against both, the catalog oracle (relations, columns, constraints, indexes, views' deparse, functions,
triggers), the security oracle (owners, table, column, view, function and schema privileges) and `inspect`
equal for A and B, with the views' and functions' counts read by SQL of the test's own; `generate` within a
bound of time that a quadratic step at this size would break.
Edits (scale_schema.EDITS): a column retyped under every area's views, the root view all areas read retyped,
a function's signature changed under views and expression indexes; each judged as test_pairs judges a
pair (applies over rows, diff clean, re-plan empty, catalog equal to the new schema built from scratch,
values kept). Every case runs under `-m slow` only (the default run's time budget; the pairs cover each class small): every edit
at 2 areas, and the round trip and the edits at 24 areas (339 views, 217 functions, 80 triggers) on 18, 16, 15.
"""

from __future__ import annotations

import time

import psycopg
import pytest

import scale_schema
from catalog_oracle import TABLES, fingerprint, fingerprint_difference
from conftest import MAJORS, each_case_on_one_major
from pairs import Pair
from security_oracle import security_fingerprint
from test_pairs import test_pair_applies_over_rows_and_converges as converges
from test_views import views_of

from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

AREAS = 24
GENERATE_BOUND_S = 120  # about 14 s here at 24 areas; a step quadratic in the views would pass it
_COUNTS = """SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname IN ('rpt', 'api') AND c.relkind IN ('v', 'm')),
                    (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'fn'),
                    (SELECT count(*) FROM pg_trigger t WHERE NOT t.tgisinternal)"""


def _pair(edit_id: str, replacements: list[tuple[str, str]], changed: tuple, areas: int) -> Pair:
    schema = scale_schema.schema_sql(areas)
    new = schema
    for old, replacement in replacements:
        assert old in new, f"{edit_id}: {old!r} is not in the schema"
        new = new.replace(old, replacement)
    roles = scale_schema.roles_sql()
    return Pair(id=edit_id, file="scale_schema.py", old=roles + schema + scale_schema.rows_sql(areas), new=roles + new,
                destructive=True, changed=changed)


EDIT_CASES = [pytest.param(_pair(e, r, c, 2), id=f"{e}-2-areas") for e, r, c in scale_schema.EDITS]
SCALE_CASES = [pytest.param(major, _pair(e, r, c, AREAS), id=f"{major}-{e}-{AREAS}-areas", marks=pytest.mark.slow)
               for e, r, c in scale_schema.EDITS for major in MAJORS]


@pytest.mark.parametrize("major_db,pair", [pytest.param(*p.values, id=p.id, marks=pytest.mark.slow) for p in each_case_on_one_major(EDIT_CASES, every=3)] + SCALE_CASES, indirect=["major_db"])
def test_reporting_edit_applies_over_rows(major_db, tmp_path, pair):
    converges(major_db, tmp_path, pair)


@pytest.mark.slow
@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_reporting_database_round_trip(major_db, schemac, tmp_path, request):
    a = major_db
    with psycopg.connect(a, autocommit=True) as conn:
        conn.execute(scale_schema.roles_sql() + scale_schema.schema_sql(AREAS) + scale_schema.rows_sql(AREAS))
        assert conn.execute(_COUNTS).fetchone() == (14 * AREAS + 3, 1 + 9 * AREAS, 3 * AREAS + AREAS // 3)
    r = schemac("inspect", "--database-url", a, "--output", "schema.yaml")
    assert r.returncode == 0, r.stderr
    t0 = time.perf_counter()
    r = schemac("generate", "--name", "create")
    took = time.perf_counter() - t0
    assert r.returncode == 0, r.stdout + r.stderr
    assert "could not create it from schema.yaml alone" not in r.stdout + r.stderr
    assert took < GENERATE_BOUND_S, f"generate took {took:.0f} s"
    from conftest import _server  # the server the fixture used

    srv = _server(request.node.callspec.params["major_db"])
    b = srv.create_database()
    try:
        with psycopg.connect(b, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            assert conn.execute(_COUNTS).fetchone() == (14 * AREAS + 3, 1 + 9 * AREAS, 3 * AREAS + AREAS // 3)
        assert_rebuilt_equal(schemac, a, b, TABLES + ("v", "m"))
    finally:
        srv.drop_database(b)


def assert_rebuilt_equal(schemac, a: str, b: str, relkinds: tuple[str, ...]) -> None:
    """B, built by the migration generated from A's inspect, equals A: `diff` clean against both, the catalog
    oracle (relations of `relkinds`), the views' deparse, the security oracle, and `inspect` byte-identical."""
    for target in (a, b):
        d = schemac("diff", "--database-url", target)
        assert d.returncode == 0, d.stdout + d.stderr
    expected, actual = fingerprint(a, relkinds), fingerprint(b, relkinds)
    assert actual == expected, fingerprint_difference(actual, expected)
    assert views_of(b) == views_of(a)
    assert security_fingerprint(b) == security_fingerprint(a)
    name = lambda url: url.split("dbname=")[-1].split()[0]  # noqa: E731
    assert schemac("inspect", "--database-url", b).stdout == \
        schemac("inspect", "--database-url", a).stdout.replace(name(a), name(b))
