"""Operators a migration creates that name one another one way only (alter_operator.sql: `===` names `!==` its
NEGATOR, `!==` names no negator): the named one is created after the one naming it.

Postgres links both ends of a COMMUTATOR or NEGATOR when it creates the operator naming the other: an operator
that exists already is given the link back (OperatorUpd), while one made afterwards over the shell the first
left is given only what its own CREATE OPERATOR says. So the one-way state a database holds (inspect reads
`!==` with no NEGATOR) is built only by creating `===` first; the other order leaves `!==` NEGATOR `===`, drift.
"""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.model import Operator
from schemac.plan.dependencies import Deps


def _linked(o: Operator) -> set[tuple]:
    """The (schema, symbol, (left, right)) of each operator `o` names COMMUTATOR (its arguments swapped) or
    NEGATOR (its own)."""
    out = set()
    if o.commutator:
        out.add((*o.operator_key(o.commutator), (o.right, o.left or "NONE")))
    if o.negator:
        out.add((*o.operator_key(o.negator), o.identity))
    return out


def one_way_links_last(changes: list[Change], out: list[Deps]) -> list[Deps]:
    """An operator this plan creates that another it creates names, without naming that one back: after it."""
    made = {(c.new.schema, c.new.name, c.new.identity): i for i, c in enumerate(changes)
            if c.kind == "add_operator" and isinstance(c.new, Operator)}
    if len(made) < 2:
        return out
    out = list(out)
    for (schema, name, identity), i in made.items():
        naming = changes[i].new
        for target in _linked(naming):
            j = made.get(target)
            if j is None or j == i or (schema, name, identity) in _linked(changes[j].new):
                continue
            d = out[j]
            out[j] = Deps(d.makes, d.removes, d.needs | {("operator", schema, name, identity)}, d.frees)
    return out
