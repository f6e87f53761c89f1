"""`generate --concurrently` and the widened search_path (plan.preamble.widened): a statement comparing with IS
DISTINCT FROM, NULLIF or a simple CASE runs where every schema holding an `=` is on the search_path, since Postgres
deparses them without the operator they call. A CREATE INDEX CONCURRENTLY is a file's only statement (sqlx runs a
`-- no-transaction` file as one query string, one implicit transaction if it held two), where no SET can go: such an
index is built in the migration's transaction instead, under that path, with a notice; the CHECK added NOT VALID there
is widened too. The oracle is pg_depend: the operators the index's predicate and the CHECK call, citext's in `ext`
(the role applying it has the default path, without `ext`: text's `=`, case-sensitive, was called before)."""

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


@pytest.mark.every_major
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
