"""Strings compared with a column whose type gives them their meaning, as Postgres stores them: of that type.

`b <> 'no'` on a boolean column b is stored `(b <> false)`, `dt > '20000101'` on a date `(dt > '2000-01-01'::date)`
(loaded `'2000-01-01'::date`), `r <> '[1,10]'` on an int4range `(r <> '[1,11)'::int4range)`: an untyped string beside a
column takes the column's type (the operator of that type with itself), and the constant is stored by value. The
normal form (compare.rewrite) sees no column types: `'no'` alone is a string, which must stay one (`s <> 'no'` and
`s <> 'off'` on a text s differ). The table's columns, which the loader has, tell: schema.yaml's expressions over a
table's columns (CHECKs, index and EXCLUDE keys and WHERE, generated columns, policies, triggers' WHEN over new.c and
old.c; a domain's CHECKs over VALUE) are loaded with such a string cast to the column's type (`b <> 'no'::boolean`),
which means what was written, and whose normal form is the stored constant's (compare.typed_literals,
compare.time_ranges, compare.literals). Only the types below, whose operators take both sides of the column's own
type, and only a comparison (=, <>, <, >, <=, >=, IS [NOT] DISTINCT FROM, IN, BETWEEN) of a column with a string, in an expression without a
subquery; anything else is left as written. A numeric column's `c = '5'` is compare.numeric_literals' (no type
needed). Built as pg.noop_casts is: a cheap look first, sqlglot only for a text that may hold such a comparison.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Optional

from schemac.model import Domain, Schema, Table
from schemac.pg.noop_casts import _NAME, _word, expressions_mapped, rewritten

# A column type (lower case, blank space folded, no modifier) and the type its strings are cast to
_TYPES = {"boolean": "boolean", "bool": "boolean", "date": "date", "interval": "interval",
          "timestamp": "timestamp", "timestamp without time zone": "timestamp",
          "timestamptz": "timestamptz", "timestamp with time zone": "timestamptz",
          **{r: r for r in ("int4range", "int8range", "numrange", "daterange", "tsrange", "tstzrange")}}
_DATES = {"date", "timestamp", "timestamptz"}
_BASIC_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?=$|[ T])")
_MODIFIER = re.compile(r"\s*\(\s*\d+\s*\)")
_OPERATOR = r"(?:=|<>|!=|<=|>=|<|>|\b(?i:in|between|from)\b)"  # (FROM: IS [NOT] DISTINCT FROM)


@lru_cache(maxsize=4096)
def _cast_type(type_text: str) -> Optional[str]:
    """The type a string compared with a column of `type_text` is cast to, or None (not one of _TYPES)."""
    words = " ".join(_MODIFIER.sub(" ", type_text.lower()).split())
    return _TYPES.get(words)


def _may_compare(text: str, names: frozenset[str]) -> bool:
    """Whether `text` may compare one of `names` with a string: a cheap look without sqlglot (more, never less)."""
    if "'" not in text:
        return False
    for m in re.finditer(rf"({_NAME})\s*(?:\bnot\s+)?{_OPERATOR}\s*\(?\s*'|'\s*{_OPERATOR}\s*({_NAME})", text, re.I):
        if _word(m.group(1) or m.group(2)) in names:
            return True
    return False


@lru_cache(maxsize=4096)
def _typed(text: str, types: tuple[tuple[str, str], ...], row: bool = False) -> str:
    return rewritten(text, lambda tree: _strings_cast(tree, dict(types), row))


def _strings_cast(tree, by_name: dict, row: bool):
    """The tree with the strings it compares with a column of `by_name` (with `row`, a trigger's WHEN: as new.c or
    old.c) cast to its type (None where it has none)."""
    from sqlglot import exp

    from schemac.pg.dialect import DIALECT

    def type_of(node) -> Optional[str]:
        while isinstance(node, exp.Paren):
            node = node.this
        if not isinstance(node, exp.Column) or not isinstance(node.this, exp.Identifier) or node.args.get("db") or \
                (node.table.lower() not in ("new", "old") or node.args["table"].quoted if row else node.table):
            return None
        return by_name.get(node.this.name if node.this.quoted else node.this.name.lower())

    def cast(node, to: str):
        if isinstance(node, exp.Literal) and node.is_string:
            text = node.this
            if to in _DATES:  # (ISO 8601's basic date, which any DateStyle reads: the extended one compare.literals reads)
                text = _BASIC_DATE.sub(r"\1-\2-\3", text, count=1)
            return exp.Cast(this=exp.Literal.string(text), to=exp.DataType.build(to, dialect=DIALECT))
        return None

    done = False
    for node in list(tree.find_all(exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ, exp.NullSafeNEQ)):
        for column, key, other in ((node.this, "expression", node.expression), (node.expression, "this", node.this)):
            if (to := type_of(column)) and (typed := cast(other, to)) is not None:
                node.set(key, typed)
                done = True
                break
    for node in list(tree.find_all(exp.In, exp.Between)):
        if not (to := type_of(node.this)):
            continue
        for key in ("low", "high") if isinstance(node, exp.Between) else ():
            if (typed := cast(node.args.get(key), to)) is not None:
                node.set(key, typed)
                done = True
        if isinstance(node, exp.In) and any(cast(e, to) is not None for e in node.expressions):
            node.set("expressions", [cast(e, to) or e for e in node.expressions])
            done = True
    return tree if done else None


def strings_typed(t: Table) -> Table:
    """`t` with the strings its expressions compare with a column of one of _TYPES cast to that type (`t` itself,
    no object made, where there is none)."""
    if not _any_quoted(t):
        return t  # (the common case, looked at first: no table rebuilt to be found equal, no column's type read)
    types = tuple((c.name, to) for c in t.columns if (to := _cast_type(c.type)) is not None)
    if not types:
        return t
    names = frozenset(name for name, _ in types)

    def typed(x: Optional[str], row: bool = False) -> Optional[str]:
        return _typed(x, types, row) if x is not None and _may_compare(x, names) else x

    return expressions_mapped(t, typed, lambda e: replace(e, expression=typed(e.expression)),
                              lambda w: typed(w, row=True))


def _any_quoted(t: Table) -> bool:
    """Whether an expression of `t` strings_typed reads holds a string (a quote): plain loops, no list or generator
    made, as it runs for every table schema.yaml (and generate's record) holds (10,000 tables of gen_schema.py's
    shape: 80 ms when each table's column types were read first and its texts gathered in a list, 39 ms so)."""
    for c in t.checks:
        if c.expression is not None and "'" in c.expression:
            return True
    for keyed in (t.indexes, t.exclusions):
        for obj in keyed:
            if obj.where is not None and "'" in obj.where:
                return True
            for e in obj.elements:
                if e.expression is not None and "'" in e.expression:
                    return True
    for c in t.columns:
        if c.generated is not None and "'" in c.generated:
            return True
    for p in t.policies:
        if p.using is not None and "'" in p.using or p.with_check is not None and "'" in p.with_check:
            return True
    for r in t.triggers:
        if r.when is not None and "'" in r.when:
            return True
    return False


def domain_strings_typed(d: Domain) -> Domain:
    """`d` with the strings its CHECKs compare with VALUE cast to its type where that is one of _TYPES (`VALUE <> 'no'`
    of a boolean domain is stored `(VALUE <> false)`)."""
    to = _cast_type(d.type)
    if to is None or not d.checks:
        return d
    types = (("value", to),)
    checks = tuple(replace(c, expression=_typed(c.expression, types)) if _may_compare(c.expression, frozenset({"value"}))
                   else c for c in d.checks)
    return d if checks == d.checks else replace(d, checks=checks)


def strings_typed_everywhere(schema: Schema) -> Schema:
    """`schema` with strings_typed's tables and domain_strings_typed's domains (itself where none changes): a record
    of the last schema.yaml made before the loader typed them, which `generate` would otherwise see changed."""
    tables = tuple(strings_typed(t) for t in schema.tables)
    domains = tuple(domain_strings_typed(d) for d in schema.domains)
    if all(a is b for a, b in zip(tables, schema.tables)) and all(a is b for a, b in zip(domains, schema.domains)):
        return schema
    return replace(schema, tables=tables, domains=domains)
