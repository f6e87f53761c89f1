"""`generate`'s notices of the functions PostgreSQL 17 and later cannot run where a migration needs them to: an index
it builds, or a materialized view it populates, calls a function whose quoted SQL or PL/pgSQL body names one of
schema.yaml's objects bare and sets no search_path of its own. Since 17, CREATE INDEX, REINDEX, CREATE and REFRESH
MATERIALIZED VIEW, ANALYZE and VACUUM run such expressions with the search_path `pg_catalog, pg_temp` whatever the
session's (a security fix: "functions used by expression indexes and materialized views that need to reference
non-default schemas must specify a search path"), where that name is found nowhere ("function clean(text) does not
exist", the body inlined). No path the migration's session sets reaches there (plan.preamble.widened serves 15 and
16): the migration lends the function one around the statement (compare.restricted_path), but REINDEX, ANALYZE and
VACUUM FULL outside it fail there still: the function needs `set: {search_path: ...}` in schema.yaml, or the names in
its body their schema."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.restricted_path import Reach, keyed, populated
from schemac.model import Index, Schema
from schemac.plan.ddl import command
from schemac.plan.routine_ddl import function_target, setting_value


def _expressions(c: Change):
    """(what, text) the change makes Postgres compute under the restricted path: an index's keys and WHERE, a
    materialized view's query where it is populated."""
    new = c.new
    if c.kind == "add_index" and isinstance(new, Index):
        for text in keyed(new):
            yield f"index {new.name}", text
    elif populated(c):
        yield f"materialized view {new.schema}.{new.name}", new.query  # type: ignore[union-attr]


def restricted_path_notices(changes: list[Change], desired: Schema) -> list[str]:
    """One notice per function an index or a populated materialized view of the migration calls (directly, or
    through another such function's body) that PostgreSQL 17 and later cannot run there (see the module's
    docstring)."""
    computed = [(c, what, text) for c in changes for what, text in _expressions(c)]
    if not computed or not desired.functions:
        return []
    reach = Reach(desired)
    out: dict[tuple, str] = {}
    for c, what, text in computed:
        for key, f, names in reach.unsafe(text):
            if (what, key) in out:
                continue
            name = names[0]
            source = getattr(c.new, "source", None) or c.source
            schemas = ", ".join(sorted(set(reach.schemas(name))))
            given = ", ".join(reach.shadowed[name]) if name in reach.shadowed and name not in reach.declared else ""
            said = f"calls {name} bare, which {given} ({schemas}) defines too," if given else \
                f"names {name} ({schemas}) bare"
            found = f"pg_catalog's {name} is called instead, its {given} arguments cast to text: other values" \
                if given else "it is not found"
            after = "REINDEX after computes pg_catalog's" if given else "REINDEX and ANALYZE after fail"
            out[what, key] = (
                f"{source or what}: {what} calls {key[0]}.{key[1]}, whose body {said} and sets no search_path: "
                "PostgreSQL 17 and later compute it (CREATE INDEX, REINDEX, REFRESH MATERIALIZED VIEW, ANALYZE) with "
                f"the search_path pg_catalog, pg_temp, where {found} (the migration lends it a path while it builds "
                f"it; {after}); give {key[0]}.{key[1]} `set: {{search_path: {schemas}}}` or name the schema in its body")
    return list(out.values())


def lent(change: Change, statements: list) -> list:
    """`statements` after ALTER FUNCTION ... SET search_path of each function `change` lends a path
    (compare.restricted_path) and before its RESET search_path, which leaves the function's settings as they were."""
    if not change.lent_path or not statements:
        return statements
    return [*(command("ALTER", "FUNCTION", function_target(f), "SET search_path =", setting_value("search_path", path))
              for f, path in change.lent_path), *statements,
            *(command("ALTER", "FUNCTION", function_target(f), "RESET search_path") for f, _ in change.lent_path)]
