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

from collections.abc import Iterator

from schemac.compare.changes import JOINS, Change
from schemac.compare.normalize import same_values
from schemac.model import Table
from schemac.model.frozen import replace
from schemac.model.tables import own_columns


def held_for_givers(current: dict, desired: dict) -> tuple[dict, dict]:
    """`current` where the column of each table that the givers' DROP and ADD COLUMNs of a column two parents or more
    give take and give back (compare.shared_generation: _taken) differs from the desired one where it is the same:
    compare.tables then makes again what stands on it (indexes, CHECKs, statistics, comments) as it does for a parent
    held for its children (compare.own_expressions.held_for_children); and (schema, table, column) -> the column as it
    was, for each so held (its expression unchanged: not set again in place on 17+)."""
    held: dict = {}
    out = dict(current)
    for key, _, _, col, givers in _given(desired, current):
        if not any(not _same(current[k], desired[k], col.name) for k in (key, *givers)):
            continue
        for k in _taken(key, col.name, givers, desired, current):
            old = out[k].column(col.name)
            if (*k, col.name) not in held and _same(current[k], desired[k], col.name) and not old.virtual:
                held[(*k, col.name)] = old
                out[k] = replace(out[k], columns=tuple(replace(c, generated=f"({c.generated}) + 0")
                                                       if c.name == col.name else c for c in out[k].columns))
    return out, held


def _given(desired: dict, current: dict) -> Iterator[tuple]:
    """(key, table, its current one, column, its givers) of each child's column that two parents or more give."""
    for key, t in desired.items():
        was = current.get(key)
        if was is None or t.partition_of is not None or len(t.inherits) < 2 or t.source is None or was.source is None:
            continue
        for col in t.columns:
            givers = _givers(t, col.name, desired, current, was)
            if givers:
                yield key, t, was, col, givers


def _same(was: Table, t: Table, name: str) -> bool:
    """Whether `t`'s column `name` is generated as `was`'s (both have it, generated)."""
    old, new = was.column(name), t.column(name)
    return old is not None and new is not None and bool(old.generated) and bool(new.generated) and \
        same_values(new.generated, old.generated)


def _taken(key: tuple, name: str, givers: list, desired: dict, current: dict) -> list[tuple[str, str]]:
    """The tables whose column `name` the DROP COLUMNs of child `key`'s `givers` take and their ADD COLUMNs give back:
    the givers, the child, and every table under them (INHERITS, any depth) that does not declare it (one declaring it
    keeps it, attislocal; what schema.yaml declares, as compare.own_expressions.held_for_children walks)."""
    out, todo = [*givers, key], [*givers, key]
    while todo:
        k = todo.pop()
        for x_key, x in desired.items():
            was = current.get(x_key)
            if x_key not in out and was is not None and x.partition_of is None and was.column(name) is not None and \
                    any((q.schema, q.name) == k for q in x.inherits) and x.column(name) is not None and \
                    not _declares(x, name):
                out.append(x_key)
                todo.append(x_key)
    return out


def shared_generation(changes: list[Change], des_tables: dict, cur_tables: dict, held: dict) -> list[Change]:
    """`changes` with the givers of each child's generated column that two parents or more give, where one of them or
    the child changes it, made one alter_generated of the first of them: the others its fellows ((table, column,
    whether its expression changes)), the children declaring it its followers (JOINS where one starts declaring it, no
    column where one stops), the tables whose column they take and give back its remakes, and their own changes left
    out. `held`: the columns compare.differ held (held_for_givers), their expressions as they were."""
    generated = {(c.schema, c.table, c.name): c for c in changes if c.kind == "alter_generated"}
    if not generated:
        return changes
    groups: dict[tuple, tuple[list, list, list]] = {}  # (lead schema, table, column) -> (fellows, followers, taken)
    absorbed: set = set()
    for key, t, was, col, givers in _given(des_tables, cur_tables):
        old = was.column(col.name)
        if old is None or not col.generated or not old.generated or col.virtual or old.virtual or \
                not any((*k, col.name) in generated for k in (key, *givers)):
            continue
        declares, declared = _declares(t, col.name), _declares(was, col.name)
        fellows, followers, taken = groups.setdefault((*givers[0], col.name), ([], [], []))
        fellows += [g for g in givers[1:] if g not in fellows]
        taken += [k for k in _taken(key, col.name, givers, des_tables, cur_tables)[1:] if k not in taken]
        followers += [(t, col, JOINS)] if declares and not declared else [(t, None)] if declared and not declares \
            else [(t, col)] if declares else []
        absorbed |= {(*k, col.name) for k in (key, *givers[1:])}
    if not groups:
        return changes
    out = [c for c in changes if not (c.kind == "alter_generated" and (c.schema, c.table, c.name) in absorbed)]
    for (schema, table, name), (fellows, followers, taken) in groups.items():
        lead = des_tables[(schema, table)]
        mine = generated.get((schema, table, name))
        theirs = [f for k in [(schema, table), *fellows] if (x := generated.get((*k, name))) is not None for f in x.followers]
        kept = tuple(f for f in theirs if f[0].key not in {x[0].key for x in followers})  # (their children's of one parent)
        change = replace(mine, cause=None, old=held.get((schema, table, name), mine.old)) if mine is not None else \
            Change("alter_generated", schema, table, name, cur_tables[(schema, table)].column(name), lead.column(name), lead)
        change = replace(change, followers=kept + tuple(followers), remakes=tuple(des_tables[k] for k in taken),
                         fellows=tuple((des_tables[g], des_tables[g].column(name),
                                        not same_values(des_tables[g].column(name).generated, held.get(
                                            (*g, name), cur_tables[g].column(name)).generated)) for g in fellows))
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
