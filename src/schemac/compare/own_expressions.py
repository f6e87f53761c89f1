"""A partition's generation expression of its own (PARTITION OF ... (c WITH OPTIONS GENERATED ALWAYS AS ...), 16+)
under its parent's changed one: the parent's statement (17+'s SET EXPRESSION, which recurses, or DROP and ADD COLUMN,
whose ADD reaches every partition) gives each partition the parent's new expression, so a partition keeping one of its
own, or changing it, has it set again by a statement of its own after its parent's (plan.generated_ddl's partition
branch), where compare.differ had marked its change INHERITED or found none."""

from __future__ import annotations

from schemac.compare.changes import INHERITED, Change
from schemac.compare.normalize import same_expression
from schemac.model.frozen import replace


def own_expressions_again(changes: list[Change], des_tables: dict) -> list[Change]:
    """`changes` with each partition's own generation expression set again after its parent's new one."""
    new = {(c.schema, c.table, c.name): c.new for c in changes
           if c.kind == "alter_generated" and c.cause is None and getattr(c.new, "generated", None)}
    if not new:
        return changes

    def given(t, name: str):  # the parent's new column, where its expression changes
        p = t.partition_of if t is not None else None
        return None if p is None else new.get((p.parent_schema, p.parent, name))

    out, own = [], set()
    for c in changes:
        t = des_tables.get((c.schema, c.table))
        if c.kind == "alter_generated" and c.cause == INHERITED and (g := given(t, c.name)) is not None \
                and c.new.generated and not same_expression(g.generated, c.new.generated):  # type: ignore[union-attr]
            c = replace(c, cause=None)
        if c.kind == "alter_generated":
            own.add((c.schema, c.table, c.name))
        out.append(c)
    for t in des_tables.values():
        for col in t.columns if t.partition_of is not None else ():
            g = given(t, col.name)
            if g is None or not col.generated or (t.schema, t.name, col.name) in own or \
                    same_expression(g.generated, col.generated):
                continue
            out.append(Change("alter_generated", t.schema, t.name, col.name, replace(col, generated=g.generated), col, t))
    return out
