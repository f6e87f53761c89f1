"""A function of schema.yaml's called bare where the migration's search_path does not find it.

Every statement of a migration runs under `SET LOCAL search_path = public` and the schemas of the extensions
schema.yaml declares outside public (plan.preamble.pinned_search_path; compare.normalize.extension_path). An index,
CHECK, default, generated column, policy, trigger WHEN or view that calls `norm(name)`, where schema.yaml declares
`norm` in schema `util` alone, therefore fails when the migration applies ("function norm(text) does not exist"),
though generate wrote it without a word. The loader refuses it at the expression's line, naming the qualified call
to write. A name Postgres may have of its own (sqlglot knows a function by it: `lower`, `now`) is left alone: pg_catalog
comes first on every path, so the bare call may well be Postgres's; so is a name a declared extension has
(pg.extension_functions): every extension's schema is on the path, so `geometrytype(the_geom)` in tiger's CHECKs is
PostGIS's, though schema.yaml declares geometrytype only in topology (postgis_topology loaded as plain SQL).
"""

from __future__ import annotations

from typing import Iterable, Iterator, Optional

from schemac.errors import SchemaFileError
from schemac.model import Source
from schemac.pg.extension_functions import EXTENSION_FUNCTIONS
from schemac.pg.keywords import is_postgres_keyword
from schemac.pg.sqllex import LexError, folded, tokens
from schemac.model.references import split_reference


def check_bare_calls(tables: Iterable, views: Iterable, routines: Iterable, extensions: Iterable,
                     external: Iterable[str]) -> None:
    """Raise SchemaFileError at the first expression that calls bare a function or aggregate (`routines`) that
    schema.yaml declares only in schemas the migration's search_path does not hold (nor external_functions in one it
    does)."""
    from schemac.compare.normalize import extension_path

    path = {"public", "pg_catalog", *extension_path(extensions)}
    theirs = {n for e in extensions if (e.schema or "public") in path for n in EXTENSION_FUNCTIONS.get(e.name, ())}
    found: dict[str, set[str]] = {}
    for r in routines:
        found.setdefault(r.name, set()).add(r.schema)
    for name in external:
        schema, bare = split_reference(name, "public")
        found.setdefault(bare, set()).add(schema)
    astray = {name: schemas for name, schemas in found.items()
              if not schemas & path and name not in theirs and not _maybe_postgres(name)}
    if not astray:
        return
    for text, kind, holder, of in _expressions(tables, views):
        name = _bare_call(text, astray)
        if name is not None:
            what, source = _what(kind, holder, of)
            schema = sorted(astray[name])[0]
            raise SchemaFileError(
                f"{what} calls {name}(...) without a schema, and schema.yaml declares {name} only in "
                f"{', '.join(sorted(astray[name]))}: the migration runs under the search_path "
                f"{', '.join(sorted(path - {'pg_catalog'}, key=lambda s: (s != 'public', s)))}, where Postgres finds "
                f"no {name} (\"function {name}(...) does not exist\"); qualify it: {schema}.{name}(...)", source)


def _maybe_postgres(name: str) -> bool:
    from sqlglot.dialects.postgres import Postgres

    return name.upper() in Postgres.Parser.FUNCTIONS


def _bare_call(text: str, names: dict) -> Optional[str]:
    """The first of `names` `text` calls with no schema before it."""
    if not any(n in text.lower() for n in names):
        return None
    try:
        toks = tokens(text)
    except LexError:
        return None
    for i, t in enumerate(toks[:-1]):
        if t.kind not in ("word", "name") or toks[i + 1].text != "(" or (i and toks[i - 1].text == "."):
            continue
        name = folded(t)
        if name in names and not _named_columns(toks, i):
            return name
    return None


def _named_columns(toks: list, i: int) -> bool:
    """Whether the name at `i`, before `(`, names a relation and its columns, not a call: an alias (`AS g(day)`,
    `FROM t n(a)`, `generate_series(...) g(day)`) or a CTE (`WITH norm(x) AS (...)`, `, norm(x) AS (...)`)."""
    before = toks[i - 1].text.upper() if i else ""
    if before in ("AS", ")") or (i > 1 and toks[i - 1].kind in ("word", "name") and toks[i - 2].text.upper() in
                                 ("FROM", "JOIN", ",") and not is_postgres_keyword(toks[i - 1].text.lower())):
        return True  # (`, t n(a)`: a relation named after a comma, where `, NOT norm(x)` is a call)
    close = next((j for j in range(i + 2, len(toks)) if toks[j].text == ")" and toks[j].depth == toks[i].depth), None)
    after = [t.text.upper() for t in toks[close + 1:close + 3]] if close is not None else []
    return before in ("WITH", "RECURSIVE", ",") and len(after) == 2 and after[0] == "AS" and \
        after[1] in ("(", "MATERIALIZED", "NOT")


def _expressions(tables: Iterable, views: Iterable) -> Iterator[tuple[str, str, object, str]]:
    """(text, what, holder, name) of each expression a migration makes Postgres read under its search_path: `what`
    of `holder` named `name` (described only where the text calls one: _what)."""
    for t in tables:
        for c in t.columns:
            if c.default:
                yield c.default, "column", t, c.name
            if c.generated:
                yield c.generated, "column", t, c.name
        for k in t.checks:
            yield k.expression, "CHECK", t, k.name
        for i in t.indexes:
            for text in (i.where, *(e.expression for e in i.elements)):
                if text:
                    yield text, "index", t, i.name
        for x in t.exclusions:
            for text in (x.where, *(e.expression for e in x.elements)):
                if text:
                    yield text, "EXCLUDE constraint", t, x.name or ""
        for p in t.policies:
            for text in (p.using, p.with_check):
                if text:
                    yield text, "policy", t, p.name
    for holder in (*tables, *views):
        for g in holder.triggers:
            if g.when:
                yield g.when, "trigger", holder, g.name
    for v in views:
        yield v.query, v.what, v, ""


def _what(what: str, holder, name: str) -> tuple[str, Optional[Source]]:
    """How the error names the expression, and its line: the object's own, else its table's or view's."""
    if not name:
        return f"{what} {holder.qualified_name}", holder.source
    field = {"column": "columns", "CHECK": "checks", "index": "indexes", "EXCLUDE constraint": "exclusions",
             "policy": "policies", "trigger": "triggers"}[what]
    objects = getattr(holder, field, ())
    source = next((o.source for o in objects if getattr(o, "name", None) == name and o.source), None)
    return f"{what} {name} of {holder.qualified_name}", source or holder.source
