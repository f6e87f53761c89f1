"""plan.published_fills under a role that owns the table and one of its publications, not the other: the migration's
backfill UPDATE of a table without a replica identity that a column list's publication (the role's) and a FOR ALL
TABLES one (a superuser's, which the role cannot alter) publish UPDATEs of. Postgres refuses the UPDATE ('does not
have a replica identity and publishes updates'); REPLICA IDENTITY FULL alone would not do ('Column list used by the
publication does not cover the replica identity'). The role's publication publishes no UPDATEs around it, the table
has FULL for the other's, and both are as they were after. The oracle: the statements apply under SET ROLE,
pg_publication's and pg_class's flags after, the rows."""

import uuid

import psycopg
import pytest
from psycopg import sql

from conftest import member_without_inheriting, own, rows_of, run_as, two_roles

SETUP = """
CREATE TABLE p (id int, a int, b int);
CREATE PUBLICATION everything FOR ALL TABLES WITH (publish = 'update, truncate');
INSERT INTO p VALUES (1, NULL, 2), (2, 3, NULL);
"""


def _backfill(publishes: bool, table: str = "p") -> str:
    from schemac.model import Table
    from schemac.plan import ddl
    from schemac.plan.planner import render_sql
    from schemac.plan.quiet_triggers import untriggered

    return render_sql(untriggered(Table(name=table), [ddl.command("UPDATE", f"{table} SET a = 0 WHERE a IS NULL")],
                                  publishes=publishes))


def _as(conn: psycopg.Connection, role: str, statement: str) -> None:
    """`statement` run in a transaction of its own under SET LOCAL ROLE `role`."""
    with conn.transaction():
        conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
        conn.execute(statement)


def test_a_backfill_of_a_table_two_publications_publish_applies_and_leaves_them_as_they_were(any_db_url):
    app = f"pf_app_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {0} NOLOGIN").format(sql.Identifier(app)))
        try:
            conn.execute(SETUP)
            conn.execute(sql.SQL("ALTER TABLE p OWNER TO {0}; GRANT CREATE ON DATABASE {1} TO {0}").format(
                sql.Identifier(app), sql.Identifier(conn.info.dbname)))
            _as(conn, app, "CREATE PUBLICATION mine FOR TABLE p (id, a) WITH (publish = 'insert, update')")
            with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="does not have a replica identity"):
                _as(conn, app, _backfill(False))  # (without the blocks: refused, as before)
            _as(conn, app, _backfill(True))
            rows = rows_of(any_db_url, "SELECT id, a, b FROM p ORDER BY id")
            pubs = rows_of(any_db_url, "SELECT pubname, pubinsert, pubupdate, pubdelete, pubtruncate "
                                       "FROM pg_publication ORDER BY pubname")
            identity = rows_of(any_db_url, "SELECT relreplident FROM pg_class WHERE oid = 'p'::regclass")
        finally:
            conn.execute("DROP PUBLICATION IF EXISTS mine; DROP PUBLICATION everything; DROP TABLE p")
            conn.execute(sql.SQL("REVOKE CREATE ON DATABASE {1} FROM {0}; DROP ROLE {0}").format(
                sql.Identifier(app), sql.Identifier(conn.info.dbname)))
    assert rows == [(1, 0, 2), (2, 3, None)]
    assert pubs == [("everything", False, True, False, True), ("mine", True, True, False, False)]
    assert identity == [("d",)]


def test_a_backfill_no_replica_identity_can_serve_is_refused_naming_the_publication_and_its_owner(any_db_url):
    """Another role's column list leaving out the primary key, and no unique index inside it: neither FULL nor any
    USING INDEX lets Postgres take the UPDATE, and the role cannot alter the publication. The first block refuses,
    naming the publication, its owner and the table, and leaves the identity as it was (nothing half done)."""
    app = f"pf_app_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {0} NOLOGIN").format(sql.Identifier(app)))
        try:
            conn.execute("CREATE TABLE q (id int, a int, b int PRIMARY KEY, c int NOT NULL UNIQUE); "
                         "CREATE PUBLICATION theirs FOR TABLE q (id, a); INSERT INTO q VALUES (1, NULL, 2, 3)")
            conn.execute(sql.SQL("ALTER TABLE q OWNER TO {0}").format(sql.Identifier(app)))
            me = conn.execute("SELECT current_user").fetchone()[0]
            with pytest.raises(psycopg.errors.RaiseException) as refused:
                _as(conn, app, _backfill(True, "q"))
            identity = rows_of(any_db_url, "SELECT relreplident FROM pg_class WHERE oid = 'q'::regclass")
        finally:
            conn.execute("DROP PUBLICATION theirs; DROP TABLE q")
            conn.execute(sql.SQL("DROP ROLE {0}").format(sql.Identifier(app)))
    assert refused.value.diag.message_primary == (
        'cannot update table "q" (Column list used by the publication does not cover the replica identity.): no '
        f"replica identity of q serves publication theirs (owner {me}), which the migration's role cannot alter")
    assert identity == [("d",)]


def test_a_backfill_through_a_parent_gives_a_child_the_role_may_set_role_to_an_identity_as_its_owner(any_db_url):
    """The role's parent p and another role's INHERITS child c, which a superuser's FOR ALL TABLES publication publishes
    UPDATEs of: the UPDATE of p reaches c's rows, which Postgres refuses without a replica identity. A role not a member
    of c's owner is refused, as before; a member without its privileges (NOINHERIT, or 16+'s grant WITH INHERIT FALSE)
    may SET ROLE to it: the block gives c FULL as that role (plan.lent_roles) and c's DEFAULT again after, the role
    set again as it was (none: the member logs in as itself)."""
    with psycopg.connect(any_db_url, autocommit=True) as conn, two_roles(conn, "pf") as (app, other):
        try:
            conn.execute(SETUP + "CREATE TABLE c () INHERITS (p); INSERT INTO c VALUES (3, NULL, 4);")
            own(conn, app, "p")
            own(conn, other, "c")
            with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match='table "c" because it does not'):
                _as(conn, app, _backfill(True))
            member_without_inheriting(conn, app, other)
            role = run_as(conn, app, _backfill(True), login=True)
            rows = rows_of(any_db_url, "SELECT tableoid::regclass::text, id, a FROM p ORDER BY id")
            identity = rows_of(any_db_url, "SELECT relname, relreplident FROM pg_class WHERE relname IN ('p', 'c') "
                                           "AND relnamespace = 'public'::regnamespace ORDER BY 1")
        finally:
            conn.execute("DROP PUBLICATION everything; DROP TABLE p CASCADE")
    assert role == (app, "none")
    assert rows == [("p", 1, 0), ("p", 2, 3), ("c", 3, 0)]
    assert identity == [("c", "d"), ("p", "d")]
