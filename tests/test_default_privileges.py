"""Objects created under default privileges get exactly the grants schema.yaml gives them.

ALTER DEFAULT PRIVILEGES grants the objects a role creates afterwards. A migration that sets default
privileges and creates objects sets them after its objects exist; an object a later migration creates
while they are in force gets them from Postgres, and the plan revokes what schema.yaml does not grant.
Judged by has_*_privilege (the oracle), and by a diff that must be clean on a real server."""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

def _schema(reader: str, me: str, tables: str = "", sequences: str = "", views: str = "") -> str:
    """Default privileges for `me` (SELECT on tables, USAGE on sequences, to `reader`), a table a and a view va
    over it, and what the arguments add."""
    return f"""\
default_privileges:
  - {{role: {me}, objects: tables, schema: public, grants: {{{reader}: [select]}}}}
  - {{role: {me}, objects: sequences, schema: public, grants: {{{reader}: [usage]}}}}
tables:
  a:
    columns:
      id: {{type: integer, primary_key: true}}
{tables}{sequences}views:
  va: {{query: "SELECT id FROM a"}}
{views}"""


@pytest.fixture
def reader(db_url):
    name = f"dp_reader_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{name}"')
        me = conn.execute("SELECT current_user").fetchone()[0]
    yield name, me
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f'DROP OWNED BY "{name}"')
        conn.execute(f'DROP ROLE "{name}"')


def _privileges(url: str, reader: str) -> dict:
    """The oracle: what `reader` may do on each relation and sequence of public."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT c.relname, has_table_privilege(%s, c.oid, 'SELECT'),"
            " c.relkind = 'S' AND has_sequence_privilege(%s, c.oid, 'USAGE')"
            " FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'S')"
            " AND c.relname <> '_sqlx_migrations' ORDER BY 1", (reader, reader)).fetchall()
    return {name: (select, usage) for name, select, usage in rows}


def _migrate(url: str, folder: str, text: str, already: int) -> None:
    path = os.path.join(folder, "schema.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    result = generate(path, os.path.join(folder, "generated"))
    assert result.status == "written", result
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(os.path.join(folder, "generated")).migrations()[already:])
    assert check_drift(path, url).differences == ()


def test_objects_made_under_default_privileges_get_what_schema_yaml_grants(db_url, reader, tmp_path):
    name, me = reader
    folder = str(tmp_path)
    _migrate(db_url, folder, _schema(name, me), 0)
    # Made before the default privileges, in the same migration: nothing for the reader.
    assert _privileges(db_url, name) == {"a": (False, False), "va": (False, False)}
    _migrate(db_url, folder, _later(name, me), 1)
    assert _privileges(db_url, name) == {"a": (False, False), "b": (False, False), "c": (True, False),
                                         "s": (False, False), "va": (False, False), "vb": (True, False)}


def _later(reader: str, me: str) -> str:
    """Then a table b without grants, a table c and a view vb granting the reader SELECT, and a sequence s
    without grants."""
    table = "  {name}:\n    columns:\n      id: {{type: integer, primary_key: true}}\n"
    return _schema(reader, me,
                   tables=table.format(name="b") + table.format(name="c") + f"    grants: {{{reader}: [select]}}\n",
                   sequences="sequences:\n  s: {}\n",
                   views=f'  vb: {{query: "SELECT id FROM b", grants: {{{reader}: [select]}}}}\n')


def _default_acls(url: str) -> list[tuple]:
    """The oracle: every entry of pg_default_acl, by role, schema and kind."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT d.defaclrole::regrole::text, n.nspname, d.defaclobjtype::text, d.defaclacl::text[]"
            " FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace ORDER BY 1, 2, 3").fetchall()


def test_default_privileges_in_a_schema_no_object_lives_in(db_url, reader, tmp_path):
    """Default privileges IN SCHEMA public while every object lives in another schema: public is read too, so
    the migration sets them and the database that has them is in sync (it read as lacking them)."""
    name, me = reader
    text = f"""\
schemas: [app]
default_privileges:
  - {{role: {me}, objects: tables, schema: public, grants: {{{name}: [select]}}}}
tables:
  a:
    schema: app
    columns:
      id: {{type: integer}}
"""
    _migrate(db_url, str(tmp_path), text, 0)
    assert _default_acls(db_url) == [(me, "public", "r", [f"{name}=r/{me}"])]


def test_default_privileges_on_large_objects_round_trip(server, db_url, reader, schemac, tmp_path):
    """PostgreSQL 18's ALTER DEFAULT PRIVILEGES ... ON LARGE OBJECTS (defaclobjtype 'L', in no schema): inspect
    reads it (it stopped on the unknown kind), generate writes it, and a database built from the migration holds
    the same pg_default_acl (the oracle), with diff clean on both."""
    name, me = reader
    with psycopg.connect(db_url, autocommit=True) as conn:
        if conn.info.server_version < 180000:
            pytest.skip("ALTER DEFAULT PRIVILEGES ON LARGE OBJECTS is PostgreSQL 18's")
        conn.execute(f'ALTER DEFAULT PRIVILEGES GRANT SELECT ON LARGE OBJECTS TO "{name}"')
        conn.execute(f'ALTER DEFAULT PRIVILEGES FOR ROLE "{name}" GRANT UPDATE ON LARGE OBJECTS TO PUBLIC; '
                     f'ALTER DEFAULT PRIVILEGES GRANT UPDATE ON LARGE OBJECTS TO "{name}" '
                     "WITH GRANT OPTION")
    expected = _default_acls(db_url)
    assert [row[2] for row in expected] == ["L", "L"], expected
    r = schemac("inspect", "--database-url", db_url, "--output", "schema.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "objects: large_objects" in (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    r = schemac("generate", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    target = server.create_database()
    try:
        with psycopg.connect(target, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        assert _default_acls(target) == expected
        for url in (db_url, target):
            r = schemac("diff", "--database-url", url, cwd=tmp_path)
            assert r.returncode == 0, r.stdout + r.stderr
    finally:
        server.drop_database(target)
