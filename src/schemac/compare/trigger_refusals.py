"""Each trigger the migration makes that Postgres refuses beside generated columns (compare.new_row_triggers), with why.

A BEFORE trigger reading NEW.g of a generated g has no plan; one reading NEW's whole row has where no generated
column stands when it is made: a new table's made without them (compare.new_row_triggers), a table's last ones
dropped and added again around it (new_row_triggers.dropped_for_triggers; a partitioned table's or an INHERITS
parent's with what stands below: compare.tails_for_triggers). Elsewhere generate and `diff --sql` refuse it, naming
the trigger, the column, why and the way out (commands.refusals)."""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import GENERATED_REBUILT, NEW_TABLE, Change
from schemac.compare.inherited_checks import reordered_child
from schemac.compare.moves import as_current
from schemac.compare.new_row_triggers import apart_child, row_reads, refused_beside
from schemac.compare.parents_columns_later import received_later
from schemac.compare.tails_for_triggers import made_between, made_under, tails_for_triggers
from schemac.model import Schema, Table, Trigger
from schemac.model.frozen import replace
from schemac.model.tables import inherits_above


def triggers_refused(changes: list, current: Schema, desired: Optional[Schema] = None) -> list[tuple[Change, str]]:
    """Each trigger the migration creates or replaces that Postgres refuses, with why: one reading NEW.g of a
    generated g (on every path: g stands before any trigger can name it), one reading NEW's whole row beside a
    generated column its table keeps (neither dropped nor made plain by the migration, nor dropped and added again
    by dropped_for_triggers but on an INHERITS parent, whose DROP COLUMN recurses, unless tails_for_triggers plans
    its children): no order makes it, and dropping
    the column and adding it again would move it last (and what stands on it with it), which the user chooses in a
    migration of its own; one of a new INHERITS child made CREATE TABLE ... INHERITS under a parent that stands with
    a generated column it keeps, which gives the child the column first (_given_first)."""
    if not any(c.kind in ("add_trigger", "alter_trigger") for c in changes):
        return []
    at = as_current(changes)
    tables = {(t.schema, t.name): t for t in current.tables}
    wanted = {(t.schema, t.name): t for t in desired.tables} if desired is not None else {}
    parents = {(q.schema, q.name) for t in current.tables for q in t.inherits}  # (their DROP COLUMN recurses)
    planned = tails_for_triggers(tables, wanted)  # (an INHERITS parent's whose children end alike)
    gone = {(c.schema, c.table, c.name) for c in changes if c.kind == "drop_column" and not (
        c.cause == GENERATED_REBUILT and at(c.schema, c.table) in parents and (c.schema, c.table) not in planned)
            or c.kind == "alter_generated" and getattr(c.new, "generated", None) is None}
    raw = made_between(planned, wanted)
    between = received_later(raw, wanted, tables)  # (new children made between)
    out = []
    for c in changes:
        if c.kind not in ("add_trigger", "alter_trigger") or not isinstance(c.new, Trigger) or c.table_def is None \
                or (column := refused_beside(c.new, c.table_def)) is None:
            continue
        start = f"table {c.schema}.{c.table}: BEFORE trigger {c.new.name}, whose WHEN reads "
        if not row_reads(c.new.when or "")[0]:
            out.append((c, start + f"NEW.{column} of generated column {column}, cannot be created (Postgres refuses it "
                           f"whatever the order: 'BEFORE trigger's WHEN condition cannot reference NEW generated "
                           f"columns'): read OLD.{column}, or the columns it is computed from, or make the trigger AFTER"))
            continue
        was = tables.get(at(c.schema, c.table)) if c.cause != NEW_TABLE else None
        later = _joined_after_add(c.table_def, wanted, (raw, between), tables) if was is None else None
        given = _given_first(c.table_def, tables, wanted, gone, at) if was is None and later is None else \
            later[:2] if later is not None and not later[2] else None
        if given is not None:
            out.append((c, start + f"NEW's whole row, cannot be created on the new table: CREATE TABLE ... INHERITS "
                           f"gives it generated column {given[1]} of {given[0]}, which stands, first (Postgres refuses it: "
                           "'BEFORE trigger's WHEN condition cannot reference NEW generated columns'; a database holds "
                           "it where the parent gained the column after the trigger): drop the parent's column in a "
                           "migration of its own first and declare it again in the next (its values are computed "
                           "again; it comes last), or compare NEW's columns by name in the WHEN, or make the trigger "
                           "AFTER"))
            continue
        if later is not None:
            out.append((c, start + f"NEW's whole row, cannot be created on the new table: {later[0]}'s generated "
                           f"column {later[1]} is dropped and added again around such a trigger, and this table, in an "
                           "order CREATE TABLE ... INHERITS between them does not give it, joins it after the ADD, which "
                           "gives it the column first (Postgres refuses it: 'BEFORE trigger's WHEN condition cannot "
                           f"reference NEW generated columns'): declare it in that order (its parents' columns but "
                           f"{later[1]}, its own, then {later[1]}), or compare NEW's columns by name in the WHEN, or make "
                           "the trigger AFTER"))
            continue
        kept = None if was is None else \
            refused_beside(c.new, replace(was, columns=tuple(x for x in was.columns if (c.schema, c.table, x.name) not in gone)))
        if kept is not None:
            out.append((c, start + f"NEW's whole row, cannot be created while the table has generated column {kept} "
                           "(Postgres refuses it: 'BEFORE trigger's WHEN condition cannot reference NEW generated "
                           "columns'; it takes ADD COLUMN of a generated column after such a trigger; generate drops "
                           "and adds again the generated columns a table ends with around it, " +
                           _not_last(was, kept, parents) + "): drop the column in a migration of its own first and "  # type: ignore[arg-type]
                           "declare it again in the next, after the trigger (its values are computed again; it comes "
                           "last), or compare NEW's columns by name in the WHEN, or make the trigger AFTER"))
    return out


def _given_first(t: Table, tables: dict, wanted: dict, gone: set, at) -> Optional[tuple[str, str]]:
    """(parent, column): the generated column a standing parent of new INHERITS child `t` keeps, which CREATE TABLE
    ... INHERITS gives `t` before its trigger (not a child made on its own, apart_child, nor a partition:
    apart_for_triggers); None where there is none."""
    if not t.inherits or t.partition_of is not None or apart_child(t, wanted):
        return None
    for q in t.inherits:
        p = tables.get(at(q.schema, q.name))
        for x in p.columns if p is not None else ():
            if x.generated is not None and (q.schema, q.name, x.name) not in gone and t.column(x.name) is not None:
                return f"{q.schema}.{q.name}", x.name
    return None


def _joined_after_add(t: Table, wanted: dict, window: tuple[dict, dict], tables: dict) -> Optional[tuple[str, str, bool]]:
    """(table, column, in an order of its own): the standing INHERITS table above new table `t` whose generated column
    is dropped and added again around a trigger (`window`: tails_for_triggers.made_between's, and those with the new
    tables under them) while `t`, in an order neither CREATE TABLE ... INHERITS nor INHERIT gives it between the DROP
    and the ADD, is made after the ADD, or through a scratch parent that holds the column, or joins after the ADD; None
    where `t` is made between them (made_under), or on its own, every column its own (apart_child), or gains none."""
    raw, between = window
    if t.key not in between or t.partition_of is not None or apart_child(t, wanted) or \
            made_under(t, raw, between, wanted, tables)[0]:
        return None
    k = next((k for k in inherits_above(t, wanted) if k in tables and k in between), None)
    return (f"{k[0]}.{k[1]}", between[t.key][0], reordered_child(t, wanted)) if k is not None else None


def _not_last(t: Table, column: str, parents: set) -> str:
    """Why generate does not drop and add again `t`'s generated `column` around a trigger (dropped_for_triggers,
    compare.tails_for_triggers)."""
    if t.partition_of is not None or t.partition_by is not None:
        return "a partitioned table's too where every partition ends with them in its order, but not here"
    if t.inherits or t.key in parents:
        return "an INHERITS parent's too, the trigger on it or on a table under it, where each child has them from it " \
               "alone, declared on both sides or neither, and ends with those it does not declare, but not here"
    names = [c.name for c in t.columns]
    after = next((c.name for c in t.columns[names.index(column):] if c.generated is None), None)
    return f"but not {column}, which column {after} follows" if after else "but schema.yaml orders them otherwise"
