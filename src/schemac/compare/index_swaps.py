"""Indexes whose definitions swap names, or rotate them: each one renamed to the name of the definition it holds
(ALTER INDEX ... RENAME, one of each cycle through a scratch name: plan.name_swaps), not dropped and built again.
Two columns swapping names by their hints (compare.column_renames) leave the indexes Postgres named after them so:
`t_a_idx` stands on the column now named b, and schema.yaml's `t_a_idx` on the one now named a. A chain that closes no
cycle (a(x), b(y) -> a(z), b(x)) keeps the index it moves too: DROP INDEX b, ALTER INDEX a RENAME TO b, CREATE INDEX a
(plan.dependencies orders them by the names each frees and takes), where both were dropped and built again."""

from __future__ import annotations

from typing import Callable

from schemac.compare.cast_types import index_casts_moved
from schemac.compare.definition_keys import index_signature, parameter_values, same_key_values
from schemac.model import Index
from schemac.model.frozen import replace


def swapped_indexes(cur: dict[str, Index], des: dict[str, Index], ch: Callable[..., None],
                    same: Callable[[Index, Index], bool]) -> dict[str, Index]:
    """`des` (by name), each cycle of names of both `cur` and `des` whose definitions move round it reported through
    `ch` as its rename_index changes, `cur` then holding each under its new name. A name's index `same` (compare.tables:
    a rename keeps it) as the one another name of the cycle asks for; none whose own name keeps its definition."""
    moved = [n for n, i in des.items() if n in cur and not _kept(cur[n], i)]
    if len(moved) < 2:
        return _taken_from_gone(cur, des, ch, same)
    source: dict[str, str] = {}  # name -> the name whose index it takes
    for n in moved:
        taken = set(source.values())
        source[n] = next((m for m in moved if m != n and m not in taken and same(cur[m], des[n])), "")
    done: set[str] = set()
    for start in moved:
        path, at = [], start
        while at and at not in path and at not in done:
            path.append(at)
            at = source[at]
        if at == "" and len(path) > 1 and start not in _taken(source) and \
                not _wanted_elsewhere(cur[start], cur, des, same):
            # a chain, not a loop: start's index goes (no name wants it), the last name's is built new
            done.update(path)
            held = {n: cur[n] for n in path}
            ch("drop_index", start, held[start], None)
            for n in path[:-1]:
                ch("rename_index", n, held[source[n]], des[n])
                cur[n] = replace(held[source[n]], name=n)
            del cur[path[-1]]  # (added again under des's definition by compare.tables)
            continue
        if at != start or start in done:
            continue
        done.update(path)
        held = {n: cur[n] for n in path}
        for n in path:
            ch("rename_index", n, held[source[n]], des[n])
            cur[n] = replace(held[source[n]], name=n)
    return _taken_from_gone(cur, des, ch, same)


def _taken_from_gone(cur: dict[str, Index], des: dict[str, Index], ch: Callable[..., None],
                     same: Callable[[Index, Index], bool]) -> dict[str, Index]:
    """`des`, each name of both whose definition changes to one a name schema.yaml no longer has holds (an index's
    name given to a key: `CREATE INDEX k2` made `CONSTRAINT k2 UNIQUE`, `k1` now on k2's columns) given that index
    by ALTER INDEX ... RENAME, its own dropped first (or taken by a key's ADD CONSTRAINT ... USING INDEX under the
    name the first gives up: compare.keys_over_indexes, a cycle plan.name_swaps breaks), not both built again. Not
    where a new name asks for the name's own index (compare.tables renames it there)."""
    gone = [n for n in cur if n not in des]
    for n, i in des.items() if gone else ():
        if n not in cur or _kept(cur[n], i) or _wanted_elsewhere(cur[n], cur, des, same):
            continue
        held = next((m for m in gone if same(cur[m], i)), None)
        if held is not None:
            gone.remove(held)
            ch("drop_index", n, cur[n], None)
            ch("rename_index", n, cur[held], i)
            cur[n] = replace(cur.pop(held), name=n)
    return des


def _taken(source: dict[str, str]) -> set[str]:
    """The names whose index another name takes."""
    return {m for m in source.values() if m}


def _wanted_elsewhere(index: Index, cur: dict[str, Index], des: dict[str, Index],
                      same: Callable[[Index, Index], bool]) -> bool:
    """Whether a new name of `des` (none of `cur`) asks for `index`: compare.tables renames it there instead."""
    return any(n not in cur and same(index, i) for n, i in des.items())


def same_index(old: Index, new: Index) -> bool:
    """Whether `new` is `old` under another name (RENAME, not built again): the same definition and storage
    parameters, valid, attached to no other (a partition's copy follows its parent's)."""
    return old.valid and old.attached_to is None and new.attached_to is None and \
        index_signature(old) == index_signature(new) and same_key_values(old, new) and \
        parameter_values(old) == parameter_values(new) and not index_casts_moved(old, new)


def _kept(old: Index, new: Index) -> bool:
    """Whether the index of a name keeps its definition (compare.tables alters it in place, if at all)."""
    return index_signature(old) == index_signature(new) and same_key_values(old, new) and old.valid and \
        not index_casts_moved(old, new)
