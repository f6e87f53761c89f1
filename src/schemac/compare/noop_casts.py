"""Casts of a column to its own type, which Postgres drops when it stores an expression.

`f1((c)::integer)` on an integer column `c` is stored as `f1(c)`, `(v)::varchar(10)` on a varchar(10) as `v`,
`(d)::mydomain` on a column of that domain as `d`: the cast is the same type with the same modifier, so the parser
has nothing to do (coerce_type returns the column as it is). A cast to the same type with another modifier or none
(`(v)::varchar(20)`, `(v)::varchar`, `(n)::numeric` on a numeric(5,2)) or to another type is kept. The normal form
(compare.rewrite) cannot tell one from the other: it sees no column types. The table's columns, which the differ has,
tell: schema.yaml's expressions over a table's columns (CHECKs, index and EXCLUDE keys and WHERE, generated columns,
policies, triggers' WHEN over new.c and old.c) are compared, and made, without such casts. The database's side never has one.

Only an expression without a subquery (whose unqualified names may be another table's columns) is rewritten, and
only a cast whose type reads the same as the column's (sqlglot's spelling, aliases folded: int4 and integer, and
`public.` dropped); anything else is left as written, as before.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Optional

from schemac.model import Schema, Table

_NAME = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_TYPE = rf"{_NAME}(?:\s*\.\s*{_NAME})?"
# A name right before `::` (`(c)::integer`, `c::int4`) or in CAST(name AS type), and the first word of the type: a
# cheap look without sqlglot (diff's fast path never imports it), which lets through more than it should, never less.
_CASTS = re.compile(rf"({_NAME})\s*\)*\s*::\s*({_TYPE})|\bcast\s*\(\s*({_NAME})\s+as\s+({_TYPE})", re.IGNORECASE)
_LEADING_TYPE = re.compile(rf"\s*({_TYPE})")
# First words of one type's spellings (format_type's, schema.yaml's); a type not here is compared by its own name.
_ALIASES = {"int": "integer", "int4": "integer", "int2": "smallint", "int8": "bigint", "varchar": "character",
            "char": "character", "bpchar": "character", "nchar": "character", "national": "character",
            "bool": "boolean", "float8": "double", "float4": "real", "float": "double", "decimal": "numeric",
            "timestamptz": "timestamp", "timetz": "time", "varbit": "bit"}


@lru_cache(maxsize=4096)
def _type_key(text: str) -> Optional[str]:
    """A type's spelling for comparison, or None where it does not parse as a cast's type."""
    from sqlglot import exp

    from schemac.pg.dialect import DIALECT
    from schemac.pg.expressions import parse_expression

    try:
        cast = parse_expression(f"CAST(NULL AS {text})")
        if not isinstance(cast, exp.Cast) or isinstance(cast, exp.TryCast):
            return None
        return _folded(cast.to.sql(dialect=DIALECT))
    except Exception:
        return None


def _folded(spelling: str) -> str:
    spelling = spelling if '"' in spelling else spelling.lower()
    return spelling.removeprefix("public.")


def _column_name(node, row: bool) -> Optional[str]:
    """The column a node names: unqualified, or (`row`: a trigger's WHEN) as new.c or old.c."""
    from sqlglot import exp

    while isinstance(node, exp.Paren):
        node = node.this
    if not isinstance(node, exp.Column) or not isinstance(node.this, exp.Identifier) or node.args.get("db") or \
            (node.table.lower() not in ("new", "old") or node.args["table"].quoted if row else node.table):
        return None
    return node.this.name if node.this.quoted else node.this.name.lower()


@lru_cache(maxsize=4096)
def _stripped(text: str, types: tuple[tuple[str, str], ...], row: bool) -> str:
    from sqlglot import exp

    from schemac.pg.dialect import DIALECT
    from schemac.pg.expressions import parse_expression

    try:
        tree = parse_expression(text)
    except (ValueError, RecursionError):
        return text
    if not isinstance(tree, exp.Expression) or tree.find(exp.Select, exp.Subquery) is not None:
        return text
    by_name = dict(types)
    casts = [c for c in tree.find_all(exp.Cast) if not isinstance(c, exp.TryCast)]
    done = False
    for cast in sorted(casts, key=lambda c: -c.depth):  # the innermost first: `(c)::integer::integer`
        name = _column_name(cast.this, row)
        column_type = by_name.get(name) if name is not None else None
        if column_type is None or _type_key(column_type) is None:
            continue
        try:
            target = _folded(cast.to.sql(dialect=DIALECT))
        except Exception:
            continue
        if target == _type_key(column_type):
            cast.replace(exp.Paren(this=cast.this.copy()))
            done = True
    if not done:
        return text
    try:
        return tree.sql(dialect=DIALECT)
    except Exception:
        return text


def _word(name: str) -> str:
    """A name as Postgres reads it: quoted verbatim, else lower-cased."""
    return name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()


@lru_cache(maxsize=4096)
def _first_word(type_text: str) -> Optional[str]:
    """A type's first word, schema public or pg_catalog dropped, aliases folded: `varchar(10)` and `character
    varying(10)` read `character`, `int4[]` `integer`."""
    m = _LEADING_TYPE.match(type_text) if "::" not in type_text else None
    if m is None:
        return None
    parts = [_word(p.strip()) for p in re.split(r"\.(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", m.group(1))]
    if len(parts) == 2 and parts[0] in ("public", "pg_catalog"):
        parts = parts[1:]
    word = ".".join(parts)
    return _ALIASES.get(word, word)


def _may_cast_to_own_type(text: str, types: dict[str, str]) -> bool:
    for m in _CASTS.finditer(text):
        name, type_text = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(3), m.group(4))
        column_type = types.get(_word(name))
        if column_type is not None and _first_word(column_type) == _first_word(type_text):
            return True
    return False


def expression_without_noop_casts(text: Optional[str], types: tuple[tuple[str, str], ...],
                                   row: bool = False) -> Optional[str]:
    """`text` without the casts of a column (by name: its type in `types`; with `row`, a trigger's WHEN, the
    column as new.c or old.c) to its own type."""
    if text is None or ("::" not in text and "cast" not in text.lower()) or not _may_cast_to_own_type(text, dict(types)):
        return text
    return _stripped(text, types, row)


def _table(t: Table) -> Table:
    types = tuple((c.name, c.type) for c in t.columns)
    if not types:
        return t

    def strip(x: Optional[str]) -> Optional[str]:
        return expression_without_noop_casts(x, types)

    def elements(obj):
        return tuple(replace(e, expression=strip(e.expression)) if e.expression is not None else e
                     for e in obj.elements)

    changed = dict(
        checks=tuple(replace(c, expression=strip(c.expression)) for c in t.checks),
        indexes=tuple(replace(i, elements=elements(i), where=strip(i.where)) for i in t.indexes),
        exclusions=tuple(replace(x, elements=elements(x), where=strip(x.where)) for x in t.exclusions),
        columns=tuple(replace(c, generated=strip(c.generated)) if c.generated else c for c in t.columns),
        policies=tuple(replace(p, using=strip(p.using), with_check=strip(p.with_check)) for p in t.policies),
        triggers=tuple(replace(r, when=expression_without_noop_casts(r.when, types, row=True)) if r.when else r
                       for r in t.triggers))
    if all(changed[k] == getattr(t, k) for k in changed):
        return t
    return replace(t, **changed)


def without_noop_casts(schema: Schema) -> Schema:
    """A schema's tables with their expressions' casts of a column to its own type dropped, as Postgres stores them
    (the same objects where there is none): schema.yaml's, and the record of it `generate` compares it with (the
    database's never has one)."""
    tables = tuple(_table(t) for t in schema.tables)
    if all(a is b for a, b in zip(tables, schema.tables)):
        return schema
    return replace(schema, tables=tables)
