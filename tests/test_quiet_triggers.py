"""plan.quiet_triggers under a role that owns the parent but not every child: the migration's backfill UPDATE through
an INHERITS parent quiets the triggers of the tables the role owns and leaves another role's child as it was (its
trigger fires, as before), rather than fail the migration on ALTER TABLE ... DISABLE TRIGGER ('must be owner of
table'). The oracle: the statements apply under SET ROLE, the rows' `touched` values, pg_trigger's states after."""

import uuid

import psycopg
from psycopg import sql

from conftest import rows_of

SETUP = """
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := '2099-01-01'; RETURN NEW; END $$;
CREATE TABLE p (id int, a int, touched date);
CREATE TABLE mine () INHERITS (p);
CREATE TABLE theirs () INHERITS (p);
CREATE TRIGGER mine_touch BEFORE UPDATE ON mine FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER theirs_touch BEFORE UPDATE ON theirs FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE mine ENABLE ALWAYS TRIGGER mine_touch;
INSERT INTO p VALUES (1, NULL, '2020-01-01');
INSERT INTO mine VALUES (2, NULL, '2020-01-02');
INSERT INTO theirs VALUES (3, NULL, '2020-01-03');
"""


def test_a_backfill_through_a_parent_leaves_another_roles_child_as_it_was(any_db_url):
    from schemac.model import Table
    from schemac.plan import ddl
    from schemac.plan.planner import render_sql
    from schemac.plan.quiet_triggers import untriggered

    app, other = (f"qt_{w}_{uuid.uuid4().hex[:8]}" for w in ("app", "other"))
    statements = untriggered(Table(name="p"), [ddl.command("UPDATE", "p SET a = 0 WHERE a IS NULL")],
                             over_children=True)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {0} NOLOGIN; CREATE ROLE {1} NOLOGIN").format(
            sql.Identifier(app), sql.Identifier(other)))
        try:
            conn.execute(SETUP)
            conn.execute(sql.SQL("ALTER TABLE p OWNER TO {0}; ALTER TABLE mine OWNER TO {0}; "
                                 "ALTER TABLE theirs OWNER TO {1}").format(sql.Identifier(app), sql.Identifier(other)))
            with conn.transaction():
                conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(app)))
                conn.execute(render_sql(statements))
            rows = rows_of(any_db_url, "SELECT tableoid::regclass::text, id, a, touched::text FROM p ORDER BY id")
            states = rows_of(any_db_url, "SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal "
                                         "ORDER BY tgname")
        finally:
            conn.execute("DROP TABLE p CASCADE; DROP FUNCTION touch()")
            conn.execute(sql.SQL("DROP ROLE {0}; DROP ROLE {1}").format(sql.Identifier(app), sql.Identifier(other)))
    assert rows == [("p", 1, 0, "2020-01-01"), ("mine", 2, 0, "2020-01-02"), ("theirs", 3, 0, "2099-01-01")]
    assert states == [("mine_touch", "A"), ("theirs_touch", "O")]
