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
