"""The throwaway build behind `commands.views.computed`: what views can read of the desired schema, then its
views, created in a scratch database so that Postgres answers for their queries. See docs/architecture.md,
"How views are compared".

Only what a view's query can depend on is built (tables with their columns, keys and partitioning, types,
collations, sequences, extensions, functions other than trigger functions, other views): a secondary
index, a foreign key, a CHECK, a trigger, a rule, a policy, a grant, an owner or a comment changes
nothing Postgres answers for a view, and they were most of the statements. Of the views, only those
that need forms are built, with what they may read (`_reach`). The statements go in batches,
each one round trip and one implicit transaction, and no commit waits for its WAL flush (a throwaway);
a batch that fails is rolled back and run again one statement at a time, so what is created, and the
error each view records, are those of running the statements one by one. A collation the server cannot
create (ICU without ICU in its build, a locale it lacks) is made as a stand-in copied from "C" (`_stand_in`):
views only name it; a partitioned table it cannot create (its key calls what it lacks), and its partitions, as plain
tables of their columns (`_unpartitioned`)."""

from __future__ import annotations

import re
from schemac.model.frozen import replace
from typing import Iterable, Optional

import psycopg

from schemac.compare.changes import Change
from schemac.compare.views import NEW_MATERIALIZED
from schemac.model import Collation, Domain, Function, Schema, Table, View
from schemac.pg.names import qualified


# Changes that no query can read (no pg_depend entry of a view's rule points at what they make).
_NOT_READ = frozenset({"grant", "revoke", "set_owner", "set_sequence_owner", "refresh_view", "validate_constraint"})

# Constants of these types record a dependency on what they name: a view that casts to them keeps
# what they can name (an index by name, a trigger function).
_NAMES_AN_INDEX = re.compile(r"regclass", re.IGNORECASE)
_NAMES_A_FUNCTION = re.compile(r"regproc", re.IGNORECASE)
# A query that may read a sequence (nextval, currval, a table's identity sequence by name).
_NAMES_A_SEQUENCE = re.compile(r"seq|nextval|currval", re.IGNORECASE)
# Statements per round trip: enough that round trips stop mattering, few enough that a batch holding a
# view created before one it reads costs little when it runs again one statement at a time.
BATCH = 100
Unit = tuple[Change, list[str]]  # a change and its statements' SQL
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def _mentions(views: Iterable[View], pattern: re.Pattern) -> bool:
    return any(pattern.search(v.query) for v in views)


def _readable_table(t: Table, indexes: bool, identities: bool) -> Table:
    """`t` with what a query can read of it: its columns (names, types, collations, NOT NULL; no default, and
    no identity unless `identities`: its sequence is one relation more), PRIMARY KEY (GROUP BY on it records
    the constraint) and UNIQUEs, partitioning and parents. A generated column is a plain one of its type: a
    view reads the column, never its expression, which may call what the build server lacks (an extension's
    function, XML without libxml) and take the table and its views down with it."""
    columns = tuple(replace(c, generated=None, virtual=False) if c.generated is not None else c for c in t.columns)
    columns = columns if identities else tuple(
        c if c.default is None and c.identity is None else
        replace(c, default=None, identity=None, nullable=c.nullable and c.identity is None) for c in columns)
    return replace(t, columns=columns, indexes=t.indexes if indexes else (), foreign_keys=(), checks=(), exclusions=(),
                   triggers=(), rules=(), policies=(), row_level_security=False, force_row_level_security=False)


def _readable_domain(d: Domain) -> Domain:
    """`d` as a query reads it: its base type, collation and NOT NULL, no CHECK or default. A view reads a value
    of the domain, never its constraints' or default's expressions, which may call what the build server lacks
    (XML without libxml, an extension's function) and take the domain down there, with every table and view
    using it."""
    return d if not d.checks and d.default is None else replace(d, checks=(), default=None)


_POLYMORPHIC = re.compile(r"any", re.IGNORECASE)  # anyelement, anyarray...: a default's type decides; kept


def _readable_function(f: Function) -> Function:
    """`f` with each argument default NULL: a view's call resolves by how many arguments have defaults, never by
    what they are (Postgres inserts them when it plans the call, not in the view's query), and a default may call
    what the build server lacks (an extension's function, uuid_generate_v4; XML without libxml), which took the
    function down there, with every view calling it."""
    nulled = tuple(a if a.default is None or _POLYMORPHIC.match(a.type) else replace(a, default="NULL")
                   for a in f.arguments)
    return f if nulled == f.arguments else replace(f, arguments=nulled)


def readable(desired: Schema, needed: Optional[set[tuple[str, str]]] = None) -> Schema:
    """What the views of `desired` can read of it, and the views themselves without their indexes,
    triggers or data; with `needed`, only those views, the views they may read and the tables those may
    read (`_reach`)."""
    indexes = _mentions(desired.views, _NAMES_AN_INDEX)
    functions = desired.functions if _mentions(desired.views, _NAMES_A_FUNCTION) else \
        tuple(f for f in desired.functions if f.returns not in ("trigger", "event_trigger"))
    identities = _mentions(desired.views, _NAMES_A_SEQUENCE)
    views, tables = desired.views, desired.tables
    if needed is not None:
        reached = _reach(desired, functions, needed, every_table=indexes)
        views, tables = tuple(v for v in views if v.key in reached), tuple(t for t in tables if t.key in reached)
    return replace(desired, tables=tuple(_readable_table(t, indexes, identities) for t in tables),
                   functions=tuple(_readable_function(f) for f in functions),
                   domains=tuple(_readable_domain(d) for d in desired.domains),
                   views=tuple(replace(v, indexes=(), triggers=(), with_data=False) for v in views))


def _table_words(t: Table) -> str:
    """What a table's definition names: its columns' types (a table's row type), its parents."""
    parents = [t.partition_of.parent] if t.partition_of else []
    return " ".join([c.type for c in t.columns] + parents + [p.name for p in t.inherits])


def _reach(desired: Schema, functions: tuple, needed: set[tuple[str, str]], every_table: bool) -> set[tuple[str, str]]:
    """The views of `needed` and the views and tables they may read, by name: a word of a query (or of a
    type, a function's signature, a table's column types and parents: all of those are built) that is a
    view's or a table's name, at any depth. (A sequence's owner is not: the build skips OWNED BY,
    `_NOT_READ`, and at 1,000 tables owning a sequence each, it built them all for four views.) A query names what it reads (a relation
    by name); what it reads through a function or a type is built with all functions and types, and the
    relations a SQL-standard function body names (Postgres resolves them when it creates the function)."""
    by_name: dict[str, list] = {}
    for o in (*desired.views, *desired.tables):
        by_name.setdefault(o.name.lower(), []).append(o)
    odd = [(name, objects) for name, objects in by_name.items() if not _WORD.fullmatch(name)]
    texts = [v.query for v in desired.views if v.key in needed]
    texts += [d.type for d in desired.domains] + [r.subtype for r in desired.range_types]
    texts += [a.type for c in desired.composite_types for a in c.attributes]
    texts += [" ".join([f.returns or ""] + [a.type for a in f.arguments]) for f in functions]
    texts += [f.body for f in functions if f.standard_body]  # parsed at CREATE: what it names must be there
    reached = set(needed) | ({t.key for t in desired.tables} if every_table else set())
    while texts:
        text = texts.pop()
        low = text.lower()
        named = [o for w in {w.lower() for w in _WORD.findall(text)} for o in by_name.get(w, ())]
        named += [o for name, objects in odd if name in low for o in objects]
        for o in named:
            if o.key not in reached:
                reached.add(o.key)
                texts.append(o.query if isinstance(o, View) else _table_words(o))
    return reached


def _reads_first(views: list[Change]) -> list[Change]:
    """`views` with each one after those its query names by a word (what it reads is what the build finds
    out, so this only guesses; a guess wrong either way costs a retry, never a result)."""
    named = {c.name: i for i, c in enumerate(views)}
    words = [{w for w in _WORD.findall(c.new.query) if w in named} for c in views]  # type: ignore[union-attr]
    out: list[Change] = []
    state = [0] * len(views)  # 0 unseen, 1 being placed (a cycle stops here), 2 placed
    for first in range(len(views)):
        if state[first]:
            continue
        stack = [(first, iter(sorted(named[w] for w in words[first])))]
        state[first] = 1
        while stack:
            i, reads = stack[-1]
            j = next((j for j in reads if state[j] == 0), None)
            if j is None:
                stack.pop()
                if state[i] != 2:
                    state[i] = 2
                    out.append(views[i])
            else:
                state[j] = 1
                stack.append((j, iter(sorted(named[w] for w in words[j]))))
    return out


# What a server says when its build lacks a feature a statement needs (XML without libxml, ICU, LLVM).
LACKS = "requires the server to be built with"


def _words(e: psycopg.Error) -> str:
    """The server's words for a view it could not create; where its build lacks a feature the view needs
    (feature_not_supported, `LACKS` in the detail), the detail that says which."""
    words = (e.diag.message_primary or str(e)).strip()
    detail = e.diag.message_detail or ""
    return f"{words}: {detail.strip()}" if e.sqlstate == "0A000" and LACKS in detail else words


def _stand_in(conn: psycopg.Connection, c: Collation) -> bool:
    """Collation `c`, which this server cannot create (ICU where its build has none, as the embedded 18's; a
    libc locale it lacks), made as a copy of "C" under its name: a view only names a collation (`x COLLATE
    ci`, a column's), so Postgres deparses it the same, and the tables and views using it are built. Whether
    that worked."""
    try:
        conn.execute(f'CREATE COLLATION {qualified(c.schema, c.name)} FROM "C"', prepare=False)  # type: ignore[arg-type]
        return True
    except psycopg.Error:
        return False


def _unpartitioned(conn: psycopg.Connection, t: Table) -> bool:
    """Table `t`, which this server could not create as it is partitioned (its key calls what the build lacks: an
    extension's function, XML without libxml) or as a partition of one made so, made a plain table of its columns
    (which the model gives a partition too): a view reads a table's columns, never its key or bound, so Postgres
    deparses it the same, and the views over it and its partitions are built. Whether that worked."""
    from schemac.plan.planner import render_sql, statements_for

    plain, p = replace(t, partition_by=None), t.partition_of
    if p is not None and conn.execute("SELECT c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
                                      "n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s",
                                      (p.parent_schema, p.parent)).fetchone() == ("r",):
        plain = replace(plain, partition_of=None)  # (its parent made plain)
    if plain == t:
        return False
    try:
        for made in statements_for(Change("add_table", t.schema, t.name, None, None, plain, plain)):
            conn.execute(render_sql([made]).rstrip()[:-1], prepare=False)  # type: ignore[arg-type]
        return True
    except psycopg.Error:
        return False


def statements(changes: list[Change]) -> list[Unit]:
    """The SQL of each change to build, views in an order that creates most of them at the first try; each
    statement the text a migration gives it (`render_sql`: a table with no column or constraint of its own,
    an INHERITS child, is `CREATE TABLE c () INHERITS (p)`, which sqlglot alone prints without its `()`)."""
    from schemac.plan.planner import render_sql, statements_for
    from schemac.plan.preamble import is_widening
    from schemac.plan.views import aside_statements

    kept = [c for c in changes if c.cause != NEW_MATERIALIZED and c.kind not in _NOT_READ
            and not c.kind.endswith("_comment")]
    slots = [i for i, c in enumerate(kept) if c.kind == "add_view"]
    for i, c in zip(slots, _reads_first([kept[i] for i in slots])):
        kept[i] = c
    out = []
    for c in kept:
        made = [render_sql([s]).rstrip()[:-1] for s in statements_for(c)]
        if c.kind == "add_view":  # the CREATE alone, with the search_path it is run under (plan.preamble.widened)
            away, back = (len(x) for x in aside_statements(c.new))  # (overloads set aside around it: plan.views)
            made = made[:away + 3 + back] if is_widening(made[away]) else made[:away + 1 + back]
            made = [";\n".join(made)] if away else made  # (one implicit transaction: none stays aside where it fails)
        out.append((c, made))
    return out


def run(conn: psycopg.Connection, units: list[Unit], failed: dict,
        broken: Optional[dict[tuple[str, str], str]] = None) -> list[Unit]:
    """Run `units` in order on `conn` (autocommit), as if one statement at a time: a change's statements
    stop at the first that fails; a view that fails is noted in `failed` (its key: the server's words) and
    returned, to be tried again, as is a function that fails (a SQL-standard body is parsed at CREATE, and
    may read a view the graph could not order before it: what views read is what this build finds out);
    any other change that fails, and such a function, in `broken` (its schema and name: the server's words).
    A batch goes in one round trip, one implicit transaction: all of it, or (an error) none of it, and then one
    statement at a time."""
    from schemac.plan.preamble import is_widening

    again = []
    for start in range(0, len(units), BATCH):
        batch = units[start:start + BATCH]
        try:
            conn.execute(";\n".join(sql for _, sqls in batch for sql in sqls), prepare=False)  # type: ignore[arg-type]
            continue
        except psycopg.Error:
            pass
        for unit in batch:
            change, sqls = unit
            if sqls and is_widening(sqls[0]):  # one implicit transaction, where the widened search_path holds
                sqls = [";\n".join(sqls)]
            for sql in sqls:
                try:
                    conn.execute(sql, prepare=False)  # type: ignore[arg-type]
                except psycopg.Error as e:  # a view's is noted; what fails besides makes its views fail
                    if change.kind == "add_collation" and _stand_in(conn, change.new):  # type: ignore[arg-type]
                        break
                    if change.kind == "add_table" and sql is sqls[0] and _unpartitioned(conn, change.new):  # type: ignore
                        break
                    if change.kind == "add_view":
                        failed[(change.schema, change.name)] = _words(e)
                        again.append(unit)
                    else:
                        if change.kind == "add_function":  # a SQL-standard body reading a view not made yet
                            again.append(unit)
                        if broken is not None:  # the object's own name: a function's, without its signature
                            broken[(change.schema, getattr(change.new, "name", None) or change.table)] = _words(e)
                    break
    return again
