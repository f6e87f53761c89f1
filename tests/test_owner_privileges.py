"""An owner's own privileges, reduced (pg_dump writes `REVOKE ALL ON t FROM its_owner; GRANT SELECT ON t TO
its_owner;`), on tables, columns, views, sequences, functions, types, schemas and default privileges: inspect
writes them under the owner's name (the owner pinned), generate rebuilds them, diff compares them. The oracle
is SQL of its own: has_*_privilege for a role that is no superuser, and the owner's aclexplode() rows."""

from __future__ import annotations

import uuid

import psycopg
import pytest
import yaml
from catalog_oracle import sibling_database
from conftest import each_case_on_one_major
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

SQL = """
CREATE SCHEMA extra AUTHORIZATION {app};
REVOKE CREATE ON SCHEMA extra FROM {app};
CREATE TABLE t (id int PRIMARY KEY, note text);
ALTER TABLE t OWNER TO {app};
REVOKE ALL ON t FROM {app};
GRANT SELECT, UPDATE (note) ON t TO {app};
CREATE TABLE u (id int);
REVOKE INSERT ON u FROM CURRENT_USER;
CREATE TABLE kept (id int);
ALTER TABLE kept OWNER TO {app};
GRANT SELECT ON kept TO {app} WITH GRANT OPTION;
CREATE SEQUENCE s;
ALTER SEQUENCE s OWNER TO {app};
REVOKE UPDATE ON SEQUENCE s FROM {app};
CREATE VIEW v AS SELECT id FROM t;
ALTER VIEW v OWNER TO {app};
REVOKE ALL ON v FROM {app};
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1';
ALTER FUNCTION f() OWNER TO {app};
REVOKE ALL ON FUNCTION f() FROM PUBLIC, {app};
CREATE FUNCTION open_to_all() RETURNS int LANGUAGE sql AS 'select 2';
CREATE TYPE mood AS ENUM ('a', 'b');
ALTER TYPE mood OWNER TO {app};
REVOKE USAGE ON TYPE mood FROM {app};
ALTER DEFAULT PRIVILEGES FOR ROLE {app} REVOKE ALL ON TABLES FROM {app};
ALTER DEFAULT PRIVILEGES FOR ROLE {app} GRANT SELECT ON TABLES TO {app};
INSERT INTO u VALUES (1);
"""
# What the oracle asks of the owner (a role that is no superuser, so only its access lists answer).
CHECKS = {
    "t": "has_table_privilege(%(app)s, 't', '{}')", "v": "has_table_privilege(%(app)s, 'v', '{}')",
    "kept": "has_table_privilege(%(app)s, 'kept', '{}')",
    "note": "has_column_privilege(%(app)s, 't', 'note', '{}')", "s": "has_sequence_privilege(%(app)s, 's', '{}')",
}
TABLE = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def _oracle(url: str, app: str) -> dict:
    """What the owner may do, by has_*_privilege, and the owner's own access-list rows of every object."""
    out: dict = {}
    with psycopg.connect(url) as conn:
        for name, check in CHECKS.items():
            privileges = ("USAGE", "SELECT", "UPDATE") if name == "s" else ("SELECT", "UPDATE") if name == "note" \
                else TABLE
            out[name] = {p: conn.execute("SELECT " + check.format(p), {"app": app}).fetchone()[0] for p in privileges}
        out["f"] = conn.execute("SELECT has_function_privilege(%s, 'f()', 'EXECUTE'), "
                                "has_function_privilege('public', 'open_to_all()', 'EXECUTE')", (app,)).fetchone()
        out["mood"] = conn.execute("SELECT has_type_privilege(%s, 'mood', 'USAGE')", (app,)).fetchone()[0]
        out["extra"] = conn.execute("SELECT has_schema_privilege(%s, 'extra', 'USAGE'), "
                                    "has_schema_privilege(%s, 'extra', 'CREATE')", (app, app)).fetchone()
        out["acl"] = sorted(conn.execute("""
            SELECT c.relname, a.privilege_type, a.is_grantable FROM pg_class c,
                   aclexplode(coalesce(c.relacl, acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", c.relowner))) a
            WHERE c.relnamespace = 'public'::regnamespace AND a.grantee = c.relowner AND c.relname NOT LIKE '_sqlx%'
            UNION ALL SELECT p.proname, a.privilege_type, a.is_grantable
            FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
            WHERE p.pronamespace = 'public'::regnamespace
            UNION ALL SELECT d.defaclobjtype::text, a.privilege_type, a.is_grantable
            FROM pg_default_acl d, aclexplode(d.defaclacl) a WHERE a.grantee = d.defaclrole""").fetchall())
    return out


def _roles(url: str, *names: str):
    """Roles of this test's own (roles belong to the cluster), dropped afterwards with what they hold."""
    with psycopg.connect(url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE ROLE "{name}"')
    yield names
    with psycopg.connect(url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP OWNED BY "{name}"')
            conn.execute(f'DROP ROLE "{name}"')


@pytest.fixture
def app(request):
    for names in _roles(request.node.funcargs["major_db"], f"own_app_{uuid.uuid4().hex[:8]}"):
        yield names[0]


@pytest.fixture
def two(db_url):
    suffix = uuid.uuid4().hex[:8]
    yield from _roles(db_url, f"own_a_{suffix}", f"own_b_{suffix}")


@pytest.mark.parametrize("major_db", each_case_on_one_major([pytest.param(id="owner-privileges")]),
                         indirect=True)
def test_owner_privileges_rebuilt_and_compared(major_db, app, tmp_path):
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(SQL.format(app=app))
    original = _oracle(major_db, app)
    assert original["t"] == {p: p == "SELECT" for p in TABLE} and original["note"] == {"SELECT": True, "UPDATE": True}
    assert original["kept"] == {p: True for p in TABLE} and original["f"] == (False, True)
    assert original["s"] == {"USAGE": True, "SELECT": True, "UPDATE": False} and original["extra"] == (True, False)
    schema = tmp_path / "schema.yaml"
    schema.write_text(inspect_database(major_db).yaml, encoding="utf-8")
    doc = yaml.safe_load(schema.read_text())
    assert doc["tables"]["t"]["grants"] == {app: ["select", "update (note)"]}
    assert doc["tables"]["u"]["owner"] == "postgres" and "insert" not in doc["tables"]["u"]["grants"]["postgres"]
    assert doc["views"]["v"]["grants"] == {app: []} and doc["enums"]["mood"]["grants"] == {app: []}
    assert doc["functions"]["f"]["grants"] == {"PUBLIC": [], app: []} and "grants" not in doc["functions"]["open_to_all"]
    out = str(tmp_path / "generated")
    assert generate(str(schema), out).status == "written"
    with sibling_database(major_db) as other:
        apply_all(other, out)
        assert _oracle(other, app) == original
        assert check_drift(str(schema), other).differences == ()
        with psycopg.connect(other, autocommit=True) as conn:  # the owner's own privileges drift
            conn.execute(f'GRANT ALL ON t TO "{app}"; GRANT INSERT ON u TO CURRENT_USER; REVOKE SELECT ON kept FROM "{app}"')
        found = {(d.kind, d.name or d.table, d.expected, d.actual) for d in check_drift(str(schema), other).differences}
        t = "SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER" + (", MAINTAIN" if _maintain(other) else "")
        u = t.replace("INSERT, ", "")
        assert found == {("unexpected_privilege", "t", "SELECT, UPDATE (note)", t + ", UPDATE (note)"),
                         ("unexpected_privilege", "u", u, "ALL"),
                         ("missing_privilege", "kept", "SELECT WITH GRANT OPTION, " + t[8:], t[8:])}, found


def _maintain(url: str) -> bool:
    with psycopg.connect(url) as conn:
        return conn.info.server_version >= 170000


def test_owner_changed_hands_its_reduced_list_on(db_url, two, tmp_path):
    """ALTER TABLE ... OWNER TO hands the old owner's reduced list to the new owner: a migration that changes
    the owner and leaves the new one its defaults gives them back (GRANT ALL), over rows."""
    a, b = two
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    table = "tables:\n  t:\n    columns: {{id: integer}}\n    owner: {owner}\n{grants}"
    schema.write_text(table.format(owner=a, grants=f"    grants: {{{a}: [select]}}\n"))
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute("INSERT INTO t VALUES (1)")
    schema.write_text(table.format(owner=b, grants=""))
    assert generate(str(schema), out).status == "written"
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:])
        held = {r: [conn.execute(f"SELECT has_table_privilege(%s, 't', '{p}')", (r,)).fetchone()[0] for p in TABLE]
                for r in two}
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (1,)
    assert held == {a: [False] * len(TABLE), b: [True] * len(TABLE)}
    assert check_drift(str(schema), db_url).differences == ()
