"""generate's warning for a key added over the rows a table already holds.

A PRIMARY KEY, UNIQUE or unique index added to a table the migration does not create is built over its rows: the ADD
CONSTRAINT (or CREATE UNIQUE INDEX, CONCURRENTLY too, which leaves it INVALID) fails where two of them hold the same
key. generate never sees the rows, so it says so (plan.hazards.row_failures), naming the query that finds them, as it
does for a key replacing a partial unique index (plan.partial_keys, said first). A key the rows already keep is not
said: one the table had (kept, or dropped by the migration) over some of its columns, without a predicate or under one
whose top-level ANDs the new one's holds (no NULLS NOT DISTINCT it lacks), or a key over a column the migration adds
numbered (an identity, a serial's nextval, a random uuid) or without a default. A key made again around another change
(its `cause`) held before. (A CHECK added over rows fails likewise on a row it refuses, unwarned: Postgres's message
names the check, whose negation finds the row.)"""

from __future__ import annotations

from typing import AbstractSet, Optional, Union

from schemac.compare.changes import Change
from schemac.model.constraints import UNIQUE_KEY_TYPES, Index, PrimaryKey, Unique
from schemac.model.tables import Table
from schemac.pg.lazy import lazy
from schemac.plan.partial_keys import plain_columns
from schemac.pg.names import constraint_name, qualified, quote_ident

conjuncts = lazy("schemac.pg.expressions", "conjuncts")  # (sqlglot only where a predicate is compared)

Key = Union[PrimaryKey, Unique, Index]
# A column added with one of these fills each row with a value of its own.
_NUMBERING = ("nextval(", "gen_random_uuid(", "uuid_generate_v4(", "uuidv4(", "uuidv7(")


def new_key_warning(change: Change, made: AbstractSet, changes: list[Change]) -> Optional[str]:
    """The warning for `change`, if it adds a key (a PRIMARY KEY, UNIQUE or unique index) to a table not in `made` (the
    (schema, table) the migration creates) that no key the table had proves its rows keep."""
    new, t = change.new, change.table_def
    if change.cause is not None or not isinstance(t, Table) or t.foreign is not None or \
            (change.schema, change.table) in made:
        return None
    if change.kind == "add_constraint" and isinstance(new, UNIQUE_KEY_TYPES) and not new.without_overlaps:
        what, key = ("primary key" if isinstance(new, PrimaryKey) else "key") + f" {constraint_name(t, new)}", new
    elif change.kind == "add_index" and isinstance(new, Index) and new.unique:
        what, key = f"unique index {new.name}", new
    else:
        return None
    here = (change.schema, change.table)
    ours = [c for c in changes if (c.schema, c.table) == here]
    if _numbered(key, ours) or any(_proves(old, key) for old in _had(t, ours)):
        return None
    return (f"warning: {change.source or change.path}: {what} of {change.schema}.{change.table} is added over the rows "
            f"the table holds: the migration fails where two of them hold the same key (find them with "
            f"`{duplicates_query(change.schema, change.table, key)}`, and make them differ, or delete them, first)")


def duplicates_query(schema: str, table: str, key: Key) -> str:
    """The SELECT of the keys two rows or more of schema.table hold, which `key` refuses (not those holding a NULL,
    distinct unless NULLS NOT DISTINCT; only the rows its predicate reads)."""
    parts = [quote_ident(c) for c in key.columns] if not isinstance(key, Index) else [
        quote_ident(e.column) if e.column is not None else f"({e.expression})" for e in key.elements]
    where = [f"({key.where})"] if isinstance(key, Index) and key.where else []
    if not isinstance(key, PrimaryKey) and not key.nulls_not_distinct:
        where += [f"{p} IS NOT NULL" for p in parts]
    filtered = f" WHERE {' AND '.join(where)}" if where else ""
    listed = ", ".join(parts)
    return f"SELECT {listed}, count(*) FROM {qualified(schema, table)}{filtered} GROUP BY {listed} HAVING count(*) > 1"


def _had(t: Table, ours: list[Change]) -> list[Key]:
    """The keys the table held before the migration: those of `t` (the desired table) it does not add, and those it
    drops."""
    added = [c.new for c in ours if c.kind in ("add_index", "add_constraint")]
    kept = [k for k in (*t.unique_keys(), *t.indexes) if k not in added]
    return kept + [c.old for c in ours if c.kind in ("drop_index", "drop_constraint")  # type: ignore[misc]
                   and (isinstance(c.old, UNIQUE_KEY_TYPES) or isinstance(c.old, Index))]


def _plain(key: Key) -> Optional[frozenset]:
    """The key's columns, None where one is an expression."""
    if not isinstance(key, Index):
        return frozenset(key.columns)
    columns = plain_columns(key)
    return None if columns is None else frozenset(columns)


def _proves(old: Key, new: Key) -> bool:
    """Whether rows that `old` keeps unique are so under `new`: `old` unique over some of `new`'s plain columns, reading
    every row `new` reads (no predicate, or top-level ANDs `new`'s holds), NULLs as `new` counts them."""
    if isinstance(old, Index) and not old.unique or getattr(old, "without_overlaps", False):
        return False
    have, want = _plain(old), _plain(new) or frozenset(
        e.column for e in new.elements if e.column is not None)  # type: ignore[union-attr]
    if have is None or not have <= want:
        return False
    if getattr(new, "nulls_not_distinct", False) and \
            not getattr(old, "nulls_not_distinct", isinstance(old, PrimaryKey)):  # (a PRIMARY KEY holds no NULL)
        return False
    before, after = getattr(old, "where", None), getattr(new, "where", None)
    if before is None or before == after:
        return True
    try:
        return after is not None and conjuncts(before) <= conjuncts(after)
    except ValueError:
        return False


def _numbered(key: Key, ours: list[Change]) -> bool:
    """Whether a column of `key` is added by the migration numbering each row (an identity, or a default giving each its
    own value), or without a default: NULL in every row, which a key counts distinct (NULLS NOT DISTINCT aside), and a
    NOT NULL one fails at its ADD COLUMN, warned of already (plan.hazards.row_failures)."""
    columns = _plain(key) or frozenset()
    apart = not getattr(key, "nulls_not_distinct", False)
    return any(c.kind == "add_column" and c.name in columns and (c.new.identity is not None or any(  # type: ignore
        n in (c.new.default or "").lower() for n in _NUMBERING) or apart and c.new.default is None  # type: ignore
        and not c.new.generated) for c in ours)  # type: ignore[union-attr]
