"""Grants and owners of views and materialized views on real servers: the loader's errors; each change
generated, applied over rows and diffed clean, with the views re-created by the migration (a column
retyped under them) getting their privileges and owner back in that same migration; drift made by hand
reported as security drift; inspect writing the grants back. Judged by this file's own SQL over relacl,
attacl and relowner, against the same schema.yaml built from scratch in a sibling database and against
the privileges written out by hand."""

from __future__ import annotations

import json
import os
import uuid

import psycopg
import pytest
from catalog_oracle import sibling_database
from conftest import each_case_on_one_major
from test_views import Project
from test_views import test_loader_errors as views_loader_errors

from schemac.commands.diff import check_drift

# The oracle: every entry of the access lists of the views (and their columns), and their owners.
ACL_SQL = """
SELECT c.relname::text, NULL::text, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
       a.privilege_type, a.is_grantable
FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm') AND a.grantee <> c.relowner
UNION ALL
SELECT c.relname, t.attname::text, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
       a.privilege_type, a.is_grantable
FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid, aclexplode(t.attacl) a
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm')
ORDER BY 1, 2, 3, 4, 5
"""
OWNERS_SQL = """SELECT c.relname::text, c.relowner::regrole::text FROM pg_class c
                WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm') ORDER BY 1"""


@pytest.fixture
def roles(request):
    """Three roles of this test's own (roles belong to the cluster, which tests share), by placeholder:
    reader, writer, owner; dropped afterwards with whatever they own (CASCADE: views read views)."""
    url = next(v for k, v in request.node.funcargs.items() if k in ("major_db", "db_url"))
    suffix = uuid.uuid4().hex[:8]
    names = {k: f"vg_{k}_{suffix}" for k in ("reader", "writer", "owner")}
    with psycopg.connect(url, autocommit=True) as conn:
        for n in names.values():
            conn.execute(f'CREATE ROLE "{n}"')
    yield names
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP OWNED BY " + ", ".join(f'"{n}"' for n in names.values()) + " CASCADE")
        for n in names.values():
            conn.execute(f'DROP ROLE "{n}"')


def security_of(url: str, roles: dict[str, str]) -> dict:
    """The oracle's reading, role names replaced by their placeholders (a sibling database shares them)."""
    back = {v: k for k, v in roles.items()}
    with psycopg.connect(url) as conn:
        return {"acl": sorted((tuple(back.get(v, v) for v in row) for row in conn.execute(ACL_SQL)), key=str),
                "owners": {r[0]: back.get(r[1], "other") for r in conn.execute(OWNERS_SQL)}}


@pytest.mark.parametrize("body,where,message", [
    ("views:\n  v: {query: select 1, grants: {r: [execute]}}\n", "2:37",
     "privilege of grants to r on view 'v' must be one of select"),
    ("views:\n  v: {query: select 1, owner: PUBLIC}\n", "2:31", "owner of view 'v' must be a role, not PUBLIC"),
    ("materialized_views:\n  m: {query: select 1, grants: {r: [select], r: [insert]}}\n", "2:46", "duplicate key 'r' in grants of materialized view"),
    ("materialized_views:\n  m: {query: select 1, grants: {r: {privileges: [select], option: true}}}\n", "2:59",
     "unknown key 'option'"),
])
def test_loader_errors(body, where, message, tmp_path):
    views_loader_errors(body, where, message, tmp_path)


TABLE = "tables:\n  t:\n    grants: {@owner: [select]}\n    columns:\n      id: {type: integer, primary_key: true}\n      a: A_TYPE\n      b: text\n"
VIEWS = """\
views:
  v:
    query: select id, a, b from t
    owner: @owner
    grants: GRANTS_V
  w:
    query: select id, a from v
materialized_views:
  m:
    query: select id, a from t
    indexes: {m_id: {columns: [id], unique: true}}
    grants: GRANTS_M
"""


def _text(a_type: str, grants_v: str, grants_m: str, extra: str = "") -> str:
    return TABLE.replace("A_TYPE", a_type) + VIEWS.replace("GRANTS_V", grants_v).replace("GRANTS_M", grants_m) + extra


def with_roles(text: str, roles: dict[str, str]) -> str:
    """`@reader`, `@writer`, `@owner` replaced by the test's roles."""
    for k, v in roles.items():
        text = text.replace("@" + k, v)
    return text


BASE = _text("integer", '{@reader: [select, "update (b)"], @writer: {privileges: [select], with_grant_option: true}}',
             "{@reader: [select]}")
# a retyped under all three views: each is dropped and created again, and must get its grants back
RETYPED = _text("bigint", '{@reader: [select, "update (b)"], @writer: {privileges: [select], with_grant_option: true}}',
                "{@reader: [select]}", "    owner: @owner\n")
# privileges changed in place, PUBLIC granted, one view given grants, one an owner
CHANGED = _text("integer", "{PUBLIC: [select], @writer: [select, insert]}", "{@reader: [select], @writer: [select]}",
                "    owner: @owner\n").replace("    query: select id, a from v\n",
                                               "    query: select id, a from v\n    grants: {@reader: [select]}\n")
# all of it taken away: Postgres's defaults again
PLAIN = _text("integer", "{}", "{}")

# What the oracle must read after each (placeholders for roles): written out by hand, not by schemac.
EXPECTED = {
    "rebuilt": [("m", None, "reader", "SELECT", False),
                ("v", None, "reader", "SELECT", False), ("v", None, "writer", "SELECT", True),
                ("v", "b", "reader", "UPDATE", False)],
    "changed": [("m", None, "reader", "SELECT", False), ("m", None, "writer", "SELECT", False),
                ("v", None, "PUBLIC", "SELECT", False), ("v", None, "writer", "INSERT", False),
                ("v", None, "writer", "SELECT", False), ("w", None, "reader", "SELECT", False)],
    "plain": [],
}
CASES = [pytest.param(BASE, RETYPED, "rebuilt", id="rebuilt"), pytest.param(BASE, CHANGED, "changed", id="changed"),
         pytest.param(CHANGED, PLAIN, "plain", id="taken-away")]


@pytest.mark.parametrize("major_db,old,new,expected", each_case_on_one_major(CASES), indirect=["major_db"])
def test_view_grants_round_trip(major_db, old, new, expected, roles, tmp_path):
    """old -> apply -> rows in -> new -> apply over them -> diff clean; the oracle reads what EXPECTED says,
    the owners schema.yaml pins, and the same as new built from scratch; the rows are still there."""
    old, new = with_roles(old, roles), with_roles(new, roles)
    project = Project(tmp_path / "project", major_db)
    project.step(old)
    assert project.drift() == ()
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("INSERT INTO t VALUES (1, 10, 'x'), (2, 20, 'y')")
    sql = project.step(new)
    if expected == "rebuilt":  # the trap: the views were dropped and created again by this very migration
        assert "DROP VIEW" in sql and "DROP MATERIALIZED VIEW" in sql, sql
    assert project.drift() == ()
    actual = security_of(major_db, roles)
    assert actual["acl"] == sorted(EXPECTED[expected], key=str)
    pinned = {"v": "owner", "m": "owner"} if "owner:" in new.split("materialized_views")[1] else {"v": "owner"}
    assert {k: v for k, v in actual["owners"].items() if k in pinned} == pinned
    with sibling_database(major_db) as other:
        Project(tmp_path / "scratch", other).step(new)
        assert security_of(other, roles)["acl"] == actual["acl"]
    with psycopg.connect(major_db) as conn:
        assert conn.execute("SELECT count(*) FROM w").fetchone() == (2,)  # through v, as its owner
        if expected == "rebuilt":  # created again over the rows
            assert conn.execute("SELECT count(*) FROM m").fetchone() == (2,)


DRIFT = [
    ("GRANT SELECT ON w TO PUBLIC", "unexpected_public_privilege", "w"),
    ('GRANT DELETE ON m TO "@writer"', "unexpected_privilege", "m"),
    ('REVOKE SELECT ON w FROM "@reader"', "missing_privilege", "w"),
    ('REVOKE UPDATE (b) ON v FROM "@reader"', "missing_privilege", "v"),
    ("ALTER MATERIALIZED VIEW m OWNER TO CURRENT_USER", "owner_changed", "m"),
]


def inspect_and_drift(project: Project, drift: list, roles: dict[str, str], schemac) -> str:
    """inspect's schema.yaml diffs clean; each of `drift` (sql, kind, name) made by hand is reported as security
    drift of that kind on that object, and nothing else; the fix `diff --sql` prints makes it clean again.
    What inspect wrote."""
    r = schemac("inspect", "--database-url", project.url, "--output", "inspected.yaml")
    assert r.returncode == 0, r.stderr
    inspected = os.path.join(project.folder, "inspected.yaml")
    assert check_drift(inspected, project.url, out_dir=project.out).differences == ()
    with psycopg.connect(project.url, autocommit=True) as conn:
        for sql, _, _ in drift:
            conn.execute(with_roles(sql, roles))
    found = json.loads(check_drift(project.schema, project.url, out_dir=project.out).render("json"))["differences"]
    security = sorted((d["kind"], d["object"]["name"]) for d in found if d.get("category") == "security")
    assert security == sorted((kind, name) for _, kind, name in drift), found
    assert [d for d in found if d.get("category") != "security"] == []
    r = schemac("diff", "--database-url", project.url, "--only", "security", "--sql")
    assert r.returncode == 1
    with psycopg.connect(project.url, autocommit=True) as conn:
        conn.execute(r.stdout)
    assert project.drift() == ()
    with open(inspected, encoding="utf-8") as f:
        return f.read()


def test_view_grant_drift(db_url, roles, tmp_path, schemac):
    """inspect writes the views' grants back (diffs clean); drift made by hand on them is security drift,
    and the fix `diff --sql` prints makes the database clean again."""
    text = with_roles(CHANGED.replace('@writer: [select, insert]', '@reader: ["update (b)"]'), roles)
    project = Project(tmp_path, db_url)
    project.step(text)
    assert project.drift() == ()
    inspected = inspect_and_drift(project, DRIFT, roles, schemac)
    assert f"{roles['reader']}: [update (b)]" in inspected and "PUBLIC: [select]" in inspected, inspected
    assert ("v", None, "PUBLIC", "SELECT", False) in security_of(db_url, roles)["acl"]
    assert security_of(db_url, roles)["owners"]["m"] == "owner"
