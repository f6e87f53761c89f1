"""Extensions and their types round-trip; `inspect` needs no table privileges and writes nothing."""

from __future__ import annotations

from contextlib import contextmanager

import psycopg
import pytest
import yaml
from psycopg import conninfo, sql
from sqlx_project import apply_all

from schemac.migrations.apply import apply_files
from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.layout import Layout

from conftest import MAJORS

# An extension with a type of its own, per what each server ships (PG16 from pgserver has only vector).
CANDIDATES = [("citext", "citext", "'x'::citext"), ("vector", "vector(3)", None), ("hstore", "hstore", None)]


def _available(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM pg_available_extensions")}


def test_extension_and_its_type_round_trip(any_db_url, tmp_path):
    available = _available(any_db_url)
    choice = next((c for c in CANDIDATES if c[0] in available), None)
    if choice is None:
        pytest.skip(f"none of {[c[0] for c in CANDIDATES]} is available on this server")
    name, type_, default = choice
    default_line = f", default: \"{default}\"" if default else ""
    (tmp_path / "schema.yaml").write_text(
        f"extensions: [{name}]\ntables:\n  things:\n    columns:\n      id: {{type: integer, primary_key: true}}\n"
        f"      value: {{type: \"{type_}\"{default_line}}}\n")
    out = str(tmp_path / "generated")
    result = generate(str(tmp_path / "schema.yaml"), out)
    assert f"CREATE EXTENSION IF NOT EXISTS {name}" in result.sql.replace('"', "")
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        assert conn.execute("SELECT count(*) FROM pg_extension WHERE extname = %s", (name,)).fetchone()[0] == 1
    drift = check_drift(str(tmp_path / "schema.yaml"), any_db_url)
    assert drift.differences == (), drift.render("text")
    # and the extension's own functions and types are not listed as "not managed"
    assert not [u for u in drift.unmanaged if name in u.name]


def test_inspect_with_connect_only_role_in_read_only_session(server, db_url, schemac, tmp_path):
    role = "schemac_inspect_reader"
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE secret (id integer PRIMARY KEY, body text NOT NULL DEFAULT 'x')")
        conn.execute("CREATE VIEW secret_view AS SELECT id FROM secret")
        conn.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC")
        # the server's own deparse (16+ leave a lone table's columns unqualified, 15 writes `secret.id`)
        deparse = conn.execute("SELECT pg_get_viewdef('secret_view'::regclass)").fetchone()[0].strip().rstrip(";")
    with server.admin() as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        conn.execute(sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(sql.Identifier(role)))
    reader = conninfo.make_conninfo(db_url, user=role)
    try:
        with psycopg.connect(reader) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT * FROM secret")
        r = schemac("inspect", "--database-url", reader)
        assert r.returncode == 0, r.stderr
        assert "secret:" in r.stdout and "body: {type: text, nullable: false, default: \"'x'::text\"}" in r.stdout
        assert yaml.safe_load(r.stdout)["views"]["secret_view"]["query"] == deparse  # managed, read as the role can
        (tmp_path / "schema.yaml").write_text(r.stdout)
        assert schemac("diff", "--database-url", reader).returncode == 0
        r = schemac("inspect", "--database-url", reader, "--output", "schema.yaml")
        assert r.returncode == 2 and "already exists" in r.stderr  # never overwrites without --force
    finally:
        with server.admin() as conn:
            dbname = conninfo.conninfo_to_dict(db_url)["dbname"]
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def test_inspect_unreachable_is_exit_2_without_password(schemac):
    r = schemac("inspect", "--database-url", "postgresql://u:hunter2-secret@127.0.0.1:1/x", "--connect-timeout", "2")
    assert r.returncode == 2 and "hunter2" not in r.stdout + r.stderr and "Traceback" not in r.stderr


SAME_NAMES = """
CREATE SCHEMA sales;
CREATE SCHEMA billing;
CREATE TYPE sales.status AS ENUM ('open', 'closed');
CREATE TYPE billing.status AS ENUM ('due', 'paid');
CREATE DOMAIN sales.amount AS numeric(10,2) CHECK (VALUE >= 0);
CREATE DOMAIN billing.amount AS numeric(12,2) NOT NULL;
CREATE SEQUENCE sales.counter START 10;
CREATE SEQUENCE billing.counter INCREMENT 5;
CREATE TABLE sales.orders (id bigint PRIMARY KEY, state sales.status NOT NULL, total sales.amount);
CREATE TABLE billing.orders (id bigint PRIMARY KEY DEFAULT nextval('billing.counter'), state billing.status,
                             total billing.amount);
CREATE UNLOGGED TABLE sales.cache (k text COLLATE "C" PRIMARY KEY, v jsonb);
"""


def test_inspect_same_names_in_two_schemas_round_trip(server, schemac, tmp_path):
    """Two schemas each with an enum, a domain, a sequence and a table of one name: inspect keys them
    schema.name with a name: key (a YAML mapping cannot hold one key twice), and the file compiles back
    into the same database."""
    source, target = server.create_database(), server.create_database()
    try:
        with psycopg.connect(source, autocommit=True) as conn:
            conn.execute(SAME_NAMES)
        r = schemac("inspect", "--database-url", source, "--output", "schema.yaml", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
        assert "    unlogged: true\n" in text and "k: {type: text, collation: C, primary_key: true}" in text, text
        for key in ("sales.status", "billing.status", "sales.amount", "billing.amount", "sales.counter",
                    "billing.counter", "sales.orders", "billing.orders"):
            assert f"  {key}:" in text, text
        r = schemac("generate", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        apply_all(target, tmp_path / "generated")
        for url in (source, target):
            r = schemac("diff", "--database-url", url, cwd=tmp_path)
            assert r.returncode == 0, r.stdout + r.stderr
        again = schemac("inspect", "--database-url", target, cwd=tmp_path)
        assert again.stdout.split("\n", 1)[1] == text.split("\n", 1)[1]  # same YAML (past the header line)
    finally:
        server.drop_database(source)
        server.drop_database(target)


def test_inspect_names_the_types_it_does_not_manage(db_url, tmp_path):
    """Composite and range types of the inspected schemas are managed (composite_types:, range_types:);
    one of a schema not inspected that a column uses is listed under external_types, so the schema.yaml
    inspect writes loads (a misspelled type is an error)."""
    from schemac.commands.inspect import inspect_database
    from schemac.schemafile.load import load_text

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TYPE pair AS (a integer, b text)")
        conn.execute("CREATE TYPE floatrange AS RANGE (subtype = float8)")
        conn.execute("CREATE SCHEMA other")
        conn.execute("CREATE TYPE other.pair AS (a integer)")
        conn.execute("CREATE TABLE t (id integer PRIMARY KEY, p pair, r floatrange, rs floatrange[], o other.pair)")
    text = inspect_database(db_url, ("public",)).yaml
    assert "external_types: [other.pair]" in text, text
    assert "composite_types:\n  pair:\n    attributes: {a: integer, b: text}\n" in text, text
    assert "range_types:\n  floatrange: {subtype: double precision}\n" in text, text
    model = load_text(text, "schema.yaml")
    assert [c.type for c in model.tables[0].columns] == ["integer", "pair", "floatrange", "floatrange[]", "other.pair"]


def test_inspect_n_public_with_the_extension_in_a_schema_it_does_not_read(server, schemac, tmp_path):
    """`inspect -n public` of a database whose extension lives in `extensions` (Supabase's layout) writes the
    extension with that schema, which schema.yaml does not manage: the migration creates the schema if it is
    not there (Postgres refuses WITH SCHEMA a missing one), so it applies to an empty database; the rebuilt
    database holds the extension in that schema (pg_extension, the oracle), the column of its type, and no drift."""
    source, target = server.create_database(), server.create_database()
    try:
        choice = next((c for c in CANDIDATES if c[0] in _available(source)), None)
        if choice is None:
            pytest.skip(f"none of {[c[0] for c in CANDIDATES]} is available on this server")
        name, type_, _ = choice
        with psycopg.connect(source, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE SCHEMA extensions; CREATE EXTENSION {} WITH SCHEMA extensions; "
                                 "CREATE TABLE things (id integer PRIMARY KEY, value extensions.{})").format(
                sql.Identifier(name), sql.SQL(type_)))
        r = schemac("inspect", "--database-url", source, "-n", "public", "--output", "schema.yaml", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert "schema: extensions" in (tmp_path / "schema.yaml").read_text(encoding="utf-8")
        r = schemac("generate", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        with psycopg.connect(target, autocommit=True) as conn:
            apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
            assert conn.execute("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                                "WHERE e.extname = %s", (name,)).fetchone() == ("extensions",)
            assert conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                                "'things'::regclass AND attname = 'value'").fetchone()[0].startswith("extensions.")
        for url in (source, target):
            r = schemac("diff", "--database-url", url, cwd=tmp_path)
            assert r.returncode == 0, r.stdout + r.stderr
    finally:
        server.drop_database(source)
        server.drop_database(target)



# An extension's functions and their access lists (NULL read as the default it stands for, entries in one order).
_MEMBERS = ("SELECT p.oid::regprocedure::text, ARRAY(SELECT x::text FROM unnest(COALESCE(p.proacl, "
            "acldefault('f', p.proowner))) x ORDER BY 1) FROM pg_proc p JOIN pg_depend d ON d.classid = "
            "'pg_proc'::regclass AND d.objid = p.oid JOIN pg_extension e ON e.oid = d.refobjid WHERE d.deptype = 'e' "
            "AND e.extname = %s ORDER BY p.oid")


@contextmanager
def _extension_case(server, role: str, databases: int):
    """(an extension of CANDIDATES this server has, `databases` fresh databases) with `role` created; all dropped after."""
    dbs = [server.create_database() for _ in range(databases)]
    with server.admin() as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(role)))
    try:
        choice = next((c for c in CANDIDATES if c[0] in _available(dbs[0])), None)
        if choice is None:
            pytest.skip(f"none of {[c[0] for c in CANDIDATES]} is available on this server")
        yield choice[0], dbs
    finally:
        for db in dbs:
            server.drop_database(db)
        with server.admin() as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@contextmanager
def _created_on(major: str, role: str):
    """(an extension of CANDIDATES the `major` server has, created in the first of two fresh databases, both) with
    `role` created, as _extension_case; skipped where there is no such server."""
    from conftest import _server

    server = _server(major)
    if server is None:
        pytest.skip(f"no {major} server here")
    with _extension_case(server, role, 2) as (name, dbs):
        with psycopg.connect(dbs[0], autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE EXTENSION {}").format(sql.Identifier(name)))
        yield name, dbs


def _rebuilt_alike(schemac, tmp_path, source: str, target: str, name: str, expected: list,
                   oracle: str = _MEMBERS) -> None:
    """inspect `source`, generate, apply to the empty `target`: `oracle` (its extension's functions' access lists)
    reads `expected` there, and diff is clean on both."""
    r = schemac("inspect", "--database-url", source, "--output", "schema.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = schemac("generate", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    with psycopg.connect(target, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        assert conn.execute(oracle, (name,)).fetchall() == expected
    for url in (source, target):
        r = schemac("diff", "--database-url", url, cwd=tmp_path)
        assert r.returncode == 0, r.stdout + r.stderr


def test_grants_on_an_extensions_own_routines_round_trip(server, schemac, tmp_path):
    """A GRANT on an extension's own function and a REVOKE of PUBLIC's EXECUTE on another, made after CREATE
    EXTENSION (pg_dump writes them: GRANT ... ON FUNCTION public.st_union(geometry) TO a role, REVOKE SELECT ON
    spatial_ref_sys FROM PUBLIC) are written under the extension's grants, recreated by generate's migration on an
    empty database and compared by diff. The oracle: every member function's access list (pg_proc.proacl) in the
    rebuilt database equals the source's, and the two changed ones differ from the extension's initial lists."""
    role = "schemac_ext_grantee"
    with _extension_case(server, role, 3) as (name, (source, target, fresh)):
        with psycopg.connect(source, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE EXTENSION {}").format(sql.Identifier(name)))
            (first, _), (second, _) = conn.execute(_MEMBERS, (name,)).fetchall()[:2]
            conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION {} TO {}").format(sql.SQL(first), sql.Identifier(role)))
            conn.execute(sql.SQL("REVOKE EXECUTE ON FUNCTION {} FROM PUBLIC").format(sql.SQL(second)))
            changed = conn.execute("SELECT count(*) FROM pg_proc p LEFT JOIN pg_init_privs i ON i.objoid = p.oid AND "
                                   "i.classoid = 'pg_proc'::regclass WHERE COALESCE(p.proacl, acldefault('f', proowner))"
                                   " IS DISTINCT FROM COALESCE(i.initprivs, acldefault('f', proowner)) "
                                   "AND p.oid = ANY(%s::regprocedure[])", ([first, second],)).fetchone()[0]
            assert changed == 2
            expected = conn.execute(_MEMBERS, (name,)).fetchall()
        _rebuilt_alike(schemac, tmp_path, source, target, name, expected)
        assert "grants:" in (tmp_path / "schema.yaml").read_text(encoding="utf-8")
        with psycopg.connect(target, autocommit=True) as conn:  # and a grant the database lacks is drift
            conn.execute(sql.SQL("REVOKE EXECUTE ON FUNCTION {} FROM {}").format(sql.SQL(first), sql.Identifier(role)))
        r = schemac("diff", "--database-url", target, cwd=tmp_path)
        assert r.returncode != 0 and "grants on its own objects" in r.stdout, r.stdout + r.stderr
        # schema.yaml without the grants: the change revokes the grant and gives PUBLIC its EXECUTE back, so the
        # source's access lists become those a fresh CREATE EXTENSION leaves (a third database, the oracle)
        assert _without_grants(schemac, tmp_path, source, fresh, name) != expected


@pytest.mark.parametrize("major", MAJORS)
def test_default_privileges_in_force_at_create_extension_round_trip(major, schemac, tmp_path):
    """Default privileges set before CREATE EXTENSION reach the extension's functions as it creates them (pg_init_privs
    does not record them as initial); a migration creates the extension before its default privileges, so they are
    written as the extension's grants. The oracle: every member function's access list in the rebuilt
    database equals the source's, on each major."""
    from conftest import _server

    server = _server(major)
    if server is None:
        pytest.skip(f"no {major} server here")
    role = "schemac_ext_default_grantee"
    with _extension_case(server, role, 2) as (name, (source, target)):
        with psycopg.connect(source, autocommit=True) as conn:
            conn.execute(sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO {}").format(
                sql.Identifier(role)))
            conn.execute(sql.SQL("CREATE EXTENSION {}").format(sql.Identifier(name)))
            expected = conn.execute(_MEMBERS, (name,)).fetchall()
        assert expected and all(any(e.startswith(f"{role}=X") for e in acl) for _, acl in expected)
        _rebuilt_alike(schemac, tmp_path, source, target, name, expected)


def test_column_grants_on_an_extensions_table_are_listed_as_not_managed(schemac, tmp_path):
    """A column GRANT on an extension's own table (GRANT SELECT (srid) ON spatial_ref_sys) is not recreated: inspect
    lists the column as not managed rather than lose it silently. The oracle is pg_init_privs: an untouched
    PostGIS lists nothing; the one column whose access list then differs from its initial one is listed."""
    from conftest import _server

    from schemac.commands.inspect import inspect_database

    server = _server("pg15")  # the build here with PostGIS
    if server is None or "postgis" not in _available(server.url):
        pytest.skip("no server with PostGIS here")
    role = "schemac_ext_column_grantee"
    with _extension_case(server, role, 1) as (_, (db,)):
        kind = "extension column privileges"
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")
            assert not [u for u in inspect_database(db, ("public",)).schema.unmanaged if u.kind == kind]
            conn.execute(sql.SQL("GRANT SELECT (srid) ON public.spatial_ref_sys TO {}").format(sql.Identifier(role)))
            assert conn.execute("SELECT count(*) FROM pg_attribute a LEFT JOIN pg_init_privs i ON i.objoid = a.attrelid "
                                "AND i.objsubid = a.attnum WHERE a.attrelid = 'public.spatial_ref_sys'::regclass "
                                "AND a.attnum > 0 AND a.attacl IS DISTINCT FROM i.initprivs").fetchone()[0] == 1
            listed = [u.path for u in inspect_database(db, ("public",)).schema.unmanaged if u.kind == kind]
            assert listed == ["public.spatial_ref_sys.srid"], listed


def test_a_missing_extension_with_grants_is_one_difference(db_url, tmp_path):
    """An extension schema.yaml declares with grants and the database lacks is reported once, as missing (its
    grants come with it), not a second time as grants that differ."""
    choice = next((c for c in CANDIDATES if c[0] in _available(db_url)), None)
    if choice is None:
        pytest.skip(f"none of {[c[0] for c in CANDIDATES]} is available on this server")
    (tmp_path / "schema.yaml").write_text(f"extensions:\n  - name: {choice[0]}\n    grants:\n"
                                          "      ROUTINE public.f(): {revoke: {PUBLIC: [execute]}}\n")
    drift = check_drift(str(tmp_path / "schema.yaml"), db_url)
    assert [d.kind for d in drift.differences] == ["missing_extension"], drift.render("text")


def _without_grants(schemac, tmp_path, source: str, fresh: str, name: str, oracle: str = _MEMBERS) -> list:
    """schema.yaml without the extension's grants (or owners), generated and applied to `source`: `oracle`'s rows
    (its functions' access lists) are then those CREATE EXTENSION leaves in the empty `fresh` (returned)."""
    (tmp_path / "schema.yaml").write_text(f"extensions:\n  - {{name: {name}, schema: public}}\n")
    r = schemac("generate", "--name", "without_grants", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    with psycopg.connect(source, autocommit=True) as conn:
        apply_files(conn, Layout(str(tmp_path / "generated")).migrations())
        after = conn.execute(oracle, (name,)).fetchall()
    with psycopg.connect(fresh, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE EXTENSION {}").format(sql.Identifier(name)))
        assert after == conn.execute(oracle, (name,)).fetchall()
    return after


@contextmanager
def _role(server, name: str):
    """`name` created for the block and dropped after it (after the databases of an _extension_case inside it)."""
    with server.admin() as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {0}; CREATE ROLE {0}").format(sql.Identifier(name)))
    try:
        yield
    finally:
        with server.admin() as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def test_grant_option_and_grantor_on_an_extensions_routine_round_trip(server, schemac, tmp_path):
    """A GRANT ... WITH GRANT OPTION on an extension's own function, and the grant its grantee then made with that
    option (pg_dump: SET SESSION AUTHORIZATION), are recreated with both (they read as plain grants by the owner);
    schema.yaml without them takes them back in an order Postgres accepts (the grantee's grant before its option).
    The oracle: the member functions' access lists (pg_proc.proacl: grantor and `*`) as in the source, then as a
    fresh CREATE EXTENSION leaves them."""
    role, other = "schemac_ext_option", "schemac_ext_option_2"
    with _role(server, other), _extension_case(server, role, 3) as (name, (source, target, fresh)):
        with psycopg.connect(source, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE EXTENSION {}").format(sql.Identifier(name)))
            first = conn.execute(_MEMBERS, (name,)).fetchone()[0]
            conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION {0} TO {1} WITH GRANT OPTION; SET ROLE {1}; "
                                 "GRANT EXECUTE ON FUNCTION {0} TO {2}; RESET ROLE").format(
                sql.SQL(first), sql.Identifier(role), sql.Identifier(other)))
            expected = conn.execute(_MEMBERS, (name,)).fetchall()
        entries = {e for _, acl in expected for e in acl}
        assert any(e.startswith(f"{role}=X*/") for e in entries) and f"{other}=X/{role}" in entries, entries
        _rebuilt_alike(schemac, tmp_path, source, target, name, expected)
        _without_grants(schemac, tmp_path, source, fresh, name)


def test_grants_on_a_schema_an_extension_owns(server, schemac, tmp_path):
    """A schema an extension's script creates (pg_cron's `cron`; here one added to the extension, as a script does)
    is the extension's, left out of `schemas:`; a GRANT on it (Supabase: GRANT USAGE ON SCHEMA cron TO postgres WITH
    GRANT OPTION) is written under the extension's grants, and a database that lost it is drift that `diff --sql`
    makes good. The oracle: the schema's access list (pg_namespace.nspacl) before and after."""
    role = "schemac_ext_schema_grantee"
    acl = "SELECT nspacl::text[] FROM pg_namespace WHERE nspname = 'ext_member'"
    with _extension_case(server, role, 1) as (name, (db,)):
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE EXTENSION {0}; CREATE SCHEMA ext_member; ALTER EXTENSION {0} ADD SCHEMA "
                                 "ext_member; GRANT USAGE ON SCHEMA ext_member TO {1} WITH GRANT OPTION").format(
                sql.Identifier(name), sql.Identifier(role)))
            expected = conn.execute(acl).fetchone()
        assert any(e.startswith(f"{role}=U*/") for e in expected[0]), expected
        r = schemac("inspect", "--database-url", db, "--output", "schema.yaml", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        doc = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
        assert "SCHEMA ext_member" in doc and "name: ext_member" not in doc, doc
        assert schemac("diff", "--database-url", db, cwd=tmp_path).returncode == 0
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute(sql.SQL("REVOKE USAGE ON SCHEMA ext_member FROM {}").format(sql.Identifier(role)))
        r = schemac("diff", "--database-url", db, "--sql", cwd=tmp_path)
        assert r.returncode == 1 and "GRANT USAGE ON SCHEMA ext_member" in r.stdout, r.stdout + r.stderr
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute(r.stdout)
            assert conn.execute(acl).fetchone() == expected
        assert schemac("diff", "--database-url", db, cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("major", MAJORS)
def test_grants_on_an_extensions_foreign_data_wrapper_round_trip(major, schemac, tmp_path):
    """postgres_fdw's own wrapper granted on after CREATE EXTENSION (GRANT USAGE ON FOREIGN DATA WRAPPER postgres_fdw
    TO a role that may then create servers; pg_dump writes it), with the grant option and a grant its grantee made
    with it: written under the extension's grants, made again by generate's migration on an empty database, a
    database that lost it is drift that `diff --sql` makes good. Before, the wrapper's access list was neither read nor
    listed as not managed: the rebuilt database silently lacked it. The oracle: pg_foreign_data_wrapper.fdwacl."""
    from conftest import _server

    server = _server(major)
    if server is None:
        pytest.skip(f"no {major} server here")
    role, other = "schemac_fdw_user", "schemac_fdw_user_2"
    acl = "SELECT fdwacl::text[] FROM pg_foreign_data_wrapper WHERE fdwname = 'postgres_fdw'"
    with _role(server, role), _role(server, other):
        source, target = server.create_database(), server.create_database()
        try:
            if "postgres_fdw" not in _available(source):
                pytest.skip("this build has no postgres_fdw")
            with psycopg.connect(source, autocommit=True) as conn:
                conn.execute(sql.SQL("CREATE EXTENSION postgres_fdw; GRANT USAGE ON FOREIGN DATA WRAPPER postgres_fdw "
                                     "TO {0} WITH GRANT OPTION; SET ROLE {0}; GRANT USAGE ON FOREIGN DATA WRAPPER "
                                     "postgres_fdw TO {1}; RESET ROLE").format(sql.Identifier(role), sql.Identifier(other)))
                expected = conn.execute(acl).fetchone()
            assert f"{other}=U/{role}" in expected[0], expected
            assert schemac("inspect", "--database-url", source, "--output", "schema.yaml", cwd=tmp_path).returncode == 0
            assert "FOREIGN DATA WRAPPER postgres_fdw" in (tmp_path / "schema.yaml").read_text(encoding="utf-8")
            r = schemac("generate", cwd=tmp_path)
            assert r.returncode == 0, r.stderr
            with psycopg.connect(target, autocommit=True) as conn:
                apply_files(conn, Layout(str(tmp_path / "generated")).migrations(), record=False)
                assert conn.execute(acl).fetchone() == expected
                conn.execute(sql.SQL("REVOKE USAGE ON FOREIGN DATA WRAPPER postgres_fdw FROM {} CASCADE").format(
                    sql.Identifier(role)))
            r = schemac("diff", "--database-url", target, "--sql", cwd=tmp_path)
            assert r.returncode == 1 and "GRANT USAGE ON FOREIGN DATA WRAPPER postgres_fdw" in r.stdout, r.stdout + r.stderr
            with psycopg.connect(target, autocommit=True) as conn:
                conn.execute(r.stdout)
                assert conn.execute(acl).fetchone() == expected
            assert schemac("diff", "--database-url", target, cwd=tmp_path).returncode == 0
            assert schemac("diff", "--database-url", source, cwd=tmp_path).returncode == 0
        finally:
            server.drop_database(source)
            server.drop_database(target)


_ADDED_ACL = "SELECT relacl::text[] FROM pg_class WHERE oid = to_regclass('public.added_later')"


@pytest.mark.parametrize("major", MAJORS)
def test_grants_on_a_table_put_into_an_extension_by_hand(major, schemac, tmp_path):
    """A table of the database's own put into an extension by ALTER EXTENSION ... ADD TABLE (test_pg_dump's
    regress_pg_dump_table_added), its grants changed since: inspect writes them under the extension's grants, but
    CREATE EXTENSION does not make that table (nor does schema.yaml), so the migration failed on an empty database
    ('relation "public.added_later" does not exist'). Each member grant now runs where its object is there: on the empty
    database it is skipped with a WARNING naming it, and the grants on the script's own function are made (the oracle:
    the members' access lists, pg_proc.proacl, as the source's); where that table is there, its grants are made
    (pg_class.relacl as the source's)."""
    with _created_on(major, "schemac_ext_added") as (name, (source, target)):
        def added(conn):
            conn.execute(sql.SQL("CREATE TABLE added_later (c1 int); GRANT SELECT ON added_later TO schemac_ext_added; "
                                 "ALTER EXTENSION {} ADD TABLE added_later").format(sql.Identifier(name)))
        with psycopg.connect(source, autocommit=True) as conn:
            added(conn)
            conn.execute("REVOKE SELECT ON added_later FROM schemac_ext_added; "
                         "GRANT INSERT ON added_later TO schemac_ext_added")
            (first, _), = conn.execute(_MEMBERS, (name,)).fetchall()[:1]
            conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION {} TO schemac_ext_added").format(sql.SQL(first)))
            expected, table_acl = conn.execute(_MEMBERS, (name,)).fetchall(), conn.execute(_ADDED_ACL).fetchone()
        assert schemac("inspect", "--database-url", source, "--output", "schema.yaml", cwd=tmp_path).returncode == 0
        assert "TABLE public.added_later" in (tmp_path / "schema.yaml").read_text(encoding="utf-8")
        r = schemac("generate", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        migrations = Layout(str(tmp_path / "generated")).migrations()
        warnings: list[str] = []
        with psycopg.connect(target, autocommit=True) as conn:
            conn.add_notice_handler(lambda d: warnings.append(f"{d.severity_nonlocalized}: {d.message_primary}"))
            apply_files(conn, migrations, record=False)
            assert conn.execute(_MEMBERS, (name,)).fetchall() == expected
            assert conn.execute(_ADDED_ACL).fetchone() is None  # (no such table)
        assert [w for w in warnings if "TABLE public.added_later is not here" in w and w.startswith("WARNING")] and \
            len(warnings) == 2, warnings
        with psycopg.connect(target, autocommit=True) as conn:  # the table there (put into the extension by hand)
            conn.execute(sql.SQL("DROP EXTENSION {} CASCADE").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE EXTENSION {}").format(sql.Identifier(name)))
            added(conn)
            apply_files(conn, migrations, record=False)
            assert conn.execute(_ADDED_ACL).fetchone() == table_acl
            assert conn.execute(_MEMBERS, (name,)).fetchall() == expected
        assert schemac("diff", "--database-url", target, cwd=tmp_path).returncode == 0



_HAND_ADDED = ("SELECT c.relowner::regrole::text, obj_description(c.oid, 'pg_class'), col_description(c.oid, 1), "
               "p.proowner::regrole::text, p.proconfig::text[], p.procost::float8, obj_description(p.oid, 'pg_proc') "
               "FROM pg_class c, pg_proc p WHERE c.oid = to_regclass('public.added_later') "
               "AND p.oid = to_regprocedure('public.f_added()')")


@pytest.mark.parametrize("major", MAJORS)
def test_owners_settings_and_comments_of_members_put_into_an_extension_by_hand(major, schemac, tmp_path):
    """A table and a function of the database's own put into an extension by ALTER EXTENSION ... ADD, given another
    owner, a setting, a cost and comments since: inspect writes them under the extension's owners, settings and
    comments, and their ALTER ... OWNER TO, ALTER FUNCTION and COMMENT ON were bare statements, which failed the
    migration on an empty database ('function public.f_added() does not exist'), as the grants did. Each now runs where
    its object is there, else a WARNING naming it; where the objects are there (put into the extension by hand), the
    owners, settings and comments are the source's (the oracle: pg_class, pg_proc, pg_description), and generate's
    note still names the OWNER TO the migration runs."""
    with _created_on(major, "schemac_ext_added2") as (name, (source, target)):
        def added(conn):
            conn.execute(sql.SQL("CREATE TABLE added_later (c1 int); CREATE FUNCTION f_added() RETURNS int LANGUAGE sql "
                                 "AS 'select 1'; ALTER EXTENSION {0} ADD TABLE added_later; "
                                 "ALTER EXTENSION {0} ADD FUNCTION f_added()").format(sql.Identifier(name)))
        with psycopg.connect(source, autocommit=True) as conn:
            added(conn)
            for statement in ("ALTER TABLE added_later OWNER TO schemac_ext_added2",
                              "ALTER FUNCTION f_added() OWNER TO schemac_ext_added2",
                              "ALTER FUNCTION f_added() SET work_mem = '8MB'", "ALTER FUNCTION f_added() COST 7",
                              "COMMENT ON TABLE added_later IS 'by hand'", "COMMENT ON COLUMN added_later.c1 IS 'its c1'",
                              "COMMENT ON FUNCTION f_added() IS 'fn by hand'"):
                conn.execute(statement)
            expected = conn.execute(_HAND_ADDED).fetchall()
        assert expected == [("schemac_ext_added2", "by hand", "its c1", "schemac_ext_added2", ["work_mem=8MB"], 7.0,
                             "fn by hand")]
        assert schemac("inspect", "--database-url", source, "--output", "schema.yaml", cwd=tmp_path).returncode == 0
        assert "FUNCTION public.f_added(): fn by hand" in (tmp_path / "schema.yaml").read_text(encoding="utf-8")
        r = schemac("generate", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert "ALTER TABLE OWNER TO" in r.stderr and "schemac_ext_added2" in r.stderr, r.stderr
        migrations = Layout(str(tmp_path / "generated")).migrations()
        warnings: list[str] = []
        with psycopg.connect(target, autocommit=True) as conn:
            conn.add_notice_handler(lambda d: warnings.append(f"{d.severity_nonlocalized}: {d.message_primary}"))
            apply_files(conn, migrations, record=False)
            assert conn.execute(_HAND_ADDED).fetchall() == []  # (neither is there)
        skipped = [w for w in warnings if w.startswith("WARNING") and " is not here " in w]
        assert len(skipped) == 6 == len(warnings), warnings  # two owners, a setting, three comments
        with psycopg.connect(target, autocommit=True) as conn:  # both there (put into the extension by hand)
            conn.execute(sql.SQL("DROP EXTENSION {} CASCADE").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE EXTENSION {}").format(sql.Identifier(name)))
            added(conn)
            apply_files(conn, migrations, record=False)
            assert conn.execute(_HAND_ADDED).fetchall() == expected
        assert schemac("diff", "--database-url", target, cwd=tmp_path).returncode == 0
