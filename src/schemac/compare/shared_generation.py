"""An INHERITS child's generated column that two parents or more give (each has it, STORED), under a change of its
expression: a parent's, or the child's own, or the child starting or stopping to declare it (attislocal).

One parent's DROP COLUMN leaves the child the others' column as it was (its expression, attislocal), and the child's own
DROP COLUMN is refused while any parent has it ('cannot drop inherited column'); ADD COLUMN on the child makes it its
own, a parent's ADD COLUMN gives a child without it the parent's (attislocal false), merging into one it has. No other
DDL turns an inherited column into the child's own, or back (17+'s SET EXPRESSION, which recurses, leaves attislocal
as it was). So every giving parent's column is dropped, then the child's (where it declared it) and added again (where
it declares it), then every giving parent's is added (an unchanged one's too), each with its new expression: where the
child starts or stops declaring it on every major, else before 17 (17+ sets the parents' changed expressions in place,
then each declaring child's own, which they reach). The first giver's alter_generated does it all (Change.fellows: the
others), their own changes and the child's left out (plan.generated_ddl.regenerated_together)."""

from __future__ import annotations

from schemac.compare.changes import JOINS, Change
from schemac.compare.normalize import same_expression
from schemac.model import Table
from schemac.model.frozen import replace
from schemac.model.tables import own_columns


def shared_generation(changes: list[Change], des_tables: dict, cur_tables: dict) -> list[Change]:
    """`changes` with the givers of each child's generated column that two parents or more give, where one of them or
    the child changes it, made one alter_generated of the first of them: the others its fellows ((table, column,
    whether its expression changes)), the children declaring it its followers (JOINS where one starts declaring it, no
    column where one stops), and their own changes left out."""
    generated = {(c.schema, c.table, c.name): c for c in changes if c.kind == "alter_generated"}
    if not generated:
        return changes
    groups: dict[tuple, tuple[list, list]] = {}  # (lead schema, table, column) -> (fellows, followers)
    absorbed: set = set()
    for key, t in des_tables.items():
        was = cur_tables.get(key)
        if was is None or t.partition_of is not None or len(t.inherits) < 2 or t.source is None or was.source is None:
            continue
        for col in t.columns:
            givers = _givers(t, col.name, des_tables, cur_tables, was)
            old = was.column(col.name)
            if not givers or old is None or not col.generated or not old.generated or col.virtual or old.virtual or \
                    not any((*k, col.name) in generated for k in (key, *givers)):
                continue
            declares, declared = _declares(t, col.name), _declares(was, col.name)
            fellows, followers = groups.setdefault((*givers[0], col.name), ([], []))
            fellows += [g for g in givers[1:] if g not in fellows]
            followers += [(t, col, JOINS)] if declares and not declared else [(t, None)] if declared and not declares \
                else [(t, col)] if declares else []
            absorbed |= {(*k, col.name) for k in (key, *givers[1:])}
    if not groups:
        return changes
    out = [c for c in changes if not (c.kind == "alter_generated" and (c.schema, c.table, c.name) in absorbed)]
    for (schema, table, name), (fellows, followers) in groups.items():
        lead = des_tables[(schema, table)]
        mine = generated.get((schema, table, name))
        theirs = [f for k in [(schema, table), *fellows] if (x := generated.get((*k, name))) is not None for f in x.followers]
        kept = tuple(f for f in theirs if f[0].key not in {x[0].key for x in followers})  # (their children's of one parent)
        change = replace(mine, cause=None) if mine is not None else \
            Change("alter_generated", schema, table, name, cur_tables[(schema, table)].column(name), lead.column(name), lead)
        change = replace(change, followers=kept + tuple(followers),
                         fellows=tuple((des_tables[g], des_tables[g].column(name),
                                        not same_expression(des_tables[g].column(name).generated,
                                                            cur_tables[g].column(name).generated)) for g in fellows))
        out = [change if c is mine else c for c in out] if mine is not None else out + [change]
    return out


def _givers(t: Table, name: str, des_tables: dict, cur_tables: dict, was: Table) -> list[tuple[str, str]]:
    """The parents of `t` (in its order) that give it its column `name`, two or more, the same ones before and after,
    each a STORED generated column on both sides ([] where it is otherwise)."""
    keys = [(q.schema, q.name) for q in t.inherits]
    if keys != [(q.schema, q.name) for q in was.inherits]:
        return []
    got = []
    for k in keys:
        p, p_was = des_tables.get(k), cur_tables.get(k)
        mine, theirs = p.column(name) if p is not None else None, p_was.column(name) if p_was is not None else None
        if (mine is None) != (theirs is None):
            return []
        if mine is None:
            continue
        if not mine.generated or not theirs.generated or mine.virtual or theirs.virtual:  # type: ignore[union-attr]
            return []
        got.append(k)
    return got if len(got) > 1 else []


def _declares(t: Table, name: str) -> bool:
    """Whether INHERITS table `t` declares its column `name` itself (attislocal)."""
    return name in {c.name for c in own_columns(t)}
