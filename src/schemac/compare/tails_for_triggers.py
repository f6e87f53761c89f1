"""A partitioned table's (an INHERITS parent's) last generated columns dropped and added again around a BEFORE trigger
reading NEW's whole row.

Postgres refuses CREATE TRIGGER of such a trigger beside a generated column (compare.new_row_triggers) but not ADD
COLUMN of one after it. A table of no parent nor partitions whose last columns are generated has them dropped and
added again around it (new_row_triggers.dropped_for_triggers). A partitioned table's too, the trigger on it or on a
partition at any level: its DROP COLUMN takes each partition's column (a partition's columns are its parent's,
attislocal false), its ADD COLUMN gives each partition the column last, so every partition, at every level, must end
with the same columns in that order in schema.yaml, as a fresh build has them (made without them, the trigger, then
the root's ADD COLUMNs). Each partition's changes mark those columns dropped and added (its ALTERs run none: the
parent's carry down, compare.differ._not_inherited) so that what stands on them of its own (indexes, CHECKs,
statistics, comments, grants, policies) is made again around; a partition's generation expression of its own (16+)
is set again after the parent's ADD (own_generation_again), as compare.own_expressions does after a parent's new
expression. An INHERITS parent's alike, the trigger on it or on a table under it: its DROP takes a child's column it
has from it alone and does not declare (attislocal false), the ADD gives it back last; a declared one stays where it is
(_inherits_tails); a new table under it in the order CREATE TABLE ... INHERITS gives it while the parent lacks them
is made between the DROP and the ADD (made_between, made_under), and a child's own last generated columns, which no
parent has, are its own DROP and ADD (_own_tails). Where a partition's or child's order ends otherwise nothing is
exact: generate refuses it, as before (compare.trigger_refusals)."""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import GENERATED_REBUILT, INHERITED, Change
from schemac.compare.default_rows import below, partitions
from schemac.compare.new_row_triggers import ends_with, last_generated, reads_new_row, refused_triggers
from schemac.compare.inherited_checks import reordered_child
from schemac.compare.normalize import same_values
from schemac.compare.parents_columns_later import joins_before, made_without, ordered_by_later
from schemac.compare.table_triggers import same_trigger
from schemac.model import Table, Trigger
from schemac.model.frozen import replace
from schemac.model.tables import inherits_above, own_columns


def _made_now(t: Table, cur: Optional[Table]) -> bool:
    """Whether `t` has a trigger Postgres refuses beside its generated columns that the migration creates or replaces:
    `cur` has none of its definition, under its name or another (a RENAME, a comment or a state checks nothing)."""
    had = cur.triggers if cur is not None else ()
    return any(not any(same_trigger(replace(x, name=g.name), g) for x in had) for g in refused_triggers(t))


def tails_for_triggers(cur_tables: dict, des_tables: dict) -> dict[tuple[str, str], frozenset[str]]:
    """(schema, table) -> the generated columns dropped and added again, of each standing partitioned root (of no
    parent) with a trigger the migration makes, on it or on a partition of it, that Postgres refuses beside them, and
    of each of its partitions at every level (their DROP and ADD its own carry down); none where a partition, standing
    or new, does not end with them in the root's order. So too of a standing INHERITS parent with such a trigger, of
    its own or of a table under it, and of the children its DROP COLUMN reaches (_inherits_tails)."""
    out: dict[tuple[str, str], frozenset[str]] = {}
    children: Optional[dict] = None
    kids: Optional[dict] = None
    for key, t in des_tables.items():
        was = cur_tables.get(key)
        if was is None or t.partition_of is not None or was.partition_of is not None or t.inherits or was.inherits \
                or (t.partition_by is None) != (was.partition_by is None):
            continue
        if t.partition_by is None:
            kids = _children(des_tables) if kids is None else kids
            if key in kids and any(refused_triggers(des_tables[k]) for k in _below(key, kids)) and \
                    (tail := last_generated(was, t)):  # (such a trigger on it or on a table under it)
                tree = _inherits_tails(key, tail, cur_tables, des_tables, kids)
                out.update(tree if any(_made_now(des_tables[k], cur_tables.get(k)) for k in _below(key, kids)) else {})
            continue
        children = partitions(des_tables) if children is None else children
        tree = [des_tables[k] for k in below(t, des_tables, children)]
        if not any(_made_now(m, cur_tables.get(m.key)) for m in [t] + tree):
            continue
        tail = last_generated(was, t)
        if tail and all(_ends_alike(m, cur_tables.get(m.key), tail) for m in tree):
            out.update({m.key: frozenset(tail) for m in [t] + tree})
    return _own_tails(out, cur_tables, des_tables, kids)


def _own_tails(out: dict, cur_tables: dict, des_tables: dict, kids: Optional[dict]) -> dict:
    """`out` and, of each standing INHERITS child (of the same parents on both sides) none of `out` holds whose last
    generated columns are its own alone (no parent has them, on either side: attislocal, attinhcount 0), with such a
    trigger made on it or on a table under it: those, which its own DROP and ADD COLUMN drop and add again, as a
    parent's, and the tables under it that they reach (_inherits_tails)."""
    for key, t in des_tables.items():
        was = cur_tables.get(key)
        if was is None or key in out or not t.inherits or t.partition_of is not None or was.partition_of is not None \
                or t.partition_by is not None or was.partition_by is not None or \
                [(q.schema, q.name) for q in t.inherits] != [(q.schema, q.name) for q in was.inherits]:
            continue
        kids = _children(des_tables) if kids is None else kids
        if not any(refused_triggers(des_tables[k]) for k in _below(key, kids)) or not (tail := last_generated(was, t)):
            continue
        ups = [x for q in t.inherits for x in (des_tables.get((q.schema, q.name)), cur_tables.get((q.schema, q.name)))]
        if any(p is None or any(p.column(n) is not None for n in tail) for p in ups):
            continue
        tree = _inherits_tails(key, tail, cur_tables, des_tables, kids)
        if tree and not set(tree) & set(out) and any(_made_now(des_tables[k], cur_tables.get(k)) for k in _below(key, kids)):
            out.update(tree)
    return out


def _children(tables: dict) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Each INHERITS parent's children, (schema, name) -> theirs."""
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for key, t in tables.items():
        for q in t.inherits:
            out.setdefault((q.schema, q.name), []).append(key)
    return out


def _below(key: tuple[str, str], kids: dict) -> list[tuple[str, str]]:
    """`key` and the INHERITS tables under it, at any depth."""
    out = [key]
    for k in out:
        out += [c for c in kids.get(k, ()) if c not in out]
    return out


def _declared(t: Table) -> set[str]:
    """The columns child `t` declares of its own (attislocal)."""
    return {c.name for c in own_columns(t)} - set(t.inherited_only)


def _inherits_tails(key: tuple[str, str], tail: tuple[str, ...], cur_tables: dict, des_tables: dict,
                    kids: dict) -> dict[tuple[str, str], frozenset[str]]:
    """INHERITS parent `key`'s `tail` and, for each table under it (at any depth), those its DROP COLUMN takes: a
    child's column it has from that parent alone, not declared (attislocal false; one it declares stays where it is,
    the parent's ADD merges into it, and reaches none of its children), which the ADD gives it again last, in the
    parent's order. None where a child is new, has another parent giving one of them, declares one on one side only
    (no DDL makes a column inherited-only), or does not have in schema.yaml the order the DROP and ADD leave it."""
    out = {key: frozenset(tail)}
    todo = [(key, tail)]
    while todo:
        pk, gone = todo.pop()
        for ck in kids.get(pk, ()):
            d, c = des_tables[ck], cur_tables.get(ck)
            if c is None and d.partition_of is None and not any(k in cur_tables for k in _below(ck, kids)):
                continue  # (a new child, and what is new under it: made in its order, joined after the ADD)
            if c is None or ck in out or d.partition_of is not None or c.partition_of is not None or \
                    [(q.schema, q.name) for q in c.inherits] != [(q.schema, q.name) for q in d.inherits]:
                return {}
            others = [des_tables.get((q.schema, q.name)) for q in d.inherits if (q.schema, q.name) != pk]
            mine, was = _declared(d), _declared(c)
            if any(o is None or any(o.column(n) is not None for n in gone) for o in others) or \
                    any((n in mine) != (n in was) for n in gone):
                return {}
            dropped = tuple(n for n in gone if n not in was)
            left = [x.name for x in c.columns if x.name not in dropped] + list(dropped)
            if [x.name for x in d.columns if c.column(x.name) is not None] != left:
                return {}
            out[ck] = frozenset(dropped)
            todo += [(ck, dropped)] if dropped else []
    return out


def made_between(tails: dict, des_tables: dict) -> dict[tuple[str, str], tuple[str, ...]]:
    """(schema, table) -> the columns of each INHERITS table of `tails` (not a partitioned one's) in its order in
    schema.yaml, for compare.parents_columns_later as columns a standing parent gains after its new children: a new
    child (at any depth) in the order CREATE TABLE ... INHERITS gives it between the DROP and the ADD, then the ADD
    (ordered_by_later), is made there, its own trigger of that kind before the ADD too (a fresh build's order)."""
    return {key: tuple(c.name for c in t.columns if c.name in names) for key, names in tails.items()
            if (t := des_tables[key]).partition_of is None and t.partition_by is None and names}


def made_under(t: Table, between: dict, below: dict, des_tables: dict, cur_tables: dict) -> tuple[tuple, tuple, tuple]:
    """Of new table `t` under a standing table of `between` (made_between) through new tables: (schema, table,
    column) of each column of `between` that standing table adds after it, as (before, after, own): `before` where `t` is
    made between the DROP and the ADD (its columns but `own`, those it declares after them, which its ADD COLUMNs add
    after that ADD, in the order CREATE TABLE ... INHERITS gives it there, ordered_by_later; or in an order of its own
    ending with them, none declared: made on its own and joined there, parents_columns_later.joins_before, under a
    new table made there too, at any depth: it joins that one in the window): the ADD,
    which reaches it, waits for its CREATE (or INHERIT), which waits for the DROP (plan.dependencies: before_parents),
    as its parent's do; `after` where it is made CREATE TABLE ...
    INHERITS under a new table made there, in the order the ADD gives its parent first: its CREATE waits for the ADD
    (the Change's `above`)."""
    out = [(*k, n) for k in inherits_above(t, des_tables, lambda k: k not in cur_tables) if k in cur_tables
           for n in between.get(k, ()) if t.column(n) is not None]
    if not out:
        return (), (), ()
    if ordered_by_later(t, des_tables, below):
        return tuple(out), (), ()
    own = _own_after(t, below.get(t.key, ())) if reordered_child(t, des_tables) else ()
    made = made_without(t, own)  # (a child in the plain CREATE TABLE ... INHERITS order: made after the ADD)
    window = {**between, **{k: below.get(k, ()) for q in t.inherits if (k := (q.schema, q.name)) not in cur_tables
                            and k in des_tables and made_under(des_tables[k], between, below, des_tables, cur_tables)[0]}}
    if own and ordered_by_later(made, des_tables, below) or \
            {x[2] for x in out} <= set(t.inherited_only) and joins_before(made, des_tables, window, below):
        return tuple(out), (), own
    return (), tuple(x for x in out if (x[0], x[1]) not in {(q.schema, q.name) for q in t.inherits}), ()


def _own_after(t: Table, gained: tuple[str, ...]) -> tuple[str, ...]:
    """The columns new table `t` declares after the last of `gained` (a fresh build's ADD COLUMNs on it after the ADD
    that gave it those); () where one of them is not its own."""
    names = [c.name for c in t.columns]
    if not gained or any(n not in names for n in gained):
        return ()
    rest = names[max(names.index(n) for n in gained) + 1:]
    own = {c.name for c in own_columns(t)}
    return tuple(rest) if all(n in own for n in rest) else ()


def joined_later(one: dict, other: dict) -> dict[tuple[str, str], tuple[str, ...]]:
    """Two maps of (schema, table) -> columns added after new children, joined (each table's, in turn, once)."""
    return {k: tuple(dict.fromkeys(one.get(k, ()) + other.get(k, ()))) for k in {**one, **other}}


def _ends_alike(m: Table, cur: Optional[Table], tail: tuple[str, ...]) -> bool:
    """Whether partition `m` ends with `tail` in that order (a new one's columns all its parent's: PARTITION OF)."""
    return ends_with(cur if cur is not None else m, m, tail) and all(
        (c := m.column(n)) is not None and c.generated for n in tail)


def own_generation_again(changes: list[Change], tails: dict, des_tables: dict) -> list[Change]:
    """`changes` and, for each partition of `tails` whose column there has a generation expression of its own (16+),
    an alter_generated of it and of each column after it there (GENERATED_REBUILT, in order: plan.member_dependencies)
    after the parent's ADD COLUMN, which gave them the parent's: plan.generated_ddl sets them in place on 17+, and
    before 17 DETACHes, drops, adds and ATTACHes each, which puts it last (so each after it too)."""
    out = list(changes)
    for key, names in tails.items():
        t = des_tables[key]
        q = t.partition_of
        p = des_tables.get((q.parent_schema, q.parent)) if q is not None else None
        if p is None:
            continue
        own = [not same_values(up.generated, c.generated) if (up := p.column(c.name)) is not None and up.generated
               and c.generated and c.name in names else False for c in t.columns]
        for c in t.columns[own.index(True):] if True in own else ():
            out.append(Change("alter_generated", t.schema, t.name, c.name, replace(c, generated=p.column(c.name).generated),  # type: ignore[union-attr]
                              c, t, GENERATED_REBUILT))
    return out


def read_above(changes: list[Change], tails: dict, des_tables: dict) -> list[Change]:
    """`changes` with each trigger reading NEW's whole row made on an INHERITS table under a table of `tails` (one of
    them, or a new table made between their DROP and ADD: made_between) carrying its INHERITS ancestors above its
    parents (`above`, as compare.partition_copies.under_grandparents gives a sub-partition's): the root's ADD COLUMN,
    which reaches it, waits for it (plan.member_dependencies: key 'new row read')."""
    def up(t: Table) -> tuple:
        ancestors = list(inherits_above(t, des_tables))
        parents = {(q.schema, q.name) for q in t.inherits}
        return tuple(k for k in ancestors if k not in parents) if any(k in tails for k in ancestors) else ()
    return [replace(c, above=c.above + above) if c.kind in ("add_trigger", "alter_trigger") and isinstance(c.new, Trigger)
            and reads_new_row(c.new) and (t := des_tables.get((c.schema, c.table))) is not None and t.inherits
            and (above := up(t)) else c
            for c in changes]


def again_for_triggers(changes: list[Change], tails: dict) -> dict[tuple[str, str], frozenset[str]]:
    """(schema, table) -> its generated columns dropped and added again around such a trigger: `tails`, and a plain
    table's (new_row_triggers.dropped_for_triggers: GENERATED_REBUILT beside the trigger), for compare.policies, which
    drops and makes again a policy over one (Postgres refuses DROP COLUMN under it)."""
    out = dict(tails)
    made = {(c.schema, c.table) for c in changes if c.kind in ("add_trigger", "alter_trigger")}
    for c in changes:
        if c.kind == "drop_column" and c.cause == GENERATED_REBUILT and (c.schema, c.table) in made:
            out[c.schema, c.table] = out.get((c.schema, c.table), frozenset()) | {c.name}
    return out


def reached_below(changes: list[Change], tails: dict, des_tables: dict) -> list[Change]:
    """`changes` with each DROP COLUMN of `tails` that runs (a root's, a child's own: not INHERITED) carrying in
    `remakes` the tables under it whose column it takes (their drop_column INHERITED, which runs nothing and waits for
    it): what stands on their column (a view, a policy, an index, a CHECK...) is dropped before it (plan.member_dependencies),
    not only before their own drop_column."""
    taken = [(c.schema, c.table, c.name) for c in changes
             if c.kind == "drop_column" and c.cause == INHERITED and (c.schema, c.table) in tails]
    if not taken:
        return changes

    def above(key: tuple[str, str]) -> list[tuple[str, str]]:
        out = [key]
        for k in out:
            t = des_tables.get(k)
            q = t.partition_of if t is not None else None
            out += [p for p in [(x.schema, x.name) for x in (t.inherits if t is not None else ())] +
                    ([(q.parent_schema, q.parent)] if q is not None else []) if p not in out]
        return out[1:]
    return [replace(c, remakes=tuple(des_tables[s, t] for s, t, n in taken if n == c.name and
                                     (c.schema, c.table) in above((s, t))))
            if c.kind == "drop_column" and c.cause != INHERITED and (c.schema, c.table) in tails else c for c in changes]
