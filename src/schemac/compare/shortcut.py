"""The shortcut of the comparison of tables: "no change", known without walking two tables.

Most tables are in sync. `generate` compares schema.yaml with the recorded model, where they are equal;
`diff` compares the catalog with schema.yaml, where they are equal but for the names Postgres chose for the
keys schema.yaml leaves unnamed. Either way, compared_table (compare/tables.py) would walk them to find nothing.
"""

from __future__ import annotations

from contextlib import contextmanager
from operator import attrgetter
from typing import Iterable, Iterator, Optional

from schemac.compare.changes import Constraint
from schemac.compare.equality import compared_values
from schemac.model import Table
from schemac.pg.names import default_constraint_name
from schemac.pg.reloptions import TOAST_PREFIX
from schemac.pg.types import type_name


def unchanged(cur: Table, des: Table, rebuilt: frozenset = frozenset()) -> bool:
    """What compared_table answers with no change, known without walking it: the two tables equal (the
    fields they compare by; grants and owners are diff_grants'), with nothing compared_table reads beside
    them (a TOAST table where a `toast.` parameter is set, an invalid index or key, a column of an enum re-created, a
    statistics object's owner: diff_statistics'; a column's hint, no part of the table, where two columns swap names:
    compare.column_renames). ~5x faster than the walk; tests/test_compare_shortcut.py holds compared_table to [] for
    them."""
    return (_equal_but_chosen_names(cur, des) and not any(c.renamed_from for c in des.columns) and (cur.toast_table == des.toast_table or not _toast_parameters(des))
            and all(map(_valid, cur.indexes)) and all(map(_valid, cur.uniques)) and (cur.primary_key is None or cur.primary_key.valid) and not (rebuilt and any(type_name(c.type) in rebuilt for c in des.columns))
            and (not cur.statistics or all(b.owner is None or a.owner == b.owner for a, b in zip(cur.statistics, des.statistics))))


_valid = attrgetter("valid")


def _toast_parameters(t: Table) -> bool:
    """Whether `t` sets a `toast.` storage parameter: the only thing compared_table reads toast_table for."""
    return any(p.startswith(TOAST_PREFIX) for p in t.parameters)


_CONSTRAINT_LISTS = ("uniques", "checks", "foreign_keys", "exclusions")
_BESIDE_CONSTRAINTS = ("primary_key", *_CONSTRAINT_LISTS)


class EarlyAnswers:
    """_equal_but_chosen_names of the catalog's tables and schema.yaml's, worked out ahead: `diff` builds the catalog's
    tables once their queries are in (catalog/builder.py), while the server still answers ~20 others, and compares
    them here then; the differ, after the last reply on one core, finds the answers (`used`). An answer is kept with the
    two objects it is for and given for those very objects only (a table the differ replaced is compared again): the
    model is immutable and the comparison reads nothing else, so the answer is the one the differ would work out."""

    def __init__(self) -> None:
        self._known: dict[tuple[int, int], tuple[Table, Table, bool]] = {}

    def compare(self, current: Iterable[Table], desired: Iterable[Table]) -> None:
        """Compare each of `current` with its namesake in `desired`, where unchanged() would (a table of no parent)."""
        theirs = {t.key: t for t in desired}
        for cur in current:
            des = theirs.get(cur.key)
            if des is not None and not (cur.partition_of or des.partition_of or cur.inherits or des.inherits):
                self._known[id(cur), id(des)] = (cur, des, _compared(cur, des))

    @contextmanager
    def used(self) -> Iterator[None]:
        global _early
        was, _early = _early, self._known
        try:
            yield
        finally:
            _early = was


_early: Optional[dict[tuple[int, int], tuple[Table, Table, bool]]] = None  # EarlyAnswers', while used


def _equal_but_chosen_names(cur: Table, des: Table) -> bool:
    if _early:
        known = _early.get((id(cur), id(des)))
        if known is not None and known[0] is cur and known[1] is des:
            return known[2]
    return _compared(cur, des)


def _compared(cur: Table, des: Table) -> bool:
    """`cur == des`, or equal but for the names of the constraints `des` leaves to Postgres (no name in
    schema.yaml; the name Postgres chose in the catalog's `cur`): compared_table pairs those by definition and does not compare their names
    (_same_constraint), so they are no change. This is `diff`'s common case: inspect writes no default names, so no
    table read from the catalog equals its schema.yaml twin (~75% of a 1,000-table diff's comparison was walking
    them). Paired by position only: constraints listed in another order are walked. (A loop, not all() over
    generators: this runs for every table of the schema.)"""
    cls = cur.__class__
    if des.__class__ is not cls:
        return False
    values = compared_values(cls, _BESIDE_CONSTRAINTS)  # (equal_except's, without its call: ~33,000 of them at 10,000 tables)
    if not (values(cur) == values(des) and _same_but_chosen_name(cur.primary_key, des.primary_key, des)):
        return False
    for name in _CONSTRAINT_LISTS:
        mine, theirs = getattr(cur, name), getattr(des, name)
        if len(mine) != len(theirs):
            return False
        for a, b in zip(mine, theirs):
            if not _same_but_chosen_name(a, b, des):
                return False
    return True


def _same_but_chosen_name(a: Optional[Constraint], b: Optional[Constraint], des: Table) -> bool:
    """`a == b`, or `b` unnamed and `a` equal to it but for its name, which is none or Postgres's for `b` (another,
    given by schema.yaml before, compared_table renames: compare.definition_keys.default_name_given). (Compared once:
    `a == b` where b has no name held only where `a` has none either, which equal_except(a, b, "name") holds too.)"""
    if a is None or b is None:
        return a is b
    if b.name is not None:
        return a == b
    cls = a.__class__
    if b.__class__ is not cls:
        return False
    values = compared_values(cls, _NAME)  # equal_except(a, b, "name")
    return values(a) == values(b) and (a.name is None or a.name == default_constraint_name(des, b))  # type: ignore


_NAME = ("name",)
