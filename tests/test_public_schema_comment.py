"""The public schema's comment removed (`COMMENT ON SCHEMA public IS ''`, as Supabase's pg_dump output has it): a
database built from the schema.yaml inspect writes has no comment on `public` either, where it kept initdb's
"standard public schema" (the tests' oracle, pg_catalog's obj_description, judges); the schema.yaml says so
(`comment: ''`), and the default comment left in place reads as before (nothing written)."""

from __future__ import annotations

import psycopg
from catalog_oracle import fingerprint, fingerprint_difference, sibling_database
from conftest import built_from_scratch

from schemac.commands.diff import check_drift
from schemac.commands.inspect import inspect_database

COMMENT = "SELECT obj_description('public'::regnamespace, 'pg_namespace')"


def _comment(url: str):
    with psycopg.connect(url) as conn:
        return conn.execute(COMMENT).fetchone()[0]


def test_public_schema_comment_removed_round_trips(db_url, tmp_path):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("COMMENT ON SCHEMA public IS ''; CREATE TABLE t (id int)")
    assert _comment(db_url) is None
    text = inspect_database(db_url).yaml
    assert "comment: ''" in text
    rebuilt = built_from_scratch(db_url, text, str(tmp_path / "b"))
    assert fingerprint_difference(rebuilt, fingerprint(db_url)) == ""
    (tmp_path / "schema.yaml").write_text(text, encoding="utf-8")
    with sibling_database(db_url) as other:  # initdb's comment in place: drift, named
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute("CREATE TABLE t (id int)")
        assert _comment(other) == "standard public schema"
        assert check_drift(str(tmp_path / "schema.yaml"), other).differences


def test_public_schema_default_comment_is_not_written(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id int)")
    assert _comment(db_url) == "standard public schema"
    assert "comment" not in inspect_database(db_url).yaml


def test_public_schema_comment_left_out_is_compared_only_against_another_comment(db_url, tmp_path):
    """schema.yaml silent on public's comment: a public schema with none (created again, as a test database's) or
    initdb's is no drift and no change; any other comment is drift, and the migration sets initdb's back. Another
    schema's comment left out is none: drift where the database holds one (the oracle: obj_description)."""
    schema = tmp_path / "schema.yaml"
    schema.write_text("schemas: [app]\ntables:\n  t: {columns: {id: integer}}\n", encoding="utf-8")
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE SCHEMA app; CREATE TABLE t (id int)")
    assert _comment(db_url) is None
    assert check_drift(str(schema), db_url).differences == ()
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("COMMENT ON SCHEMA public IS 'shared objects'; COMMENT ON SCHEMA app IS 'the application'")
    found = {(d.name, d.expected, d.actual) for d in check_drift(str(schema), db_url).differences}
    assert found == {("public", "standard public schema", "shared objects"), ("app", None, "the application")}
