"""The name Postgres gives a partition's copy of its parent's index, primary key or UNIQUE (DefineIndex on
each partition: ChooseIndexName, as for an unnamed CREATE INDEX or constraint on the partition)."""

from __future__ import annotations

import re
from typing import Optional, Sequence

from schemac.pg.names import make_object_name

_CALL = re.compile(r'^\(*(?:[a-z_][a-z0-9_$]*\.)?([a-z_][a-z0-9_$]*)\(')


def child_index_name(table: str, columns: Sequence[Optional[str]], expressions: Sequence[Optional[str]],
                     label: str = "idx") -> str:
    """makeObjectName(<partition>, <columns>, "idx"), the columns as index_column_names names them. (A name
    already in use gets a number in its label from Postgres, "idx1", "idx2"...: is_child_index_name.)"""
    return make_object_name(table, index_column_names(columns, expressions), label)


def index_column_names(columns: Sequence[Optional[str]], expressions: Sequence[Optional[str]]) -> str:
    """The columns' part of an index's name, as ChooseIndexColumnNames() names them: each entry's column, or
    FigureIndexColname()'s name for an expression (a function call's name, else "expr"), a name already taken
    numbered; INCLUDE columns too."""
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
    return "_".join(out)


def is_child_index_name(name: str, table: str, columns: Sequence[Optional[str]],
                        expressions: Sequence[Optional[str]], label: str = "idx") -> bool:
    """Whether `name` is one Postgres gives a partition's copy: child_index_name's, or (that name taken,
    as by a second index on the same columns) ChooseRelationName's next ones, its label numbered."""
    m = re.search(label + r"(\d*)$", name)
    return m is not None and name == child_index_name(table, columns, expressions, label + m.group(1))


def child_key_name(table: str, primary: bool, columns: Sequence[str]) -> str:
    """The name of a partition's copy of its parent's PRIMARY KEY (`<partition>_pkey`) or UNIQUE
    (`<partition>_<columns>_key`, INCLUDE columns too): what the copy's constraint and index are called."""
    return make_object_name(table, None, "pkey") if primary else \
        child_index_name(table, columns, [None] * len(columns), "key")


def is_child_key_name(name: str, table: str, primary: bool, columns: Sequence[str]) -> bool:
    """Whether `name` is one Postgres gives a partition's copy of a PRIMARY KEY or UNIQUE (`columns`: its
    keys, then INCLUDE's), or, that name taken, one of the next ones, its label numbered."""
    if not primary:
        return is_child_index_name(name, table, columns, [None] * len(columns), "key")
    m = re.search(r"pkey(\d*)$", name)
    return m is not None and name == make_object_name(table, None, "pkey" + m.group(1))
