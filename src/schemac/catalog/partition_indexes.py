"""Which indexes of a partition, attached to an index of its parent, schema.yaml lists.

Postgres makes a partition's copy of its parent's index when the partition is created or attached, and
names it as an unnamed CREATE INDEX on the partition would be named (`<partition>_<columns>_idx`,
truncated by makeObjectName). A dump that made the partition's index first under a name of its own (as
GitLab's partitioning helpers do, and pg_dump replays with ALTER INDEX ... ATTACH PARTITION) keeps that
name. Those are kept as indexes of the partition: the planner creates them before the parent's index,
whose CREATE INDEX then attaches them instead of making copies (plan/dependencies.py). The ones that
carry Postgres's own name are left out, as before.
"""

from __future__ import annotations

import re
from typing import Any

from schemac.pg.names import make_object_name

_CALL = re.compile(r'^\(*(?:[a-z_][a-z0-9_$]*\.)?([a-z_][a-z0-9_$]*)\(')


def _column_names(row: dict[str, Any]) -> list[str]:
    """ChooseIndexColumnNames(): each entry's column name, or FigureIndexColname()'s for an expression
    (a function call's name, else "expr"), a name already taken numbered; INCLUDE columns too."""
    expressions = row["expressions"] or [None] * len(row["attnames"])
    out: list[str] = []
    for column, expression in zip(row["attnames"], expressions):
        name = column
        if name is None:
            m = _CALL.match(expression or "")
            name = m.group(1) if m else "expr"
        base, n = name, 0
        while name in out:
            n += 1
            name = f"{base}{n}"
        out.append(name)
    return out


def default_child_name(row: dict[str, Any]) -> str:
    """The name Postgres gives the partition's copy of its parent's index (a name taken aside)."""
    return make_object_name(row["table_name"], "_".join(_column_names(row)), "idx")


def own_indexes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """indexes.sql's rows, less the attached ones that carry the name Postgres would give them. A name
    this misjudges as chosen is harmless: the index is made on the partition first, then attached."""
    return [r for r in rows if not r["attached"] or r["index_name"] != default_child_name(r)]
