"""The statements of parents' retypes made through one scratch parent (compare.scratch_retypes): the first parent's
change makes the scratch parent with the column as it is, has every parent INHERIT it, runs its ALTER COLUMN ... TYPE
(recursing through them all into their children), has them leave it (NO INHERIT) and drops it; the others' run none."""

from __future__ import annotations

from typing import Callable

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.model import Column, Table
from schemac.model.frozen import replace
from schemac.pg.column_storage import DEFAULT_SETTINGS
from schemac.pg.names import qualified
from schemac.plan import ddl


def scratch_retype(change: Change, retype: Callable[[Change], list[exp.Expression]]) -> list[exp.Expression]:
    """`retype` makes the ALTER COLUMN ... TYPE of the change it is given (here, of the scratch parent)."""
    (schema, name), lead, *others = change.through
    t = change.table_def
    if (t.schema, t.name) != lead:  # type: ignore[union-attr]
        return []
    was: Column = change.old  # type: ignore[assignment]
    column = replace(was, default=None, nullable=True, not_null=None, comment=None, **DEFAULT_SETTINGS)
    scratch = Table(name=name, schema=schema, columns=(column,))
    parents = [qualified(*q) for q in (lead, *others)]
    alter = lambda p, how: ddl.command("ALTER", "TABLE", p, how, qualified(schema, name))  # noqa: E731
    made = ddl.create_table(scratch)
    made.set("exists", False)  # (a table of that name not in the models fails the migration, not taken and dropped)
    return [made, *(alter(p, "INHERIT") for p in parents),
            *retype(replace(change, through=(), table_def=scratch)),
            *(alter(p, "NO INHERIT") for p in parents), ddl.command("DROP", "TABLE", qualified(schema, name))]
