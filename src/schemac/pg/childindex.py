"""The name Postgres gives a partition's copy of its parent's index (DefineIndex on each partition)."""

from __future__ import annotations

import re
from typing import Optional, Sequence

from schemac.pg.names import make_object_name

_CALL = re.compile(r'^\(*(?:[a-z_][a-z0-9_$]*\.)?([a-z_][a-z0-9_$]*)\(')


def child_index_name(table: str, columns: Sequence[Optional[str]], expressions: Sequence[Optional[str]]) -> str:
    """makeObjectName(<partition>, <columns>, "idx"), the columns as ChooseIndexColumnNames() names them:
    each entry's column, or FigureIndexColname()'s name for an expression (a function call's name, else
    "expr"), a name already taken numbered; INCLUDE columns too. (A name already in use gets a number
    from Postgres: the caller treats such a name as one chosen, which is safe.)"""
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
    return make_object_name(table, "_".join(out), "idx")
