"""A column an INHERITS child has from two parents or more, retyped alike by each (the same old and new type and
collation, the same USING): Postgres refuses each parent's ALTER COLUMN ... TYPE ('cannot alter inherited column'),
which reaches the child through one parent of several. The parents join a scratch parent holding the column as it is
(INHERIT), whose ALTER COLUMN ... TYPE recurses through all of them into the child once (its attinhcount is the count
of its parents in that tree, which Postgres allows), then leave it (NO INHERIT) and it is dropped: attislocal,
attinhcount, conislocal and inhseqno stay as a fresh build has them. Retypes that differ keep the child's NO INHERIT
and INHERIT of all parents but one (compare.inherited_retypes), which does not."""

from __future__ import annotations

from schemac.compare.changes import Change, takes_using
from schemac.compare.inherited_drops import stable_parents
from schemac.compare.inherited_retypes import shared_retypes
from schemac.model.frozen import replace
from schemac.pg.lazy import lazy

referenced_columns = lazy("schemac.pg.expressions", "referenced_columns")  # (no sqlglot on diff's fast path)

Key = tuple[str, str]


def through_scratch(per_table: dict[Key, list[Change]], cur_tables: dict, des_tables: dict) -> set[tuple[Key, str]]:
    """Marks in `per_table` the parents' retypes made through one scratch parent (Change.through), and gives
    (parent, column) of each: compare.inherited_retypes leaves those children as they are."""
    groups: dict[str, list[set[Key]]] = {}
    children: dict[str, list[Key]] = {}
    for key, new in des_tables.items():
        old = cur_tables.get(key)
        if old is None or new.partition_of is not None or old.partition_of is not None or len(new.inherits) < 2:
            continue
        for name, by in shared_retypes(stable_parents(old, new), per_table, des_tables).items():
            children.setdefault(name, []).append(key)
            merged = set(by)
            for g in [g for g in groups.get(name, []) if g & merged]:
                merged |= g
                groups[name].remove(g)
            groups.setdefault(name, []).append(merged)
    marked: set[tuple[Key, str]] = set()
    taken = {t.name for tables in (cur_tables, des_tables) for t in tables.values()}
    for name, comps in groups.items():
        for comp in comps:
            parents = sorted(comp)
            if not _alike(name, parents, children[name], per_table, des_tables) or \
                    not _alike(name, parents, children[name], per_table, cur_tables, retypes=False):
                continue
            scratch = _scratch_name(parents[0][1], name, taken)
            taken.add(scratch)
            through = ((parents[0][0], scratch), *parents)
            for q in parents:
                per_table[q] = [replace(c, through=through) if c.kind == "alter_column_type" and c.name == name else c
                                for c in per_table[q]]
                marked.add((q, name))
    return marked


def _alike(name: str, parents: list[Key], children: list[Key], per_table: dict, tables: dict,
           retypes: bool = True) -> bool:
    """Whether one ALTER of a scratch parent makes each parent's retype of column `name`: the same retype in each (a
    USING reading that column only: the scratch parent has no other), of a column each has as its own only (no parent
    of its own gives it), plain (no identity nor generation), on a table INHERIT takes (not typed, foreign nor
    partitioned); and every child's parents giving it are among them. In `tables` (the desired model's, then without
    `retypes` the current one's: a parent the child leaves or joins in this migration is not among them)."""
    if retypes and not _same_retype(name, parents, per_table):
        return False
    defs = [tables.get(q) for q in parents]
    if any(t is None or t.of is not None or t.foreign is not None or t.partition_by is not None
           or _given(t.inherits, name, tables) for t in defs):
        return False
    return all(k in tables and {(p.schema, p.name) for p in tables[k].inherits if _given((p,), name, tables)} <=
               set(parents) for k in children)


def _same_retype(name: str, parents: list[Key], per_table: dict) -> bool:
    retypes = [c for q in parents for c in per_table.get(q, ()) if c.kind == "alter_column_type" and c.name == name]
    if len(retypes) != len(parents) or any(c.cause is not None for c in retypes):
        return False
    using = {c.new.using if takes_using(c) else None for c in retypes}  # type: ignore[union-attr]
    sides = {(c.old.type, c.old.collation, c.new.type, c.new.collation, c.direct_cast) for c in retypes}  # type: ignore
    plain = all(x.identity is None and x.generated is None for c in retypes for x in (c.old, c.new))  # type: ignore
    return len(sides) == 1 and len(using) == 1 and plain and referenced_columns(f"({next(iter(using)) or name})") <= {name}


def _given(parents, name: str, tables: dict) -> bool:
    """Whether one of `parents` has column `name` (one not in the models is taken to)."""
    return any((p.schema, p.name) not in tables or tables[(p.schema, p.name)].column(name) is not None for p in parents)


def _scratch_name(parent: str, column: str, taken: set[str]) -> str:
    """The scratch parent's name: the first parent's and the column's, marked (at most 63 bytes), free in the models."""
    cut = lambda s, n: s.encode("utf-8")[:n].decode("utf-8", "ignore")  # noqa: E731
    base = f"{cut(parent, 22)}_{cut(column, 20)}__schemac_retype"
    name, i = base, 1
    while name in taken:
        name, i = f"{base}{i}", i + 1
    return name
