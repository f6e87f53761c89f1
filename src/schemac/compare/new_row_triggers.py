"""A BEFORE row trigger whose WHEN reads NEW's whole row beside generated columns, which CREATE TRIGGER refuses.

Postgres (every major, trigger.c) refuses a BEFORE trigger's WHEN reading NEW's whole row (`new.*`, `new`, `f(new)`)
on a table that has a generated column (STORED; 18: VIRTUAL too), or reading NEW.g of a generated g ('BEFORE
trigger's WHEN condition cannot reference NEW generated columns'), but ALTER TABLE ... ADD COLUMN of a generated
column checks no trigger: 3DCityDB's `OLD.* IS DISTINCT FROM NEW.*` triggers stand beside generated columns added
after them, and inspect writes them. Every column such a trigger names then precedes the table's first generated
column (none existed when it was made), so a new table is made without its columns from the first generated one on,
the trigger made, and those columns added in their order (`columns_after_triggers`; compare.differ, with
compare.parents_columns_later.made_without): its catalog as the source's. plan.member_dependencies orders a
generated column's ADD after such a trigger's CREATE (`reads_new_row`): an existing table's too. A new partition
made on its own and attached is cut in its own order (`made_apart`), and so is a new INHERITS child made on its own and
joined by INHERIT (`apart_child`). Where the table keeps generated columns under a
trigger the migration makes so, they are dropped and added again around it where they are its last columns
(`dropped_for_triggers`: dropping and adding moves a column last; a partitioned table's and an INHERITS parent's,
with the tables under them: compare.tails_for_triggers); elsewhere nothing is exact: generate and
`diff --sql` refuse it, naming both (compare.trigger_refusals, commands.refusals)."""

from __future__ import annotations

from typing import Optional

from schemac.compare.inherited_checks import reordered_child, reordered_partition
from schemac.compare.not_null_names import named_as_attached
from schemac.model import Table, Trigger
from schemac.pg.sqllex import LexError, folded, tokens

def row_reads(when: str) -> tuple[bool, frozenset[str], frozenset[str]]:
    """Whether `when` reads NEW's whole row, the fields it reads of NEW, and of OLD and NEW (where it cannot be
    read: False, none)."""
    try:
        toks = tokens(when)
    except LexError:
        return False, frozenset(), frozenset()
    whole, fields, new_fields = False, set(), set()
    for i, t in enumerate(toks):
        if t.kind not in ("word", "name") or folded(t) not in ("new", "old") or (i and toks[i - 1].kind in (".", "::")):
            continue
        after = toks[i + 1] if i + 1 < len(toks) else None
        if after is not None and after.kind == "." and i + 2 < len(toks) and toks[i + 2].kind in ("word", "name"):
            fields.add(folded(toks[i + 2]))
            new_fields |= {folded(toks[i + 2])} if folded(t) == "new" else set()
        elif folded(t) == "new" and (after is None or after.kind != "("):  # new.*, new (a call new(...) is none)
            whole = True
    return whole, frozenset(new_fields), frozenset(fields)


def reads_new_row(g: Trigger) -> bool:
    """Whether `g` is a BEFORE row trigger whose WHEN reads NEW's whole row: made before its table's generated
    columns, it stands beside them."""
    return g.timing == "before" and g.for_each_row and g.when is not None and "new" in g.when.lower() and \
        row_reads(g.when)[0]


def refused_beside(g: Trigger, t: Table) -> Optional[str]:
    """The generated column of `t` beside which Postgres refuses CREATE TRIGGER `g` (its first, where `g` reads
    NEW's whole row; the one it reads of NEW), or None."""
    if g.timing != "before" or not g.for_each_row or g.when is None or "new" not in g.when.lower():
        return None
    generated = [c.name for c in t.columns if c.generated is not None]
    if not generated:
        return None
    whole, fields, _ = row_reads(g.when)
    return generated[0] if whole else next((n for n in generated if n in fields), None)


def refused_triggers(t: Table) -> list[Trigger]:
    """`t`'s triggers Postgres refuses beside its generated columns (refused_beside), in order."""
    return [g for g in t.triggers if refused_beside(g, t) is not None]


def named_by(g: Trigger) -> frozenset[str]:
    """The columns `g` names: its UPDATE OF, the fields its WHEN reads of OLD and NEW."""
    return frozenset(g.update_columns) | (row_reads(g.when)[2] if g.when else frozenset())


def columns_after_triggers(tables: dict, current: dict) -> dict[tuple[str, str], tuple[str, ...]]:
    """(schema, table) -> the columns a new table gets by ADD COLUMN after its triggers Postgres refuses beside its
    generated columns: from the first generated one on (but those the triggers name, which the CREATE TABLE keeps:
    a schema.yaml only, no database holds such a trigger). A new partitioned table's too where a new partition of it
    (at any level below: every new level between, whose trigger compare.partition_copies.under_grandparents marks)
    has such a trigger of its own, and that partition's, made PARTITION OF it before them (compare.differ: the
    root's ADD COLUMN gives them; one made in an order of its own and attached only where its order ends with them).
    An INHERITS child's own columns from its own first generated one on (_own_after); the columns its parents give,
    they add after it (parents_after_triggers)."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    apart = apart_for_triggers(tables, current)
    for key, t in tables.items():
        if key in current or not t.triggers:
            continue
        before = refused_triggers(t)
        if t.inherits:  # (its own columns from its own first generated one on, where its parents give none)
            own = _own_after(t, before, tables)
            if own:
                out[key] = own
            continue
        chain = _new_parents(t, tables, current, apart) if before else None
        if chain is None:
            continue
        top = chain[-1]
        names = [c.name for c in top.columns]
        first = min(names.index(c.name) for c in top.columns if c.generated is not None)
        named = frozenset().union(*(named_by(g) for g in before))
        cut = tuple(n for n in names[first:] if n not in named or top.column(n).generated is not None)
        for k in [key] + [q.key for q in chain]:
            out[k] = tuple(dict.fromkeys(out.get(k, ()) + cut))
    return out


def _own_after(t: Table, before: list[Trigger], tables: dict) -> tuple[str, ...]:
    """The columns INHERITS child `t` declares beyond its parents', from its first generated one on (but those
    `before`, its triggers Postgres refuses beside it, name): added after them. None where a parent gives a generated
    column (parents_after_triggers) or is not in `tables`. A child made on its own (apart_child): every column of it
    from its first generated one on, its parents' too."""
    parents = [tables.get((q.schema, q.name)) for q in t.inherits]
    apart = apart_child(t, tables)
    if not before or not apart and any(p is None or any(c.generated is not None for c in p.columns) for p in parents):
        return ()
    given = set() if apart else {c.name for p in parents for c in p.columns}  # type: ignore[union-attr]
    names = [c.name for c in t.columns if c.name not in given]
    first = next((n for n, name in enumerate(names) if t.column(name).generated is not None), None)
    named = frozenset().union(*(named_by(g) for g in before))
    return () if first is None else \
        tuple(n for n in names[first:] if n not in named or t.column(n).generated is not None)


def apart_child(t: Table, tables: dict) -> bool:
    """Whether INHERITS child `t` is made on its own in its order and joins its parents after (compare.inherited_checks.
    inherited_child: its INHERIT waits for its ADD COLUMNs), every column its own (attislocal, none inherited_only):
    its parents, standing or new, give it nothing, so nothing of theirs is cut for its trigger (one inherited_only
    came from a parent's ADD COLUMN after its INHERIT: parents_after_triggers)."""
    return not t.inherited_only and reordered_child(t, tables)


def _new_parents(t: Table, tables: dict, current: dict, apart: frozenset) -> Optional[list[Table]]:
    """The new partitioned tables above partition `t`, up to its root or the first made on its own and attached
    (the table itself where it is neither a partition nor made PARTITION OF: its parents give it no column);
    None where its parent is not in `tables`."""
    chain = [t]
    while (q := chain[-1].partition_of) is not None and not made_apart(chain[-1], tables, apart):
        p = tables.get((q.parent_schema, q.parent))
        if p is None or p.key in current:
            return None
        chain.append(p)
    return chain if len(chain) == 1 else chain[1:]


def made_apart(t: Table, tables: dict, apart: frozenset = frozenset()) -> bool:
    """Whether partition `t` is made on its own and attached (compare.differ, compare.inherited_checks.
    attached_partition): one in `apart` (apart_for_triggers), or with an order or NOT NULL names of its own. Its
    columns come in its own order, none from its parent's ADD COLUMN."""
    q = t.partition_of
    parent = tables.get((q.parent_schema, q.parent)) if q is not None else None
    return parent is not None and (t.key in apart or reordered_partition(t, parent) or named_as_attached(t, tables))


def apart_for_triggers(tables: dict, current: dict) -> frozenset[tuple[str, str]]:
    """The new partitions made on their own and attached for a trigger Postgres refuses beside generated columns,
    theirs or a new partition's under them: the highest new level under a parent that stands already, which
    PARTITION OF would give the generated columns before the trigger (nothing new above it to make without them)."""
    out: set[tuple[str, str]] = set()
    for key, t in tables.items():
        if key in current or t.inherits or not refused_triggers(t):
            continue
        while (q := t.partition_of) is not None and not made_apart(t, tables):
            p = tables.get((q.parent_schema, q.parent))
            if p is None:
                break
            if p.key in current:
                out.add(t.key)
                break
            t = p
    return frozenset(out)


def parents_after_triggers(tables: dict, current: dict) -> dict[tuple[str, str], tuple[str, ...]]:
    """(schema, parent) -> the columns a new INHERITS parent adds after its new child's own trigger Postgres refuses
    beside its generated columns (made while the parent had none: from the parent's first generated one on), for
    compare.parents_columns_later.columns_after_children, which adds them after the children."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for key, t in tables.items():
        if key in current or not t.inherits or t.partition_of is not None or apart_child(t, tables) or \
                not refused_triggers(t):
            continue
        for q in t.inherits:
            p = tables.get((q.schema, q.name))
            if p is None or p.key in current or not any(c.generated is not None for c in p.columns):
                continue
            names = [c.name for c in p.columns]
            first = min(names.index(c.name) for c in p.columns if c.generated is not None)
            out[p.key] = tuple(dict.fromkeys(out.get(p.key, ()) + tuple(names[first:])))
    return out


def dropped_for_triggers(changes: list, cur: Table, des: Table) -> frozenset[str]:
    """The generated columns compare.tables drops and adds again as they are (GENERATED_REBUILT) around a trigger
    `changes` create or replace that reads NEW's whole row, which Postgres refuses beside them: where they are the
    last columns of `cur`, and of `des` in that order (but columns it adds: plan.member_dependencies adds them in
    order), on a table of no parent nor partitions (a partition's column is
    not its own to drop; a partition's order is its own). Their values are computed again; what stands on them is made
    again around; the trigger made between (plan.member_dependencies), the ADDs in order, as a fresh build has the
    table (made without them, the trigger, then them). A partitioned table's and an INHERITS parent's, with what their
    DROP and ADD COLUMN reach below: compare.tails_for_triggers (elsewhere refused: compare.trigger_refusals)."""
    if not any(c.kind in ("add_trigger", "alter_trigger") and isinstance(c.new, Trigger) and reads_new_row(c.new)
               and refused_beside(c.new, des) is not None for c in changes) or cur.partition_of or des.partition_of \
            or cur.partition_by or des.partition_by or cur.inherits or des.inherits:
        return frozenset()
    return frozenset(last_generated(cur, des))


def last_generated(cur: Table, des: Table) -> tuple[str, ...]:
    """`cur`'s last columns from its first generated one on, where each is generated, on both sides, and `des` ends
    with them in that order (but columns it adds among them: their ADDs come in order); else ()."""
    first = next((n for n, c in enumerate(cur.columns) if c.generated is not None), None)
    tail = tuple(c.name for c in cur.columns[first:]) if first is not None else ()
    return tail if tail and ends_with(cur, des, tail) and all(
        cur.column(n).generated and des.column(n) is not None and des.column(n).generated for n in tail) else ()  # type: ignore[union-attr]


def ends_with(cur: Table, des: Table, tail: tuple[str, ...]) -> bool:
    """Whether `des`'s columns `cur` has end with `tail`, in its order."""
    names = [c.name for c in des.columns if cur.column(c.name) is not None]
    return len(names) >= len(tail) and tuple(names[len(names) - len(tail):]) == tail
