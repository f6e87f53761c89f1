"""generate's refusals and warning of a partitioned table's changes Postgres has no statement for: its partitioning
(made partitioned or plain, re-keyed) or its persistence changed in place, and one created UNLOGGED (18 refuses it)."""

from __future__ import annotations

from schemac.model import Table


def partitioning_refused(old: Table, new: Table) -> str:
    """generate's one line for a table made partitioned or plain, or re-keyed. Not planned: Postgres has no ALTER for
    it, and moving the rows into a new table is not always possible (a row outside every new partition's bound fails
    the INSERT, and with it the migration); what to do instead, at schema.yaml's line of the table."""
    def text(t: Table) -> str:
        by = t.partition_by
        return "plain" if by is None else f"PARTITION BY {by.strategy.upper()} ({by.key})"
    where = f"{new.source}: " if new.source else ""
    what = "made partitioned" if old.partition_by is None else "made plain" if new.partition_by is None else \
        f"{text(old)} -> {text(new)}"
    rows = ", and rows outside every new partition would fail a move" if new.partition_by is not None else ""
    return (f"{where}table {new.qualified_name}: its partitioning cannot change in place ({what}; Postgres has no ALTER "
            f"for it{rows}): declare the new table under another name"
            f"{' with its partitions' if new.partition_by is not None else ''}, move the rows in a migration of your own "
            f"(INSERT INTO ... SELECT ... FROM {new.qualified_name}), drop {new.qualified_name}, and in the next "
            "migration give the new table its name (renamed_from)")


def logging_refused(old: Table, new: Table) -> str:
    """generate's one line for a partitioned table made LOGGED or UNLOGGED. Not planned: before PostgreSQL 18 ALTER TABLE
    ... SET LOGGED / UNLOGGED of a partitioned table does nothing (the migration applied, the drift stayed), 18 refuses
    it (and makes no unlogged partitioned table); its partitions each change in place."""
    def text(t: Table) -> str:
        return "UNLOGGED" if t.unlogged else "LOGGED"
    where = f"{new.source}: " if new.source else ""
    return (f"{where}table {new.qualified_name}: a partitioned table's persistence cannot change in place ({text(old)} "
            f"-> {text(new)}; before PostgreSQL 18 ALTER TABLE ... SET {text(new)} does nothing to a partitioned table, "
            f"18 refuses it): keep unlogged: {'true' if old.unlogged else 'false'} on {new.qualified_name} and change "
            "its partitions' own, or declare the new table under another name with its partitions, move the rows in a "
            f"migration of your own, drop {new.qualified_name}, and in the next migration give the new table its name "
            "(renamed_from)")


def unlogged_partitioned(changes: list) -> list[str]:
    """generate's warning for a partitioned table created UNLOGGED (as `inspect` reads one a server before 18 made):
    PostgreSQL 18 refuses CREATE UNLOGGED TABLE ... PARTITION BY, so the migration fails there; before 18 the mark is
    kept but makes nothing unlogged (each partition's own `unlogged` does)."""
    return [f"warning: {c.source or c.path}: table {c.path} is a partitioned table created UNLOGGED, which PostgreSQL "
            "18 refuses (partitioned tables cannot be unlogged): the migration fails there; before 18 the mark makes "
            "nothing unlogged (its partitions' own unlogged does), so leave it out to run on 18"
            for c in changes if c.kind == "add_table" and c.new.partition_by is not None and c.new.unlogged]
