"""A function that a schema schema.yaml does not cover depends on (`used_outside:`, which inspect -n writes: Supabase's
policy on storage.objects calling public.is_admin(), its trigger on auth.users running public.handle_new_user()):
Postgres refuses DROP FUNCTION while they stand ("cannot drop function is_admin() because other objects depend on
it"), and the migration cannot make them again (schema.yaml does not hold them). A change that drops such a function
(dropped, or made again: its arguments or result changed) is refused at generate, naming them.

So is a change dropping a table, or dropping or retyping a column, that a view, materialized view or rule, a policy
(a subquery of its USING or WITH CHECK) or a function of a SQL-standard body (BEGIN ATOMIC) of such a schema reads (a
table's `used_outside:`, `view api.profiles (id, username)`: Postgres refuses 'cannot drop table profiles because other
objects depend on it', 'cannot alter type of a column used by a view or rule', '... used in a policy definition',
'... used by a function or procedure')."""

from __future__ import annotations

import re
from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.outside_children import recorded_tables
from schemac.compare.outside_types import TAKE_OUT, outside_type_drops
from schemac.compare.types import replaceable
from schemac.model import Index, Schema, UNIQUE_KEY_TYPES
from schemac.model.tables import expression_dropped
from schemac.pg.names import quoted


def outside_drops(changes: list[Change], desired: Schema, current: Schema) -> list[tuple[Change, str]]:
    """Each change dropping a function that what `used_outside` lists depends on, with why generate refuses it. Per
    signature (overloads are distinct objects, each with its own dependents): the function's recorded entry, and
    schema.yaml's entry of the same signature (its result changed) or, when that one is the only overload of its name
    dropped and one alone is added, the entry that replaces it (its arguments changed)."""
    declared = {(f.schema, f.name, f.identity): f for f in desired.functions}
    dropped: dict[tuple[str, str], int] = {}
    added: dict[tuple[str, str], list] = {}
    for c in changes:
        if c.kind == "drop_function":
            dropped[(c.old.schema, c.old.name)] = dropped.get((c.old.schema, c.old.name), 0) + 1  # type: ignore
        elif c.kind == "add_function":
            added.setdefault((c.new.schema, c.new.name), []).append(c.new)  # type: ignore[union-attr]
    out = _table_drops(changes, desired, current) + _view_drops(changes, desired) + outside_type_drops(changes, desired)
    for c in changes:
        old = c.old
        if old is None or not (c.kind == "drop_function" or (c.kind == "alter_function" and  # type: ignore[union-attr]
                                                              not replaceable(old, c.new))):  # type: ignore[arg-type]
            continue
        name = (old.schema, old.name)  # type: ignore[union-attr]
        new_at = declared.get((*name, old.identity))  # type: ignore[union-attr]
        if new_at is None and dropped.get(name) == 1 and len(added.get(name, ())) == 1:
            new_at = added[name][0]
        users = sorted(set(getattr(old, "used_outside", ())) | set(new_at.used_outside if new_at is not None else ()))
        if users:
            where = f"{new_at.source}: " if new_at is not None and new_at.source else ""
            out.append((c, f"{where}function {old.schema}.{old.signature}: the migration would drop it "  # type: ignore
                           f"({'its arguments or result changed' if new_at is not None else 'no longer declared'}) "
                           f"while {'; '.join(users)} (used_outside: of a schema schema.yaml does not cover) "
                           f"{'depends' if len(users) == 1 else 'depend'} on it: Postgres refuses ('other objects depend on it'), and the migration cannot make them "
                           f"again. Drop or change them first, outside schemac, then {TAKE_OUT}; "
                           "or keep the function's arguments and result"))
    return out


_COLUMN_CHANGES = {"drop_column": "drop column", "alter_column_type": "change the type of column",
                   "alter_generated": "drop and add again column", "drop_constraint": "drop key",
                   "drop_index": "drop unique index"}


def _table_drops(changes: list[Change], desired: Schema, current: Schema) -> list[tuple[Change, str]]:
    """Each change dropping a table, or dropping or retyping a column (or its generation expression changed: dropped
    and added again, plan.planner), that what its `used_outside` (recorded, or schema.yaml's entry) lists reads: an
    entry without columns reads the table alone (a child table or partition of it there: DROP TABLE drops a
    partition with its rows, Postgres refuses a child table; a column dropped or retyped reaches it: ALTER TABLE
    recurses). A foreign key there (`foreign key f on auth.t (id)`) stands on the table, the columns it references and
    the key or unique index over them (dropped, or made again), but not on their type (Postgres converts it under the
    foreign key, refusing only types it cannot compare, as it would here)."""
    dropping = [c for c in changes if (c.kind == "drop_table" or c.kind in _COLUMN_CHANGES) and not (
        c.kind == "alter_generated" and expression_dropped(c.old, c.new))]  # (DROP EXPRESSION: kept) # type: ignore
    # (the tables by key only where a change drops: none in most migrations, 10,000 keys at 10,000 tables)
    declared = {t.key: t for t in desired.tables} if dropping else {}
    recorded = recorded_tables(current, desired) if dropping else {}  # (an entry schema.yaml lost still counts)
    out = []
    for c in dropping:
        key = _key_columns(c)
        if c.kind in ("drop_constraint", "drop_index") and key is None:
            continue
        tables = [t for t in (declared.get((c.schema, c.table)), recorded.get((c.schema, c.table)), c.table_def,
                              c.old if c.kind == "drop_table" else None) if t is not None]
        listed = sorted({u for t in tables for u in getattr(t, "used_outside", ())})
        if key is not None:  # (a foreign key on exactly these columns stands on it)
            listed = [u for u in listed if u.startswith("foreign key ") and _names(_columns_read(u)) == key]
        elif c.kind != "drop_table":
            reached = [u for u in listed if u.startswith(("child table ", "partition ")) and c.kind in _RECURSING]
            if reached:
                out.append((c, _reached(c, reached, tables)))
            spelled = "|".join(re.escape(n) for n in {c.name or "", quoted(c.name or "")})  # as quote_ident() spells it
            at = re.compile(r"[(,]\s*(?:" + spelled + r")\s*[,)]")  # in `(id, username)`
            listed = [u for u in listed if at.search(_columns_read(u)) and not (
                c.kind == "alter_column_type" and u.startswith("foreign key "))]
        if not listed:
            continue
        named = c.name or f"({', '.join(sorted(key or ()))})"
        what = f"table {c.schema}.{c.table}" if c.kind == "drop_table" else \
            f"table {c.schema}.{c.table}: the migration would {_COLUMN_CHANGES[c.kind]} {named}"
        source = next((t.source for t in tables if getattr(t, "source", None)), None)
        refuses = " (or, a partition, drops it with its rows)" if any(u.startswith("partition ") for u in listed) else ""
        out.append((c, f"{f'{source}: ' if source else ''}{what}"
                       f"{': the migration would drop it' if c.kind == 'drop_table' else ''} while {'; '.join(listed)} "
                       f"(used_outside: of a schema schema.yaml does not cover) {'reads' if len(listed) == 1 else 'read'}"
                       f" it: Postgres refuses{refuses}, and the migration cannot make them again. Drop or change them first, "
                       f"outside schemac, then {TAKE_OUT}"))
    return out


_RECURSING = ("drop_column", "alter_column_type", "alter_generated")  # (ALTER TABLE recurses to the children)


def _reached(c: Change, reached: list[str], tables: list) -> str:
    """Why a column dropped or retyped (or its generation expression changed) on a table that a table of a schema not
    read inherits, or a partition there is of, is refused: Postgres runs it there too, unasked (the child's column
    dropped with its values where it has it from the parent alone, or retyped, the table rewritten)."""
    source = next((t.source for t in tables if getattr(t, "source", None)), None)
    lost = ", dropping its column and its values where it has it from the parent alone" \
        if c.kind == "drop_column" else ""
    return (f"{f'{source}: ' if source else ''}table {c.schema}.{c.table}: the migration would "
            f"{_COLUMN_CHANGES[c.kind]} {c.name}, which Postgres does to {'; '.join(reached)} too (ALTER TABLE recurses "
            f"to the tables inheriting it{lost}), of a schema schema.yaml does not cover (used_outside:): the migration "
            "cannot change them. Detach them first, outside schemac (ALTER TABLE ... NO INHERIT, or DETACH PARTITION), "
            f"then {TAKE_OUT}; or keep the column")


def _view_drops(changes: list[Change], desired: Schema) -> list[tuple[Change, str]]:
    """Each view or materialized view the migration drops (no longer declared, or made again around a change under
    it), or sequence it drops, that what its `used_outside` lists reads (`view api.v2 (a)`, `default of column
    auth.t.n`): Postgres refuses DROP VIEW / DROP SEQUENCE under it."""
    if not any(c.kind in ("drop_view", "drop_sequence") for c in changes):
        return []
    declared = {("drop_view", v.schema, v.name): v for v in desired.views}
    declared.update({("drop_sequence", q.schema, q.name): q for q in desired.sequences})
    out = []
    for c in changes:
        if c.kind not in ("drop_view", "drop_sequence"):
            continue
        objects = [o for o in (c.old, declared.get((c.kind, c.schema, c.name))) if o is not None]  # type: ignore[arg-type]
        listed = sorted({u for o in objects for u in getattr(o, "used_outside", ())})
        if not listed:
            continue
        source = next((o.source for o in objects if getattr(o, "source", None)), None)
        again = " (and make it again, around a change under it)" if (c.kind, c.schema, c.name) in declared else ""
        what = getattr(c.old, "what", "sequence")
        out.append((c, f"{f'{source}: ' if source else ''}{what} {c.schema}.{c.name}: the migration would drop "
                       f"it{again} while {'; '.join(listed)} (used_outside: of a schema schema.yaml does not cover) "
                       f"{'reads' if len(listed) == 1 else 'read'} it: Postgres refuses, and the migration cannot make "
                       f"them again. Drop or change them first, outside schemac, then {TAKE_OUT}"))
    return out


def _key_columns(c: Change) -> Optional[frozenset]:
    """The columns of the primary key, UNIQUE constraint or unique index (without a WHERE) a drop_constraint or
    drop_index drops (a foreign key can stand on it), else None."""
    old = c.old
    if c.kind == "drop_constraint" and isinstance(old, UNIQUE_KEY_TYPES):
        return frozenset(old.columns)
    if c.kind == "drop_index" and isinstance(old, Index) and old.unique and old.where is None and \
            all(e.column is not None for e in old.elements):
        return frozenset(e.column for e in old.elements)  # type: ignore[misc]
    return None


def _names(columns: str) -> frozenset:
    """`(id, "Code")` as the names it lists."""
    return frozenset(n.strip()[1:-1].replace('""', '"') if n.strip().startswith('"') else n.strip()
                     for n in columns.strip()[1:-1].split(",")) if columns else frozenset()


def _columns_read(entry: str) -> str:
    """The columns a `used_outside` entry of a table reads, `(id, username)` after a space at its end, or "" (it reads
    the table alone): `view api.profiles (id, username)`, `function auth.role_of(integer) (role)`, whose signature
    holds no space before its parenthesis."""
    at = entry.rfind(" (")
    return entry[at:] if at >= 0 and entry.endswith(")") else ""
