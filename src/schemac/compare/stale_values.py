"""Values stored from an IMMUTABLE function whose body a migration replaces (CREATE OR REPLACE FUNCTION): Postgres
keeps an expression index's keys and its predicate's verdicts, a STORED generated column's values and a materialized
view's rows as the old body computed them (probe32d: the index then answers with the old keys, a unique index checks
against them). generate says so, naming each such object and the statement that makes it anew, reached directly or
through another managed function calling the re-bodied one; it writes none of them itself (REINDEX locks, a
recomputed column rewrites every row): the user runs them when the cost suits.

A generated column is recomputed only by an UPDATE of a column its expression reads (`UPDATE t SET g = DEFAULT`, or
of another column, keeps the old value: checked on PostgreSQL 15, 16 and 18), so that is the statement named; on
17+ `ALTER TABLE t ALTER COLUMN g SET EXPRESSION AS (...)` does it too, by a rewrite of the table.

A CHECK keeps the rows the old body let in (a table's VALIDATE CONSTRAINT skips a valid constraint: the statements named
drop it, add it NOT VALID and validate it; a domain's reads every value even so), and a partition key the rows the old
body routed (each stays in its partition until an UPDATE moves it; DETACH and ATTACH PARTITION check them)."""

from __future__ import annotations

from typing import Callable

from schemac.compare.changes import Change
from schemac.compare.types import replaceable
from schemac.model import Column, Function, Schema, Table, View
from schemac.pg.lazy import lazy
from schemac.pg.names import qualified, quote_ident
from schemac.pg.sqllex import LexError, folded, tokens
from schemac.pg.verbatim import calls_if_tokenized

called_functions = lazy("schemac.pg.calls", "called_functions")
referenced_columns = lazy("schemac.pg.expressions", "referenced_columns")
sql_body_refs = lazy("schemac.pg.sqlbody", "sql_body_refs")
statement_refs = lazy("schemac.pg.sqlbody", "statement_refs")
query_refs = lazy("schemac.pg.sqlbody", "query_refs")


def _rebodied(changes: list[Change]) -> set[tuple[str, str]]:
    """(schema, name) of each IMMUTABLE function replaced in place with another body."""
    return {(c.schema, c.old.name) for c in changes  # type: ignore[union-attr]
            if c.kind == "alter_function" and isinstance(c.old, Function) and isinstance(c.new, Function)
            and c.old.volatility == "immutable" and c.old.body != c.new.body and replaceable(c.old, c.new)}


def _calls_of(f: Function) -> set[tuple[str, str]]:
    """The functions `f`'s body calls: parsed where it is SQL; in another language (plpgsql), each name followed by
    `(` (pg.verbatim's tokens: not in a string or a comment) is taken for a call of that name in any schema (a
    superset: a warning too many costs less than one missed)."""
    if f.language == "sql":
        return set((sql_body_refs(f.body) if f.standard_body else statement_refs(f.body))[1])
    return {("?", name) for _, name in calls_if_tokenized(f.body)}


def tainted(rebodied: set[tuple[str, str]], desired: Schema) -> dict[tuple[str, str], frozenset[tuple[str, str]]]:
    """Each of `rebodied`, and every managed function calling one of them over any number of calls, mapped to the
    re-bodied functions it reaches (plan.stale_search's too: the functions naming a changed text search
    configuration)."""
    out = {f: frozenset({f}) for f in rebodied}
    calls = {(f.schema, f.name, f.identity): _calls_of(f) for f in desired.functions}
    grown = True
    while grown:
        grown = False
        for (schema, name, _), called in calls.items():
            reached = frozenset().union(*(roots for (s, n), roots in out.items()
                                          if (s, n) in called or ("?", n) in called))
            if not reached <= out.get((schema, name), frozenset()):
                out[(schema, name)] = out.get((schema, name), frozenset()) | reached
                grown = True
    return out


def stale_value_notices(changes: list[Change], desired: Schema) -> list[str]:
    """One notice per index, STORED generated column, materialized view, CHECK (a table's or a domain's) and partition
    key the migration leaves computed, checked or routed by the old body of an IMMUTABLE function it replaces, with the
    statements to run; none for what it creates anew."""
    rebodied = _rebodied(changes)
    if not rebodied:
        return []
    reaching = tainted(rebodied, desired)
    made = made_anew(changes) | views_made(changes)
    made_domains = {(c.schema, c.name) for c in changes if c.kind in ("add_domain", "alter_domain")}  # (checked anew,
    # or changed: an unchanged CHECK of an altered domain is not named)

    def reached(called: set[tuple[str, str]]) -> str:
        """The re-bodied functions `called` reaches, and why that matters; empty when none."""
        roots = frozenset().union(*(reaching.get(f, frozenset()) for f in called))
        return f"calls {', '.join(sorted(qualified(*f) for f in roots))} (IMMUTABLE, body replaced) directly or " \
            "through another function, and keeps what the old body computed" if roots else ""

    def calls(*texts) -> str:
        return reached(set().union(*(called_functions(t) for t in texts if t)))

    out = []
    remade = {(c.schema, c.table, c.name) for c in changes if c.kind == "add_constraint"}
    by_key = {t.key: t for t in desired.tables}
    for t in desired.tables:
        if (t.schema, t.name) in made:
            continue
        parent = by_key.get((t.partition_of.parent_schema, t.partition_of.parent)) if t.partition_of else None
        inherited = set(parent.checks) if parent is not None else set()  # (the parent's notice covers its partitions)
        out += [f"warning: CHECK {quote_ident(k.name)} on {qualified(t.schema, t.name)} {why}: rows it let in may fail "
                f"it now (VALIDATE CONSTRAINT skips a valid one): check them in one transaction: "
                f"run {_rechecked(qualified(t.schema, t.name), k)}" for k in t.checks
                if k not in inherited and k.enforced and not k.not_valid and (t.schema, t.name, k.name) not in remade
                and (why := calls(k.expression))]
        if t.partition_by is not None and (why := reached(set(calls_if_tokenized(t.partition_by.key)))):
            table = qualified(t.schema, t.name)
            parts = [p for p in desired.tables if p.partition_of and p.partition_of.parent == t.name
                     and p.partition_of.parent_schema == t.schema]
            fix = " ".join(f"ALTER TABLE {table} DETACH PARTITION {qualified(p.schema, p.name)}; ALTER TABLE {table} "
                           f"ATTACH PARTITION {qualified(p.schema, p.name)} {p.partition_of.bound};"  # type: ignore
                           for p in parts) or f"the DETACH and ATTACH PARTITION of each partition of {table}"
            words = {folded(k) for k in _tokens(t.partition_by.key) if k.kind in ("word", "name")}
            keys = [quote_ident(c.name) for c in t.columns if c.name in words and not c.generated]
            move = f"; or move each row where the new body routes it: run UPDATE {table} SET " + \
                ", ".join(f"{k} = {k}" for k in keys) + ";" if keys else ""
            out.append(f"warning: partition key of {table} {why}: rows it routed stay in the partition the old body "
                       "chose until an UPDATE moves them: check them against each bound (ATTACH PARTITION reads a "
                       f"partition's rows under the new body) in one transaction: run {fix}{move}")
        out += index_warnings(t.schema, t.name, (*t.indexes, *(x for x in t.exclusions if x.name)), made, calls)  # (an
        # EXCLUDE's index has its name)
        out += generated_warnings(t, calls, lambda col, t=t: f"ALTER TABLE {qualified(t.schema, t.name)} ALTER COLUMN "
                                  f"{quote_ident(col.name)} SET EXPRESSION AS ({col.generated}); (PostgreSQL 17+)")
    out += [f"warning: CHECK {quote_ident(k.name)} of domain {qualified(d.schema, d.name)} {why}: values it let in may "
            f"fail it now: check them (it reads every one): "
            f"run ALTER DOMAIN {qualified(d.schema, d.name)} VALIDATE CONSTRAINT {quote_ident(k.name)};"
            for d in desired.domains if (d.schema, d.name) not in made_domains for k in d.checks
            if not k.not_valid and (why := calls(k.expression))]
    for v in desired.views:
        if v.materialized and (v.schema, v.name) not in made and (why := reached(set(matview_calls(v)))):
            out.append(refresh_warning(v, why))
        elif v.materialized and (v.schema, v.name) not in made:
            out += index_warnings(v.schema, v.name, v.indexes, made, calls)
    return out


def made_anew(changes: list[Change]) -> set[tuple[str, str]]:
    """(schema, name) of each index and table the migration creates: what it computes anew (plan.stale_search's too)."""
    return {(c.schema, c.name) for c in changes if c.kind == "add_index"} | \
        {(c.schema, c.table) for c in changes if c.kind == "add_table"}


def views_made(changes: list[Change]) -> set[tuple[str, str]]:
    """(schema, name) of each view the migration creates, replaces or refreshes: a materialized view's rows anew."""
    return {(getattr(c.new, "schema", ""), getattr(c.new, "name", "")) for c in changes
            if c.kind in ("add_view", "replace_view", "refresh_view")}


def matview_calls(v: View) -> frozenset[tuple[str, str]]:
    """The functions a materialized view's rows are computed by: those its query names and those Postgres recorded."""
    return frozenset(query_refs(v.query)[1]) | {(d.schema, d.name) for d in v.depends if d.kind == "function"}


def refresh_warning(v: View, why: str) -> str:
    """The warning for a materialized view whose rows `why` says are stale, naming the REFRESH that computes them (and
    builds its indexes again too)."""
    return f"warning: materialized view {qualified(v.schema, v.name)} {why}: run REFRESH MATERIALIZED VIEW " \
        f"{qualified(v.schema, v.name)};"


def index_warnings(schema: str, owner: str, indexes, made: set, why: Callable[..., str]) -> list[str]:
    """One per index (of a table or a materialized view, not one in `made`) whose keys or predicate `why` gives a
    reason for (its texts -> the reason, empty for none), with the statement that builds it anew. plan.stale_search's
    too."""
    return [f"warning: index {qualified(schema, i.name)} on {qualified(schema, owner)} {w}: run REINDEX INDEX "
            f"{qualified(schema, i.name)};" for i in indexes
            if (schema, i.name) not in made and (w := why(i.where, *(e.expression for e in i.elements)))]


def generated_warnings(t: Table, why: Callable[..., str], otherwise: Callable[[Column], str]) -> list[str]:
    """One per STORED generated column of `t` whose expression `why` gives a reason for, with the UPDATE of the columns
    it reads that recomputes it (an UPDATE of another column keeps the old value), or `otherwise` where it reads
    none. plan.stale_search's too."""
    out = []
    for col in t.columns:
        if col.generated and not col.virtual and (w := why(col.generated)):
            read = sorted(referenced_columns(col.generated) & {c.name for c in t.columns if not c.generated})
            table = qualified(t.schema, t.name)
            fix = (f"UPDATE {table} SET " + ", ".join(f"{quote_ident(n)} = {quote_ident(n)}" for n in read) + ";") \
                if read else otherwise(col)
            out.append(f"warning: generated column {table}.{quote_ident(col.name)} {w}: run {fix}")
    return out


def _rechecked(name: str, k) -> str:
    """The statements that check every row against a table's CHECK `k` again: VALIDATE CONSTRAINT does nothing to one
    already valid, so it is dropped and added NOT VALID first (in one transaction: a failure keeps it as it was).
    ALTER DOMAIN ... VALIDATE CONSTRAINT checks every value even of a valid one (PostgreSQL 15, 16, 18): it alone."""
    on, inherit = f"ALTER TABLE {name}", " NO INHERIT" if k.no_inherit else ""
    return f"{on} DROP CONSTRAINT {quote_ident(k.name)}, ADD CONSTRAINT {quote_ident(k.name)} CHECK " \
        f"({k.expression}){inherit} NOT VALID; {on} VALIDATE CONSTRAINT {quote_ident(k.name)};"


def _tokens(text: str) -> list:
    try:
        return tokens(text)
    except LexError:
        return []
