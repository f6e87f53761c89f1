"""A trigger the migration replaces or drops, whose old definition fires on UPDATE, goes before the migration's own
UPDATEs of its table (NULLs given the default before SET NOT NULL, a VIRTUAL column's values kept, an identity
numbered in steps): the kinds' order puts CREATE OR REPLACE TRIGGER after the column changes, so a trigger made
`BEFORE INSERT` from `BEFORE UPDATE` fired, as it was, on every row of the backfill, where no DO block quieted it
(plan.quiet_triggers quiets those there as the UPDATE runs, and writes none for a table whose triggers, in the new
schema, fire on no UPDATE).

So does a table's row-level security the migration disables or unforces where it was forced: plan.unforced_rls lifts
FORCE around the UPDATEs only of a table the new schema gives row-level security, and a table left enabled and forced
until after its backfill (its policies dropped first: none then lets a row through) hid every row from a non-superuser
owner's UPDATE, and SET NOT NULL failed on them (probe37b)."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.plan.dependencies import Deps

_FILLS = frozenset({"set_not_null", "alter_generated", "add_column"})  # (their UPDATE: plan.column_ddl, .partitioned_identity)


def _forced(t: object) -> bool:
    return bool(getattr(t, "row_level_security", False) and getattr(t, "force_row_level_security", False))


def _before_fills(changes: list[Change], out: list[Deps], firsts: dict[tuple[str, str], list[int]],
                  label: str) -> list[Deps]:
    """`out` with each change that may UPDATE a table's rows needing `firsts`' changes of that table first, but where
    one of those needs what the filling change makes (a column)."""
    if not firsts:
        return out
    out = list(out)
    for i, c in enumerate(changes):
        for j in firsts.get((c.schema, c.table), ()) if c.kind in _FILLS else ():
            if not out[j].needs & out[i].makes:
                key = (label, c.schema, c.table, j)
                t, d = out[j], out[i]
                out[j] = Deps(t.makes | {key}, t.removes, t.needs, t.frees)
                out[i] = Deps(d.makes, d.removes, d.needs | {key}, d.frees)
    return out


def replaced_triggers_first(changes: list[Change], out: list[Deps]) -> list[Deps]:
    """`out` (each change's Deps) with each change that may UPDATE a table's rows needing the table's triggers that
    fired on UPDATE replaced or dropped first, and its forced row-level security lifted first where the migration
    lifts it."""
    replaced: dict[tuple[str, str], list[int]] = {}
    lifted: dict[tuple[str, str], list[int]] = {}
    for i, c in enumerate(changes):
        if c.kind in ("alter_trigger", "drop_trigger") and "update" in getattr(c.old, "events", ()):
            replaced.setdefault((c.schema, c.table), []).append(i)
        if c.kind == "set_row_security" and _forced(c.old) and not _forced(c.new):
            lifted.setdefault((c.schema, c.table), []).append(i)
    return _before_fills(changes, _before_fills(changes, out, replaced, "update trigger replaced"), lifted,
                         "forced row security lifted")
