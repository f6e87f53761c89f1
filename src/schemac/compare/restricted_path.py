"""The functions PostgreSQL 17 and later cannot run where a migration builds an index or populates a materialized view,
and the search_path lent them around it. Since 17, CREATE INDEX, REINDEX, a table rewrite's index rebuild (ALTER
COLUMN ... TYPE, a column added with a volatile default), CREATE and REFRESH MATERIALIZED VIEW, CLUSTER, ANALYZE and
VACUUM FULL compute with the search_path `pg_catalog, pg_temp` whatever the session's (a security fix: "functions
used by expression indexes and materialized views that need to reference non-default schemas must specify a search
path"): a function whose quoted SQL or PL/pgSQL body names one of schema.yaml's objects bare and sets no search_path
of its own finds it nowhere there ("function clean(text) does not exist", the body inlined), though Postgres holds
such indexes (built on 16 and upgraded, or while the function had a path). Around such a statement the migration
gives each such function the path the statement has on 15 and 16 (`ALTER FUNCTION ... SET search_path`, which also
keeps Postgres from inlining it) and takes it back after (`RESET search_path`): the index's stored expression names
the function, not its body, and the function's settings end as they were. A name the body calls bare that is neither
schema.yaml's nor surely Postgres's may be an extension's (Supabase's unaccent in `extensions`): where schema.yaml
has extensions off that path, the function is lent the path with their schemas too (a path lent needlessly is harmless:
it is taken back after; one not lent fails the migration)."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator, Optional

from schemac.compare.changes import Change
from schemac.compare.normalize import search_path
from schemac.model import Exclusion, Function, Index, Schema, Table, View
from schemac.pg import verbatim
from schemac.pg.catalog_function_names import catalog_function_names
from schemac.pg.extension_shadows import EXTENSION_SHADOWS
from schemac.pg.keywords import is_postgres_keyword
from schemac.pg.names import quote_ident
from schemac.pg.sqllex import LexError, folded, tokens

# `schema.name(` and `name(` of a text (a bare one is public's, as the migration's path reads it), none where it does
# not tokenize.
_calls = verbatim.calls_if_tokenized
# The changes whose statement rewrites their table, building each of its indexes again from its expressions.
_REBUILDS = frozenset({"alter_column_type", "add_column", "alter_generated", "set_logging"})
_POPULATES = frozenset({"add_view", "replace_view", "refresh_view"})
_COPIES = frozenset({"add_table", "attach_partition"})  # (of a partition)
# PL/pgSQL's statement words that a '(' may follow (`IF (...) THEN`, `RETURN (...)`): not calls.
_PLPGSQL_WORDS = frozenset({"if", "elsif", "elseif", "while", "return", "perform", "query", "foreach", "exit",
                            "continue", "raise", "assert", "strict", "case"})


def _bare_names(body: str) -> tuple[set[str], set[str]]:
    """The names a body says without a schema before them (words, "quoted" names), in Postgres's folding, and those
    of them it calls (a '(' after, none after '::')."""
    try:
        toks = tokens(body)
    except LexError:
        return set(), set()
    out, called = set(), set()
    for i, t in enumerate(toks):
        if t.kind not in ("word", "name") or (i and toks[i - 1].kind == ".") or \
                (i + 1 < len(toks) and toks[i + 1].kind == "."):
            continue
        out.add(folded(t))
        if i + 1 < len(toks) and toks[i + 1].kind == "(" and not (i and toks[i - 1].kind == "::"):
            called.add(folded(t))
    return out, called


def _unsafe(f: Function, declared: dict[str, list[str]], extended: bool, shadowed: dict[str, list[str]]) -> list[str]:
    """The names `f`'s body says bare that 17+'s path does not find, sorted, where its body is read when it runs
    (quoted SQL, PL/pgSQL) and it sets no search_path (else none): schema.yaml's (outside pg_catalog), then, where
    schema.yaml has extensions off that path (`extended`), each it calls that is neither schema.yaml's, nor surely
    Postgres's, nor a keyword: an extension's maybe; and each it calls that such an extension gives a function of its
    own beside pg_catalog's (`shadowed`: citext's replace), which that path finds as pg_catalog's."""
    if f.language not in ("sql", "plpgsql") or f.standard_body or any(c.startswith("search_path=") for c in f.config):
        return []
    said, called = (names - {a.name for a in f.arguments if a.name} - {f.name} for names in _bare_names(f.body))
    own = [n for n in sorted(said) if n in declared]
    return own + sorted(n for n in called - declared.keys() - _PLPGSQL_WORDS
                        if n in shadowed or extended and n not in catalog_function_names() and not is_postgres_keyword(n))


class Reach:
    """schema.yaml's functions by (schema, name), the schemas of its functions, tables and views by name, and those of
    its extensions off 17+'s path (pg_catalog, pg_temp)."""

    def __init__(self, desired: Schema):
        self.functions: dict[tuple[str, str], list[Function]] = {}
        self.extensions = desired.extensions
        for f in desired.functions:
            self.functions.setdefault((f.schema, f.name), []).append(f)
        self.declared: dict[str, list[str]] = {}
        for obj in (*desired.functions, *desired.tables, *desired.views):
            if isinstance(obj, (Function, Table, View)) and obj.schema != "pg_catalog":
                self.declared.setdefault(obj.name, []).append(obj.schema)
        self.extension_schemas = sorted({e.schema or "public" for e in desired.extensions} - {"pg_catalog"})
        self.shadowed: dict[str, list[str]] = {}  # a name of pg_catalog's -> the extensions off the path giving it too
        for e in desired.extensions:
            if (e.schema or "public") != "pg_catalog":
                for n in EXTENSION_SHADOWS.get(e.name, ()):
                    self.shadowed.setdefault(n, []).append(e.name)

    def unsafe(self, text: str) -> Iterator[tuple[tuple[str, str], Function, list[str]]]:
        """(key, function, the names its body says bare) of each function `text` calls, directly or through such
        bodies' calls, that 17+ cannot run under `pg_catalog, pg_temp`."""
        seen: set[tuple[str, str]] = set()
        todo = sorted(_calls(text))
        while todo:
            key = todo.pop()
            if key in seen or key not in self.functions:
                continue
            seen.add(key)
            for f in self.functions[key]:
                names = _unsafe(f, self.declared, bool(self.extension_schemas), self.shadowed)
                if names:
                    yield key, f, names
                called = _calls(f.body)  # (a bare call in its body: its own schema's, as where it was made)
                todo.extend(sorted(called | {(f.schema, n) for s, n in called if s == "public"}))

    def path(self, f: Function, names: list[str], texts: list[str]) -> str:
        """The path lent `f`: the migration's own (public, then the extensions' schemas), then the schemas `texts`
        call and those of the names `f` says bare: where 15 and 16 find them, under the migration's widened path."""
        called = {s for text in texts for s, _ in _calls(text)}
        more = sorted((called | {f.schema} | {s for n in names for s in self.schemas(n)}) - {"public", "pg_catalog"})
        return ", ".join(dict.fromkeys(quote_ident(s) for s in ("public", *search_path(), *more)))

    def schemas(self, name: str) -> list[str]:
        """Where 15 and 16 find a name a body says bare: schema.yaml's schemas of it, else those of the extensions
        giving it beside pg_catalog, else every extension's."""
        return self.declared.get(name) or sorted({e.schema or "public" for e in self.extensions
                                                   if e.name in self.shadowed.get(name, ())}) or self.extension_schemas


def built_texts(c: Change, tables: dict[tuple[str, str], Table]) -> list[str]:
    """The expressions a change makes Postgres compute under 17+'s restricted path (built's texts)."""
    return [text for _, _, text in built(c, tables)]


def built(c: Change, tables: dict[tuple[str, str], Table]) -> Iterator[tuple[tuple, str, str]]:
    """(key, what, text) of each expression a change makes Postgres compute under 17+'s restricted path: a new index's
    keys and WHERE, a populated materialized view's query and its indexes', the indexes of a table its statement
    rewrites, the copies of its ancestors' indexes a partition made or attached builds (even over no rows: a SQL
    function is inlined first); `key` names the index or view (one per index, whichever change builds it), `what` says
    it and how it is built."""
    new, table = c.new, c.table_def
    if c.kind == "add_index" and isinstance(new, Index):
        yield from ((("index", c.schema, c.table, new.name), f"index {new.name}", t) for t in keyed(new))
        return
    if populated(c):
        yield ("view", new.schema, new.name), f"materialized view {new.schema}.{new.name}", new.query  # type: ignore
        for i in new.indexes:  # type: ignore[union-attr]
            yield from ((("index", new.schema, new.name, i.name), f"index {i.name} (built again by the REFRESH of "
                         f"{new.schema}.{new.name})", t) for t in keyed(i))  # type: ignore[union-attr]
        return
    if table is None or c.kind not in _REBUILDS | _COPIES or (c.kind in _COPIES and table.partition_of is None):
        return
    made = f"{table.schema}.{table.name}"
    how = f"built again by the rewrite of {made}" if c.kind in _REBUILDS else f"copied to partition {made}"
    for i in table.indexes if c.kind in _REBUILDS else ():
        yield from ((("index", table.schema, table.name, i.name), f"index {i.name} ({how})", t) for t in keyed(i))
    while table.partition_of is not None:  # (a partition's copies of its ancestors' indexes, which the models leave out)
        up = table.partition_of
        table = tables.get((up.parent_schema, up.parent))  # type: ignore[assignment]
        if table is None:
            break
        for i in table.indexes:  # (each copy an index of its own, which REINDEX builds alike)
            yield from ((("copy", table.schema, table.name, i.name, made), f"index {i.name} of {table.schema}."
                         f"{table.name} ({how})", t) for t in keyed(i))


def populated(c: Change) -> bool:
    """Whether `c` makes Postgres run a materialized view's query: one made, replaced or refreshed WITH DATA."""
    new = c.new
    return isinstance(new, View) and new.materialized and new.with_data and c.kind in _POPULATES


def keyed(index: Index | Exclusion) -> list[str]:
    """The texts an index or EXCLUDE computes over rows: its predicate and expression keys."""
    return [text for text in (index.where, *(e.expression for e in index.elements)) if text]


def lent_paths(changes: list[Change], desired: Schema) -> list[Change]:
    """`changes`, each that builds what calls such a function given the functions and paths to lend (lent_path)."""
    if not desired.functions:
        return changes
    reach: Optional[Reach] = None
    tables = {(t.schema, t.name): t for t in desired.tables}
    out = []
    for c in changes:
        texts = built_texts(c, tables)
        if texts:
            reach = reach or Reach(desired)
            lent = {id(f): (f, reach.path(f, names, texts)) for text in texts for _, f, names in reach.unsafe(text)}
            c = replace(c, lent_path=tuple(lent.values())) if lent else c
        out.append(c)
    return out
