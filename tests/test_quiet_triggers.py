"""plan.quiet_triggers under a role that owns the parent but not every child: the migration's backfill UPDATE through
an INHERITS parent quiets the triggers of the tables the role owns and leaves another role's child as it was (its
trigger fires, as before), rather than fail the migration on ALTER TABLE ... DISABLE TRIGGER ('must be owner of
table'). A member of the child's owner without its privileges (NOINHERIT, or 16+'s grant WITH INHERIT FALSE), which may
SET ROLE to it, quiets the child's trigger too, as that role (plan.lent_roles). The oracle: the statements apply under
SET ROLE (SET SESSION AUTHORIZATION for the member), the rows' `touched` values, pg_trigger's states after."""

import psycopg
import pytest

from conftest import member_without_inheriting, own, rows_of, run_as, two_roles

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


@pytest.mark.parametrize("member", [False, True], ids=["not-a-member", "member-without-inheriting"])
def test_a_backfill_through_a_parent_leaves_another_roles_child_as_it_was(any_db_url, member):
    from schemac.model import Table
    from schemac.plan import ddl
    from schemac.plan.planner import render_sql
    from schemac.plan.quiet_triggers import untriggered

    statements = untriggered(Table(name="p"), [ddl.command("UPDATE", "p SET a = 0 WHERE a IS NULL")],
                             over_children=True)
    with psycopg.connect(any_db_url, autocommit=True) as conn, two_roles(conn, "qt") as (app, other):
        try:
            conn.execute(SETUP)
            own(conn, app, "p", "mine")
            own(conn, other, "theirs")
            if member:
                member_without_inheriting(conn, app, other)
            # (the member logs in as app: no role set, which the DO blocks set again after the child's)
            role = run_as(conn, app, render_sql(statements), login=member)
            rows = rows_of(any_db_url, "SELECT tableoid::regclass::text, id, a, touched::text FROM p ORDER BY id")
            states = rows_of(any_db_url, "SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal "
                                         "ORDER BY tgname")
        finally:
            conn.execute("DROP TABLE p CASCADE; DROP FUNCTION touch()")
    assert role == (app, "none" if member else app)
    assert rows == [("p", 1, 0, "2020-01-01"), ("mine", 2, 0, "2020-01-02"),
                    ("theirs", 3, 0, "2020-01-03" if member else "2099-01-01")]
    assert states == [("mine_touch", "A"), ("theirs_touch", "O")]
