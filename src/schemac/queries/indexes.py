"""The indexes declared queries use (`uses:`): which of them schema.yaml no longer declares, which a
migration drops or alters (`generate` warns), and which a database lacks (`diff` says who needs them)."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Sequence

from schemac.compare.changes import Change
from schemac.compare.keys_over_indexes import TAKEN_BY_KEY
from schemac.model import Query, Schema, UNIQUE_KEY_TYPES
from schemac.pg.names import constraint_name
from schemac.report.describe import Difference


def declared_indexes(schema: Schema) -> set[str]:
    """Every index name schema.yaml makes: its indexes, and those of its primary keys and UNIQUE
    constraints (Postgres names a key's index after the constraint)."""
    names = {i.name for t in schema.tables for i in t.indexes}
    for t in schema.tables:
        names |= {constraint_name(t, k) for k in t.unique_keys()}
    return names


def users(schema: Schema) -> dict[str, list[Query]]:
    """index name -> the declared queries that use it."""
    out: dict[str, list[Query]] = {}
    for q in schema.queries:
        for name in q.uses:
            out.setdefault(name, []).append(q)
    return out


def _named(queries: list[Query], verb: str = "uses") -> str:
    """"declared query 'a' (schema.yaml:12:7) uses", "declared queries 'a' (...) and 'b' (...) use"."""
    names = [f"'{q.name}' ({q.source})" if q.source else f"'{q.name}'" for q in queries]
    if len(names) == 1:
        return f"declared query {names[0]} {verb}"
    plural = {"uses": "use"}.get(verb, verb)
    return f"declared queries {', '.join(names[:-1])} and {names[-1]} {plural}"


def lost_indexes(schema: Schema) -> list[Difference]:
    """A finding for each query naming an index schema.yaml does not declare, at the query's line."""
    declared = declared_indexes(schema)
    out = []
    for q in schema.queries:
        for name in q.uses:
            if name not in declared:
                out.append(query_difference(q, "query_index_missing", f"index {name}", None,
                                            f"query '{q.name}' uses index {name}, which schema.yaml does not "
                                            "declare (dropped or renamed?)"))
    return out


def query_difference(q: Query, kind: str, expected, actual, message: str) -> Difference:
    """A finding about a query, at its line: under its table, or a top-level one under its first table's schema."""
    schema, _, table = (q.table or "").partition(".")
    if not q.table and q.tables:
        schema = q.tables[0].split(".", 1)[0]
    return Difference(kind, "query", schema, table, q.name, expected, actual, message,
                      q.source.file if q.source else None, q.source.line if q.source else None)


_INDEX_CHANGES = {"drop_index": "drops", "rename_index": "renames", "set_index_parameters": "alters",
                  "drop_constraint": "drops"}


def _index_name(c: Change) -> str | None:
    obj = c.old if c.old is not None else c.new
    if c.cause == TAKEN_BY_KEY:  # (a key's ADD CONSTRAINT ... USING INDEX keeps it: compare.keys_over_indexes)
        return None
    if c.kind == "drop_constraint" and isinstance(obj, UNIQUE_KEY_TYPES) and c.table_def is not None:
        return constraint_name(c.table_def, obj)
    if c.kind == "rename_index":
        return getattr(c.old, "name", None) or c.name
    return c.name if c.kind in _INDEX_CHANGES else None


def change_notices(changes: Sequence[Change], desired: Schema) -> list[str]:
    """`generate`'s warnings: a change that drops, renames or alters an index a declared query uses."""
    used = users(desired)
    added = {c.name for c in changes if c.kind in ("add_index", "add_constraint")}
    out, warned = [], set()
    for c in changes:
        name = _index_name(c)
        if name is None or name not in used or name in warned:
            continue
        warned.add(name)
        verb = "rebuilds" if c.kind.startswith("drop") and name in added else _INDEX_CHANGES[c.kind]
        out.append(f"warning: this migration {verb} index {name} ({c.schema}.{c.table}), which "
                   f"{_named(used[name])}: `schemac check-queries` tells whether they still get what they declare")
    if desired.queries:
        gone = set(used) - declared_indexes(desired) - warned
        for name in sorted(gone):
            out.append(f"warning: {_named(used[name])} index {name}, which schema.yaml does not declare")
    return out


def noted(diffs: Sequence[Difference], desired: Schema) -> list[Difference]:
    """`diff`'s differences, a missing or changed index naming the declared queries that use it."""
    used = users(desired)
    if not used:
        return list(diffs)
    out = []
    for d in diffs:
        if d.name in used and d.kind in ("missing_index", "index_changed", "missing_constraint", "index_invalid"):
            d = replace(d, message=f"{d.message}; {_named(used[d.name])} it")
        out.append(d)
    return out
