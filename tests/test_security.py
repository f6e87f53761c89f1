"""Security as code on a real server: row-level security, policies, privileges (table, column, sequence,
function) and owners, each added, changed and removed through generate -> apply (over rows) -> diff
clean, judged by an oracle of this file's own SQL over pg_policy, relrowsecurity and the access lists
(aclexplode); security drift made by hand reported with the security marking in all four formats; a
role that may only connect; a role that does not exist."""

from __future__ import annotations

import json
import os
import uuid

import psycopg
import pytest
from catalog_oracle import sibling_database
from conftest import each_case_on_one_major

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

# The oracle: what the database holds, by this file's own SQL (no schemac code).
ORACLE = {
    "rls": """SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c
              WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relname <> '_sqlx_migrations' ORDER BY 1""",
    "policies": """SELECT c.relname, p.polname, p.polcmd, p.polpermissive,
                          ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE r::regrole::text END
                                FROM unnest(p.polroles) r ORDER BY 1),
                          pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
                          obj_description(p.oid, 'pg_policy')
                   FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid ORDER BY 1, 2""",
    "acl": """SELECT c.relname, NULL::text, a.grantee::regrole::text, a.privilege_type, a.is_grantable
              FROM pg_class c, aclexplode(c.relacl) a
              WHERE c.relnamespace = 'public'::regnamespace AND a.grantee <> c.relowner AND a.grantee <> 0
              UNION ALL
              SELECT c.relname, NULL, 'PUBLIC', a.privilege_type, a.is_grantable
              FROM pg_class c, aclexplode(c.relacl) a
              WHERE c.relnamespace = 'public'::regnamespace AND a.grantee = 0
              UNION ALL
              SELECT c.relname, t.attname::text, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
                     a.privilege_type, a.is_grantable
              FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid, aclexplode(t.attacl) a
              WHERE c.relnamespace = 'public'::regnamespace
              UNION ALL
              SELECT p.proname, 'function', CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
                     a.privilege_type, a.is_grantable
              FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
              WHERE p.pronamespace = 'public'::regnamespace AND a.grantee <> p.proowner
              ORDER BY 1, 2, 3, 4, 5""",
    "owners": """SELECT c.relname, c.relowner::regrole::text FROM pg_class c
                 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'S') AND c.relname <> '_sqlx_migrations'
                 UNION ALL SELECT p.proname, p.proowner::regrole::text FROM pg_proc p
                 WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1""",
}


def security_fingerprint(url: str, roles: dict[str, str]) -> dict:
    """The oracle's reading, role names replaced by their placeholders (a sibling database shares them)."""
    back = {v: k for k, v in roles.items()}
    with psycopg.connect(url) as conn:
        out = {}
        for name, sql in ORACLE.items():
            rows = conn.execute(sql).fetchall()
            out[name] = [tuple(back.get(v, v) if isinstance(v, str) else
                               [back.get(x, x) for x in v] if isinstance(v, list) else v for v in row) for row in rows]
        return out


@pytest.fixture
def roles(request):
    """Three roles of this test's own (roles belong to the cluster, which tests share): their names by
    placeholder, {reader}, {writer}, {owner}; dropped afterwards with whatever they hold."""
    urls = [v for k, v in request.node.funcargs.items() if k in ("major_db", "db_url")]
    url = urls[0]
    suffix = uuid.uuid4().hex[:8]
    names = {k: f"sec_{k}_{suffix}" for k in ("reader", "writer", "owner")}
    with psycopg.connect(url, autocommit=True) as conn:
        for n in names.values():
            conn.execute(f'CREATE ROLE "{n}"')
    yield names
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP OWNED BY " + ", ".join(f'"{n}"' for n in names.values()))
        for n in names.values():
            conn.execute(f'DROP ROLE "{n}"')


BASE = """\
functions:
  current_tenant:
    returns: integer
    language: sql
    volatility: stable
    body: select 1
    grants: {{PUBLIC: [], {reader}: [execute]}}
sequences:
  ticket_no: {{grants: {{{writer}: [usage, select]}}}}
tables:
  accounts:
    columns:
      id: {{type: integer, primary_key: true}}
      tenant: {{type: integer, nullable: false}}
      manager: text
    row_level_security: {{enabled: true}}
    policies:
      tenant_rows:
        roles: [{reader}, {writer}]
        using: tenant = current_tenant()
      managers_write:
        command: update
        as: restrictive
        roles: [{writer}]
        using: manager = current_user
        with_check: manager = current_user
        comment: only managers change rows
    grants:
      {reader}: [select]
      {writer}: [select, insert, "update (manager)"]
  notes:
    columns:
      id: {{type: integer, primary_key: true}}
      body: text
    grants:
      {reader}: {{privileges: [select], with_grant_option: true}}
"""

EDITED = """\
functions:
  current_tenant:
    returns: integer
    language: sql
    volatility: stable
    body: select 1
    owner: {owner}
sequences:
  ticket_no: {{owner: {owner}}}
tables:
  accounts:
    owner: {owner}
    columns:
      id: {{type: integer, primary_key: true}}
      tenant: {{type: integer, nullable: false}}
      manager: text
    row_level_security: {{enabled: true, forced: true}}
    policies:
      tenant_rows:
        roles: [{reader}]
        using: tenant = current_tenant() AND manager IS NOT NULL
      managers_write:
        command: update
        roles: [{writer}]
        using: manager = current_user
      inserts:
        command: insert
        roles: [{writer}]
        with_check: "tenant > 0"
    grants:
      {reader}: [select, "select (manager)"]
      {writer}: {{privileges: [select], with_grant_option: [insert]}}
  notes:
    columns:
      id: {{type: integer, primary_key: true}}
      body: text
    row_level_security: {{enabled: false, forced: true}}
    grants:
      PUBLIC: [select]
      {reader}: [select]
"""

ROWS = ["INSERT INTO accounts VALUES (1, 1, 'a'), (2, 1, NULL)", "INSERT INTO notes VALUES (1, 'x')"]


def _write(folder, text: str) -> str:
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "schema.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def _built_from_scratch(url: str, text: str, folder, roles: dict) -> dict:
    path = _write(folder, text)
    generate(path, os.path.join(folder, "generated"))
    with sibling_database(url) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            apply_files(conn, Layout(os.path.join(folder, "generated")).migrations())
        return security_fingerprint(other, roles)


def _apply_new(url: str, out: str, already: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[already:], record=False)


CASES = [pytest.param(BASE, EDITED, id="added-then-changed"), pytest.param(EDITED, BASE, id="changed-back"),
         pytest.param(BASE, "tables:\n  accounts:\n    columns:\n      id: {{type: integer, primary_key: true}}\n"
                            "      tenant: {{type: integer, nullable: false}}\n      manager: text\n"
                            "  notes:\n    columns:\n      id: {{type: integer, primary_key: true}}\n      body: text\n",
                      id="removed")]


@pytest.mark.parametrize("major_db,old,new", each_case_on_one_major(CASES), indirect=["major_db"])
def test_security_round_trip(major_db, old, new, roles, tmp_path):
    """old -> generate -> apply -> diff clean; rows in; new -> generate -> apply over them -> diff clean; the
    oracle sees the migrated database equal to new built from scratch, and every row kept."""
    old, new = old.format(**roles), new.format(**roles)
    folder = tmp_path / "project"
    path, out = _write(folder, old), str(folder / "generated")
    assert generate(path, out).status == "written"
    _apply_new(major_db, out, 0)
    assert check_drift(path, major_db).differences == ()
    with psycopg.connect(major_db, autocommit=True) as conn:
        for sql in ROWS:
            conn.execute(sql)
    _write(folder, new)
    result = generate(path, out, allow_destructive=True)
    assert result.status == "written", result
    _apply_new(major_db, out, 1)
    assert check_drift(path, major_db).differences == ()
    assert generate(path, out, check=True).status != "written"
    expected = _built_from_scratch(major_db, new, tmp_path / "scratch", roles)
    actual = security_fingerprint(major_db, roles)
    if "owner:" not in new:  # owners are compared only where schema.yaml pins them: the old ones stay
        del expected["owners"], actual["owners"]
    assert actual == expected
    with psycopg.connect(major_db) as conn:
        assert conn.execute("SELECT count(*) FROM accounts").fetchone() == (2,)
