"""A table's CHECK bound to an older overload of a function (or operator) than the one its name takes now, kept so
(`Check.binds`).

Postgres binds the calls of every expression it stores when it stores it, as a view's (compare.view_binds): a CHECK
`CHECK (public.nvl(name2, name) <> 'b')` made before a newer `nvl(character varying, character varying)` keeps calling
`nvl(anyelement, anyelement)`, printed qualified, and a migration that adds it after both overloads binds the newer
(the rows it admits differ). So the catalog gives such a CHECK `binds` (constraints.sql's bound_calls, `older_calls`,
where schema.yaml declares other overloads of the name: view_binds.declared_binds), schema.yaml keeps them (a CHECK's
`binds:`), compare.definition_keys compares them (a binding changed re-adds the constraint), and the migration adds
the CHECK by ALTER TABLE after its CREATE TABLE (compare.created_tables), the other overloads renamed (moved) aside
around it (`aside`: plan.views.bound_aside).
"""

from __future__ import annotations

from typing import Iterable, Sequence

from schemac.compare.view_binds import declared_binds, overloads, set_aside
from schemac.model import Table
from schemac.model.frozen import replace


def tables_with_binds(tables: list[Table], functions: Iterable, operators: Iterable) -> list[Table]:
    """`tables` (read from a database) with their CHECKs' `binds`: of the calls bound to an older overload
    (`older_calls`), those of a name with other overloads declared; most tables are the same objects."""
    if not any(k.older_calls for t in tables for k in t.checks):
        return tables
    declared = overloads((*functions, *operators))
    out = []
    for t in tables:
        if any(k.older_calls for k in t.checks):
            t = replace(t, checks=tuple(replace(k, binds=declared_binds(k.older_calls, declared))
                                        if k.older_calls else k for k in t.checks))
        out.append(t)
    return out


def tables_set_aside(tables: Sequence[Table], functions: Sequence, operators: Sequence) -> list[Table]:
    """`tables` (schema.yaml's) with their bound CHECKs given the overloads set aside around their ADD CONSTRAINT."""
    return [replace(t, checks=tuple(replace(k, aside=set_aside(k, (*functions, *operators))) if k.binds else k
                                    for k in t.checks)) if any(k.binds for k in t.checks) else t for t in tables]
