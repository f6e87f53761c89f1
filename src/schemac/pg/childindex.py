"""The name Postgres gives a partition's copy of its parent's index (DefineIndex on each partition)."""

from __future__ import annotations

import re
from typing import Optional, Sequence

from schemac.pg.names import make_object_name

_CALL = re.compile(r'^\(*(?:[a-z_][a-z0-9_$]*\.)?([a-z_][a-z0-9_$]*)\(')


def child_index_name(table: str, columns: Sequence[Optional[str]], expressions: Sequence[Optional[str]],
                     label: str = "idx") -> str:
    """makeObjectName(<partition>, <columns>, "idx"), the columns as ChooseIndexColumnNames() names them:
    each entry's column, or FigureIndexColname()'s name for an expression (a function call's name, else
    "expr"), a name already taken numbered; INCLUDE columns too. (A name already in use gets a number
    in its label from Postgres, "idx1", "idx2"...: is_child_index_name.)"""
    out: list[str] = []
    for column, expression in zip(columns, expressions):
        name = column
        if name is None:
            m = _CALL.match(expression or "")
            name = m.group(1) if m else "expr"
        base, n = name, 0
        while name in out:
            n += 1
            name = f"{base}{n}"
        out.append(name)
    return make_object_name(table, "_".join(out), label)


def is_child_index_name(name: str, table: str, columns: Sequence[Optional[str]],
                        expressions: Sequence[Optional[str]]) -> bool:
    """Whether `name` is one Postgres gives a partition's copy: child_index_name's, or (that name taken,
    as by a second index on the same columns) ChooseRelationName's next ones, its label numbered."""
    m = re.search(r"idx(\d*)$", name)
    return m is not None and name == child_index_name(table, columns, expressions, "idx" + m.group(1))
