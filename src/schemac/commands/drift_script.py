"""`diff --sql`'s script, planned only when it is asked for.

`diff`'s exit status is what CI trusts (0 in sync, 1 drift, 2 error). The script used to be planned for every
drifted database, printed or not, so a change the plan refuses (a partition key's column retyped: PlanError) ended a
plain `diff` with exit 2 where the answer is 1, and every drifted `diff` paid for planning and the DDL it never
printed. Now the plan is made on first use of `sql` or `refused` (`diff --sql`, or a caller that reads them): a plan
Postgres would refuse, or that schemac cannot make, is said as why there is no script, never as a failed read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from schemac.errors import SchemacError

if TYPE_CHECKING:
    from schemac.compare.changes import Change
    from schemac.model import Schema


class DriftScript:
    """The script of `changes` (from `actual`, the catalog's model, to `wanted`, schema.yaml's as compared; `desired`
    names the search path the comparison used): made once, on first use."""

    __slots__ = ("_changes", "_actual", "_wanted", "_desired", "_made")

    def __init__(self, changes: list[Change], actual: Schema, wanted: Schema, desired: Schema,
                 refused: str = "") -> None:
        self._changes, self._actual, self._wanted, self._desired = changes, actual, wanted, desired
        # (refused: known before planning, e.g. a role schema.yaml names that the database lacks: no script)
        self._made: Optional[tuple[str, str]] = ("", refused) if refused else None

    @property
    def sql(self) -> str:
        """The script ('' where there is nothing to do or it is refused)."""
        return self._planned()[0]

    @property
    def refused(self) -> str:
        """Why no script could be written (as `generate` refuses it: commands.refusals, or the plan's own
        SchemacError); '' where it could."""
        return self._planned()[1]

    def _planned(self) -> tuple[str, str]:
        if self._made is None:
            self._made = _plan(self._changes, self._actual, self._wanted, self._desired)
        return self._made


def _plan(changes: list[Change], actual: Schema, wanted: Schema, desired: Schema) -> tuple[str, str]:
    if not changes:
        return "", ""
    from schemac.commands.refusals import postgres_refusal
    from schemac.compare.normalize import schema_searched
    from schemac.plan.transactions import marked_script

    with schema_searched(desired):  # (the plan's search_path too: plan.preamble)
        try:
            refused = postgres_refusal(changes, actual, wanted)  # (no script that fails)
            return ("", refused) if refused else (marked_script(changes), "")
        except SchemacError as e:  # (the plan's refusal: a partition key's column retyped...)
            return "", str(e)
