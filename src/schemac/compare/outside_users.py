"""A function that a schema schema.yaml does not cover depends on (`used_outside:`, which inspect -n writes: Supabase's
policy on storage.objects calling public.is_admin(), its trigger on auth.users running public.handle_new_user()):
Postgres refuses DROP FUNCTION while they stand ("cannot drop function is_admin() because other objects depend on
it"), and the migration cannot make them again (schema.yaml does not hold them). A change that drops such a function
(dropped, or made again: its arguments or result changed) is refused at generate, naming them.

So is a change dropping a table, or dropping or retyping a column, that a view, materialized view or rule of such a
schema reads (a table's `used_outside:`, `view api.profiles (id, username)`: Postgres refuses 'cannot drop table
profiles because other objects depend on it', 'cannot alter type of a column used by a view or rule')."""

from __future__ import annotations

import re

from schemac.compare.changes import Change
from schemac.compare.types import replaceable
from schemac.model import Schema
from schemac.model.tables import expression_dropped
from schemac.pg.names import quoted


def outside_drops(changes: list[Change], desired: Schema) -> list[tuple[Change, str]]:
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
    out = _table_drops(changes, desired)
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
                           "again. Drop or change them first, outside schemac, then take them out of used_outside:; "
                           "or keep the function's arguments and result"))
    return out


_COLUMN_CHANGES = {"drop_column": "drop column", "alter_column_type": "change the type of column",
                   "alter_generated": "drop and add again column"}


def _table_drops(changes: list[Change], desired: Schema) -> list[tuple[Change, str]]:
    """Each change dropping a table, or dropping or retyping a column (or its generation expression changed: dropped
    and added again, plan.planner), that what its `used_outside` (recorded, or schema.yaml's entry) lists reads: an
    entry without columns reads the table alone."""
    dropping = [c for c in changes if (c.kind == "drop_table" or c.kind in _COLUMN_CHANGES) and not (
        c.kind == "alter_generated" and expression_dropped(c.old, c.new))]  # (DROP EXPRESSION: kept) # type: ignore
    # (the tables by key only where a change drops: none in most migrations, 10,000 keys at 10,000 tables)
    declared = {t.key: t for t in desired.tables} if dropping else {}
    out = []
    for c in dropping:
        tables = [t for t in (declared.get((c.schema, c.table)), c.table_def, c.old if c.kind == "drop_table" else None)
                  if t is not None]
        listed = sorted({u for t in tables for u in getattr(t, "used_outside", ())})
        if c.kind != "drop_table":
            spelled = "|".join(re.escape(n) for n in {c.name or "", quoted(c.name or "")})  # as quote_ident() spells it
            at = re.compile(r"[(,]\s*(?:" + spelled + r")\s*[,)]")  # in `(id, username)`
            listed = [u for u in listed if "(" in u and at.search(u[u.find("("):])]
        if not listed:
            continue
        what = f"table {c.schema}.{c.table}" if c.kind == "drop_table" else \
            f"table {c.schema}.{c.table}: the migration would {_COLUMN_CHANGES[c.kind]} {c.name}"
        source = next((t.source for t in tables if getattr(t, "source", None)), None)
        out.append((c, f"{f'{source}: ' if source else ''}{what}"
                       f"{': the migration would drop it' if c.kind == 'drop_table' else ''} while {'; '.join(listed)} "
                       f"(used_outside: of a schema schema.yaml does not cover) {'reads' if len(listed) == 1 else 'read'}"
                       " it: Postgres refuses, and the migration cannot make them again. Drop or change them first, "
                       "outside schemac, then take them out of used_outside:"))
    return out
