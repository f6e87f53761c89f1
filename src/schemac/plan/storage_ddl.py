"""Storage parameters changed in place, one way for indexes, tables and materialized views:
ALTER ... RESET (gone) and ALTER ... SET (new or changed values). Neither rewrites the relation: the
parameters shape pages written from now on and what autovacuum does.

pg_class.reloptions keeps the order they were given in, and SET puts what it names after those it keeps
(transformRelOptions), which inspect and pg_get_indexdef print in that order: a parameter added before a kept one
(WITH (deduplicate_items=off) -> WITH (fillfactor=70, deduplicate_items=off)) left (deduplicate_items=off,
fillfactor=70) where a fresh build holds schema.yaml's order. There, SET names every parameter in that order
(the kept ones at their values: still metadata only), so the catalog reads back as a fresh build's."""

from __future__ import annotations

from typing import Union

from sqlglot import exp

from schemac.compare.tables import parameter_values
from schemac.model import Index, Table, View
from schemac.pg.reloptions import TOAST_PREFIX
from schemac.plan import ddl


def alter_parameters(kind: str, name: str, old: Union[Index, Table, View],
                     new: Union[Index, Table, View]) -> list[exp.Expression]:
    """ALTER <kind> <name> RESET (...) / SET (...); `name` is the relation's name as SQL renders it."""
    was, will = parameter_values(old), parameter_values(new)
    out: list[exp.Expression] = []
    gone = [p for p in was if p not in will]
    if gone:
        out.append(ddl.command("ALTER", kind, name, f"RESET ({', '.join(gone)})"))
    changed = [p for p, value in will.items() if was.get(p) != value]
    if changed and not _in_order(was, will, changed):
        changed = list(will)
    if changed:
        out.append(ddl.command("ALTER", kind, name, ddl.storage_clause([f"{p}={will[p]}" for p in changed], "SET")))
    return out


def _in_order(was: dict[str, str], will: dict[str, str], changed: list[str]) -> bool:
    """Whether SET of `changed` alone leaves the relation's (and its TOAST table's) reloptions in `will`'s order:
    those kept where they were, then those SET, in the order given."""
    after = [p for p in was if p in will and p not in changed] + changed
    return all([p for p in after if p.startswith(TOAST_PREFIX) == toast] ==
               [p for p in will if p.startswith(TOAST_PREFIX) == toast] for toast in (False, True))
