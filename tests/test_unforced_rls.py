"""plan.unforced_rls: the migration's own backfill UPDATE, run by a table's non-superuser owner over FORCE ROW LEVEL
SECURITY, reaches the rows the policies hide from that owner (probe37b: SET NOT NULL then failed, 'column "v" of
relation "t" contains null values', on the row `USING (v IS NOT NULL)` hid). The oracle: the statements apply under
SET ROLE to the owner; the rows, read as superuser, hold no NULL; pg_attribute's attnotnull and pg_class's
relforcerowsecurity after them."""

import uuid

import psycopg
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
