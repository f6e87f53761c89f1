"""plan.unforced_rls: the migration's own backfill UPDATE, run by a table's non-superuser owner over FORCE ROW LEVEL
SECURITY, reaches the rows the policies hide from that owner (probe37b: SET NOT NULL then failed, 'column "v" of
relation "t" contains null values', on the row `USING (v IS NOT NULL)` hid). The oracle: the statements apply under
SET ROLE to the owner; the rows, read as superuser, hold no NULL; pg_attribute's attnotnull and pg_class's
relforcerowsecurity after them."""

import uuid

import psycopg
import pytest
from psycopg import sql

from conftest import rows_of

SETUP = """
CREATE TABLE t (id int PRIMARY KEY, v text);
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
ALTER TABLE t FORCE ROW LEVEL SECURITY;
CREATE POLICY p ON t USING (v IS NOT NULL);
INSERT INTO t VALUES (1, 'a'), (2, NULL);
"""


def test_a_not_null_backfill_by_the_owner_reaches_rows_forced_policies_hide(any_db_url):
    from schemac.model import Column, Table
    from schemac.plan import ddl
    from schemac.plan.column_ddl import nulls_given_the_default
    from schemac.plan.planner import render_sql

    owner = f"ur_owner_{uuid.uuid4().hex[:8]}"
    t = Table(name="t", columns=(Column(name="id", type="integer", nullable=False),
                                  Column(name="v", type="text", nullable=False, default="'x'::text")),
              row_level_security=True, force_row_level_security=True)
    statements = nulls_given_the_default(t, t.columns[1]) + [ddl.command("ALTER", "TABLE t ALTER COLUMN v SET NOT NULL")]
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(owner)))
        try:
            conn.execute(SETUP)
            conn.execute(sql.SQL("ALTER TABLE t OWNER TO {}").format(sql.Identifier(owner)))
            with conn.transaction():
                conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(owner)))
                conn.execute(render_sql(statements))
            rows = rows_of(any_db_url, "SELECT id, v FROM t ORDER BY id")
            state = rows_of(any_db_url, "SELECT a.attnotnull, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
                                        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'v' "
                                        "WHERE c.oid = 'public.t'::regclass")
        finally:
            conn.execute("DROP TABLE IF EXISTS t")
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(owner)))
    assert rows == [(1, "a"), (2, "x")]
    assert state == [(True, True, True)]


PARTITIONED = """
CREATE TABLE t (k int NOT NULL, v text) PARTITION BY RANGE (k);
CREATE TABLE t_default PARTITION OF t DEFAULT;
{more}
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
ALTER TABLE t FORCE ROW LEVEL SECURITY;
ALTER TABLE t_default ENABLE ROW LEVEL SECURITY;
ALTER TABLE t_default FORCE ROW LEVEL SECURITY;
CREATE POLICY p ON t USING (k < 0);
CREATE POLICY p ON t_default USING (k < 0);
ALTER TABLE t OWNER TO {owner};
ALTER TABLE t_default OWNER TO {owner};
"""


def _generated_and_applied_as(owner: str, a: str, tmp_path, old: str, new: str, rows: str) -> None:
    """`old` and then `rows` loaded into `a` (as superuser), `new` into a sibling database; inspect and generate each
    as a project would, and the second migration applied to `a` under SET ROLE `owner`."""
    from catalog_oracle import sibling_database
    from schemac.commands.generate import generate
    from schemac.commands.inspect import inspect_database
    from schemac.migrations.layout import Layout

    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    with psycopg.connect(a, autocommit=True) as conn:
        conn.execute(old)
        conn.execute(rows)
        schema.write_text(inspect_database(a).yaml, encoding="utf-8")
        assert generate(str(schema), out, name="old").status == "written"
        with sibling_database(a) as b:
            with psycopg.connect(b, autocommit=True) as other:
                other.execute(new)
            schema.write_text(inspect_database(b).yaml, encoding="utf-8")
        result = generate(str(schema), out, name="new", allow_destructive=True)
        assert result.status == "written", result.message
        with conn.transaction():
            conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(owner)))
            conn.execute(open(Layout(out).migrations()[-1].path, encoding="utf-8").read())


def test_a_partition_over_default_rows_moves_them_when_the_owner_runs_it_under_forced_rls(any_db_url, tmp_path):
    """A new range partition whose bound holds a row of the kept DEFAULT partition, the parent and the default both
    FORCE ROW LEVEL SECURITY with a policy hiding that row from their owner, generated and applied under SET ROLE
    to the owner (before: the move's DELETE left it in the default, 'updated partition constraint for default
    partition "t_default" would be violated by some row'). The rows, read as superuser, by partition."""
    owner = f"ur_owner_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {0} NOLOGIN; GRANT CREATE ON SCHEMA public TO {0}").format(
            sql.Identifier(owner)))
        try:
            made = (f"CREATE TABLE t_0 PARTITION OF t FOR VALUES FROM (0) TO (10); "
                    f"ALTER TABLE t_0 OWNER TO {owner};")
            _generated_and_applied_as(owner, any_db_url, tmp_path, PARTITIONED.format(more="", owner=owner),
                                      PARTITIONED.format(more=made, owner=owner), "INSERT INTO t VALUES (5, 'a'), (-1, 'b')")
            rows = rows_of(any_db_url, "SELECT tableoid::regclass::text, k, v FROM t ORDER BY k")
            forced = rows_of(any_db_url, "SELECT relname, relforcerowsecurity FROM pg_class "
                                         "WHERE relname IN ('t', 't_default', 't_0') ORDER BY relname")
        finally:
            conn.execute("DROP TABLE IF EXISTS t")
            conn.execute(sql.SQL("REVOKE CREATE ON SCHEMA public FROM {0}; DROP ROLE {0}").format(sql.Identifier(owner)))
    assert rows == [("t_default", -1, "b"), ("t_0", 5, "a")]
    assert forced == [("t", True), ("t_0", False), ("t_default", True)]


def test_a_backfill_waits_for_the_forced_rls_the_migration_lifts(any_db_url, tmp_path):
    """A column made NOT NULL with a default where the migration drops the table's only policy and disables and
    unforces its row-level security, applied under SET ROLE to the owner (before: the backfill ran while the table
    was still forced and no policy let a row through, 'column "v" of relation "t" contains null values'). The rows;
    pg_class's relrowsecurity and relforcerowsecurity after."""
    owner = f"ur_owner_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(owner)))
        try:
            _generated_and_applied_as(owner, any_db_url, tmp_path, SETUP.split("INSERT")[0] + f"ALTER TABLE t OWNER TO {owner};",
                                      f"CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL DEFAULT 'x'); "
                                      f"ALTER TABLE t OWNER TO {owner};", "INSERT INTO t VALUES (1, 'a'), (2, NULL)")
            rows = rows_of(any_db_url, "SELECT id, v FROM t ORDER BY id")
            state = rows_of(any_db_url, "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 't'")
        finally:
            conn.execute("DROP TABLE IF EXISTS t")
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(owner)))
    assert rows == [(1, "a"), (2, "x")]
    assert state == [(False, False)]


@pytest.mark.parametrize("was, key", [("int", "int DEFAULT nextval('s')"), ("int", "int GENERATED BY DEFAULT AS IDENTITY"),
                                      ("int GENERATED BY DEFAULT AS IDENTITY", "serial")],
                         ids=["default", "identity", "identity-made-serial"])
def test_a_sequence_moved_past_the_rows_by_the_owner_passes_rows_forced_policies_hide(any_db_url, tmp_path, was, key):
    """A key given DEFAULT nextval() of a new sequence (compare.sequence_feeds), an identity, or an identity made serial
    (a new sequence OWNED BY it: compare.types OWNS_VALUES), the table forcing row-level security
    with a policy hiding its furthest row from its owner, applied under SET ROLE to the owner (before: the setval's
    max() saw the rows the policy showed, the sequence stood at 1 under row 2 and the next INSERT failed 'duplicate
    key value violates unique constraint "t_pkey"'). pg_sequence_last_value, read as superuser; pg_class's
    relforcerowsecurity after."""
    owner = f"ur_owner_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {0} NOLOGIN; GRANT CREATE ON SCHEMA public TO {0}").format(
            sql.Identifier(owner)))
        try:
            old = SETUP.split("INSERT")[0] + f"ALTER TABLE t OWNER TO {owner};"
            _generated_and_applied_as(owner, any_db_url, tmp_path, old.replace("id int PRIMARY KEY", f"id {was} PRIMARY KEY"),
                                      (f"CREATE SEQUENCE s; ALTER SEQUENCE s OWNER TO {owner}; " if "'s'" in key else "")
                                      + old.replace("id int PRIMARY KEY", f"id {key} PRIMARY KEY"),
                                      "INSERT INTO t VALUES (1, 'a'), (2, NULL)")
            state = rows_of(any_db_url, "SELECT pg_sequence_last_value(COALESCE(pg_get_serial_sequence('t', 'id'), 's')::regclass), "
                                        "relforcerowsecurity FROM pg_class WHERE relname = 't'")
        finally:
            conn.execute("DROP TABLE IF EXISTS t; DROP SEQUENCE IF EXISTS s")
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(owner)))
            conn.execute(sql.SQL("REVOKE CREATE ON SCHEMA public FROM {0}; DROP ROLE {0}").format(sql.Identifier(owner)))
    assert state == [(2, True)]
