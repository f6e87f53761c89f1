"""A view over a foreign table, which schemac does not manage (listed at the end of schema.yaml): the migration
creates the view, and applies only to a database that has the foreign table already. inspect and generate say so,
naming the view and the foreign table; applied where the foreign table exists, the view is the source's
(pg_get_viewdef, its columns' types) and diff is clean."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import sibling_database

from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

# What the rebuilt database must have before the migration: the foreign table and its server (not managed).
FOREIGN = ("CREATE SERVER elsewhere FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'nowhere');"
           "CREATE FOREIGN TABLE remote_t (id int, name text) SERVER elsewhere OPTIONS (table_name 't');")
VIEW = ("SELECT c.oid::regclass::text, pg_get_viewdef(c.oid, true), "
        "(SELECT array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum) FROM pg_attribute a "
        "WHERE a.attrelid = c.oid AND a.attnum > 0) FROM pg_class c WHERE c.oid = 'v_remote'::regclass")


def test_a_view_over_a_foreign_table_is_said_at_inspect_and_generate(db_url, tmp_path, schemac):
    with psycopg.connect(db_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgres_fdw'").fetchone():
            pytest.skip("this build has no postgres_fdw")
        conn.execute("CREATE EXTENSION postgres_fdw;" + FOREIGN +
                     "CREATE TABLE local_t (id int PRIMARY KEY);"
                     "CREATE VIEW v_remote AS SELECT r.id, r.name FROM remote_t r JOIN local_t l USING (id)")
        expected = conn.execute(VIEW).fetchone()
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml")
    assert r.returncode == 0, r.stderr
    assert "schemac: warning: view public.v_remote reads foreign table public.remote_t, which schemac does not " \
           "manage: a migration creating the view applies only to a database that has public.remote_t already" \
           in r.stderr, r.stderr
    # The server is managed (foreign_servers:), the foreign table not: this test makes both by hand
    text = (tmp_path / "schema.yaml").read_text()
    (tmp_path / "schema.yaml").write_text(text[:text.index("foreign_servers:")] + text[text.index("# Not managed"):])
    r = schemac("generate", "--name", "init")
    assert r.returncode == 0, r.stderr
    assert "view public.v_remote: PostgreSQL could not create it from schema.yaml alone: it reads remote_t, which " \
           "schema.yaml does not declare" in r.stderr, r.stderr
    assert "applies only to a database that has remote_t already" in r.stderr, r.stderr
    with sibling_database(db_url) as b:
        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgres_fdw;" + FOREIGN)
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            assert conn.execute(VIEW).fetchone() == expected
        (tmp_path / "schema.yaml").write_text(text)  # the server as inspect wrote it: the one made by hand
        r = schemac("diff", "--database-url", b)
        assert r.returncode == 0, r.stdout + r.stderr
