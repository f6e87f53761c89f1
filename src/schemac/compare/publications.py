"""Publications compared by name: what they publish and which tables and schemas (a member's column list
and row filter too: its filter in normal form). FOR ALL TABLES has no ALTER: switching to or from it is a
drop and a create. Postgres refuses to retype a column a member's column list or row filter names: such a
member is dropped before and added after. The owner is compared where schema.yaml pins it, and given back where it pins none (compare.given_back)."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Callable, Optional, Union

from schemac.compare.changes import Change, remade_columns
from schemac.compare.given_back import given_back, owners_by_default
from schemac.compare.column_renames import column_moves
from schemac.compare.moves import chained_renames, ordered_renames, rename_cycles
from schemac.compare.equality import equal_except
from schemac.compare.normalize import rename_column_in_expression, same_expression
from schemac.pg.names import scratch_name
from schemac.model import EventTrigger, ForeignServer, Publication, PublishedTable, Schema
from schemac.pg.lazy import lazy

referenced_columns = lazy("schemac.pg.expressions", "referenced_columns")

Owned = Union[Publication, EventTrigger, ForeignServer]


def owned_changes(kind: str, old: Optional[Owned], new: Owned, back: Optional[frozenset] = None) -> list[Change]:
    """set_<kind>_owner where schema.yaml pins another owner than `old` has, or pins none and `old` is another role's
    than `back`'s (compare.given_back), set_<kind>_comment where the comments differ (`old` None: a new object,
    which CREATE leaves without either)."""
    out = []
    if new.owner is not None and new.owner != (old.owner if old is not None else None) or given_back(old, new, back):
        out.append(Change(f"set_{kind}_owner", "", "", new.name, old, new))
    if (old.comment if old is not None else None) != new.comment:
        out.append(Change(f"set_{kind}_comment", "", "", new.name, old, new))
    return out


def by_name(kind: str, current: tuple, desired: tuple, definition: Callable,
            in_place: Callable[[Owned, Owned], list[Change]], back: Optional[frozenset] = None) -> list[Change]:
    """add_<kind>, drop_<kind>, alter_<kind> (a drop and a create: `definition`, what Postgres cannot alter,
    differs), what `in_place(old, new)` alters of one kept (old None: a new one), then owner (`back`: owned_changes')
    and comment."""
    cur = {o.name: o for o in current}
    out: list[Change] = []
    for o in desired:
        old = cur.get(o.name)
        if old is None:
            out.append(Change(f"add_{kind}", "", "", o.name, None, o))
        elif definition(old) != definition(o):
            out.append(Change(f"alter_{kind}", "", "", o.name, old, o))  # dropped and created again
            old = None  # what follows is set on a new object
        out += in_place(old, o) + owned_changes(kind, old, o, back)
    names = {o.name for o in desired}
    return out + [Change(f"drop_{kind}", "", "", o.name, o, None) for o in current if o.name not in names]


def same_member(a: PublishedTable, b: PublishedTable) -> bool:
    return a.key == b.key and a.columns == b.columns and same_expression(a.where, b.where)


def same_definition(a: Publication, b: Publication) -> bool:
    """Equal but for owner and comment (and name: a rename keeps the rest)."""
    return (equal_except(a, b, "tables", "comment", "name")
            and len(a.tables) == len(b.tables) and all(same_member(x, y) for x, y in zip(a.tables, b.tables)))


def _renamed_tables(current: Schema, desired: Schema) -> Callable[[PublishedTable], PublishedTable]:
    """A member under its new name where the migration renames its table (the publication keeps the table's oid): the
    renames compare.moves makes (a chain's links both; after it, none: c renamed_from b while b holds a's rows); its
    column list and row filter reading the columns the migration renames (`renamed_from`) by their new names, as
    Postgres's pg_publication_rel then does (kept: not dropped from the publication and added again)."""
    renames = {was: key for key, was in chained_renames(current, desired)} \
        if any(t.renamed_from for t in desired.tables) else {}
    moved = lambda m: replace(m, schema=renames[m.key][0], name=renames[m.key][1]) if m.key in renames else m  # noqa: E731
    if not any(c.renamed_from for t in desired.tables for c in t.columns):
        return moved
    cur = {t.key: t for t in current.tables}
    des = {t.key: t for t in desired.tables}

    def follows(m: PublishedTable) -> PublishedTable:
        """`m` (its table renamed) with its column list and row filter after the table's RENAME COLUMNs."""
        was, m = m.key, moved(m)
        if was not in cur or m.key not in des:
            return m
        for old, new in column_moves(cur[was], des[m.key]):
            m = replace(m, columns=tuple(new if c == old else c for c in m.columns) if m.columns else m.columns,
                        where=rename_column_in_expression(m.where, old, new) if m.where else m.where)
        return m
    return follows


# The cause of a publication's members dropped and added again around a change of a column their column
# list or row filter names: Postgres refuses ALTER COLUMN ... TYPE of such a column, and DROP COLUMN of a generated
# one dropped and added again.
COLUMN_RETYPED = "column retyped under a publication"


def _around_retyped(old: Publication, new: Publication, retyped: set) -> list[Change]:
    """`old` -> `new` as two changes when a member kept names a retyped column: first without those members
    (before the ALTER COLUMN ... TYPE: it frees the columns), then to `new` (after it)."""
    def names_retyped(m: PublishedTable) -> bool:
        named = set(m.columns or ()) | (referenced_columns(m.where) if m.where else set())
        return any((m.schema, m.name, c) in retyped for c in named)

    held = {m.key for m in old.tables if names_retyped(m)}
    if not held:
        return [Change("alter_publication", "", "", new.name, old, new)] if not same_definition(old, new) else []
    aside = replace(old, tables=tuple(m for m in old.tables if m.key not in held))
    return [Change("alter_publication", "", "", new.name, old, aside, cause=COLUMN_RETYPED),
            Change("alter_publication", "", "", new.name, aside, new,
                   cause=None if not same_definition(old, new) else COLUMN_RETYPED)]


def publication_moves(cur: dict[str, Publication], des: dict[str, Publication]) -> list[tuple[str, str]]:
    """The RENAMEs (old name, new name) the `renamed_from` hints of `des` make of `cur`, in an order they can run: each
    to a name free then (a chain, a -> b while c -> a: a first), a cycle (a swap, a rotation) through a scratch name
    for its first. A hint to a name `cur` holds and no hint frees is none, as one whose rename `cur` records done
    (state.json keeps the hints: an earlier migration made it; a database read records none, so its cycles are left
    out of the comparison: without_cycles)."""
    pending: dict[str, str] = {}  # new name -> old name
    for name, p in des.items():
        was = p.renamed_from
        if was and was != name and was in cur and was not in pending.values() and \
                not (name in cur and cur[name].renamed_from == was):
            pending[name] = was
    while True:  # (a hint to a name held that no other hint frees: none; that may leave another's name held)
        freed = set(pending.values())
        kept = {name: was for name, was in pending.items() if name not in cur or name in freed}
        if kept == pending:
            break
        pending = kept
    return [(was, name) for name, was in ordered_renames(pending, set(cur), scratch_name, des)]


def without_cycles(publications: tuple[Publication, ...]) -> tuple[Publication, ...]:
    """`publications` without the hints that make a cycle of names (a swap, a rotation), for a comparison with a
    database, which records no hint: a swap made cannot be told from one to make (compared by name instead)."""
    looped = {name for cycle in rename_cycles({p.renamed_from: p.name for p in publications if p.renamed_from})
              for _, name in cycle}
    return tuple(replace(p, renamed_from=None) if p.name in looped else p for p in publications)


def diff_publications(current: Schema, desired: Schema, changes: list[Change]) -> list[Change]:
    """The publications' changes; `changes`: the tables' (a column retyped under a member: `_around_retyped`)."""
    retyped = {(c.schema, c.table, c.name) for c in changes if c.kind == "alter_column_type"} | \
        {(*key, c) for key, columns in remade_columns(changes).items() for c in columns}  # (DROP COLUMN refuses too)
    renamed = _renamed_tables(current, desired)
    cur = {p.name: replace(p, tables=tuple(sorted(map(renamed, p.tables), key=lambda m: m.key)))
           for p in current.publications}
    des = {p.name: p for p in desired.publications}
    out: list[Change] = []
    for was, name in publication_moves(cur, des):  # the renames first: a new publication given an old name is made
        old = cur.pop(was)  # after (renamed aside); a chain's, each once its new name is freed; a cycle's through a
        cur[name] = replace(old, name=name)  # scratch name
        out.append(Change("rename_publication", "", "", name, old, des.get(name) or cur[name]))
    for name, p in des.items():
        old = cur.get(name)
        if old is None:
            out += [Change("add_publication", "", "", name, None, p)] + owned_changes("publication", None, p)
        elif old.all_tables != p.all_tables:  # no ALTER for it: dropped and created again (plan.publication_ddl)
            out += [Change("alter_publication", "", "", name, old, p)] + owned_changes("publication", None, p)
        else:
            out += _around_retyped(old, p, retyped) + owned_changes("publication", old, p, owners_by_default(current))
    out += [Change("drop_publication", "", "", name, p, None) for name, p in cur.items() if name not in des]
    return out
