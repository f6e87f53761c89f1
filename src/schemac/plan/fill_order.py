"""A trigger the migration replaces or drops, whose old definition fires on UPDATE, goes before the migration's own
UPDATEs of its table (NULLs given the default before SET NOT NULL, a VIRTUAL column's values kept, an identity
numbered in steps): the kinds' order puts CREATE OR REPLACE TRIGGER after the column changes, so a trigger made
`BEFORE INSERT` from `BEFORE UPDATE` fired, as it was, on every row of the backfill, where no DO block quieted it
(plan.quiet_triggers quiets those there as the UPDATE runs, and writes none for a table whose triggers, in the new
schema, fire on no UPDATE)."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.plan.dependencies import Deps

_FILLS = frozenset({"set_not_null", "alter_generated", "add_column"})  # (their UPDATE: plan.column_ddl, .partitioned_identity)


def replaced_triggers_first(changes: list[Change], out: list[Deps]) -> list[Deps]:
    """`out` (each change's Deps) with each change that may UPDATE a table's rows needing the table's triggers that
    fired on UPDATE replaced or dropped first, but where the new trigger needs what that change makes (a column)."""
    replaced: dict[tuple[str, str], list[int]] = {}
    for i, c in enumerate(changes):
        if c.kind in ("alter_trigger", "drop_trigger") and "update" in getattr(c.old, "events", ()):
            replaced.setdefault((c.schema, c.table), []).append(i)
    if not replaced:
        return out
    out = list(out)
    for i, c in enumerate(changes):
        for j in replaced.get((c.schema, c.table), ()) if c.kind in _FILLS else ():
            if not out[j].needs & out[i].makes:
                key = ("update trigger replaced", c.schema, c.table, j)
                t, d = out[j], out[i]
                out[j] = Deps(t.makes | {key}, t.removes, t.needs, t.frees)
                out[i] = Deps(d.makes, d.removes, d.needs | {key}, d.frees)
    return out
