"""Storage parameters changed in place, one way for indexes, tables and materialized views:
ALTER ... RESET (gone) and ALTER ... SET (new or changed values). Neither rewrites the relation: the
parameters shape pages written from now on and what autovacuum does."""

from __future__ import annotations

from typing import Union

from sqlglot import exp

from schemac.compare.tables import parameter_values
from schemac.model import Index, Table, View
from schemac.plan import ddl


def alter_parameters(kind: str, name: str, old: Union[Index, Table, View],
                     new: Union[Index, Table, View]) -> list[exp.Expression]:
    """ALTER <kind> <name> RESET (...) / SET (...); `name` is the relation's name as SQL renders it."""
    was, will = parameter_values(old), parameter_values(new)
    out: list[exp.Expression] = []
    gone = [p for p in was if p not in will]
    if gone:
        out.append(ddl.command("ALTER", kind, name, f"RESET ({', '.join(gone)})"))
    changed = [f"{p}={value}" for p, value in will.items() if was.get(p) != value]
    if changed:
        out.append(ddl.command("ALTER", kind, name, ddl.storage_clause(changed, "SET")))
    return out
