"""A database without a `public` schema (DROP SCHEMA public, a hardening some teams apply): schema.yaml says so
(`schemas: [{name: public, absent: true}]`), the migration drops an empty `public`, and `diff` compares it.

sqlx makes its table (`_sqlx_migrations`) in the connection's current schema before it runs the first migration: on a
new database that is `public`, unless sqlx.toml's `table-name` names another schema. So the rebuilt database lacks
`public` where sqlx keeps its table elsewhere; where sqlx's table is in `public`, the migration keeps `public` (it
drops it only while it holds nothing) and `diff` does not call a `public` that holds only sqlx's table drift. The
oracle is pg_namespace: whether `public` exists in the source and in the database schemac built."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import fingerprint, sibling_database
from conftest import MAJORS

from schemac.commands.diff import check_drift
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

SOURCE = """
DROP SCHEMA public;
CREATE SCHEMA app;
CREATE TABLE app.t (id int PRIMARY KEY, note text);
CREATE VIEW app.v AS SELECT id FROM app.t;
INSERT INTO app.t VALUES (1, 'a');
"""
# sqlx's table in the application's schema (sqlx 0.9's sqlx.toml), where sqlx makes it before the first migration.
SQLX_TOML = '[migrate]\ntable-name = "app._sqlx_migrations"\ncreate-schemas = ["app"]\n'
ABSENT = "  - {name: public, absent: true}\n"


def _has_public(url: str) -> bool:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'public'").fetchone()[0] == 1


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[0] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
def test_a_database_without_public_is_rebuilt_without_it(major_db, schemac, tmp_path):
    """inspect writes public's absence; the migration, applied by `schemac apply` as sqlx applies it with sqlx.toml's
    table in `app`, leaves the new database without public; diff clean, the catalog equal, inspect byte-identical."""
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(SOURCE)
    assert not _has_public(major_db)
    (tmp_path / "sqlx.toml").write_text(SQLX_TOML, encoding="utf-8")
    r = schemac("inspect", "--database-url", major_db, "--output", "schema.yaml")
    assert r.returncode == 0, r.stderr
    first = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    assert ABSENT in first, first
    r = schemac("generate")
    assert r.returncode == 0, r.stderr
    with sibling_database(major_db) as rebuilt:
        assert _has_public(rebuilt)  # a new database has public, as initdb made it
        r = schemac("apply", "--database-url", rebuilt)
        assert r.returncode == 0, r.stderr
        assert not _has_public(rebuilt)
        assert fingerprint(rebuilt) == fingerprint(major_db)
        r = schemac("diff", "--database-url", rebuilt)
        assert r.returncode == 0, r.stdout + r.stderr
        r = schemac("inspect", "--database-url", rebuilt)
        assert r.stdout.split("\n", 2)[2] == first.split("\n", 2)[2]


def test_public_holding_sqlx_table_is_kept_and_no_drift(db_url, tmp_path):
    """sqlx's table in public (no sqlx.toml): the migration keeps public, which holds it, and diff is clean; a public
    holding anything else is drift, and so is a public schema.yaml keeps that the database lacks."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SOURCE + "DROP VIEW app.v;")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text("schemas:\n" + ABSENT + "tables:\n  t:\n    schema: app\n    columns:\n"
                      "      id: {type: integer, primary_key: true}\n      note: text\n", encoding="utf-8")
    from schemac.commands.generate import generate

    assert generate(str(schema), out).status == "written"
    with sibling_database(db_url) as rebuilt:
        with psycopg.connect(rebuilt, autocommit=True) as conn:
            apply_files(conn, Layout(out).migrations())  # _sqlx_migrations made in public first, as sqlx makes it
        assert _has_public(rebuilt)
        assert check_drift(str(schema), rebuilt, out_dir=out).differences == ()
        with psycopg.connect(rebuilt, autocommit=True) as conn:
            conn.execute("CREATE TABLE public.stray (id int)")
        found = [(d.kind, d.schema) for d in check_drift(str(schema), rebuilt, out_dir=out).differences]
        assert ("unexpected_schema", "public") in found, found
    assert check_drift(str(schema), db_url).differences == ()
    schema.write_text(schema.read_text(encoding="utf-8").replace(ABSENT, "  - app\n"), encoding="utf-8")
    found = [(d.kind, d.schema) for d in check_drift(str(schema), db_url).differences]
    assert found == [("missing_schema", "public")], found
