"""bigapp (tests/fixtures/corpus/bigapp/generate.py): a commerce platform at issue 13's hidden set's size and
density (240 tables, 379 views and 16 materialized views, 274 functions and aggregates, 193 triggers, 54
policies; grants to five roles, default privileges, comments on everything; six tenant schemas holding the same
names; one of each other kind in ops; PostGIS columns where the build has PostGIS), round-tripped and changed.

Round trip (as test_corpus): load into A, `inspect`, `generate`, apply to an empty sibling B; `diff` clean
against both; the catalog oracle (relations, views' deparse, columns, constraints, indexes, types, functions,
triggers), the security oracle and `inspect` equal for A and B; the counts of views, functions and triggers read
by SQL of the test's own.
Change round: the old schema over rows, edited as an application is (generate.EDITED modules: a view's query,
a column retyped under views and a generated column, a function's body and signature under views, a trigger's
WHEN, grants, an enum value added, a view dropped and one added; and generate.SHARED_EDITS across every module:
an enum reordered under columns and views, a composite type's attribute added, a function's signature changed
under generated columns with indexes, a domain's CHECK, a column dropped under a view, a policy, default
privileges, a trigger's UPDATE OF on disabled and replica triggers, a partition added), judged as test_pairs
judges a pair (with the security oracle); and per tenant its own edit (a column retyped under views, a
trigger's WHEN on a partitioned table, a function's signature, a partitioned index, a column dropped under a
view and a policy), one tenant's schema dropped whole and a new one added, PostGIS modifiers under GiST indexes
where the build has PostGIS; then the same round undone (the edited schema over its rows back to the original).
Each under `-m slow` only (about 30 s of a core per major and case; the pairs hold each bug's smallest case).
"""

from __future__ import annotations

import importlib.util
import os

import psycopg
import pytest

from catalog_oracle import ALL_RELKINDS
from conftest import MAJORS
from pairs import Pair
from test_pairs import test_pair_applies_over_rows_and_converges as converges
from test_scale import assert_rebuilt_equal
from sqlx_project import apply_all


_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "corpus", "bigapp", "generate.py")
_spec = importlib.util.spec_from_file_location("bigapp_generate", _PATH)
bigapp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bigapp)  # type: ignore[union-attr]

_USER = "(n.nspname IN ('public', 'core', 'util', 'app', 'rpt', 'api', 'geo', 'ops') OR n.nspname LIKE 'tenant\\_%')"
COUNTS = f"""SELECT
    (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER} AND c.relkind IN ('r', 'p')
        AND c.relname <> '_sqlx_migrations' AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')),
    (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER} AND c.relkind = 'v'
        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')),
    (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER} AND c.relkind = 'm'),
    (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {_USER}
        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype IN ('e', 'i'))),
    (SELECT count(*) FROM pg_trigger t WHERE NOT t.tgisinternal),
    (SELECT count(*) FROM pg_policy)"""
N, T = len(bigapp.MODULES), bigapp.TENANTS
# tables, views, matviews, functions, triggers (a partitioned table's on each partition too), policies; PostGIS
# adds N tables, 2N views and N functions; ops: 5 tables, 2 views, 2 functions and an aggregate
EXPECTED = (12 * N + 7 + 6 * T + 5, 22 * N + 7 + 3 * T + 2, N, 15 * N + 13 + 3 * T + 3, 9 * N + 1 + 2 * 4 * T, 3 * N + T)


# Columns whose values' text form the rounds change: unit_price's scale, and core.address's attribute (a
# trailing comma more or less in each value)
CHANGED = tuple((f"app.{bigapp.MODULES[i]}_order_lines", "unit_price") for i in bigapp.EDITED) + tuple(
    x for m in bigapp.MODULES for x in ((f"app.{m}_customers", "address"), (f"app.{m}_orders", "shipping")))


def _has_postgis(url: str) -> bool:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'").fetchone()[0] > 0


def _expected(gis: bool) -> tuple:
    return tuple(a + (b if gis else 0) for a, b in zip(EXPECTED, (N, 2 * N, 0, N, 0, 0)))


def _counts(url: str) -> tuple:
    with psycopg.connect(url) as conn:
        return tuple(conn.execute(COUNTS).fetchone())


@pytest.mark.slow
@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_bigapp_round_trip(major_db, schemac, tmp_path, request):
    a = major_db
    gis = _has_postgis(a)
    with psycopg.connect(a, autocommit=True) as conn:
        conn.execute(bigapp.roles_sql() + bigapp.schema_sql() + (bigapp.postgis_sql() if gis else "")
                     + bigapp.rows_sql())
    assert _counts(a) == _expected(gis)
    r = schemac("inspect", "--database-url", a, "--output", "schema.yaml")
    assert r.returncode == 0, r.stderr
    r = schemac("generate", "--name", "create")
    assert r.returncode == 0, r.stdout + r.stderr
    from conftest import _server  # the server the fixture used

    srv = _server(request.node.callspec.params["major_db"])
    b = srv.create_database()
    try:
        apply_all(b, tmp_path / "generated")
        assert _counts(b) == _expected(gis)
        assert_rebuilt_equal(schemac, a, b, ALL_RELKINDS)
    finally:
        srv.drop_database(b)


@pytest.mark.slow
@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_bigapp_change_round_back_over_rows(major_db, tmp_path):
    """The change round undone: the edited schema (over the rows it accepts) back to the original one (a business
    line and a tenant created whole again, an enum reordered back, a composite type's attribute dropped...)."""
    roles, gis = bigapp.roles_sql(), _has_postgis(major_db)
    rows = ";\n".join(r for r in bigapp.rows_sql().split(";\n")  # those the edited schema takes
                       if "pharma" not in r and "tenant_5" not in r and "tenant_4." not in r
                       ).replace("'10115', 'DE')", "'10115', 'DE', NULL)")
    pair = Pair(id="bigapp-change-round-back", file="bigapp/generate.py",
                old=roles + bigapp.edited_sql() + rows,
                new=roles + bigapp.schema_sql() + (bigapp.postgis_sql() if gis else ""), destructive=True,
                changed=CHANGED)
    converges(major_db, tmp_path, pair)


@pytest.mark.slow
@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_bigapp_change_round_over_rows(major_db, tmp_path):
    roles, gis = bigapp.roles_sql(), _has_postgis(major_db)
    pair = Pair(id="bigapp-change-round", file="bigapp/generate.py",
                old=roles + bigapp.schema_sql() + bigapp.rows_sql() +
                (bigapp.postgis_sql() + bigapp.postgis_rows_sql() if gis else ""),
                new=roles + bigapp.edited_sql() + (bigapp.postgis_sql(edited=True) if gis else ""), destructive=True,
                changed=CHANGED)
    converges(major_db, tmp_path, pair)
