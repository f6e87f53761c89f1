"""Which columns compare under a nondeterministic collation (ICU `und-u-ks-level2`, `deterministic: false`), where two
values that differ may be equal ('Ann', 'ann'): a key rebuilt over such a column may refuse rows it held, and a foreign
key whose referenced column leaves one compares more strictly (compare.differ checks it again, plan.folded_keys warns).
"""

from __future__ import annotations

from typing import AbstractSet

from schemac.model import Column, Schema
from schemac.model.collnames import collation_ref
from schemac.pg.types import type_name


def nondeterministic(schema: Schema) -> frozenset:
    """The nondeterministic collations a schema declares, by the name a column gives them, and the
    domains declared with one, by (schema, name) (pg_catalog's collations are all deterministic): equality under one
    may hold between values that differ ('Ann', 'ann')."""
    names = frozenset(collation_ref(c.schema, c.name) for c in schema.collations if not c.deterministic)
    return names | {(d.schema, d.name) for d in schema.domains if d.collation in names}


def loosely_compared(column: Column, loose: AbstractSet) -> bool:
    """Whether a column compares under one of `nondeterministic`'s collations: its own, or, where it
    names none, its domain's."""
    return column.collation in loose or (column.collation is None and type_name(column.type) in loose)


def loosening_left(old: Column, new: Column, loose: tuple[AbstractSet, AbstractSet]) -> bool:
    """Whether a column that compared under a nondeterministic collation (`loose[0]`, before) leaves it: for a
    deterministic one, or for another nondeterministic one (`und-u-ks-level1`, which ignores accents, made
    `und-u-ks-level2`, which does not: 'résumé' and 'resume' were equal and are no more), whose equality no name
    tells. A foreign key referencing it may then hold a row that matches its referenced one no more."""
    return loosely_compared(old, loose[0]) and (not loosely_compared(new, loose[1]) or _loosened_by(old, loose[0])
                                                  != _loosened_by(new, loose[1]))


def _loosened_by(column: Column, loose: AbstractSet) -> object:
    """The nondeterministic collation (or domain of one) a column compares under, as `nondeterministic` names it."""
    return column.collation if column.collation in loose else type_name(column.type)
