"""What a table's keys, EXCLUDEs, foreign keys and indexes stand on (columns, expressions, their index's comment),
read by compare.tables as it pairs them, and the UNIQUEs that repeat a key (plan.ddl adds them after CREATE TABLE)."""

from __future__ import annotations

from typing import Optional, Union

from schemac.compare.changes import Constraint
from schemac.model import Exclusion, Index, Table, Unique
from schemac.pg.lazy import lazy

referenced_columns = lazy("schemac.pg.expressions", "referenced_columns")


def _rebuilt_from_deparse(index: Union[Index, Exclusion], retyped: set) -> bool:
    """Whether ALTER TYPE of a column `index` (an EXCLUDE's too) holds would build it again from its deparse, which
    Postgres does not always read back as itself (pg.redeparse: `kind IN ('a', 'b')` over a varchar column comes back
    `ARRAY[('a'::character varying)::text, ...]`): one with a predicate or an expression is made again around the type
    change from schema.yaml's text instead, at no more cost (ALTER TYPE builds it again either way)."""
    return bool(retyped) and (index.where is not None or any(e.expression for e in index.elements)) and \
        bool(({e.column for e in index.elements} | set(index.include)) & retyped)


def _recollated(index: Union[Index, Exclusion, None], recollated: set) -> bool:
    """Whether ALTER TYPE ... COLLATE of a column an expression key of `index` (schema.yaml's) reads, a key with a
    COLLATE, would build it again from its deparse, which leaves that COLLATE out where it was the expression's own
    (compare.key_collations): the rebuilt key takes the column's new collation instead. Made again around the change
    from schema.yaml's text (`lower(name)` COLLATE "POSIX" over name POSIX made C lost its POSIX: prop56's property)."""
    return bool(recollated) and index is not None and any(
        e.expression and e.collation and referenced_columns(e.expression) & recollated for e in index.elements)


def index_comment_of_key(c: object) -> Optional[str]:
    return getattr(c, "index_comment", None) or None


def comments_again(old: object, new: object, ch) -> None:
    """Comments go with a dropped constraint or index: the one created again (`new`) gets them back, through `ch(kind,
    name, old, new, cause)` (compare.tables', compare.detour_readers')."""
    if getattr(new, "comment", None) and not isinstance(new, Index):
        ch("set_constraint_comment", new.name, old, new, "comment of a re-created object")  # type: ignore[attr-defined]
    if (index_comment_of_key(new) if not isinstance(new, Index) else new.comment):
        ch("set_index_comment", getattr(new, "name", None) if isinstance(new, Index) else None, old, new,
           "comment of a re-created object")


def _constraints(t: Table) -> list[Constraint]:
    out: list[Constraint] = [t.primary_key] if t.primary_key else []
    return out + list(t.uniques) + list(t.checks) + list(t.foreign_keys) + list(t.exclusions)


def _columns(c: Constraint) -> list[Optional[str]]:
    """The columns a key, EXCLUDE or foreign key stands on (its INCLUDE columns too)."""
    if isinstance(c, Exclusion):
        return [e.column for e in c.elements] + list(c.include)
    return list(c.columns) + list(getattr(c, "include", ()))  # type: ignore[union-attr]


def _expressions(c: Constraint) -> tuple[Optional[str], ...]:
    """The expressions of an EXCLUDE's elements and its WHERE (none for the other kinds)."""
    return (c.where, *(e.expression for e in c.elements)) if isinstance(c, Exclusion) else ()


def repeated_keys(t: Table) -> list[Unique]:
    """UNIQUEs on the columns of the primary key or of an earlier UNIQUE. Postgres keeps both when the
    second is added by ALTER TABLE (real databases hold them; inspect writes them), but CREATE TABLE
    would silently merge them: they are added after it."""
    seen = {t.primary_key.columns} if t.primary_key else set()
    out = []
    for u in t.uniques:
        if u.columns in seen:
            out.append(u)
        seen.add(u.columns)
    return out
