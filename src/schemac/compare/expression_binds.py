"""A table's CHECK or column default bound to an older overload of a function (or operator) than the one its name
takes now, kept so (`Check.binds`, `Column.binds`).

Postgres binds the calls of every expression it stores when it stores it, as a view's (compare.view_binds): a CHECK
`CHECK (public.nvl(name2, name) <> 'b')` made before a newer `nvl(character varying, character varying)` keeps calling
`nvl(anyelement, anyelement)`, printed qualified, and a migration that adds it after both overloads binds the newer
(the rows it admits differ). So the catalog gives such a CHECK `binds` (constraints.sql's bound_calls, `older_calls`,
where schema.yaml declares other overloads of the name: view_binds.declared_binds), schema.yaml keeps them (a CHECK's
`binds:`), compare.definition_keys compares them (a binding changed re-adds the constraint), and the migration adds
the CHECK by ALTER TABLE after its CREATE TABLE (compare.created_tables), the other overloads renamed (moved) aside
around it (`aside`: plan.views.bound_aside). A default alike: left out of CREATE TABLE, set by SET DEFAULT after it (or
made by ADD COLUMN) with the others aside. A generated column, an index, an EXCLUDE, a policy, a trigger's WHEN,
extended statistics and a domain's CHECK bind alike and keep no binding yet.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from schemac.compare.view_binds import declared_binds, overloads, set_aside
from schemac.model import Table
from schemac.model.frozen import replace


def tables_with_binds(tables: list[Table], functions: Iterable, operators: Iterable) -> list[Table]:
    """`tables` (read from a database) with their CHECKs' and defaults' `binds`: of the calls bound to an older
    overload (`older_calls`), those of a name with other overloads declared; most tables are the same objects."""
    if not any(x.older_calls for t in tables for x in (*t.checks, *t.columns)):
        return tables
    declared = overloads((*functions, *operators))
    out = []
    for t in tables:
        if any(x.older_calls for x in (*t.checks, *t.columns)):
            t = replace(t, checks=_bound(t.checks, declared), columns=_bound(t.columns, declared))
        out.append(t)
    return out


def _bound(objects: tuple, declared: dict) -> tuple:
    return tuple(replace(x, binds=declared_binds(x.older_calls, declared)) if x.older_calls else x for x in objects)


def tables_set_aside(tables: Sequence[Table], functions: Sequence, operators: Sequence) -> list[Table]:
    """`tables` (schema.yaml's) with their bound CHECKs and defaults given the overloads set aside around their ADD
    CONSTRAINT, SET DEFAULT or ADD COLUMN."""
    every = (*functions, *operators)
    return [replace(t, checks=_aside(t.checks, every), columns=_aside(t.columns, every))
            if any(x.binds for x in (*t.checks, *t.columns)) else t for t in tables]


def _aside(objects: tuple, every: tuple) -> tuple:
    return tuple(replace(x, aside=set_aside(x, every)) if x.binds else x for x in objects)
