"""Publications compared by name: what they publish and which tables and schemas (a member's column list
and row filter too: its filter in normal form). FOR ALL TABLES has no ALTER: switching to or from it is a
drop and a create. The owner is compared where schema.yaml pins it, as every owner is."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Optional, Union

from schemac.compare.changes import Change
from schemac.compare.normalize import same_expression
from schemac.model import EventTrigger, Publication, PublishedTable, Schema

Owned = Union[Publication, EventTrigger]


def owned_changes(kind: str, old: Optional[Owned], new: Owned) -> list[Change]:
    """set_<kind>_owner where schema.yaml pins another owner than `old` has, set_<kind>_comment where the
    comments differ (`old` None: a new object, which CREATE leaves without either)."""
    out = []
    if new.owner is not None and new.owner != (old.owner if old is not None else None):
        out.append(Change(f"set_{kind}_owner", "", "", new.name, old, new))
    if (old.comment if old is not None else None) != new.comment:
        out.append(Change(f"set_{kind}_comment", "", "", new.name, old, new))
    return out


def same_member(a: PublishedTable, b: PublishedTable) -> bool:
    return a.key == b.key and a.columns == b.columns and same_expression(a.where, b.where)


def same_definition(a: Publication, b: Publication) -> bool:
    """Equal but for owner and comment (and name: a rename keeps the rest)."""
    return (replace(a, tables=(), comment=None, name="") == replace(b, tables=(), comment=None, name="")
            and len(a.tables) == len(b.tables) and all(same_member(x, y) for x, y in zip(a.tables, b.tables)))


def _renamed_tables(current: Schema, desired: Schema) -> Callable[[PublishedTable], PublishedTable]:
    """A member under its new name where schema.yaml renames its table (the publication keeps the table's oid)."""
    renames = {(t.schema, t.renamed_from): t.name for t in desired.tables
               if t.renamed_from and current.table(t.schema, t.renamed_from) is not None}
    return lambda m: replace(m, name=renames[m.key]) if m.key in renames else m


def diff_publications(current: Schema, desired: Schema) -> list[Change]:
    renamed = _renamed_tables(current, desired)
    cur = {p.name: replace(p, tables=tuple(sorted(map(renamed, p.tables), key=lambda m: m.key)))
           for p in current.publications}
    des = {p.name: p for p in desired.publications}
    out: list[Change] = []
    for name, p in des.items():
        old = cur.get(name)
        if old is None and p.renamed_from in cur and p.renamed_from not in des:
            old = cur.pop(p.renamed_from)  # type: ignore[arg-type]
            out.append(Change("rename_publication", "", "", name, old, p))
            old = replace(old, name=name)
        if old is None:
            out += [Change("add_publication", "", "", name, None, p)] + owned_changes("publication", None, p)
        elif old.all_tables != p.all_tables:  # no ALTER for it: dropped and created again (plan.publication_ddl)
            out += [Change("alter_publication", "", "", name, old, p)] + owned_changes("publication", None, p)
        else:
            if not same_definition(old, p):
                out.append(Change("alter_publication", "", "", name, old, p))
            out += owned_changes("publication", old, p)
    out += [Change("drop_publication", "", "", name, p, None) for name, p in cur.items() if name not in des]
    return out
