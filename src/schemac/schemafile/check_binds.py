"""A CHECK's and a column default's `binds:` (compare.expression_binds) resolved once functions and operators are read: each entry names an
overload schema.yaml declares, written as the catalog writes it (`public.nvl(character varying, character varying)`),
and the CHECK is given the other overloads of those names to set aside around its ADD CONSTRAINT."""

from __future__ import annotations

from typing import Sequence

from schemac.compare.expression_binds import tables_set_aside
from schemac.compare.view_binds import binding, written
from schemac.errors import SchemaFileError
from schemac.model import Check, Table
from schemac.model.frozen import replace
from schemac.pg.types import TypeSyntaxError


def checks_bound(tables: list[Table], functions: Sequence, operators: Sequence) -> list[Table]:
    """`tables` with their CHECKs' binds resolved (an entry naming no declared overload is refused at the CHECK's
    line) and set aside (tables_set_aside)."""
    if not any(x.binds for t in tables for x in (*t.checks, *t.columns)):
        return tables
    declared = {(f.schema, f.name, f.identity) for f in (*functions, *operators)}
    out = []
    for t in tables:
        if any(x.binds for x in (*t.checks, *t.columns)):
            t = replace(t, checks=_resolved(t.checks, t, declared), columns=_resolved(t.columns, t, declared))
        out.append(t)
    return tables_set_aside(out, functions, operators)


def _resolved(objects: tuple, t: Table, declared: set) -> tuple:
    return tuple(replace(x, binds=tuple(sorted({_entry(e, x, t, declared) for e in x.binds}))) if x.binds else x
                 for x in objects)


def _entry(text: str, k, t: Table, declared: set) -> str:
    """Entry `text` of the binds of `k` (a CHECK, a column) as binding() writes it, of an overload `declared` holds."""
    where = f"{k.source}: " if k.source else ""
    of = f"check '{k.name}'" if isinstance(k, Check) else f"column '{k.name}'"
    try:
        schema, name, types = written(text, t.schema)
    except (TypeSyntaxError, ValueError) as e:
        raise SchemaFileError(f"{where}binds of {of} of table {t.qualified_name}: {text}: {e}") from None
    if (schema, name, types) not in declared:
        raise SchemaFileError(f"{where}binds of {of} of table {t.qualified_name}: schema.yaml declares no "
                              f"{binding(schema, name, types)} (a function or operator with its argument types)")
    return binding(schema, name, types)
