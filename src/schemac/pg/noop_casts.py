"""Casts of a column to its own type, which Postgres drops when it stores an expression.

`f1((c)::integer)` on an integer column `c` is stored as `f1(c)`, `(v)::varchar(10)` on a varchar(10) as `v`,
`(d)::mydomain` on a column of that domain as `d`: the cast is the same type with the same modifier, so the parser
has nothing to do (coerce_type returns the column as it is). A cast to the same type with another modifier or none
(`(v)::varchar(20)`, `(v)::varchar`, `(n)::numeric` on a numeric(5,2)) or to another type is kept. The normal form
(compare.rewrite) cannot tell one from the other: it sees no column types. The table's columns, which the loader
has, tell: schema.yaml's expressions over a table's columns (CHECKs, index and EXCLUDE keys and WHERE, generated
columns, policies, triggers' WHEN over new.c and old.c, extended statistics) are loaded without such casts, so they are made, recorded in
state.json and compared as Postgres stores them. The database's side never has one, nor a record made since, so
`diff`'s fast path (the record stands in for schema.yaml) neither imports this module nor looks at an expression. The
loader notes the casts of a name in each expression it reads (named_casts: a regular expression, once per distinct
text with a `::` or CAST; no sqlglot) and rebuilds only a table one of whose columns is cast to its type's first
word; the others stay the objects read. `generate` also drops them from its record of the last schema.yaml, which
one made before this change may hold. A materialized view's indexes and statistics, whose columns' types come from its
query (which the loader does not read), are compared without them by compare.views, which knows those types once
the view was deparsed or read (noop_casts_dropped on the view as a table of its columns): the reason this module is
in `pg`, which both stages import.

Only an expression without a subquery (whose unqualified names may be another table's columns) is rewritten, and
only a cast whose type reads the same as the column's (sqlglot's spelling, aliases folded: int4 and integer, and
`public.` dropped); anything else is left as written, as before.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Callable, Optional

from schemac.model import Schema, Table, names_a_column
from schemac.pg.cast_targets import target_key, type_key
from schemac.pg.loaded import plain_column

_NAME = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
# A name right before `::` (`(c)::integer`, `c::int4`) or in CAST(name AS (`CAST((c) AS`, as sqlglot writes `(c)::text`), the type's first word after it: a cheap look
# without sqlglot (diff's fast path never imports it), which lets through more than it should, never less. (Small and
# case-blind only where it must be: compiling it is part of every load of a schema.yaml with a `::`.)
_CASTS = re.compile(rf"({_NAME})\s*\)*\s*::|\b(?i:cast)\s*\([(\s]*({_NAME})[)\s]+(?i:as)\b")
_TYPE_WORDS = re.compile(rf"\s*({_NAME})(?:\s*\.\s*({_NAME}))?")
# First words of one type's spellings (format_type's, schema.yaml's); a type not here is compared by its own name.
_ALIASES = {"int": "integer", "int4": "integer", "int2": "smallint", "int8": "bigint", "varchar": "character",
            "char": "character", "bpchar": "character", "nchar": "character", "national": "character",
            "bool": "boolean", "float8": "double", "float4": "real", "float": "double", "decimal": "numeric",
            "timestamptz": "timestamp", "timetz": "time", "varbit": "bit"}


def _column_name(node, row: bool) -> Optional[str]:
    """The column a node names: unqualified, or (`row`: a trigger's WHEN) as new.c or old.c."""
    from sqlglot import exp

    while isinstance(node, exp.Paren):
        node = node.this
    if not isinstance(node, exp.Column) or not isinstance(node.this, exp.Identifier) or node.args.get("db") or \
            (node.table.lower() not in ("new", "old") or node.args["table"].quoted if row else node.table):
        return None
    return node.this.name if node.this.quoted else node.this.name.lower()


def rewritten(text: str, change: Callable) -> str:
    """`text` as `change(tree)` (its parse, changed in place) leaves it: printed again where it returns the tree to
    print, else `text` itself, as it is also where it does not parse or has a subquery (whose unqualified names may be
    another table's columns)."""
    from sqlglot import exp

    from schemac.pg.dialect import DIALECT
    from schemac.pg.expressions import parse_expression

    try:
        tree = parse_expression(text)
    except (ValueError, RecursionError):
        return text
    if not isinstance(tree, exp.Expression) or tree.find(exp.Select, exp.Subquery) is not None:
        return text
    tree = change(tree)
    if tree is None:
        return text
    try:
        return tree.sql(dialect=DIALECT)
    except Exception:
        return text


@lru_cache(maxsize=4096)
def _stripped(text: str, types: tuple[tuple[str, str], ...], row: bool) -> str:
    return rewritten(text, lambda tree: _without_casts(tree, dict(types), row))


def _without_casts(tree, by_name: dict, row: bool):
    """The tree without its casts of a column to its own type (None where it has none)."""
    from sqlglot import exp

    casts = [c for c in tree.find_all(exp.Cast) if not isinstance(c, exp.TryCast)]
    done = False
    for cast in sorted(casts, key=lambda c: -c.depth):  # the innermost first: `(c)::integer::integer`
        name = _column_name(cast.this, row)
        own = type_key(by_name[name]) if name in by_name else None
        if own is not None and target_key(cast.to) == own:
            bare = exp.Paren(this=cast.this.copy())
            tree = bare if cast is tree else tree  # (the whole expression a cast: replace() has no parent to change)
            cast.replace(bare)
            done = True
    return tree if done else None


def _word(name: str) -> str:
    """A name as Postgres reads it: quoted verbatim, else lower-cased."""
    return name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()


def _type_word(text: str, at: int = 0) -> Optional[str]:
    """The first word of the type spelled at `at`, schema public or pg_catalog dropped, aliases folded:
    `varchar(10)` and `character varying(10)` read `character`, `int4[]` `integer`."""
    m = _TYPE_WORDS.match(text, at)
    if m is None:
        return None
    word = _word(m.group(1))
    if m.group(2) is not None:
        word = _word(m.group(2)) if word in ("public", "pg_catalog") else f"{word}.{_word(m.group(2))}"
    return _ALIASES.get(word, word)


@lru_cache(maxsize=4096)
def _first_word(type_text: str) -> Optional[str]:
    """A column type's first word (_type_word)."""
    return _type_word(type_text) if "::" not in type_text else None


@lru_cache(maxsize=16384)
def named_casts(text: str) -> tuple[tuple[str, str], ...]:
    """(name, the type's first word) of each cast of a name in `text` (`(c)::integer`, `new.c::int4`,
    `CAST(c AS integer)`): a cheap look without sqlglot (diff's fast path never imports it), which lets through
    more than it should, never less. Most texts have none (no `::` and no CAST, or casts of constants only)."""
    if "::" not in text and "cast" not in text.lower():
        return ()
    found = []
    for m in _CASTS.finditer(text):
        word = _type_word(text, m.end())
        if word is not None:
            found.append((_word(m.group(1) if m.group(1) is not None else m.group(2)), word))
    return tuple(found)


def _may_cast_to_own_type(pairs: tuple[tuple[str, str], ...], columns) -> bool:
    """Whether one of `pairs` (named_casts') names a column of `columns` with a type of that first word."""
    for name, word in pairs:
        for c in columns:
            if c.name == name:
                if _first_word(c.type) == word:
                    return True
                break
    return False


def expression_without_noop_casts(text: Optional[str], types: tuple[tuple[str, str], ...],
                                   row: bool = False) -> Optional[str]:
    """`text` without the casts of a column (by name: its type in `types`; with `row`, a trigger's WHEN, the
    column as new.c or old.c) to its own type."""
    if text is None:
        return text
    pairs = named_casts(text)
    if not pairs or not any(_first_word(dict(types).get(name, "")) == word for name, word in pairs):
        return text
    return _stripped(text, types, row)


def _named_casts_of(t: Table) -> tuple[tuple[str, str], ...]:
    """named_casts of every expression of `t` over its columns (no object made for a table with none)."""
    named = named_casts
    pairs: tuple[tuple[str, str], ...] = ()
    for c in t.checks:
        if p := named(c.expression):
            pairs += p
    for i in (*t.indexes, *t.exclusions) if t.exclusions else t.indexes:
        if i.where is not None and (p := named(i.where)):
            pairs += p
        for e in i.elements:
            if e.expression is not None and (p := named(e.expression)):
                pairs += p
    for c in t.columns:
        if c.generated is not None and (p := named(c.generated)):
            pairs += p
    for pol in t.policies:
        if pol.using is not None and (p := named(pol.using)):
            pairs += p
        if pol.with_check is not None and (p := named(pol.with_check)):
            pairs += p
    for r in t.triggers:
        if r.when is not None and (p := named(r.when)):
            pairs += p
    for s in t.statistics:
        for text in s.elements:
            if p := named(text):
                pairs += p
    return pairs


def noop_casts_dropped(t: Table, pairs: Optional[tuple[tuple[str, str], ...]] = None) -> Table:
    """`t` with its expressions' casts of a column to its own type dropped, as Postgres stores them: `t` itself,
    no object made, where there is none (the loader's every table; `generate`'s record of the last schema.yaml,
    made before they were dropped)."""
    pairs = _named_casts_of(t) if pairs is None else pairs
    if not pairs or not _may_cast_to_own_type(pairs, t.columns):
        return t
    types = tuple((c.name, c.type) for c in t.columns)

    def strip(x: Optional[str]) -> Optional[str]:
        return expression_without_noop_casts(x, types)

    def element(e):
        expression = strip(e.expression)
        column = plain_column(expression) if expression != e.expression else None
        # (a key that is now a plain column, `(c)::integer`: Postgres makes it the column's, as the loader does `(c)`)
        return replace(e, column=column, expression=None) if column is not None else replace(e, expression=expression)

    def statistic(text: str) -> str:
        if names_a_column(text):
            return text
        expression = strip(text)
        column = plain_column(expression) if expression != text else None
        # (a key that is now a plain column: Postgres makes it the column's, `ON id, c`)
        return column if column is not None and names_a_column(column) else expression  # type: ignore[return-value]

    return expressions_mapped(t, strip, element, lambda w: expression_without_noop_casts(w, types, row=True), statistic)


def expressions_mapped(t: Table, text: Callable[[Optional[str]], Optional[str]], element: Callable,
                       when: Callable[[str], Optional[str]], statistic: Optional[Callable[[str], str]] = None) -> Table:
    """`t` with `text` applied to its CHECKs, indexes' and EXCLUDEs' WHERE, generated columns and policies, `element`
    to its keys that are expressions, `when` to its triggers' WHEN and `statistic` (where given) to its statistics'
    elements: `t` itself where none changes (what the loader's rewrites of a table's expressions share: noop_casts,
    typed_strings)."""
    def elements(obj):
        return tuple(element(e) if e.expression is not None else e for e in obj.elements)

    changed = dict(
        checks=tuple(replace(c, expression=text(c.expression)) for c in t.checks),
        indexes=tuple(replace(i, elements=elements(i), where=text(i.where)) for i in t.indexes),
        exclusions=tuple(replace(x, elements=elements(x), where=text(x.where)) for x in t.exclusions),
        columns=tuple(replace(c, generated=text(c.generated)) if c.generated else c for c in t.columns),
        policies=tuple(replace(p, using=text(p.using), with_check=text(p.with_check)) for p in t.policies),
        triggers=tuple(replace(r, when=when(r.when)) if r.when else r for r in t.triggers))
    if statistic is not None:
        changed["statistics"] = tuple(replace(s, elements=tuple(statistic(e) for e in s.elements)) for s in t.statistics)
    if all(changed[k] == getattr(t, k) for k in changed):
        return t
    return replace(t, **changed)


def without_noop_casts(schema: Schema) -> Schema:
    """`schema` with noop_casts_dropped's tables (itself where no table changes)."""
    tables = tuple(noop_casts_dropped(t) for t in schema.tables)
    if all(a is b for a, b in zip(tables, schema.tables)):
        return schema
    return replace(schema, tables=tables)
