"""The columns a retype's `using:` reads, checked where both sides are known: a `using:` may read a column the same
edit of schema.yaml drops (units and cents folded into amount_cents), which the migration's ALTER ... TYPE ... USING
reads before the DROP (plan.member_dependencies), so the loader cannot check it against schema.yaml's table alone."""

from __future__ import annotations

from schemac.compare.changes import Change, takes_using
from schemac.compare.moves import old_key
from schemac.errors import SchemaFileError
from schemac.model import Schema
from schemac.pg.loaded import checked_columns

__all__ = ["unknown_using_columns"]


def unknown_using_columns(current: Schema, desired: Schema, changes: list[Change]) -> None:
    """Raises SchemaFileError (file, line, key) for a `using:` this migration uses that names a column neither the
    current table (under its old name, when renamed) nor schema.yaml's has, or the retyped column by its old name
    (`renamed_from:`: its RENAME COLUMN runs before its ALTER ... TYPE): Postgres would refuse the migration."""
    keys = {t.key for t in current.tables}
    for c in changes:
        if not takes_using(c):
            continue
        t = desired.table(c.schema, c.table)
        if t is None:
            continue
        was = current.table(*(old_key(t, keys) or t.key))
        names = {x.name for x in t.columns} | ({x.name for x in was.columns} if was is not None else set())
        own = c.new.renamed_from  # type: ignore[union-attr]
        for col in sorted(checked_columns(c.new.using)):  # type: ignore[union-attr, arg-type]
            if col == own and col not in {x.name for x in t.columns}:
                raise SchemaFileError(f"using of column '{c.name}' of table '{t.name}' names column '{col}', its name "
                                      f"before its RENAME, which runs first: write '{c.name}'", c.new.source)  # type: ignore
            if col not in names:
                raise SchemaFileError(f"using of column '{c.name}' of table '{t.name}' names column '{col}', which "
                                      f"table '{t.name}' has neither before nor after this migration; columns: "
                                      f"{', '.join(sorted(names))}", c.new.source)  # type: ignore[union-attr]
