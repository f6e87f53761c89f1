"""`generate --concurrently` and the widened search_path (plan.preamble.widened): a statement comparing with IS
DISTINCT FROM, NULLIF or a simple CASE runs where every schema holding an `=` is on the search_path, since Postgres
deparses them without the operator they call. A CREATE INDEX CONCURRENTLY is a file's only statement (sqlx runs a
`-- no-transaction` file as one query string, one implicit transaction if it held two), where no SET can go: such an
index is built in the migration's transaction instead, under that path, with a notice; the CHECK added NOT VALID there
is widened too. The oracle is pg_depend: the operators the index's predicate and the CHECK call, citext's in `ext`
(the role applying it has the default path, without `ext`: text's `=`, case-sensitive, was called before).
Likewise an index whose expression may name an extension's function bare (`nlevel(p)`, ltree in `ext`): found on the
migration's own search_path (public, ext), which its `-- no-transaction` file could not set. And an index holding a
date, time or interval constant: read in the zone and styles the migration's transaction sets (plan.session_pin)."""

from __future__ import annotations

import psycopg
import pytest
from conftest import migrated_then_described, rows_of

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

OLD = """CREATE SCHEMA ext; CREATE EXTENSION citext WITH SCHEMA ext;
CREATE TABLE users (id int PRIMARY KEY, email ext.citext, alt ext.citext);
INSERT INTO users VALUES (1, 'a@x.org', 'b@x.org'), (2, 'B@x.org', NULL), (3, 'c@x.org', 'C@X.ORG')"""
NEW = """CREATE SCHEMA ext; CREATE EXTENSION citext WITH SCHEMA ext;
SET search_path = public, ext;
CREATE TABLE users (id int PRIMARY KEY, email ext.citext, alt ext.citext,
  CONSTRAINT users_alt_differs CHECK (alt IS DISTINCT FROM email OR id = 3));
CREATE INDEX users_moved ON users (id) WHERE email IS DISTINCT FROM alt;
CREATE INDEX users_plain ON users (email);
RESET search_path"""

OPERATORS = """SELECT d.classid::regclass::text, o.oprnamespace::regnamespace::text FROM pg_depend d
               JOIN pg_operator o ON o.oid = d.refobjid AND d.refclassid = 'pg_operator'::regclass
               WHERE (d.classid = 'pg_class'::regclass AND d.objid = 'public.users_moved'::regclass)
                  OR (d.classid = 'pg_constraint'::regclass AND d.objid = (SELECT oid FROM pg_constraint
                                                                         WHERE conname = 'users_alt_differs'))
               ORDER BY 1"""


@pytest.mark.default_on("pg15")  # (no branch of its code path is a major's: spread over the majors, every major under -m slow); 16's build has no citext
def test_an_index_calling_an_equals_outside_the_path_is_built_widened_not_concurrently(any_db_url, tmp_path):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    if rows_of(any_db_url, "SELECT count(*) FROM pg_available_extensions WHERE name = 'citext'") == [(0,)]:
        pytest.skip("this build has no citext")
    with migrated_then_described(any_db_url, schema, out, OLD, NEW) as (b, old_files):
        expected = rows_of(b, OPERATORS)
    assert expected == [("pg_class", "ext"), ("pg_constraint", "ext")]  # (the oracle: built where ext is on the path)
    result = generate(str(schema), out, name="new", concurrently=True)
    assert result.status == "written", result.message
    assert [n.replace(str(schema), "schema.yaml") for n in result.notices if "users_moved" in n] == [
        "schema.yaml:15:7: index users_moved is built in the migration's transaction, not CONCURRENTLY: "
        "it compares with IS DISTINCT FROM, NULLIF or a simple CASE, whose `=` Postgres finds only on the search_path "
        "the migration widens for it (plan.preamble.widened), which a `-- no-transaction` file cannot set"], result.notices
    new_files = [m for m in Layout(out).migrations() if m.path not in old_files]
    texts = [open(m.path, encoding="utf-8").read() for m in new_files]
    assert [t.startswith("-- no-transaction") for t in texts] == [False, True, False], result.sql  # main, users_plain, validate
    assert "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_plain" in texts[1]
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, new_files, record=False)
        assert conn.execute(OPERATORS).fetchall() == expected, result.sql
    assert check_drift(str(schema), any_db_url).differences == ()


def _applied_over_rows(url: str, schema, out: str, text: str, rows: str) -> set:
    """schema.yaml `text` generated and applied to `url`, then `rows` inserted: the paths of its migration files."""
    schema.write_text(text, encoding="utf-8")
    assert generate(str(schema), out, name="old").status == "written"
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations())
        conn.execute(rows)
    return {m.path for m in Layout(out).migrations()}


def _generated_online(url: str, tmp_path, base: str, rows: str, added: str) -> tuple[list[str], list, str, str]:
    """schema.yaml `base` applied to `url` over `rows`, then `added` to it and `generate --concurrently`: its notices
    (schema.yaml named so), its new migration files, schema.yaml's path and the output directory."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    old_files = _applied_over_rows(url, schema, out, base, rows)
    schema.write_text(base + added, encoding="utf-8")
    result = generate(str(schema), out, name="new", concurrently=True)
    assert result.status == "written", result.message
    return ([n.replace(str(schema), "schema.yaml") for n in result.notices],
            [m for m in Layout(out).migrations() if m.path not in old_files], str(schema), out)

EXTENSION_PATH = """
schemas: [{name: ext}]
extensions: [{name: ltree, schema: ext}]
tables:
  t:
    columns: {id: {type: integer, primary_key: true}, p: ltree}
"""


@pytest.mark.parametrize("major_db", ["pg18", "pg15"], indirect=True)
def test_an_index_naming_an_extensions_function_bare_is_built_in_the_transaction(major_db, tmp_path):
    """An index over `nlevel(p)` added to an existing table, ltree in a schema of its own: the function is found on
    the search_path the migration sets (public, ext), which the `-- no-transaction` file of a CREATE INDEX
    CONCURRENTLY cannot set ("function nlevel(ext.ltree) does not exist" there): it is built in the migration's
    transaction, with a notice, and an index without expressions still CONCURRENTLY."""
    notices, new_files, schema, out = _generated_online(
        major_db, tmp_path, EXTENSION_PATH, "INSERT INTO t VALUES (1, 'a.b'), (2, 'a')",
        "    indexes:\n      t_depth: {columns: [{expression: nlevel(p)}]}\n      t_p: {columns: [p]}\n")
    assert notices == [
        "schema.yaml:8:7: index t_depth is built in the migration's transaction, not CONCURRENTLY: its expressions "
        "may name an extension's objects bare, which Postgres finds only on the search_path the migration sets "
        "(public, ext), which a `-- no-transaction` file cannot set"], notices
    texts = [open(m.path, encoding="utf-8").read() for m in new_files]
    # (the last: the validating file, which checks that t_p was built valid)
    assert [t.startswith("-- no-transaction") for t in texts] == [False, True, False], texts
    assert "SET LOCAL search_path = public, ext;" in texts[0], texts[0]
    assert "CREATE INDEX IF NOT EXISTS t_depth" in texts[0], texts[0]
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, new_files)
    assert check_drift(schema, major_db, out_dir=out).differences == ()


CALLED = """schemas: [util]
functions:
  clean: {schema: util, arguments: s text, returns: text, volatility: immutable, language: sql, body: SELECT btrim($1)}
  norm: {schema: util, arguments: s text, returns: text, volatility: immutable, language: sql,
         body: SELECT lower(clean($1))}
tables:
  t:
    columns: {id: {type: integer, primary_key: true}, name: text}
"""


@pytest.mark.parametrize("major_db", ["pg18", "pg15"], indirect=True)
def test_a_check_and_an_index_calling_another_schemas_function_under_concurrently(major_db, tmp_path):
    """A CHECK and an index over `util.norm(name)`, whose SQL body names util's `clean` bare, added to a table with
    rows under `--concurrently`: the VALIDATE file computes the CHECK over the rows under the path widened with util,
    as the main file does a plain ADD CONSTRAINT's (it had the pinned path alone: "function clean(text) does not
    exist" when the body was inlined); the index went to a `-- no-transaction` file, where no path can be set: it is
    built in the migration's transaction, widened, with a notice. (PostgreSQL 17 and later build an index with the path
    `pg_catalog, pg_temp` whatever the session's: there only the CHECK.)"""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    old_files = _applied_over_rows(major_db, schema, out, CALLED, "INSERT INTO t VALUES (1, ' A '), (2, 'b')")
    with psycopg.connect(major_db) as conn:
        before_17 = conn.info.server_version < 170000
    added = "    checks: {t_norm_ok: util.norm(name) <> ''}\n" + (
        "    indexes: {t_norm: {columns: [{expression: util.norm(name)}]}}\n" if before_17 else "")
    schema.write_text(CALLED + added, encoding="utf-8")
    result = generate(str(schema), out, name="new", concurrently=True)
    assert result.status == "written", result.message
    assert [n.replace(str(schema), "schema.yaml") for n in result.notices] == [
        "schema.yaml:10:15: index t_norm calls util.norm, whose body names clean (util) bare and sets no search_path: "
        "PostgreSQL 17 and later compute it (CREATE INDEX, REINDEX, REFRESH MATERIALIZED VIEW, ANALYZE) with the "
        "search_path pg_catalog, pg_temp, where it is not found (the migration lends it a path while it builds it; "
        "REINDEX and ANALYZE after fail); give util.norm `set: {search_path: util}` or name the schema in its body",  # (plan.maintenance_path: tests/test_restricted_path.py)
        "schema.yaml:10:15: index t_norm is built in the migration's transaction, not CONCURRENTLY: it calls functions "
        "of util, whose bodies may name their schema's objects bare, which Postgres finds only on the search_path the "
        "migration widens for it (plan.preamble.widened), which a `-- no-transaction` file cannot set"
    ][:2 * int(before_17)], result.notices
    new_files = [m for m in Layout(out).migrations() if m.path not in old_files]
    assert not any(open(m.path, encoding="utf-8").read().startswith("-- no-transaction") for m in new_files)
    with psycopg.connect(major_db, autocommit=True) as conn:
        apply_files(conn, new_files)
        assert conn.execute("SELECT convalidated FROM pg_constraint WHERE conname = 't_norm_ok'").fetchone() == (True,)
    assert check_drift(str(schema), major_db, out_dir=out).differences == ()


DATED = """
tables:
  t:
    columns: {id: {type: integer, primary_key: true}, ts: timestamptz}
"""


def test_an_index_holding_a_date_constant_is_built_where_the_zone_is_set(db_url, tmp_path):
    """A partial index `WHERE ts > '2024-01-01 00:00'` added to a table with rows under `--concurrently`: its
    `-- no-transaction` file cannot SET the zone the constant is read in (plan.session_pin), and applied by a session
    in Asia/Tokyo stored `'2023-12-31 15:00:00+00'`: it is built in the migration's transaction, with a notice.
    Oracle: Postgres's own print of the stored predicate, read in UTC."""
    notices, new_files, schema, out = _generated_online(
        db_url, tmp_path, DATED, "INSERT INTO t VALUES (1, '2024-06-01 00:00+00')",
        "    indexes:\n      t_recent: {columns: [id], where: \"ts > '2024-01-01 00:00'\"}\n"
        "      t_ts: {columns: [ts]}\n")
    assert notices == [
        "schema.yaml:6:7: index t_recent is built in the migration's transaction, not CONCURRENTLY: it holds a date, "
        "time or interval constant, which Postgres reads in the applying session's TimeZone, DateStyle and "
        "IntervalStyle, which the migration's transaction sets (plan.session_pin), which a `-- no-transaction` file "
        "cannot set"], notices
    assert [open(m.path, encoding="utf-8").read().startswith("-- no-transaction") for m in new_files] == [
        False, True, False]  # (the last: the validating file, which checks that t_ts was built valid)
    with psycopg.connect(db_url, autocommit=True, options="-c TimeZone=Asia/Tokyo") as conn:
        apply_files(conn, new_files)
    with psycopg.connect(db_url, options="-c TimeZone=UTC") as conn:
        stored = conn.execute("SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = "
                              "'t_recent'::regclass").fetchall()
    assert stored == [("(ts > '2024-01-01 00:00:00+00'::timestamp with time zone)",)], stored
    assert check_drift(schema, db_url, out_dir=out).differences == ()
