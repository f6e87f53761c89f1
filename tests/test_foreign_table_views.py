"""A view over a foreign table. A foreign table is managed (a table with `foreign:`): the migration creates its
server, the table and then the view, and applies to an EMPTY database, the view there the source's
(pg_get_viewdef, its columns' types), without warning or notice. One schemac does not manage (a foreign table
in an inheritance tree, listed at the end of schema.yaml) is still said at inspect and generate, naming the
view and the foreign table: that migration applies only where the foreign table exists."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import sibling_database

from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

FOREIGN = ("CREATE SERVER elsewhere FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'nowhere');"
           "CREATE FOREIGN TABLE remote_t (id int, name text) SERVER elsewhere OPTIONS (table_name 't');")
VIEW = ("SELECT c.oid::regclass::text, pg_get_viewdef(c.oid, true), "
        "(SELECT array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum) FROM pg_attribute a "
        "WHERE a.attrelid = c.oid AND a.attnum > 0) FROM pg_class c WHERE c.oid = 'v_remote'::regclass")


def _with_postgres_fdw(db_url, sql):
    with psycopg.connect(db_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgres_fdw'").fetchone():
            pytest.skip("this build has no postgres_fdw")
        conn.execute("CREATE EXTENSION postgres_fdw;" + sql)
        return conn.execute(VIEW).fetchone()


def test_a_view_over_a_foreign_table_applies_to_an_empty_database(db_url, tmp_path, schemac):
    expected = _with_postgres_fdw(db_url, FOREIGN + "CREATE TABLE local_t (id int PRIMARY KEY);"
                                  "CREATE VIEW v_remote AS SELECT r.id, r.name FROM remote_t r JOIN local_t l USING (id)")
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml")
    assert r.returncode == 0 and "warning" not in r.stderr, r.stderr
    r = schemac("generate", "--name", "init")
    assert r.returncode == 0 and "could not create" not in r.stderr, r.stderr
    with sibling_database(db_url) as b:
        with psycopg.connect(b, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            assert conn.execute(VIEW).fetchone() == expected
        r = schemac("diff", "--database-url", b)
        assert r.returncode == 0, r.stdout + r.stderr


def test_a_view_over_a_foreign_table_schemac_does_not_manage_is_said(db_url, tmp_path, schemac):
    _with_postgres_fdw(db_url, "CREATE SERVER elsewhere FOREIGN DATA WRAPPER postgres_fdw;"
                       "CREATE TABLE base (id int, name text);"
                       "CREATE FOREIGN TABLE remote_t () INHERITS (base) SERVER elsewhere;"
                       "CREATE VIEW v_remote AS SELECT r.id, r.name FROM remote_t r")
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml")
    assert r.returncode == 0, r.stderr
    assert "schemac: warning: view public.v_remote reads foreign table public.remote_t, which schemac does not " \
           "manage: a migration creating the view applies only to a database that has public.remote_t already" \
           in r.stderr, r.stderr
    r = schemac("generate", "--name", "init")
    assert r.returncode == 0, r.stderr
    assert "view public.v_remote: PostgreSQL could not create it from schema.yaml alone: it reads remote_t, which " \
           "schema.yaml does not declare" in r.stderr, r.stderr
    assert "applies only to a database that has remote_t already" in r.stderr, r.stderr


def test_a_materialized_view_over_a_foreign_table_of_a_new_server_is_warned(db_url, tmp_path, schemac):
    """GeoNature-atlas's shape: a matview WITH DATA over a foreign table whose server the migration creates reads it
    through the server when created, which needs a user mapping schemac never makes: generate warns (at the view's
    line), and the migration indeed fails on a server ('user mapping not found'); WITH NO DATA, nothing is read:
    no warning, it applies."""
    _with_postgres_fdw(db_url, FOREIGN + "CREATE VIEW v_remote AS SELECT id FROM remote_t;"
                       "CREATE MATERIALIZED VIEW m_remote AS SELECT id, name FROM remote_t WITH NO DATA;"
                       "CREATE MATERIALIZED VIEW m_through AS SELECT id FROM v_remote WITH NO DATA")
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    r = schemac("generate", "--name", "no_data")
    assert r.returncode == 0 and "user mapping" not in r.stderr, r.stderr
    with sibling_database(db_url) as b, psycopg.connect(b, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
    schema = (tmp_path / "schema.yaml").read_text()
    assert schema.count("with_data: false") == 2, schema
    (tmp_path / "schema.yaml").write_text(schema.replace("with_data: false", "with_data: true"))
    for migration in (tmp_path / "generated" / "migrations").iterdir():
        migration.unlink()
    (tmp_path / "generated" / "state.json").unlink()
    r = schemac("generate", "--name", "with_data")
    assert r.returncode == 0, r.stderr
    for view in ("m_remote", "m_through"):
        assert f"materialized view public.{view} reads foreign table public.remote_t (server elsewhere), whose server " \
               "this migration creates" in r.stderr, r.stderr
    with sibling_database(db_url) as b, psycopg.connect(b, autocommit=True) as conn:
        with pytest.raises(Exception, match="user mapping not found"):
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
