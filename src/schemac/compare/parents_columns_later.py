"""A new INHERITS parent's columns added after its new children are made: shapes only ALTER TABLE ... ADD COLUMN makes.

A parent's column added after a child exists merges into the child's column of that name as it is: a child's plain
column stays plain under the parent's generated one (its DEFAULT or identity kept), a generated one generated under
a plain one, and a child of two parents keeps the first's generated column under the second's plain one. inspect
writes them as the database holds them; CREATE TABLE ... INHERITS makes none of them: it gives the child the parent's
expression (drift) or refuses ('child column "g" specifies generation expression', 'column "g" inherits from
generated column but specifies default', 'inherited column "g" has a generation conflict'), and so does ALTER TABLE
... INHERIT ('column "g" in child table must be a generated column'). So the parent is created without those columns
and each is added after its children (compare.differ; plan.dependencies orders them), with every column the parent
has after the first of them (ADD COLUMN puts a column last: the parent's order kept), where that gives each new child
its order too (the later columns come after its own, as a parent's ADD COLUMN puts them), or the child, made in an
order of its own, joins the parent once it has them (its INHERIT needs them as the parent has them). The parent's CHECKs, PRIMARY
KEY and UNIQUEs over those columns are added after them (made_without)."""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import INHERITED
from schemac.compare.inherited_checks import reordered_child
from schemac.model import Column, Table
from schemac.model.frozen import replace
from schemac.model.tables import own_columns
from schemac.pg.lazy import lazy

referenced_columns = lazy("schemac.pg.expressions", "referenced_columns")


def _conflict(given: Column, parent: Column) -> bool:
    """Whether a parent's column under the one a child has otherwise (`given`) differs in its generation."""
    return (given.generated is None) != (parent.generated is None) or \
        (given.generated is not None and parent.generated is not None and given.virtual != parent.virtual)


def columns_after_children(tables: dict, current: dict, given: Optional[dict] = None) -> dict[tuple[str, str], tuple[str, ...]]:
    """(schema, parent) -> the names of its columns added after its new children (of a parent that exists, those
    it gains: its ADD COLUMN waits for them too); `given`: (schema, parent) -> names its children need added after
    them for another cause (compare.new_row_triggers: a child's trigger Postgres refuses beside them)."""
    later: dict[tuple[str, str], set[str]] = {pk: set(names) for pk, names in (given or {}).items()}
    for key, child in tables.items():
        if not child.inherits or child.partition_of is not None or key in current:
            continue
        own = {c.name: c for c in own_columns(child)}
        parents = [(q.schema, q.name) for q in child.inherits]
        for at, pk in enumerate(parents):
            parent, was = tables.get(pk), current.get(pk)
            if parent is None:
                continue
            for col in parent.columns:
                if was is not None and was.column(col.name) is not None:
                    continue  # (an existing parent's column: its child is made under it as it is)
                given = own.get(col.name) or next((c for q in parents[:at] for c in (tables[q].column(col.name),)
                                                   if q in tables and c is not None), None)
                if given is not None and _conflict(given, col):
                    later.setdefault(pk, set()).add(col.name)
    tails = {pk: tail for pk, names in later.items() if (tail := _trailing(tables[pk], names))}
    below = received_later(tails, tables, current)
    return {pk: tail for pk, tail in tails.items()
            if all(ordered_by_later(c, tables, below) or _joined_after(c, tables, tails) or joins_before(c, tables, tails, below)
                   for c in _new_children(pk, tables, current, below))}


def joined_before(later: dict, tables: dict, current: dict) -> dict[tuple[str, str], tuple[str, ...]]:
    """(schema, child) -> the later columns it gains, of each new child in an order of its own that joins its parents
    before they gain their `later` columns (joins_before)."""
    below = received_later(later, tables, current)
    return {key: below.get(key, ()) for key, t in tables.items()
            if key not in current and t.partition_of is None and not ordered_by_later(t, tables, below)
            and not _joined_after(t, tables, later) and joins_before(t, tables, later, below)}


def joins_before(t: Table, tables: dict, later: dict, below: dict) -> bool:
    """Whether `t`, a new child in an order of its own that cannot join its parents after their `later` columns (its
    own column of another generation under one: INHERIT refuses it; or a new child of its own made under it), joins
    them before: made without the later columns it gains (`below`), which their ADD COLUMNs then give it after its own,
    as in a database where the parent gained them after the INHERIT (its order says so)."""
    if t.key in later or not reordered_child(t, tables) or not any((q.schema, q.name) in later for q in t.inherits):
        return False
    gained = below.get(t.key, ())
    names = [c.name for c in t.columns]
    return names == [n for n in names if n not in gained] + list(gained)


def joined_first(changes: list, gained: Optional[tuple[str, ...]], later: dict, own: tuple[str, ...] = ()) -> list:
    """The changes completing a new table; of a child that joins its parents before their `later` columns (joined_before:
    `gained`, the columns their ADD COLUMN gives it), each INHERIT carries the parent's later columns and those
    (plan.dependencies: it runs before their ADD COLUMN, which reaches the child: its own ADD COLUMN of each it gained
    runs no statement, INHERITED), and `own`, the columns the child adds after them (tails_for_triggers.made_under)."""
    if gained is None:
        return changes
    return [replace(c, old=tuple(dict.fromkeys(later.get((c.new.schema, c.new.name), ()) + gained + own))) if c.kind == "add_inherit"
            else replace(c, cause=INHERITED) if c.kind == "add_column" and c.name in gained else c for c in changes]


def _joined_after(t: Table, tables: dict, later: dict) -> bool:
    """Whether `t`, a new child in an order of its own (made on its own, then INHERIT: compare.inherited_checks), can
    join its parents once they have their `later` columns: it has each of them as the parent's (its INHERIT would be
    refused otherwise), and no new child of its own is made under it (which would count on it gaining them later)."""
    if not reordered_child(t, tables) or any((q.schema, q.name) == t.key for x in tables.values() for q in x.inherits):
        return False
    for q in t.inherits:
        p = tables.get((q.schema, q.name))
        for name in later.get((q.schema, q.name), ()) if p is not None else ():
            mine, theirs = t.column(name), p.column(name)
            if mine is not None and theirs is not None and _conflict(mine, theirs):
                return False
    return True


def received_later(later: dict, tables: dict, current: dict) -> dict:
    """`later` and, for each new INHERITS table under those parents (at any depth), the later columns it does not
    declare: it gains them from its parent's ADD COLUMN, after its own (its new children after theirs)."""
    out = dict(later)
    for _ in range(len(tables)):
        grown = False
        for key, t in tables.items():
            if key in current or t.partition_of is not None or key in later:
                continue
            own = {c.name for c in own_columns(t)}
            got = tuple(dict.fromkeys(n for q in t.inherits for n in out.get((q.schema, q.name), ()) if n not in own))
            if got and out.get(key) != got:
                out[key], grown = got, True
        if not grown:
            return out
    return out


def ordered_by_later(t: Table, tables: dict, later: dict) -> bool:
    """Whether `t`, a child of a parent with `later` columns, has the order its CREATE TABLE and their ADD COLUMNs
    give it (order_made): made by CREATE TABLE ... INHERITS, not in an order of its own (compare.inherited_checks)."""
    return any((q.schema, q.name) in later for q in t.inherits) and order_made(t, tables, later) == [c.name for c in t.columns]


def _new_children(pk: tuple[str, str], tables: dict, current: dict, below: dict) -> list[Table]:
    """The new INHERITS tables under `pk` (not partitions): its children, and theirs that gain its later columns."""
    out, todo = [], [pk]
    while todo:
        up = todo.pop()
        for key, t in tables.items():
            if key not in current and t.partition_of is None and any((q.schema, q.name) == up for q in t.inherits) \
                    and t not in out:
                out.append(t)
                todo += [key] if key in below and key not in todo else []
    return out


def order_made(t: Table, tables: dict, later: dict) -> list[str]:
    """The column order CREATE TABLE ... INHERITS gives `t` under parents without their `later` columns, then their
    ADD COLUMNs: its parents' columns, its own, then the later ones it does not declare, each parent's in turn."""
    parents = [tables.get((q.schema, q.name)) for q in t.inherits]
    names = list(dict.fromkeys(c.name for p in parents if p is not None for c in p.columns
                               if c.name not in later.get(p.key, ())))
    names += [c.name for c in own_columns(t) if c.name not in names]
    return names + list(dict.fromkeys(n for p in parents if p is not None for n in later.get(p.key, ()) if n not in names))


def made_without(t: Table, names: tuple[str, ...]) -> Table:
    """`t` as CREATE TABLE makes it before its columns `names` are added: without them, nor the CHECKs and keys over
    them (the differ adds those after the columns, as it adds a new table's later constraints)."""
    if not names:
        return t
    over = lambda cols: any(n in names for n in cols)  # noqa: E731
    pk = t.primary_key
    return replace(t, columns=tuple(c for c in t.columns if c.name not in names),
                   inherited_only=tuple(n for n in t.inherited_only if n not in names),
                   primary_key=None if pk is not None and over(pk.columns) else pk,
                   uniques=tuple(u for u in t.uniques if not over(u.columns)),
                   checks=tuple(c for c in t.checks if not over(referenced_columns(c.expression))))


def _trailing(t: Table, names: set[str]) -> tuple[str, ...]:
    """`t`'s columns from the first of `names` on, in its order ((): where it is partitioned)."""
    if t.partition_by is not None:
        return ()
    order = [c.name for c in t.columns]
    return tuple(order[min(order.index(n) for n in names):])
