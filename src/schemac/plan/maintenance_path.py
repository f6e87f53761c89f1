"""`generate`'s notices of the functions PostgreSQL 17 and later cannot run where a migration needs them to: an index it
builds (new, built again by a table's rewrite, copied to a partition made or attached), or a materialized view it
populates, calls a function whose quoted SQL or PL/pgSQL body names one of schema.yaml's objects bare and sets no
search_path of its own: wherever the migration lends it a path (Change.lent_path). Since 17, CREATE INDEX, REINDEX,
CREATE and REFRESH MATERIALIZED VIEW, ANALYZE and VACUUM run such expressions with the search_path `pg_catalog,
pg_temp` whatever the session's (a security fix: "functions used by expression indexes and materialized views that
need to reference non-default schemas must specify a search path"), where that name is found nowhere ("function
clean(text) does not exist", the body inlined). No path the migration's session sets reaches there
(plan.preamble.widened serves 15 and 16): the migration lends the function one around the statement
(compare.restricted_path), but REINDEX, ANALYZE and VACUUM FULL outside it fail there still: the function needs `set:
{search_path: ...}` in schema.yaml, or the names in its body their schema."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.restricted_path import Reach, built
from schemac.model import Schema
from schemac.plan.ddl import command
from schemac.plan.routine_ddl import function_target, setting_value


def restricted_path_notices(changes: list[Change], desired: Schema) -> list[str]:
    """One notice per index or materialized view a change builds calling a function it lends a path (Change.lent_path:
    directly, or through another such function's body) that PostgreSQL 17 and later cannot run there (see the module's
    docstring): a new index, a populated materialized view, the indexes a table's rewrite builds again, a partition's
    copies of its ancestors' indexes as it is made or attached. A new index's first, then the others'."""
    lending = [c for c in changes if c.lent_path]
    if not lending:
        return []
    reach, tables = Reach(desired), {(t.schema, t.name): t for t in desired.tables}
    out: dict[tuple, str] = {}
    for c in sorted(lending, key=lambda c: c.kind != "add_index"):  # (a new index's CREATE, not a rewrite after it)
        lent = {(f.schema, f.name) for f, _ in c.lent_path}
        for built_key, what, text in built(c, tables):
            for key, f, names in reach.unsafe(text):
                if (built_key, key) in out or key not in lent:
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
                out[built_key, key] = (
                    f"{source or what}: {what} calls {key[0]}.{key[1]}, whose body {said} and sets no search_path: "
                    "PostgreSQL 17 and later compute it (CREATE INDEX, REINDEX, REFRESH MATERIALIZED VIEW, ANALYZE) "
                    f"with the search_path pg_catalog, pg_temp, where {found} (the migration lends it a path while it "
                    f"builds it; {after}); give {key[0]}.{key[1]} `set: {{search_path: {schemas}}}` or name the schema "
                    "in its body")
    return list(out.values())


def lent(change: Change, statements: list) -> list:
    """`statements` after ALTER FUNCTION ... SET search_path of each function `change` lends a path
    (compare.restricted_path) and before its RESET search_path, which leaves the function's settings as they were."""
    if not change.lent_path or not statements:
        return statements
    return [*(command("ALTER", "FUNCTION", function_target(f), "SET search_path =", setting_value("search_path", path))
              for f, path in change.lent_path), *statements,
            *(command("ALTER", "FUNCTION", function_target(f), "RESET search_path") for f, _ in change.lent_path)]
