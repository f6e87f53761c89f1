"""A column an INHERITS child has from two parents or more (attinhcount 2+), retyped by each: Postgres refuses the
first parent's ALTER COLUMN ... TYPE ('cannot alter inherited column'), since it reaches the child through one parent
of several. Where they retype it alike, all join a scratch parent retyping it once (compare.scratch_retypes), which
leaves the child as a fresh build has it; where not, the child leaves all but one of them (NO INHERIT) before, and
joins them again (INHERIT) after."""

from __future__ import annotations

from schemac.compare.changes import RETYPED_BY_EACH, Change
from schemac.compare.inherited_drops import stable_parents
from schemac.model import Schema, Table, own_columns


def around_retypes(old: Table, new: Table, per_table: dict[tuple[str, str], list[Change]],
                   tables: dict, exact: frozenset = frozenset()) -> list[Change]:
    """NO INHERIT and INHERIT of `new`'s parents it leaves around their retypes of a column it has from each (its own
    too: attinhcount counts them all). The parent kept of each such column is the one giving the child most columns
    no other parent gives: NO INHERIT leaves those the child's own (attislocal), unlike a fresh build; a parent left
    whose columns another gives too, and that is the last of the child's (INHERIT appends), leaves the catalog as a
    fresh build has it. Where that parent is not the last, the order of the parents changes (inhseqno): kept so."""
    if new.partition_of is not None or old.partition_of is not None or len(new.inherits) < 2:
        return []
    leave = set()
    for name, by in shared_retypes(stable_parents(old, new), per_table, tables).items():
        if (by[0], name) not in exact:  # (made exactly through a scratch parent: compare.scratch_retypes)
            kept = max(by, key=lambda q: (len(_alone(new, q, tables)), -by.index(q)))
            leave |= {q for q in by if q != kept}
    out: list[Change] = []
    for p in new.inherits:  # in their order, which INHERIT appends to
        if (p.schema, p.name) in leave:
            name = f"{p.schema}.{p.name}"
            out += [Change("drop_inherit", new.schema, new.name, name, p, None, new, RETYPED_BY_EACH),
                    Change("add_inherit", new.schema, new.name, name, None, p, new, RETYPED_BY_EACH)]
    return out


def shared_retypes(parents: list[tuple[str, str]], per_table: dict, tables: dict) -> dict[str, list[tuple[str, str]]]:
    """The columns two of a child's `parents` or more retype each (not carried down from a parent of theirs), and
    those parents in the child's order."""
    retyped = {q: _retyped(q, per_table) - _retyped_above(q, per_table, tables) for q in parents}
    by = {name: [q for q in parents if name in retyped[q]] for names in retyped.values() for name in names}
    return {name: qs for name, qs in sorted(by.items()) if len(qs) > 1}


def _retyped(key: tuple[str, str], per_table: dict[tuple[str, str], list[Change]]) -> set[str]:
    return {c.name for c in per_table.get(key, ()) if c.kind == "alter_column_type"}


def _retyped_above(key: tuple[str, str], per_table: dict, tables: dict) -> set[str]:
    """The retypes a parent of `key` carries down to it: a common ancestor's reaches the child by each path."""
    t = tables.get(key)
    return {n for p in (t.inherits if t is not None else ()) for n in _retyped((p.schema, p.name), per_table)}


def _alone(new: Table, q: tuple[str, str], tables: dict) -> set[str]:
    """The columns of `new` that its parent `q` gives it and no other of its parents does."""
    names = {c.name for c in tables[q].columns} if q in tables else set()
    for p in new.inherits:
        if (p.schema, p.name) != q and (p.schema, p.name) in tables:
            names -= {c.name for c in tables[(p.schema, p.name)].columns}
    return names & {c.name for c in new.columns}


def parents_wrapped(change: Change, parent) -> list:
    """The parents whose columns' changes an INHERIT / NO INHERIT is ordered by (plan.dependencies): its own, and
    around a retype by each parent (RETYPED_BY_EACH) every parent of the child, the one it stays under included."""
    return list(change.table_def.inherits) if change.cause == RETYPED_BY_EACH else [parent]  # type: ignore[union-attr]


def retype_wrap_notices(changes: list[Change], desired: Schema) -> list[str]:
    """generate's warnings where the NO INHERIT around a retype leaves the child unlike a fresh build: the columns and
    CHECKs only that parent gives it become its own (attislocal, conislocal; no DDL turns them back, and a later DROP
    on the parent leaves them on the child), and a parent not the child's last comes last (INHERIT appends)."""
    tables = {t.key: t for t in desired.tables}
    out = []
    for c in changes:
        if c.kind != "drop_inherit" or c.cause != RETYPED_BY_EACH:
            continue
        t, p = c.table_def, c.old
        key = (p.schema, p.name)  # type: ignore[union-attr]
        others = [tables[(q.schema, q.name)] for q in t.inherits if (q.schema, q.name) != key  # type: ignore[union-attr]
                  and (q.schema, q.name) in tables]
        given = {k.name for q in others for k in q.checks if not k.no_inherit} | {k.name for k in t.checks}  # type: ignore
        columns = sorted(_alone(t, key, tables) - {x.name for x in own_columns(t)})  # type: ignore[arg-type]
        checks = sorted(k.name for k in tables[key].checks if not k.no_inherit and k.name not in given) \
            if key in tables else []
        what = " and ".join(x for x in (f"column(s) {', '.join(columns)}" if columns else "",
                                        f"CHECK(s) {', '.join(checks)}" if checks else "") if x)
        parts = [f"its {what} become its own (attislocal, conislocal), unlike a table made with INHERITS: a DROP on "
                 f"{c.name} later leaves them on it"] if what else []
        parts += [f"{c.name} comes last among its parents (inhseqno), unlike a table made with INHERITS"] \
            if t.inherits[-1] != p else []  # type: ignore[union-attr]
        if parts:
            out.append(f"{t.source or t.qualified_name}: table {t.qualified_name} leaves {c.name} (NO INHERIT) and "  # type: ignore
                       f"joins it again around the retype of a column it has from more than one parent, which Postgres "
                       f"refuses otherwise: {'; '.join(parts)}")
    return out
