"""A partition's generation expression of its own (PARTITION OF ... (c WITH OPTIONS GENERATED ALWAYS AS ...), 16+)
under its parent's changed one: the parent's statement (17+'s SET EXPRESSION, which recurses, or DROP and ADD COLUMN,
whose ADD reaches every partition) gives each partition the parent's new expression, so a partition keeping one of its
own, or changing it, has it set again by a statement of its own after its parent's (plan.generated_ddl's partition
branch), where compare.differ had marked its change INHERITED or found none. So too an INHERITS child's expression
other than its parent's new one (17+: SET EXPRESSION on the child, or one it declares that the parent's in-place SET
EXPRESSION reaches): set again on 17+ after the parent's (OWN_AGAIN; before 17 the parent's DROP and ADD leave a
child's own column as it is, and no child holds an expression set on it). A child's own column (attislocal) the
parent's DROP and ADD leave as it was, where it should take the parent's new expression (declared bare) or changes
its own, is dropped and added between them (Change.followers); for a child's own expression changed under its
parent's kept one, before 17, that parent's column is dropped and added as it is (FOR_CHILD): Postgres refuses the
child's DROP COLUMN of an inherited column and has no SET EXPRESSION."""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import FOR_CHILD, INHERITED, JOINS, OWN_AGAIN, Change
from schemac.compare.normalize import same_values
from schemac.model import Column, Table
from schemac.model.frozen import replace
from schemac.model.tables import own_columns


def own_expressions_again(changes: list[Change], des_tables: dict, cur_tables: dict) -> list[Change]:
    """`changes` with each partition's, and INHERITS child's, own generation expression set again after its parent's
    new one, and the parents' changes given the children they drop and add (followers)."""
    new = {(c.schema, c.table, c.name): c.new for c in changes
           if c.kind == "alter_generated" and c.cause is None and getattr(c.new, "generated", None)}
    if not new:
        return changes

    def given(t, name: str):  # the parent's new column, where its expression changes
        for _ in range(len(des_tables)) if t is not None and t.partition_of is None else ():  # (an INHERITS child's:
            hit = next((new[k] for q in t.inherits if (k := (q.schema, q.name, name)) in new), None)  # its first
            up = des_tables.get((g.schema, g.name)) if (g := _giver(t, name, des_tables)) is not None else None
            if hit is not None or up is None or name in {x.name for x in own_columns(up)}:  # parent's that changes,
                return hit  # or the one above a parent of one parent not declaring it, whose change reaches it)
            t = up
        if t is not None and t.partition_of is None:
            return None
        p = t.partition_of if t is not None else None
        return None if p is None else new.get((p.parent_schema, p.parent, name))

    out, own = [], set()
    for c in changes:
        t = des_tables.get((c.schema, c.table))
        if c.kind == "alter_generated" and c.cause == INHERITED and (g := given(t, c.name)) is not None \
                and c.new.generated and not same_values(g.generated, c.new.generated):  # type: ignore[union-attr]
            c = replace(c, cause=None)
        if c.kind == "alter_generated":
            own.add((c.schema, c.table, c.name))
        out.append(c)
    changed = {(c.schema, c.table, c.name) for c in out if c.kind == "alter_generated" and c.cause is None}
    out = [replace(c, followers=c.followers + _followers(c, des_tables, cur_tables, changed)) if c.kind == "alter_generated" and
           (c.cause is None or c.cause == FOR_CHILD) and c.table_def.partition_of is None and c.new.generated
           else c for c in out]  # type: ignore[union-attr]
    out = [replace(c, cause=OWN_AGAIN) if c.kind == "alter_generated" and c.cause is None and
           (c.schema, c.table, c.name) in _followed(out) else c for c in out]
    for t in _downwards(des_tables):
        for col in t.columns if t.partition_of is not None or t.inherits else ():
            g = given(t, col.name)
            if g is None or not col.generated or (t.schema, t.name, col.name) in own or \
                    same_values(g.generated, col.generated):
                continue
            out.append(Change("alter_generated", t.schema, t.name, col.name, replace(col, generated=g.generated), col, t,
                              None if t.partition_of is not None else OWN_AGAIN))
            new[(t.schema, t.name, col.name)] = col  # (its children's set again after its own)
    return out


def kept_for_children(current: dict, desired: dict) -> dict[tuple[str, str, str], tuple[Column, tuple, bool]]:
    """(schema, parent, column) -> the parent's current column, the children released and whether it keeps it as it
    is (else its own expression changes: only the released children are its concern here), for each INHERITS parent
    keeping a STORED generated column as it is over a child (its one parent) that declares it with an expression of
    its own that changes: before 17 the child's DROP COLUMN is refused ('cannot drop inherited column'), so the
    parent's column is dropped and added (FOR_CHILD), the child's between (plan.generated_ddl); or over a child that
    declared it with an expression of its own (attislocal) and no longer declares it (released): on every major its
    column is dropped between, and the parent's ADD gives it the parent's, attislocal false, as a fresh build has it
    (no other DDL turns it back; one that declared it with the parent's expression keeps it: inherited_only is not
    compared)."""
    out: dict = {}
    for key, t in desired.items():
        was = current.get(key)
        if was is None or t.partition_of is not None or not t.inherits:
            continue
        declared = {c.name for c in own_columns(t)}
        for col in t.columns:
            q = _giver(t, col.name, desired)
            if q is None or q != _giver(was, col.name, current, desired):
                continue
            q = _declaring(q, col.name, current, desired)
            p, p_was = desired.get((q.schema, q.name)), current.get((q.schema, q.name))
            old = was.column(col.name)
            mine, theirs = p.column(col.name) if p else None, p_was.column(col.name) if p_was else None
            if not (col.generated and old is not None and old.generated and mine is not None and theirs is not None
                    and mine.generated and not mine.virtual and theirs.generated and mine.type == theirs.type):
                continue
            k, as_is = (q.schema, q.name, col.name), same_values(mine.generated, theirs.generated)
            if col.name in declared and not same_values(old.generated, col.generated) and as_is:
                out[k] = (theirs, out.get(k, (theirs, ()))[1], True)
            elif col.name not in declared and t.source is not None and was.source is not None and \
                    col.name in {c.name for c in own_columns(was)} and not same_values(old.generated, col.generated):
                out[k] = (theirs, out.get(k, (theirs, ()))[1] + ((t.schema, t.name),), as_is)
    return out


def _declaring(q, name: str, current: dict, desired: dict):
    """The parent `q`, or the ancestor above it whose column `name` it passes on: a parent of one parent, on both
    sides, that does not declare it (its DROP COLUMN, or its change, is that ancestor's reaching it)."""
    for _ in range(len(desired)):
        p, p_was = desired.get((q.schema, q.name)), current.get((q.schema, q.name))
        up = _giver(p, name, desired) if p is not None and p_was is not None else None
        if up is None or up != _giver(p_was, name, current) or p.source is None \
                or p_was.source is None or name in {c.name for c in (*own_columns(p), *own_columns(p_was))}:
            return q
        q = up
    return q


def held_for_children(current: dict, desired: dict, kept: dict) -> dict:
    """`current` where each parent column of `kept`, and the columns its DROP COLUMN takes below it (tables that do
    not declare it, at any depth), differ from the desired ones: compare.tables then makes again what stands on them
    (indexes, CHECKs, comments, settings) around the parent's FOR_CHILD change (marked_for_children)."""
    if not kept:
        return current
    out = dict(current)
    for (schema, name, column) in (k for k, (_, _, as_is) in kept.items() if as_is):
        todo = [(schema, name)]
        while todo:
            key = todo.pop()
            t, d = out.get(key), desired.get(key)
            col = t.column(column) if t is not None else None
            if col is None or d is None or not col.generated:
                continue
            if key != (schema, name) and column in {c.name for c in own_columns(d)}:
                continue  # (declared: the DROP leaves it)
            out[key] = replace(t, columns=tuple(replace(c, generated=f"({c.generated}) + 0") if c.name == column else c
                                                for c in t.columns))
            todo += [k for k, x in desired.items() if x.partition_of is None and any((q.schema, q.name) == key for q in x.inherits)]
    return out


def marked_for_children(changes: list[Change], kept: dict, tables: dict) -> list[Change]:
    """`changes` with each kept parent's alter_generated FOR_CHILD (its old column as it is) and its children's own
    changes their own again (compare.differ had marked them INHERITED under it)."""
    if not kept:
        return changes
    out = []
    for c in changes:
        if c.kind == "alter_generated" and (c.schema, c.table, c.name) in kept:
            col, released, as_is = kept[(c.schema, c.table, c.name)]
            c = replace(c, followers=tuple((tables[r], None) for r in released))  # (a changed one's: cause None)
            c = replace(c, old=col, cause=FOR_CHILD) if as_is else c
        elif c.kind == "alter_generated" and c.cause == INHERITED and isinstance(t := c.table_def, Table) and \
                _kept_above(t, c.name, kept, tables)[2] \
                and c.name in {x.name for x in own_columns(t)}:
            c = replace(c, cause=None)
        out.append(c)
    return out


def _kept_above(t: Table, name: str, kept: dict, tables: dict) -> tuple:
    """`kept`'s entry for `t`'s column `name` under the nearest parent above it that has one, through parents of one
    parent not declaring it (compare.own_expressions._declaring); (0, 0, False) where none has."""
    q = _giver(t, name, tables)
    for _ in range(len(tables)) if q is not None else ():
        if (q.schema, q.name, name) in kept:
            return kept[(q.schema, q.name, name)]
        up = tables.get((q.schema, q.name))
        if up is None or name in {c.name for c in own_columns(up)} or (q := _giver(up, name, tables)) is None:
            break
    return (0, 0, False)


def _giver(t: Table, name: str, tables: dict, kept_in: Optional[dict] = None):
    """The one parent of INHERITS table `t` that has its column `name` (None where none has, or more than one: their
    DROP COLUMNs would have to go together, which nothing here plans); with `kept_in` (the desired tables), of those
    keeping it there: another parent's DROP COLUMN (recursing) leaves the child that one's alone, as a fresh build."""
    got = [q for q in t.inherits if (p := tables.get((q.schema, q.name))) is not None and p.column(name) is not None
           and (kept_in is None or ((k := kept_in.get((q.schema, q.name))) is not None and k.column(name) is not None))]
    return got[0] if len(got) == 1 else None


def _followed(changes: list[Change]) -> set:
    """(schema, table, column) of the followers of `changes` (made by their parents' DROP and ADD before 17)."""
    return {(f[0].schema, f[0].name, c.name) for c in changes for f in c.followers if f[1] is not None}


def _followers(c: Change, tables: dict, current: dict, changed: set) -> tuple:
    """(table, column) of each INHERITS table under `c`'s (at any depth, each after its parent) that declares the
    column (attislocal) with the parent's new expression, or an expression of its own that changes (in `changed`),
    and has it from that parent alone: DROP COLUMN on the parent leaves it theirs, as it was, and ADD merges into it:
    the parent's DROP and ADD (before 17, or where a child keeps an expression of its own) drop and add theirs
    between, each its own (plan.generated_ddl). One that did not declare it (its column the parent's only: the
    parent's DROP takes it) is added only (table, column, JOINS), on every major: no other DDL makes it its own."""
    out: list = []
    todo = [c.table_def]
    while todo:
        up = todo.pop(0)
        for t in tables.values():
            col = t.column(c.name)
            if t.partition_of is not None or col is None or not col.generated or \
                    (g := _giver(t, c.name, tables)) is None or (g.schema, g.name) != (up.schema, up.name):
                continue
            declares = col.name in {x.name for x in own_columns(t)}
            if declares and (same_values(col.generated, c.new.generated) or (t.schema, t.name, c.name) in changed):  # type: ignore
                was = current.get(t.key)
                out.append((t, col, JOINS) if was is not None and was.source is not None and t.source is not None and
                           was.column(c.name) is not None and c.name not in {x.name for x in own_columns(was)} and
                           not _made_own_by_a_drop(t, was, c.name, tables, current) else (t, col))
            if not declares or out[-1:] and out[-1][0] is t:
                todo.append(t)  # (one not declaring it passes the parent's DROP and ADD on to its own children)
    return tuple(out)


def _made_own_by_a_drop(t: Table, was: Table, name: str, tables: dict, current: dict) -> bool:
    """Whether another parent of `t` (kept on both sides) loses its column `name` that `t`, declaring it, keeps: its
    DROP COLUMN is ALTER TABLE ONLY (compare.inherited_drops.kept_below), which makes `t`'s column its own first."""
    return any(q in was.inherits and _has(current, q, name) and not _has(tables, q, name) for q in t.inherits)


def _has(tables: dict, q, name: str) -> bool:
    p = tables.get((q.schema, q.name))
    return p is not None and p.column(name) is not None


def _downwards(tables: dict) -> list:
    """`tables`, each INHERITS child after its parents."""
    out: dict = {}

    def visit(t, seen: frozenset) -> None:
        for q in t.inherits:
            up = tables.get((q.schema, q.name))
            if up is not None and up.key not in out and up.key not in seen:
                visit(up, seen | {t.key})
        out.setdefault(t.key, t)
    for t in tables.values():
        visit(t, frozenset())
    return list(out.values())
