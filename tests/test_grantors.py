"""Grants made by a role that is not the owner (it holds the grant option): pg_dump writes them under SET SESSION
AUTHORIZATION, and the access list keeps that grantor (`anon=r/editor`, not `anon=r/postgres`). Read, written as
`granted_by`, made again the same way, compared per grantor; the tests' security oracle compares the grantors."""

from __future__ import annotations

import json
import re

import psycopg

import pytest

from schemac.errors import SchemaFileError
from schemac.schemafile.load import load_text

ROLES = ("gr_editor", "gr_anon", "gr_auth")
SOURCE = """\
CREATE TABLE public.messages (id int PRIMARY KEY, body text);
CREATE SEQUENCE public.tickets;
GRANT ALL ON TABLE public.messages TO gr_editor WITH GRANT OPTION;
GRANT USAGE ON SEQUENCE public.tickets TO gr_editor WITH GRANT OPTION;
GRANT SELECT ON TABLE public.messages TO gr_anon;
SET SESSION AUTHORIZATION gr_editor;
GRANT SELECT, INSERT ON TABLE public.messages TO gr_anon;
GRANT UPDATE (body) ON TABLE public.messages TO gr_auth;
GRANT USAGE ON SEQUENCE public.tickets TO gr_auth;
RESET SESSION AUTHORIZATION;
"""


@pytest.fixture
def roles(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        for r in ROLES:
            conn.execute(f"DO $$ BEGIN CREATE ROLE {r}; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    yield
    with psycopg.connect(db_url, autocommit=True) as conn:
        for r in ROLES:
            conn.execute(f"DROP OWNED BY {r}")


def _acl(url):
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT relname, relacl::text[] FROM pg_class WHERE relname IN ('messages', 'tickets') "
                            "ORDER BY 1").fetchall(), \
            conn.execute("SELECT attname, attacl::text[] FROM pg_attribute WHERE attrelid = 'messages'::regclass "
                         "AND attacl IS NOT NULL").fetchall()


def test_grants_by_another_role_round_trip_and_drift(tmp_path, db_url, roles, schemac):
    from catalog_oracle import sibling_database
    from security_oracle import security_fingerprint
    from sqlx_project import apply_all

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(SOURCE)
    assert schemac("inspect", "--database-url", db_url, "--output", "schema.yaml").returncode == 0
    text = (tmp_path / "schema.yaml").read_text()
    assert "      gr_anon:\n        - {privileges: [select]}\n        - {privileges: [select, insert], granted_by: gr_editor}\n" \
        in text, text
    assert "gr_auth: {privileges: [update (body)], granted_by: gr_editor}" in text, text
    assert schemac("generate", "--name", "grants").returncode == 0
    sql = "".join(p.read_text() for p in (tmp_path / "generated" / "migrations").glob("*.sql"))
    assert "\n-- note: applying this migration needs a superuser for SET SESSION AUTHORIZATION" in sql, sql
    sql = re.sub(r"^-- note: .*\n", "", sql, flags=re.M)  # (it names the statements too: plan.rights)
    # (public undeclared: PUBLIC's USAGE there presumed, not held, so the editor is lent USAGE where it lacks it)
    assert "has_schema_privilege('gr_editor', 'public', 'USAGE'); BEGIN IF lent_1 THEN GRANT USAGE ON SCHEMA public " \
           "TO gr_editor; END IF; SET SESSION AUTHORIZATION gr_editor; GRANT SELECT, INSERT ON TABLE messages TO " \
           "gr_anon; RESET SESSION AUTHORIZATION;" in sql, sql
    assert sql.index("TO gr_editor WITH GRANT OPTION") < sql.index("SET SESSION AUTHORIZATION"), sql
    with sibling_database(db_url) as b:
        apply_all(b, str(tmp_path / "generated"))
        assert _acl(b) == _acl(db_url)
        assert security_fingerprint(b) == security_fingerprint(db_url)
        assert schemac("diff", "--database-url", b).returncode == 0
        with psycopg.connect(b, autocommit=True) as conn:  # the editor's grant withdrawn, the owner's made instead
            conn.execute("SET SESSION AUTHORIZATION gr_editor; REVOKE INSERT ON messages FROM gr_anon;"
                         "RESET SESSION AUTHORIZATION; GRANT INSERT ON messages TO gr_anon")
        d = schemac("diff", "--database-url", b, "--sql")
        assert d.returncode == 1, d.stdout + d.stderr
        assert "gr_anon lacks INSERT GRANTED BY gr_editor on table public.messages" in d.stderr, d.stderr
        assert "REVOKE INSERT ON TABLE messages FROM gr_anon" in d.stdout, d.stdout
        assert "SET SESSION AUTHORIZATION gr_editor; GRANT INSERT ON TABLE messages TO gr_anon" in d.stdout, d.stdout


def test_a_grantor_that_is_no_role_is_named_at_its_line(tmp_path, db_url, schemac):
    """A grantor the database lacks is drift at its line, as any role schema.yaml names (fix48b's missing_role: exit 1,
    the rest reported); `diff --sql` writes no script and names it at its line, exit 2."""
    (tmp_path / "schema.yaml").write_text("tables:\n  t:\n    columns: {id: integer}\n    grants:\n"
                                          "      PUBLIC: {privileges: [select], granted_by: no_such_grantor}\n")
    d = schemac("diff", "--database-url", db_url, "--format", "json")
    assert d.returncode == 1, d.stdout + d.stderr
    assert [(x["object"]["name"], x["line"]) for x in json.loads(d.stdout)["differences"]
            if x["kind"] == "missing_role"] == [("no_such_grantor", 5)], d.stdout
    d = schemac("diff", "--database-url", db_url, "--sql")
    assert d.returncode == 2 and d.stdout == "" and "'no_such_grantor' (schema.yaml:5) does not exist" in d.stderr, d.stderr


@pytest.mark.parametrize("grants,message", [
    ("{privileges: [select], granted_by: public}", "granted_by of grants to r on table 't' must be a role, not PUBLIC"),
    ("[{privileges: [select]}, {privileges: [select]}]", "lists SELECT twice"),
    ("{privileges: [select], granted_by: [a]}", "granted_by"),
])
def test_loader_errors(grants, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(f"tables:\n  t:\n    columns: {{id: integer}}\n    grants:\n      r: {grants}\n", "schema.yaml")
    assert "schema.yaml:5:" in str(e.value) and message in str(e.value), str(e.value)


def test_a_grantor_is_lent_usage_on_a_public_schema_schema_yaml_leaves_undeclared(tmp_path, db_url, roles, schemac):
    """A schema.yaml that does not declare `public` presumes PUBLIC's USAGE there (initdb's), but does not hold the
    database to it: a public schema without it (REVOKE USAGE ON SCHEMA public FROM PUBLIC, or public dropped and created
    again) is no drift. A grant made as a grantor holding no USAGE there of its own must then be lent it (Postgres
    refused it: permission denied for schema public), where the database lacks it when the migration runs."""
    from test_functions import generated_and_applied

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("REVOKE USAGE ON SCHEMA public FROM PUBLIC")
    generated_and_applied(tmp_path, db_url, schemac,
            "tables:\n  messages:\n    columns: {id: integer}\n    grants:\n"
            "      gr_editor: {privileges: [select, insert], with_grant_option: true}\n"
            "      gr_anon: {privileges: [select], granted_by: gr_editor}\n"
            "functions:\n  answer: {returns: integer, language: sql, body: select 42, grants: {PUBLIC: [],"
            " gr_editor: {privileges: [execute], with_grant_option: true},"
            " gr_auth: {privileges: [execute], granted_by: gr_editor}}}\n", "grants")
    assert sorted(_acl(db_url)[0][0][1]) == sorted([f"{ROLES[1]}=r/{ROLES[0]}", f"{ROLES[0]}=a*r*/postgres",
                                                    "postgres=arwdDxtm/postgres"]), _acl(db_url)
    with psycopg.connect(db_url) as conn:  # the USAGE lent for the statements is taken back
        assert conn.execute("SELECT has_schema_privilege('gr_editor', 'public', 'USAGE')").fetchone() == (False,)
    d = schemac("diff", "--database-url", db_url)
    assert d.returncode == 0, d.stdout + d.stderr
