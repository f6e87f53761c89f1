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
import test_security
from catalog_oracle import sibling_database
from conftest import MAJORS
from test_views import test_loader_errors as views_loader_errors
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

roles = test_security.roles  # the fixture: three roles of the test's own, reader, writer, owner


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
    yield from _reader(db_url)


def _reader(db_url: str):
    """A role of the test's own (dropped after it), and the current user: (its name, the user's)."""
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
        apply_all(target, tmp_path / "generated")
        assert _default_acls(target) == expected
        for url in (db_url, target):
            r = schemac("diff", "--database-url", url, cwd=tmp_path)
            assert r.returncode == 0, r.stdout + r.stderr
    finally:
        server.drop_database(target)


EXTENSION_SCHEMA = """
    CREATE EXTENSION citext; CREATE SCHEMA cronlike; ALTER EXTENSION citext ADD SCHEMA cronlike;"""
# Which extension each schema belongs to (pg_depend 'e'): the oracle that the rebuilt schema is the extension's again.
MEMBER_SCHEMAS = """SELECT n.nspname::text, e.extname::text FROM pg_depend d JOIN pg_namespace n ON n.oid = d.objid
                    JOIN pg_extension e ON e.oid = d.refobjid
                    WHERE d.classid = 'pg_namespace'::regclass AND d.deptype = 'e' ORDER BY 1"""


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
@pytest.mark.parametrize("made_by_script", [False, True], ids=["schema-added", "schema-there"])
def test_default_privileges_in_an_extensions_schema(major_db, roles, made_by_script, schemac, tmp_path):
    """ALTER DEFAULT PRIVILEGES IN SCHEMA of a schema an extension owns (pg_cron's cron, here a schema added to citext):
    inspect read none (the extension's schemas are not the user's), so the rebuilt database lost them. Now written with
    `extension:`, set after CREATE EXTENSION: on a database where the extension's script made the schema
    (`schema-there`: made before the migration) and on one where it did not (`schema-added`: the migration makes it and
    adds it to the extension); the oracle: pg_default_acl and the schema's extension, as in the source database."""
    reader, writer = roles["reader"], roles["writer"]
    with psycopg.connect(major_db, autocommit=True) as conn:
        if conn.execute("SELECT FROM pg_available_extensions WHERE name = 'citext'").fetchone() is None:
            pytest.skip("this server has no citext extension")
        conn.execute(EXTENSION_SCHEMA + f'''
            ALTER DEFAULT PRIVILEGES IN SCHEMA cronlike GRANT SELECT ON TABLES TO "{reader}" WITH GRANT OPTION;
            ALTER DEFAULT PRIVILEGES FOR ROLE "{writer}" IN SCHEMA cronlike GRANT EXECUTE ON FUNCTIONS TO "{reader}"''')
    expected, members = _default_acls(major_db), _read_all(major_db, MEMBER_SCHEMAS)
    assert len(expected) == 2 and members == [("cronlike", "citext")], (expected, members)
    r = schemac("inspect", "--database-url", major_db, "--output", "schema.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = schemac("generate", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    with sibling_database(major_db) as target:
        with psycopg.connect(target, autocommit=True) as conn:
            if made_by_script:
                conn.execute(EXTENSION_SCHEMA)
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        assert _default_acls(target) == expected
        assert _read_all(target, MEMBER_SCHEMAS) == members
        for url in (major_db, target):
            r = schemac("diff", "--database-url", url, cwd=tmp_path)
            assert r.returncode == 0, r.stdout + r.stderr
    assert "schema: cronlike, extension: citext" in (tmp_path / "schema.yaml").read_text(encoding="utf-8")


def _read_all(url: str, query: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchall()


@pytest.mark.parametrize("body,where,message", [
    ("default_privileges:\n  - {role: r, objects: tables, schema: cron, extension: pg_cron, grants: {x: [select]}}\n",
     "2:57", "extension of default privileges of r on tables in schema cron must be an extension schema.yaml declares"),
    ("extensions: [pg_cron]\ndefault_privileges:\n  - {role: r, objects: tables, extension: pg_cron, grants: {}}\n",
     "3:43", "default privileges of r on tables: extension names the maker of a schema: give schema"),
])
def test_extension_of_default_privileges_loader_errors(body, where, message, tmp_path):
    views_loader_errors(body, where, message, tmp_path)


def test_a_new_view_revokes_all_from_an_owner_its_default_privileges_give_some(db_url, reader, tmp_path):
    """Default privileges of a role for the objects it makes giving it SELECT only (`REVOKE ALL ... FROM app; GRANT
    SELECT ... TO app`, the replaced list), then a view owned by that role that holds nothing on it: the plan revoked
    its defaults (ALL) and what the default privileges may give (SELECT) in one statement, `REVOKE SELECT, ALL ON
    TABLE v`, which is no SQL: the migration did not apply. The oracle: has_table_privilege of the owner."""
    name, _ = reader
    text = f"""\
default_privileges:
  - {{role: {name}, objects: tables, grants: {{{name}: [select]}}}}
tables:
  t:
    owner: {name}
    columns: {{id: integer}}
"""
    folder = str(tmp_path)
    _migrate(db_url, folder, text, 0)
    _migrate(db_url, folder, text + f"views:\n  v: {{query: SELECT id FROM t, owner: {name}, grants: {{{name}: []}}}}\n", 1)
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT has_table_privilege(%s, 'v', 'SELECT'), has_table_privilege(%s, 't', 'SELECT')",
                            (name, name)).fetchone() == (False, True)


PLATFORM = """ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO "{r}";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO "{r}";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO "{r}";
ALTER DEFAULT PRIVILEGES FOR ROLE "{admin}" IN SCHEMA public GRANT ALL ON TABLES TO CURRENT_USER, "{r}";
ALTER DEFAULT PRIVILEGES FOR ROLE "{admin}" IN SCHEMA public GRANT ALL ON FUNCTIONS TO CURRENT_USER, "{r}";"""
USER_PART = """CREATE TABLE t (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v text);
CREATE TABLE hidden (id int);
CREATE VIEW tv AS SELECT id FROM t;
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION g() RETURNS int LANGUAGE sql AS 'SELECT 2';
REVOKE ALL ON hidden, tv FROM "{r}";
GRANT SELECT ON tv TO "{r}";
REVOKE EXECUTE ON FUNCTION g() FROM PUBLIC, "{r}";"""
PRIVILEGES = """SELECT c.relname, has_table_privilege(%(r)s, c.oid, 'SELECT'), has_table_privilege(%(r)s, c.oid, 'INSERT')
                FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'S')
                  AND c.relname <> '_sqlx_migrations'
                UNION ALL SELECT p.proname, has_function_privilege(%(r)s, p.oid, 'EXECUTE'), NULL
                FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1"""


def test_a_first_migration_onto_a_platforms_default_privileges(db_url, roles, tmp_path):
    """Default privileges the database has before its first migration (a platform's: Supabase's postgres role grants
    anon, authenticated and service_role everything it makes in public), which schema.yaml declares too (inspect
    writes them): the first migration made its objects before setting them (on an empty database they are not yet in
    force), so on the platform's database each object got them from Postgres and kept what schema.yaml withholds
    (EXECUTE on g, SELECT on hidden, INSERT on tv): diff reported drift right after the migration. The plan now revokes
    what schema.yaml's default privileges may give a new object and schema.yaml does not (nothing, where they were not
    in force). The platform's other role (Supabase's supabase_admin) has default privileges granting the migration's
    role, which are not in force where another role runs the migration: revoking what they give would take the owner's
    own (REVOKE ... FROM postgres on every new object; diff: its owner holds no privilege). The oracle: has_*_privilege
    of the role on every object, equal to the source database's, on the platform's database and on an empty one, and
    diff (the owner's own privileges)."""
    name, admin = roles["reader"], roles["writer"]
    platform = PLATFORM.format(r=name, admin=admin)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(platform + USER_PART.format(r=name))
        expected = conn.execute(PRIVILEGES, {"r": name}).fetchall()
    assert [r for r in expected if r[0] in ("g", "hidden", "tv")] == [("g", False, None), ("hidden", False, False),
                                                                      ("tv", True, False)]
    schema = tmp_path / "schema.yaml"
    schema.write_text(inspect_database(db_url).yaml, encoding="utf-8")
    assert "default_privileges:" in schema.read_text(encoding="utf-8")
    out = str(tmp_path / "generated")
    assert generate(str(schema), out).status == "written"
    for made in (platform, ""):
        with sibling_database(db_url) as other:
            with psycopg.connect(other, autocommit=True) as conn:
                if made:
                    conn.execute(made)
                apply_files(conn, Layout(out).migrations())
                assert conn.execute(PRIVILEGES, {"r": name}).fetchall() == expected
            assert check_drift(str(schema), other).differences == ()


def test_a_later_table_keeps_its_owners_privileges_under_the_owners_own_defaults(db_url, tmp_path):
    """Default privileges IN SCHEMA app of the migration's own role that grant that role (pg_dump writes them where
    a role's list names itself: `ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT ALL ON TABLES TO CURRENT_USER`), then a
    later migration making a table there whose owner schema.yaml leaves to that role: the plan took the role's
    entries for another grantee's that schema.yaml does not give, and revoked them, the owner's own (REVOKE SELECT,
    ... ON TABLE app.x FROM postgres): the table was left without its owner's privileges (diff: missing ALL). The
    oracle: the owner's entries of relacl (a superuser passes has_table_privilege whatever the list holds)."""
    with psycopg.connect(db_url) as conn:
        me = conn.execute("SELECT current_user").fetchone()[0]
    text = f"""\
schemas: [app]
default_privileges:
  - {{role: {me}, objects: tables, schema: app, grants: {{{me}: [select, insert, update, delete, truncate, references,
      trigger]}}}}
"""
    folder = str(tmp_path)
    _migrate(db_url, folder, text, 0)
    _migrate(db_url, folder, text + "tables:\n  x:\n    schema: app\n    columns: {id: integer}\n", 1)
    with psycopg.connect(db_url) as conn:
        held = conn.execute("SELECT count(*) FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner)))"
                            " a WHERE c.oid = 'app.x'::regclass AND a.grantee = c.relowner").fetchone()[0]
    assert held >= 7


@pytest.fixture
def any_reader(any_db_url):
    """`reader` on each major: (the database's URL, (the role's name, the current user))."""
    yield from ((any_db_url, r) for r in _reader(any_db_url))


@pytest.mark.parametrize("table", ["t", "u"])
def test_an_identity_column_renamed_under_default_privileges_on_sequences(any_reader, tmp_path, table):
    """An identity column renamed (renamed_from; its table too, or not) while default privileges on sequences are in
    force: its sequence, which Postgres does not rename (`t_id_seq`), was taken for a new one under the new names
    and its defaults revoked from `t_ident_seq` / `u_ident_seq`: 'relation "u_ident_seq" does not exist', the
    migration did not apply (test_property_objects' random search on 15). Now compared under the name it has: the
    migration applies over rows, the sequence goes on, renamed as a fresh build names it (`t_ident_seq` /
    `u_ident_seq`: compare.identities.identity_sequences_named, prop47), and the reader holds on it what it held
    (nothing: made before the default privileges; a sequence made anew would have given it USAGE)."""
    db_url, (name, me) = any_reader
    folder = str(tmp_path)
    defaults = f"default_privileges:\n  - {{role: {me}, objects: sequences, grants: {{{name}: [usage]}}}}\n"
    _migrate(db_url, folder, defaults + "tables:\n  t: {columns: {id: {type: integer, identity: always}, v: text}}\n", 0)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO t (v) VALUES ('a'), ('b')")
    renamed = "" if table == "t" else ", renamed_from: t"
    _migrate(db_url, folder, defaults + f"tables:\n  {table}: {{columns: {{ident: {{type: integer, identity: always, "
                                        f"renamed_from: id}}, v: text}}{renamed}}}\n", 1)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f"INSERT INTO {table} (v) VALUES ('c')")
        assert conn.execute(f"SELECT ident, v FROM {table} ORDER BY ident").fetchall() == [(1, "a"), (2, "b"), (3, "c")]
        assert conn.execute(f"SELECT pg_get_serial_sequence('{table}', 'ident'), has_sequence_privilege(%s, "
                            f"pg_get_serial_sequence('{table}', 'ident'), 'USAGE')", (name,)).fetchone() \
            == (f"public.{table}_ident_seq", False)
