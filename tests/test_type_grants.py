"""Grants (USAGE) and owners of enums, domains, composite and range types on real servers: the loader's
errors; each change generated, applied over rows and diffed clean, with an enum re-created by the
migration (a value removed: set aside and created again) getting its grants and owner back in that same
migration; drift made by hand (GRANT USAGE ... TO PUBLIC after its REVOKE) reported as security drift;
inspect writing the grants back. Judged by this file's own SQL over pg_type.typacl and typowner, against
the privileges written out by hand and the same schema.yaml built from scratch in a sibling database."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import sibling_database
from conftest import each_case_on_one_major
from test_view_grants import inspect_and_drift, roles, with_roles  # noqa: F401  (roles: the fixture)
from test_views import Project
from test_views import test_loader_errors as views_loader_errors

# The oracle: every entry of the types' access lists (Postgres's default where NULL), and their owners.
ACL_SQL = """
SELECT t.typname::text, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
       a.privilege_type, a.is_grantable
FROM pg_type t LEFT JOIN pg_class c ON c.oid = t.typrelid,
     aclexplode(coalesce(t.typacl, acldefault('T', t.typowner))) a
WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'r', 'c') AND (t.typtype <> 'c' OR c.relkind = 'c')
  AND a.grantee <> t.typowner
ORDER BY 1, 2, 3, 4
"""
OWNERS_SQL = """SELECT t.typname::text, t.typowner::regrole::text FROM pg_type t
                WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'r') ORDER BY 1"""


def security_of(url: str, roles: dict[str, str]) -> dict:
    back = {v: k for k, v in roles.items()}
    with psycopg.connect(url) as conn:
        return {"acl": [tuple(back.get(v, v) for v in row) for row in conn.execute(ACL_SQL)],
                "owners": {r[0]: back.get(r[1], "other") for r in conn.execute(OWNERS_SQL)}}


@pytest.mark.parametrize("body,where,message", [
    ("enums:\n  e: {values: [a], grants: {r: [select]}}\n", "2:33", "privilege of grants to r on enum 'e' must be one of usage"),
    ("domains:\n  d: {type: int, owner: PUBLIC}\n", "2:25", "owner of domain 'd' must be a role, not PUBLIC"),
    ("composite_types:\n  c: {attributes: {a: int}, grant: {r: [usage]}}\n", "2:29", "unknown key 'grant'"),
    ("range_types:\n  r: {subtype: int4, grants: {r: [\"usage (a)\"]}}\n", "2:35", "only a table's privileges name columns"),
])
def test_loader_errors(body, where, message, tmp_path):
    views_loader_errors(body, where, message, tmp_path)


TYPES = """\
enums:
  mood: {values: VALUES, owner: @owner, grants: G_MOOD}
domains:
  pos: {type: integer, checks: {positive: VALUE > 0}, grants: G_POS}
composite_types:
  pair: {attributes: {a: integer, b: text}, grants: G_PAIR}
range_types:
  floatrange: {subtype: float8, owner: @owner, grants: G_RANGE}
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      m: mood
      p: pos
"""


def _text(values: str, mood: str, pos: str, pair: str, range_: str) -> str:
    return TYPES.replace("VALUES", values).replace("G_MOOD", mood).replace("G_POS", pos).replace("G_PAIR", pair) \
        .replace("G_RANGE", range_)


BASE = _text("[a, b, c]", "{PUBLIC: [], @reader: [usage]}", "{@writer: [usage]}", "{PUBLIC: []}", "{}")
# b removed: the enum is set aside and created again under its column, and must get its grants and owner back
REBUILT = BASE.replace("[a, b, c]", "[a, c]")
CHANGED = _text("[a, b, c]", "{@writer: [usage]}", "{PUBLIC: []}",
                "{@reader: {privileges: [usage], with_grant_option: true}}", "{PUBLIC: []}")
EXPECTED = {
    "rebuilt": [("mood", "reader", "USAGE", False), ("pos", "PUBLIC", "USAGE", False),
                ("pos", "writer", "USAGE", False), ("floatrange", "PUBLIC", "USAGE", False)],
    "changed": [("mood", "PUBLIC", "USAGE", False), ("mood", "writer", "USAGE", False),
                ("pair", "PUBLIC", "USAGE", False), ("pair", "reader", "USAGE", True)],
}
CASES = [pytest.param(BASE, REBUILT, "rebuilt", id="enum-rebuilt"), pytest.param(BASE, CHANGED, "changed", id="changed"),
         pytest.param(CHANGED, BASE, "base", id="changed-back")]
EXPECTED["base"] = EXPECTED["rebuilt"]


@pytest.mark.parametrize("major_db,old,new,expected", each_case_on_one_major(CASES), indirect=["major_db"])
def test_type_grants_round_trip(major_db, old, new, expected, roles, tmp_path):
    """old -> apply -> rows in -> new -> apply over them -> diff clean; the oracle reads what EXPECTED says,
    the owners schema.yaml pins, and the same as new built from scratch; the rows are kept."""
    old, new = with_roles(old, roles), with_roles(new, roles)
    project = Project(tmp_path / "project", major_db)
    project.step(old)
    assert project.drift() == ()
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("INSERT INTO t VALUES (1, 'a', 1), (2, 'c', 2)")
    sql = project.step(new)
    if expected == "rebuilt":  # the trap: the enum was created again by this very migration
        assert "CREATE TYPE" in sql, sql
    assert project.drift() == ()
    actual = security_of(major_db, roles)
    assert actual["acl"] == sorted(EXPECTED[expected])
    assert actual["owners"]["mood"] == "owner" and actual["owners"]["floatrange"] == "owner"
    with sibling_database(major_db) as other:
        Project(tmp_path / "scratch", other).step(new)
        assert security_of(other, roles)["acl"] == actual["acl"]
    with psycopg.connect(major_db) as conn:
        assert conn.execute("SELECT m::text FROM t ORDER BY id").fetchall() == [("a",), ("c",)]


DRIFT = [
    ("GRANT USAGE ON TYPE mood TO PUBLIC", "unexpected_public_privilege", "mood"),
    ('REVOKE USAGE ON DOMAIN pos FROM "@writer"', "missing_privilege", "pos"),
    ("GRANT USAGE ON TYPE floatrange TO \"@reader\"", "unexpected_privilege", "floatrange"),
    ("ALTER TYPE floatrange OWNER TO CURRENT_USER", "owner_changed", "floatrange"),
]


def test_type_grant_drift(db_url, roles, tmp_path, schemac):
    """inspect writes the types' grants back (diffs clean); drift made by hand on them is security drift,
    and the fix `diff --sql` prints makes the database clean again."""
    project = Project(tmp_path, db_url)
    project.step(with_roles(BASE, roles))
    inspected = inspect_and_drift(project, DRIFT, roles, schemac)
    assert "PUBLIC: []" in inspected and f"{roles['reader']}: [usage]" in inspected, inspected
    assert security_of(db_url, roles)["acl"] == sorted(EXPECTED["base"])
    assert security_of(db_url, roles)["owners"]["floatrange"] == "owner"
