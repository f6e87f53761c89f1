"""The objects of another role a migration's DO block may still alter around its backfills: a role running it has
their owner's privileges (pg_has_role USAGE), or is a member without them (NOINHERIT, or 16+'s grant WITH INHERIT FALSE)
that may SET ROLE to the owner, which ALTER PUBLICATION, ALTER TABLE ... DISABLE TRIGGER and REPLICA IDENTITY then
need: the block sets that role around each such statement (set_config('role', ...)), its own again after, and keeps
the same around the statement giving the object its state again (plan.published_fills, plan.quiet_triggers).
A DO block using them declares `was text := ...` (WAS) and reads rows `r` with OWNER_COLUMNS' `role` and `lent`."""

from __future__ import annotations


def may_alter(owner: str) -> str:
    """The condition that the role may alter an object `owner` (an SQL oid expression) owns: has its privileges, or
    may SET ROLE to it (pg_has_role SET on 16+, MEMBER before, where a member may always SET ROLE)."""
    return (f"(pg_catalog.pg_has_role({owner}, 'USAGE') OR pg_catalog.pg_has_role({owner}, CASE WHEN "
            "pg_catalog.current_setting('server_version_num')::int >= 160000 THEN 'SET' ELSE 'MEMBER' END))")


def owner_columns(owner: str) -> str:
    """The columns `role` (the owner's name, as the role setting takes it) and `lent` (altered as that role: the role
    has not its privileges) of an object `owner` owns."""
    return (f"pg_catalog.pg_get_userbyid({owner}) AS role, NOT pg_catalog.pg_has_role({owner}, 'USAGE') AS lent")


# The DO block's variable holding the role set as it starts ('none' where none is), set again after each lent one.
WAS = "was text := pg_catalog.current_setting('role'); "
# The lent row r's owner taken, and the role set as the block started taken again.
AS_OWNER = "IF r.lent THEN PERFORM pg_catalog.set_config('role', r.role, false); END IF; "
AS_WAS = "IF r.lent THEN PERFORM pg_catalog.set_config('role', was, false); END IF; "
# The statement (kept for the block giving them back) taking the role {role} names (an SQL text: the setting's value).
_AS_ROLE = "pg_catalog.format('SELECT pg_catalog.set_config(''role'', %L, false)', {role})"


def kept_back(statement: str) -> str:
    """The DO block's statements appending `statement` (an SQL text expression) to its array `back`, between the
    statements taking the lent row r's owner and the block's first role again where r is lent."""
    return (f"IF r.lent THEN back := back || {_AS_ROLE.format(role='r.role')}; END IF; back := back || {statement}; "
            f"IF r.lent THEN back := back || {_AS_ROLE.format(role='was')}; END IF; ")
