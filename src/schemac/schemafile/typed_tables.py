"""Typed tables (`of: type`): a table made OF a composite type has that type's attributes as its columns,
in order. ALTER TABLE ... OF refuses any other column list, so a mismatch is an error at the table's line
rather than a migration that does not apply."""

from __future__ import annotations

from typing import Iterable

from schemac.model import CompositeType, Table
from schemac.pg.types import type_name
from schemac.errors import SchemaFileError


def check_typed_tables(tables: Iterable[Table], composites: Iterable[CompositeType]) -> None:
    """Each typed table's columns are its declared composite type's attributes, by name and in order (a type
    schema.yaml does not declare, one outside the schemas it manages, is left to Postgres)."""
    by_key = {(c.schema, c.name): c for c in composites}
    for t in tables:
        if t.of is None:
            continue
        ctype = by_key.get(type_name(t.of))
        if ctype is None:
            continue
        want, have = [a.name for a in ctype.attributes], [c.name for c in t.columns]
        if want != have:
            raise SchemaFileError(f"table {t.qualified_name} is of type {ctype.schema}.{ctype.name}: its columns must "
                                  f"be the type's attributes in order ({', '.join(want)}), not ({', '.join(have)})",
                                  t.source)
