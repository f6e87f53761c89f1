"""A publication the platform made before the first migration (Supabase's `supabase_realtime`, holding its own
realtime.messages), to which an `-n public` project adds its tables: inspect wrote the publication with the public
members only, and the first migration's CREATE PUBLICATION failed on the platform's database ('publication
"supabase_realtime" already exists'). The migration now makes a publication that lists tables where it is missing and
adds the members it lacks where it is there (as CREATE TABLE IF NOT EXISTS does a table), leaving members of schemas
not read alone; inspect and diff list those as not managed. The oracle: pg_publication_tables and pg_publication."""

from __future__ import annotations

import psycopg
import pytest
import yaml
from catalog_oracle import sibling_database

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

PLATFORM = """
CREATE SCHEMA realtime;
CREATE TABLE realtime.messages (id bigint PRIMARY KEY, topic text);
CREATE PUBLICATION supabase_realtime FOR TABLE realtime.messages;
"""
USER = """
CREATE TABLE notes (id bigint PRIMARY KEY, body text);
CREATE TABLE todos (id bigint PRIMARY KEY, done boolean);
ALTER PUBLICATION supabase_realtime ADD TABLE notes, todos;
ALTER PUBLICATION supabase_realtime SET (publish = 'insert, update');
"""
MEMBERS = """SELECT pubname::text, schemaname::text, tablename::text FROM pg_publication_tables ORDER BY 1, 2, 3"""
OPTIONS = "SELECT pubname::text, puballtables, pubinsert, pubupdate, pubdelete, pubtruncate FROM pg_publication ORDER BY 1"


def _read(url: str) -> tuple:
    with psycopg.connect(url) as conn:
        return conn.execute(MEMBERS).fetchall(), conn.execute(OPTIONS).fetchall()


@pytest.mark.default_on("pg16")  # (no branch of its code path is a major's: spread over the majors, every major under -m slow)
def test_a_platforms_publication_gains_the_projects_tables(any_db_url, tmp_path):
    db_url = any_db_url
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(PLATFORM + USER)
    original = _read(db_url)
    assert original[0] == [("supabase_realtime", "public", "notes"), ("supabase_realtime", "public", "todos"),
                           ("supabase_realtime", "realtime", "messages")]
    found = inspect_database(db_url, ("public",))
    assert yaml.safe_load(found.yaml)["publications"]["supabase_realtime"]["tables"] == ["notes", "todos"]
    listed = [(u.kind, u.path) for u in found.schema.unmanaged]
    assert listed == [("publication member of a schema not read", "realtime.messages in supabase_realtime")], listed
    schema = tmp_path / "schema.yaml"
    schema.write_text(found.yaml, encoding="utf-8")
    out = str(tmp_path / "generated")
    assert generate(str(schema), out).status == "written"
    for platform in (PLATFORM, ""):  # the platform's database, and an empty one
        with sibling_database(db_url) as other:
            with psycopg.connect(other, autocommit=True) as conn:
                if platform:
                    conn.execute(platform)
                apply_files(conn, Layout(out).migrations())
            got = _read(other)
            assert got == (original if platform else ([r for r in original[0] if r[1] == "public"], original[1]))
            drift = check_drift(str(schema), other)
            assert drift.differences == ()
            assert [(u.kind, u.path) for u in drift.unmanaged] == (listed if platform else [])


IN_SCHEMA = """
CREATE SCHEMA realtime;
CREATE TABLE realtime.messages (id bigint PRIMARY KEY, topic text);
CREATE TABLE realtime.presence (id bigint PRIMARY KEY);
CREATE PUBLICATION supabase_realtime FOR TABLES IN SCHEMA realtime;
"""


@pytest.mark.default_on("pg15")  # (as the first)
def test_a_platforms_publication_of_a_schema_not_read(any_db_url, tmp_path):
    """The platform's publication holds a schema not read (`FOR TABLES IN SCHEMA realtime`, PostgreSQL 15+), the
    project adds its tables: that member was neither written nor listed (lost silently); it is listed as not managed
    now, by inspect and by diff, and the migration leaves it alone."""
    db_url = any_db_url
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(IN_SCHEMA + USER)
        spaces = conn.execute("SELECT pn.pnnspid::regnamespace::text FROM pg_publication_namespace pn").fetchall()
    original = _read(db_url)
    assert spaces == [("realtime",)] and [r[2] for r in original[0]] == ["notes", "todos", "messages", "presence"]
    found = inspect_database(db_url, ("public",))
    assert yaml.safe_load(found.yaml)["publications"]["supabase_realtime"]["tables"] == ["notes", "todos"]
    listed = [(u.kind, u.path) for u in found.schema.unmanaged]
    assert listed == [("publication member of a schema not read", "TABLES IN SCHEMA realtime in supabase_realtime")], \
        listed
    assert "TABLES IN SCHEMA realtime in supabase_realtime" in found.yaml
    schema = tmp_path / "schema.yaml"
    schema.write_text(found.yaml, encoding="utf-8")
    out = str(tmp_path / "generated")
    assert generate(str(schema), out).status == "written"
    with sibling_database(db_url) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute(IN_SCHEMA)
            apply_files(conn, Layout(out).migrations())
        assert _read(other) == original
        drift = check_drift(str(schema), other)
        assert drift.differences == () and [(u.kind, u.path) for u in drift.unmanaged] == listed
