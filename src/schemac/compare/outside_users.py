"""A function that a schema schema.yaml does not cover depends on (`used_outside:`, which inspect -n writes: Supabase's
policy on storage.objects calling public.is_admin(), its trigger on auth.users running public.handle_new_user()):
Postgres refuses DROP FUNCTION while they stand ("cannot drop function is_admin() because other objects depend on
it"), and the migration cannot make them again (schema.yaml does not hold them). A change that drops such a function
(dropped, or made again: its arguments or result changed) is refused at generate, naming them."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.types import replaceable
from schemac.model import Schema


def outside_drops(changes: list[Change], desired: Schema) -> list[tuple[Change, str]]:
    """Each change dropping a function that what `used_outside` lists (the function's recorded entry, or schema.yaml's
    entry of that name) depends on, with why generate refuses it."""
    listed: dict[tuple[str, str], set[str]] = {}
    for f in desired.functions:
        listed.setdefault((f.schema, f.name), set()).update(f.used_outside)
    out = []
    for c in changes:
        old = c.old
        if old is None or not (c.kind == "drop_function" or (c.kind == "alter_function" and  # type: ignore[union-attr]
                                                              not replaceable(old, c.new))):  # type: ignore[arg-type]
            continue
        users = sorted(set(getattr(old, "used_outside", ())) | listed.get((old.schema, old.name), set()))  # type: ignore
        if users:
            new_at = next((f for f in desired.functions if (f.schema, f.name) == (old.schema, old.name)), None)  # type: ignore
            where = f"{new_at.source}: " if new_at is not None and new_at.source else ""
            out.append((c, f"{where}function {old.schema}.{old.signature}: the migration would drop it "  # type: ignore
                           f"({'its arguments or result changed' if new_at is not None else 'no longer declared'}) "
                           f"while {'; '.join(users)} (used_outside: of a schema schema.yaml does not cover) "
                           f"{'depends' if len(users) == 1 else 'depend'} on it: Postgres refuses ('other objects depend on it'), and the migration cannot make them "
                           "again. Drop or change them first, outside schemac, then take them out of used_outside:; "
                           "or keep the function's arguments and result"))
    return out
