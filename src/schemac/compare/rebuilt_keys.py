"""Foreign keys dropped and added again around what they stand on: the key they reference made again, both their ends
retyped, the referenced table's rows moved or its partition detached, a collation loosened under them (the causes)."""

from __future__ import annotations

from schemac.compare.changes import Change, takes_using
from schemac.compare.default_rows import REBOUND, ROWS_MOVED, below, moved_under
from schemac.compare.definition_keys import constraint_key
from schemac.compare.keys_over_indexes import TAKEN_BY_KEY
from schemac.compare.loose_collations import loosening_left
from schemac.model.frozen import replace
from schemac.model import ForeignKey, Index
from schemac.pg.casts import relabels


# A foreign key dropped and added again around the key it references: Postgres refuses to drop one under it.
KEY_REBUILT = "referenced key re-created"
# ... and around a retype of both its ends: between the two ALTER TYPEs they differ (grade2 and grade, text and
# integer), and Postgres, rebuilding the key after the first, refuses it ('cannot be implemented'); where they may not
# (integer to bigint), it checks the key over the rows after each (a rewrite: two scans, where ADD FOREIGN KEY is one).
# Not where both retypes keep every value as stored (varchar(10) to varchar(20) or text: pg.casts.relabels): Postgres
# rebuilds the key itself with no scan, where dropping and adding it would check it over every row.
BOTH_ENDS_RETYPED = "both ends retyped"


# ... and around a retype of the referenced column leaving a nondeterministic collation (`und-u-ks-level2`), whose
# equality the key's check uses: Postgres reuses the key (the same equality operator) without checking the rows, and
# would keep a row that matched its referenced one only under it ('firefox' referencing 'Firefox').
COLLATION_LEFT = "referenced column leaves a nondeterministic collation"


def rebuilt_by_postgres(c: Change) -> bool:
    return not (takes_using(c) or c.from_kind or c.to_kind) and relabels(c.old.type, c.new.type)  # type: ignore


def foreign_keys_around_rebuilt_keys(changes: list[Change], cur_tables: dict, des_tables: dict,
                                      loose: tuple[frozenset, frozenset]) -> list[Change]:
    retyped = {(c.schema, c.table, c.name) for c in changes if c.kind == "alter_column_type" and not rebuilt_by_postgres(c)}
    retyped_too = {(c.schema, c.table, c.name) for c in changes if c.kind == "alter_column_type"}
    left = {(c.schema, c.table, c.name) for c in changes if c.kind == "alter_column_type"
            and loosening_left(c.old, c.new, loose)}
    rebuilt = set()
    for c in changes:
        if c.kind in ("drop_constraint", "drop_index") and c.cause != TAKEN_BY_KEY:  # replaced, or dropped while
            # another key takes over (not an index a key takes: compare.keys_over_indexes, the foreign keys kept)
            columns = getattr(c.old, "columns", None)
            if isinstance(c.old, Index):
                columns = [e.column for e in c.old.elements] if c.old.unique and c.old.where is None else None
            if columns and all(columns):
                rebuilt.add((c.schema, c.table, frozenset(columns)))
                # (and its copies, which the DROP takes along: a foreign key referencing a partition stands on one)
                cur = cur_tables.get((c.schema, c.table))
                if cur is not None and cur.partition_by is not None:
                    rebuilt |= {(*d, frozenset(columns)) for d in below(cur, cur_tables)}
    touched = {(c.schema, c.table, c.name or c.new or c.old) for c in changes  # (an unnamed key: by itself, not None)
               if c.kind in ("drop_foreign_key", "add_foreign_key")}
    out, moved = [], moved_under(changes)
    rebound_under = {a for c in changes for a in c.rebound}
    # the keys schema.yaml now leaves unnamed that the migration renames to Postgres's name (compare.tables'
    # default_name_given: Prisma 2's "Booking.userEmail_fkey"), which the DROP must then name
    renamed = {(c.schema, c.table, c.old.name) for c in changes if c.kind == "rename_constraint"}  # type: ignore[union-attr]
    for key, t in des_tables.items():
        old_t = cur_tables.get(key)
        if old_t is None:
            continue
        for fk in t.foreign_keys:
            cause = KEY_REBUILT if (fk.ref_schema, fk.ref_table, frozenset(fk.ref_columns)) in rebuilt else \
                BOTH_ENDS_RETYPED if any({(t.schema, t.name, a), (fk.ref_schema, fk.ref_table, b)} <= retyped_too and
                                         {(t.schema, t.name, a), (fk.ref_schema, fk.ref_table, b)} & retyped
                                         for a, b in zip(fk.columns, fk.ref_columns)) else \
                ROWS_MOVED if (fk.ref_schema, fk.ref_table) in moved else \
                REBOUND if (fk.ref_schema, fk.ref_table) in rebound_under else \
                COLLATION_LEFT if any((fk.ref_schema, fk.ref_table, b) in left for b in fk.ref_columns) else None
            if cause is None or (t.schema, t.name, fk.name or fk) in touched:
                continue
            old_fk = next((f for f in old_t.foreign_keys if _same_key(f, fk)), None)
            if old_fk is not None and (t.schema, t.name, old_fk.name) in renamed:
                old_fk = replace(old_fk, name=None)  # (renamed first to the name Postgres gives it: dropped by that)
            if old_fk is not None:
                held = moved.get((fk.ref_schema, fk.ref_table), ()) if cause == ROWS_MOVED else ()
                out += [Change("drop_foreign_key", t.schema, t.name, old_fk.name, old_fk, fk, t, cause, held_from=held),
                        Change("add_foreign_key", t.schema, t.name, fk.name, old_fk, fk, t, cause, held_from=held)]
                if fk.comment:  # (comments go with a dropped constraint: the one added again gets its back)
                    out.append(Change("set_constraint_comment", t.schema, t.name, fk.name, old_fk, fk, t,
                                      "comment of a re-created object"))
    return out


def _same_key(old: ForeignKey, new: ForeignKey) -> bool:
    """`old` is the key `new` declares: by name where it is named, else by definition (compare.definition_keys), as the
    tables' keys are paired: not as an equal key, which a comment changed with it, or the name the catalog gives an
    unnamed one (`diff` reads the database, where schema.yaml leaves it out), would tell apart."""
    return old.name == new.name if new.name else constraint_key(old) == constraint_key(new)
