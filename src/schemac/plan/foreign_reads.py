"""`generate`'s warning for a materialized view that reads a foreign table of a server the same migration creates.

CREATE MATERIALIZED VIEW ... WITH DATA runs its query: a postgres_fdw (or any) foreign table is read through the
server then, which needs a user mapping for the role running the migration. schemac manages no user mapping (their
options hold passwords): none can exist for a server the migration itself creates, so the migration fails there
("user mapping not found"), GeoNature-atlas's shape (matviews over IMPORT FOREIGN SCHEMA tables). It is said, not
refused: Postgres accepts the schema, and a wrapper may need no mapping (file_fdw)."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.views import view_refs
from schemac.model import Schema


def foreign_read_notices(changes: list[Change], desired: Schema) -> list[str]:
    made = {c.new.name for c in changes if c.kind == "add_foreign_server" and c.new is not None}  # type: ignore[attr-defined]
    if not made:
        return []
    servers = {(t.schema, t.name): t.foreign.server for t in desired.tables if t.foreign is not None}
    views = {(v.schema, v.name): v for v in desired.views}
    out = []
    for c in changes:
        v = c.new
        if c.kind != "add_view" or not getattr(v, "materialized", False) or not v.with_data:  # type: ignore[union-attr]
            continue
        seen, todo, read = set(), [v], []
        while todo:
            for k in view_refs(todo.pop()):
                key = tuple(k[1:3])
                if k[0] != "table" or key in seen:
                    continue
                seen.add(key)
                if servers.get(key) in made:
                    read.append(f"{key[0]}.{key[1]} (server {servers[key]})")
                elif key in views:
                    todo.append(views[key])
        if read:
            out.append(f"warning: {c.source or c.path}: materialized view {c.path} reads foreign table "
                       f"{', '.join(sorted(read))}, whose server this migration creates: WITH DATA reads it through the "
                       "server, which needs a user mapping schemac does not make, so the migration fails there (make "
                       "the server in a migration of its own and the mapping by hand before this one, or give the view "
                       "with_data: false and REFRESH it once the mapping exists)")
    return out
