"""`generate`'s notices of the functions PostgreSQL 17 and later cannot run where a migration needs them to: an index
it builds, or a materialized view it populates, calls a function whose quoted SQL or PL/pgSQL body names one of
schema.yaml's objects bare and sets no search_path of its own. Since 17, CREATE INDEX, REINDEX, CREATE and REFRESH
MATERIALIZED VIEW, ANALYZE and VACUUM run such expressions with the search_path `pg_catalog, pg_temp` whatever the
session's (a security fix: "functions used by expression indexes and materialized views that need to reference
non-default schemas must specify a search path"), where that name is found nowhere ("function clean(text) does not
exist", the body inlined). No path the migration sets reaches there (plan.preamble.widened serves 15 and 16): the
function needs `set: {search_path: ...}` in schema.yaml, or the names in its body their schema."""

from __future__ import annotations

from typing import Iterator, Optional

from schemac.compare.changes import Change
from schemac.model import Function, Index, Schema, Table, View
from schemac.pg import verbatim
from schemac.pg.sqllex import LexError, folded, tokens


# `schema.name(` and `name(` of a text (a bare one is public's, as the migration's path reads it), none where it does
# not tokenize.
_calls = verbatim.calls_if_tokenized


def _bare_names(body: str) -> set[str]:
    """The names a body says without a schema before them (words, "quoted" names), in Postgres's folding."""
    try:
        toks = tokens(body)
    except LexError:
        return set()
    out = set()
    for i, t in enumerate(toks):
        if t.kind not in ("word", "name") or (i and toks[i - 1].kind == ".") or \
                (i + 1 < len(toks) and toks[i + 1].kind == "."):
            continue
        out.add(folded(t))
    return out


def _expressions(c: Change) -> Iterator[tuple[str, str]]:
    """(what, text) the change makes Postgres compute under the restricted path: an index's keys and WHERE, a
    materialized view's query where it is populated."""
    new = c.new
    if c.kind == "add_index" and isinstance(new, Index):
        for text in (new.where, *(e.expression for e in new.elements)):
            if text:
                yield f"index {new.name}", text
    elif isinstance(new, View) and new.materialized and new.with_data and \
            c.kind in ("add_view", "replace_view", "refresh_view"):
        yield f"materialized view {new.schema}.{new.name}", new.query


def _unsafe(f: Function, declared: dict[str, list[str]]) -> Optional[str]:
    """The first of schema.yaml's names (outside pg_catalog) `f`'s body says bare, where its body is read when it
    runs (quoted SQL, PL/pgSQL) and it sets no search_path; else None."""
    if f.language not in ("sql", "plpgsql") or f.standard_body or any(c.startswith("search_path=") for c in f.config):
        return None
    said = _bare_names(f.body) - {a.name for a in f.arguments if a.name}
    return next((n for n in sorted(said) if n in declared and n != f.name), None)


def restricted_path_notices(changes: list[Change], desired: Schema) -> list[str]:
    """One notice per function an index or a populated materialized view of the migration calls (directly, or
    through another such function's body) that PostgreSQL 17 and later cannot run there (see the module's
    docstring)."""
    computed = [(c, what, text) for c in changes for what, text in _expressions(c)]
    if not computed or not desired.functions:
        return []
    functions: dict[tuple[str, str], list[Function]] = {}
    for f in desired.functions:
        functions.setdefault((f.schema, f.name), []).append(f)
    declared: dict[str, list[str]] = {}
    for obj in (*desired.functions, *desired.tables, *desired.views):
        if isinstance(obj, (Function, Table, View)) and obj.schema != "pg_catalog":
            declared.setdefault(obj.name, []).append(obj.schema)
    out: dict[tuple, str] = {}
    for c, what, text in computed:
        seen: set[tuple[str, str]] = set()
        todo = sorted(_calls(text))
        while todo:
            key = todo.pop()
            if key in seen or key not in functions:
                continue
            seen.add(key)
            for f in functions[key]:
                name = _unsafe(f, declared)
                if name is not None and (what, key) not in out:
                    source = getattr(c.new, "source", None) or c.source
                    schemas = ", ".join(sorted(set(declared[name])))
                    out[what, key] = (
                        f"{source or what}: {what} calls {key[0]}.{key[1]}, whose body names {name} ({schemas}) "
                        "bare and sets no search_path: PostgreSQL 17 and later compute it (CREATE INDEX, REINDEX, "
                        "REFRESH MATERIALIZED VIEW, ANALYZE) with the search_path pg_catalog, pg_temp, where it is "
                        f"not found; give {key[0]}.{key[1]} `set: {{search_path: {schemas}}}` or name the schema "
                        "in its body")
                called = _calls(f.body)  # (a bare call in its body: its own schema's, as where it was made)
                todo.extend(sorted(called | {(f.schema, n) for s, n in called if s == "public"}))
    return list(out.values())
