"""SQL-standard function bodies (`RETURN expr`, `BEGIN ATOMIC ... END`, PostgreSQL 14+): what they read.

Postgres parses such a body when the function is created and records what it names (pg_depend), so the
tables, views and functions it reads must exist first: unlike a string body, which is only run later."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Optional

from sqlglot import exp

from schemac.pg.expressions import ExpressionError, _sqlglot_parse

_ATOMIC = re.compile(r"^\s*BEGIN\s+ATOMIC\b(.*)\bEND\s*;?\s*$", re.I | re.S)
_RETURN = re.compile(r"^\s*RETURN\b(.*)$", re.I | re.S)


@lru_cache(maxsize=1024)
def sql_body_refs(body: str) -> tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]], frozenset[str]]:
    """(relations, functions, column names) a SQL-standard body names, relations and functions as (schema,
    name), `public` when unqualified
    (as Postgres deparses them: qualified unless the search_path finds them), and `*` among the columns where it
    reads every column of what it names (`_every_column`). Names of the body's own CTEs are left out. Where sqlglot
    cannot parse the body (PostgreSQL 17's JSON_TABLE), every word of it may name a relation, a function or a column
    (`_words`): Postgres resolves what it names at CREATE and refuses a retype of a column it reads, so a body with
    no edges was created before its table, or kept while its column was retyped (a migration that did not apply)."""
    text = standard_text(body)
    if text is None:
        return frozenset(), frozenset(), frozenset()
    refs = statement_refs(text)
    if not any(refs):
        refs = statement_refs(_OPERATOR.sub(" = ", text))
    return refs if any(refs) else _words(text)


def standard_text(body: str) -> Optional[str]:
    """A SQL-standard body as the SQL statements it holds: `RETURN expr` as `SELECT expr`, `BEGIN ATOMIC s1; s2; END`
    as `s1; s2;`; None for another body."""
    m = _RETURN.match(body)
    if m:
        return "SELECT " + m.group(1)
    atomic = _ATOMIC.match(body)
    return atomic.group(1) if atomic else None


def statements_edited(body: str, edit: Callable[[str], Optional[str]]) -> Optional[str]:
    """A SQL-standard body (`RETURN expr`, `BEGIN ATOMIC ... END`) with `edit` made of its expression, or of each of
    its statements (split at their top-level `;`); None where `edit` does not tell one, or for another body."""
    from schemac.pg.sqllex import top_level_semicolons
    m = _RETURN.match(body)
    if m:
        after = edit(m.group(1))
        return None if after is None else body[:m.start(1)] + after + body[m.end(1):]
    m = _ATOMIC.match(body)
    if m is None:
        return None
    inner = m.group(1)
    ends = top_level_semicolons(inner)
    if ends is None:
        return None
    out, start = [], 0
    for end in ends + [len(inner)]:
        piece = inner[start:end]
        after = edit(piece) if piece.strip() else piece
        if after is None:
            return None
        out.append(after + inner[end:end + 1])
        start = end + 1
    return body[:m.start(1)] + "".join(out) + body[m.end(1):]


def call_key(call: exp.Anonymous) -> tuple[str, str]:
    """(schema, name) of a call sqlglot does not know, as Postgres resolves it: `public` when unqualified, the name
    folded unless quoted. The schema is the Dot's before it (`app.f(x)`), or the Table's where the call is a
    relation of FROM (`FROM app.f() d`: sqlglot makes the call the table's name and the schema its db), folded
    unless quoted, as the name."""
    parent = call.parent
    if isinstance(parent, exp.Dot) and parent.expression is call:
        schema = _folded(parent.this)
    elif isinstance(parent, exp.Table) and parent.this is call and parent.db:
        schema = _folded(parent.args["db"])
    else:
        schema = "public"
    return schema, _folded(call.this) if isinstance(call.this, exp.Identifier) else call.name.lower()


def _folded(name: exp.Expression) -> str:
    """A name as Postgres resolves it: kept where quoted, else in lower case."""
    return name.name if isinstance(name, exp.Identifier) and name.quoted else name.name.lower()


@lru_cache(maxsize=1024)
def statement_refs(text: str) -> tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]], frozenset[str]]:
    """(relations, functions, column names) that SQL statements name, as sql_body_refs gives them: also
    what a rule's actions name (Postgres resolves them at CREATE RULE). Empty when sqlglot cannot parse."""
    try:
        trees = _sqlglot_parse(text)
    except ExpressionError:
        return frozenset(), frozenset(), frozenset()
    relations: set[tuple[str, str]] = set()
    functions: set[tuple[str, str]] = set()
    columns: set[str] = set()
    for tree in trees:
        columns |= {c.name if c.this.quoted else c.name.lower() for c in tree.find_all(exp.Column)
                    if isinstance(c.this, exp.Identifier)}
        columns |= {_folded(i) for i in _insert_columns(tree)} | ({"*"} if _every_column(tree) else set())
        ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
        relations |= {(t.db or "public", t.name) for t in tree.find_all(exp.Table)
                      if t.name and not (not t.db and t.name in ctes)}
        functions |= {call_key(call) for call in tree.find_all(exp.Anonymous)}
    return frozenset(relations), frozenset(functions), frozenset(columns)


def _insert_columns(tree: exp.Expression) -> list[exp.Identifier]:
    """The columns an INSERT's list names (`INSERT INTO s (v, w)`): sqlglot reads them as identifiers of the
    target's Schema, not as Columns, but Postgres records a body's or rule's INSERT on each (pg_depend), so an
    ALTER COLUMN ... TYPE of one waits until the routine or rule is dropped."""
    return [i for insert in tree.find_all(exp.Insert) if isinstance(insert.this, exp.Schema)
            for i in insert.this.expressions if isinstance(i, exp.Identifier)]


def _every_column(tree: exp.Expression) -> bool:
    """Whether a statement reads or writes every column of what it names, which Postgres records one by one:
    `*` or `t.*` selected or returned (expanded at CREATE; count(*) reads none), or an INSERT without a column
    list (it fills the target's columns in order)."""
    return any(isinstance(s.parent, (exp.Select, exp.Column, exp.Returning)) for s in tree.find_all(exp.Star)) or \
        any(not isinstance(i.this, exp.Schema) for i in tree.find_all(exp.Insert))


# Operators sqlglot does not read even with pg.operators (OPERATOR(schema.op) it reads): for what a query
# names, any comparison does as well.
_OPERATOR = re.compile(r"OPERATOR\s*\([^)]*\)|[<>=~!@#%^&|?]{1,5}", re.I)
_WORDS = re.compile(r"(?:([a-z_][a-z0-9_$]*)\.)?([a-z_][a-z0-9_$]*)")
_STAR = re.compile(r"(?:\bSELECT|,)\s*(?:[\w\"]+\.)?\*", re.I)


def _words(text: str) -> tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]], frozenset[str]]:
    """Every word of `text` as a relation, a column and, before `(`, a function: a key nothing makes is no edge."""
    lowered = text.lower()
    words = [((m.group(1) or "public", m.group(2)), _OPENS.match(lowered, m.end()) is not None)
             for m in _WORDS.finditer(lowered)]  # (the parenthesis looked for where the word ends: one pass)
    named = {w for w, _ in words}
    return frozenset(named), frozenset(w for w, call in words if call), frozenset(name for _, name in named)


_OPENS = re.compile(r"\s*\(")


@lru_cache(maxsize=4096)
def query_refs(query: str) -> tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]], frozenset[str]]:
    """What a view's query names, as `statement_refs` gives it, and `*` among the columns when it selects
    every column of what it reads: for a view Postgres could not build (its forms unknown), the statement
    order's best guess (compare.view_reads.view_refs). Nothing when sqlglot cannot read it, even with its
    operators made plain."""
    relations, functions, columns = statement_refs(query)
    if not (relations or functions or columns):
        relations, functions, columns = statement_refs(_OPERATOR.sub(" = ", query))
    if not (relations or functions or columns):  # every word may name a relation: a key nothing makes is no edge
        relations = frozenset((m.group(1) or "public", m.group(2)) for m in _WORDS.finditer(query.lower()))
    return relations, functions, columns | ({"*"} if _STAR.search(query) else set())


def conflict_arbiters(body: str) -> list:
    """The tokens naming the constraint of each `ON CONFLICT ON CONSTRAINT name` of a body (a PRIMARY KEY, UNIQUE or
    EXCLUDE, whose name is its index's: one relation of its schema); none where it does not tokenize."""
    from schemac.pg.sqllex import LexError, tokens
    if "constraint" not in body.lower():
        return []
    try:
        toks = tokens(body)
    except LexError:
        return []
    return [toks[i + 1] for i in range(2, len(toks) - 1) if toks[i + 1].kind in ("word", "name") and
            [x.text.lower() for x in toks[i - 2:i + 1]] == ["conflict", "on", "constraint"]]
