"""Strings compared with a column whose type gives them their meaning, as Postgres stores them: of that type.

`b <> 'no'` on a boolean column b is stored `(b <> false)`, `dt > '20000101'` on a date `(dt > '2000-01-01'::date)`
(loaded `'2000-01-01'::date`), `r <> '[1,10]'` on an int4range `(r <> '[1,11)'::int4range)`: an untyped string beside
a column takes the column's type (the operator of that type with itself), and the constant is stored by value. The
normal form (compare.rewrite) sees no column types: `'no'` alone is a string, which must stay one (`s <> 'no'` and `s
<> 'off'` on a text s differ). The table's columns, which the loader has, tell: schema.yaml's expressions over a
table's columns (CHECKs, index and EXCLUDE keys and WHERE, generated columns, policies, triggers' WHEN over new.c and
old.c; a domain's CHECKs over VALUE) are loaded with such a string cast to the column's type (`b <> 'no'::boolean`),
which means what was written, and whose normal form is the stored constant's (compare.typed_literals,
compare.time_ranges, compare.literals). Only the types below, whose operators take both sides of the column's own
type: bytea, money, macaddr, timetz, real and double precision (`f8 <> '1e-7'`, stored `'1e-07'::double
precision`, whose number compare.numeric_literals reads only in a decimal spelling), inet (with <<, <<=, >>, >>= and && too) and cidr (whose operators are inet's: the
column cast too, `((cn)::inet <> '10.0.0.0/8'::inet)`, its IN an array of cidrs cast to inet[], and beside another
network value, pg.network_casts); an interval with a qualifier as interval; an array of one, or of text, a number or a
uuid (`arr <> '{ 3 }'` on an int[] is `'{3}'::integer[]`, `'{yes}'` of a boolean[] `'{t}'::boolean[]`), or of any
other type named by a name as its own array type (`'{a,b}'::mood[]`), with @>, <@ and && as well, an array's IN and
NOT IN stored as `=` after `=` or `<>` after `<>`; and a domain over one of them (by schema.yaml's domains: `f <>
'no'` of a domain over boolean is stored `((f)::boolean <> false)`, the base type's operator; compare.domain_casts
reads the value's cast; an array of a domain as the domain's array, whose operators take it, the string of one over
boolean, uuid, date, timestamp or timestamptz (in UTC) spelled as the base's array prints it, `'{no, yes}'` as
`'{f,t}'::flag[]`, and so a string default of one). And
only a comparison (=, <>, <, >, <=, >=, IS [NOT] DISTINCT FROM, IN, BETWEEN) of a column with a string, in an
expression without a subquery; anything else is left as written. A numeric column's `c = '5'` is
compare.numeric_literals' (no type needed). Built as pg.noop_casts is: a cheap look first, sqlglot only for a text
that may hold such a comparison; a table none of whose expressions holds a quote is returned as it is, its columns'
types not looked up in the domains.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Mapping, Optional

from schemac.model import Domain, Schema, Table
from schemac.pg.array_literals import array_text, boolean_letter, instant_print, utc_print
from schemac.pg.date_casts import dates_cast
from schemac.pg.network_casts import cidr_array_compared, cidrs_cast, names_a_column
from schemac.pg.noop_casts import _NAME, _word, expressions_mapped, rewritten

# A column type (lower case, blank space folded, no modifier) and the type its strings are cast to
_TYPES = {"boolean": "boolean", "bool": "boolean", "date": "date", "interval": "interval",
          "timestamp": "timestamp", "timestamp without time zone": "timestamp",
          "timestamptz": "timestamptz", "timestamp with time zone": "timestamptz",
          "bytea": "bytea", "money": "money", "macaddr": "macaddr", "inet": "inet", "cidr": "cidr",
          "timetz": "timetz", "time with time zone": "timetz", "real": "real", "float4": "real",
          "float8": "double precision", "double precision": "double precision",
          **{r: r for r in ("int4range", "int8range", "numrange", "daterange", "tsrange", "tstzrange")}}
# An array's element type and the array type its strings are cast to (`'{ 1 , 2 }'` of an int[] is `'{1,2}'::integer[]`,
# `'{yes}'` of a boolean[] `'{t}'::boolean[]`): the modifier dropped, as Postgres's operator of the array type takes it
_ELEMENTS = {**{k: v for k, v in _TYPES.items() if "range" not in v}, "text": "text", "varchar": "varchar",
             "character varying": "varchar", "char": "bpchar", "character": "bpchar", "bpchar": "bpchar",
             "int": "integer", "integer": "integer", "int4": "integer", "int2": "smallint", "smallint": "smallint",
             "int8": "bigint", "bigint": "bigint", "numeric": "numeric", "decimal": "numeric", "real": "real",
             "float4": "real", "float8": "double precision", "double precision": "double precision", "uuid": "uuid",
             "time": "time", "time without time zone": "time"}
_DATES = {"date", "timestamp", "timestamptz"}
_BUILT_IN = frozenset(_ELEMENTS.values())
_NUMBERS = frozenset({"integer", "smallint", "bigint", "numeric", "real", "double precision"})  # (numeric_literals')
_BASIC_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?=$|[ T])")
_MODIFIER = re.compile(r"\s*\(\s*\d+\s*(?:,\s*-?\d+\s*)?\)")
_QUALIFIED_INTERVAL = re.compile(r"interval (?:year|month|day|hour|minute|second)(?: to (?:month|hour|minute|second))?")
_ARRAY = re.compile(r"\s*(?:\[\s*\d*\s*\]\s*)+$")
_QUALIFIED = re.compile(rf"\s*(?:({_NAME})\s*\.\s*)?({_NAME})\s*")
# (FROM: IS [NOT] DISTINCT FROM; @>, <@ and &&: an array's with another of its type)
_OPERATOR = r"(?:<<=|>>=|<<|>>|=|<>|!=|<=|>=|<|>|@>|<@|&&|\b(?i:in|between|from)\b)"
_ARRAY_OPERATORS = ("ArrayContainsAll", "ArrayContainedBy", "ArrayOverlaps")
_INET_OPERATORS = ("<<", "<<=", ">>", ">>=")  # (and &&: an inet's, as an array's)
_ANY = r"(?:\b(?:any|some|all)\s*\(\s*)?"  # (`d = ANY ('{...}')`, `'x' = ANY (arr)`)

Domains = Mapping[tuple[str, str], str]  # (schema, name) of a domain: its type as written


@lru_cache(maxsize=4096)
def _cast_type(type_text: str) -> Optional[str]:
    """The type a string compared with a column of `type_text` is cast to, or None (not one of _TYPES, nor an array
    of one of _ELEMENTS)."""
    words = " ".join(_MODIFIER.sub(" ", type_text.lower()).split())
    element = _ARRAY.sub("", words)
    if element != words:
        if element in _ELEMENTS:
            return f"{_ELEMENTS[element]}[]"
        own = _ARRAY.sub("", _MODIFIER.sub("", type_text)).strip()  # (an enum's array, `'{a,b}'::mood[]`: its own)
        return f"{own}[]" if _QUALIFIED.fullmatch(own) else None
    return "interval" if _QUALIFIED_INTERVAL.fullmatch(words) else _TYPES.get(words)


def _resolved(type_text: str, schema: str, domains: Domains, depth: int = 0) -> Optional[str]:
    """_cast_type of `type_text`, or of the type at the bottom of its domains (a domain over boolean: boolean, whose
    operator Postgres takes, the domain's value cast to it: `((f)::boolean <> false)`; over text[]: text[]). Not an
    array of a domain: its operators take an array of the domain (`'{t}'::flag[]`), which the normal form cannot read."""
    to = _cast_type(type_text)
    if to is not None or not domains or depth > 8:
        return to
    m = _QUALIFIED.fullmatch(type_text)
    if m is None:
        return None
    name = _word(m.group(2))
    where = (_word(m.group(1)),) if m.group(1) else (schema, "public")
    found = next(((s, domains[s, name]) for s in where if (s, name) in domains), None)
    if found is None:
        return None
    return _resolved(found[1], found[0], domains, depth + 1)


def domain_types(domains) -> Domains:
    """The (schema, name) of each of `domains` and its type, for strings_typed."""
    return {(d.schema, d.name): d.type for d in domains}


def _may_compare(text: str, names: frozenset[str]) -> bool:
    """Whether `text` may compare one of `names` with a string: a cheap look without sqlglot (more, never less)."""
    if "'" not in text:
        return False
    for m in re.finditer(rf"({_NAME})\s*(?:\bnot\s+)?{_OPERATOR}\s*{_ANY}\(?\s*'|'\s*{_OPERATOR}\s*{_ANY}({_NAME})", text,
                         re.I):
        if _word(m.group(1) or m.group(2)) in names:
            return True
    return False


@lru_cache(maxsize=4096)
def _typed(text: str, types: tuple[tuple[str, str], ...], row: bool = False,
           spelled: tuple[tuple[str, str], ...] = ()) -> str:
    return rewritten(text, lambda tree: _strings_cast(tree, dict(types), row, dict(spelled)))


def _strings_cast(tree, by_name: dict, row: bool, spelled: dict = {}):
    """The tree with the strings it compares with a column of `by_name` (with `row`, a trigger's WHEN: as new.c or
    old.c) cast to its type (None where it has none); a string cast to a type of `spelled` (an array of a domain)
    written as that type's base array prints it (`'{no, yes}'` of a flag[], a domain over boolean, `'{f,t}'`)."""
    from sqlglot import exp

    from schemac.pg.dialect import DIALECT
    from schemac.pg.operators import OtherOperator

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
            if to in spelled:  # (the domain's input is its base's: the constant stored as the base's array prints it)
                text = _spelled(text, spelled[to])
            try:
                return exp.Cast(this=exp.Literal.string(text), to=_data_type("inet" if to == "cidr" else to))
            except Exception:  # (a name sqlglot does not read as a type: left as written)
                return None
        return None

    def column_cast(node, key: str, to: str) -> None:  # (a cidr's operators are inet's: `((cn)::inet <> '...'::inet)`)
        if to == "cidr":
            node.set(key, exp.Cast(this=node.args[key].copy(), to=exp.DataType.build("inet", dialect=DIALECT)))

    def takes(node, to: str) -> bool:  # (an array's @>, <@, && with another: not a range's, whose @> takes an element)
        if isinstance(node, OtherOperator):
            return to in ("inet", "cidr") and node.args["op"].name in _INET_OPERATORS
        return not isinstance(node, arrays) or to.endswith("[]") or (to in ("inet", "cidr") and
                                                                      isinstance(node, exp.ArrayOverlaps))

    def quantified(node):  # (`ANY (x)`: Any over a Paren; `ALL (x)`: sqlglot's call named ALL) -> (holder, key)
        if isinstance(node, exp.Any):
            return (node.this, "this") if isinstance(node.this, exp.Paren) else (node, "this")
        if isinstance(node, exp.Anonymous) and str(node.this).upper() == "ALL" and len(node.expressions) == 1:
            return node, "expressions"
        return None

    def any_typed(node, key: str, other: str) -> bool:
        """`d = ANY ('{...}')` of a date d: the string of a date[] (`'{...}'::date[]`); `'x' = ANY (arr)` of a date[]
        arr: of a date; ALL alike; of an array of a domain over one (`spelled`), the array cast to its base's
        array, `('2024-01-01'::date = ANY ((da)::date[]))`. (Not `'1' = ANY (ia)` of an integer[]: `1 = ANY (ia)`.)"""
        side, value = node.args.get(key), node.args.get(other)
        if (q := quantified(side)) and (to := type_of(array := _one(q[0].args[q[1]]))) and to in spelled and \
                (typed := cast(value, spelled[to][:-2])) is not None:
            base = exp.Cast(this=array.copy(), to=_data_type(spelled[to]))  # (`'x' = ANY ((da)::date[])`)
            q[0].set(q[1], [base] if q[1] == "expressions" else base)
            return node.set(other, typed) is None
        if (q := quantified(side)) and (to := type_of(_one(q[0].args[q[1]]))) and to[:-2] in _BUILT_IN - _NUMBERS:
            typed = cast(value, to[:-2])
            return typed is not None and node.set(other, typed) is None
        if (q := quantified(value)) and (to := type_of(side)) in _BUILT_IN and to not in ("inet", "cidr"):
            typed = cast(_one(q[0].args[q[1]]), f"{to}[]")
            return typed is not None and q[0].set(q[1], [typed] if q[1] == "expressions" else typed) is None
        return False

    done = False
    arrays = tuple(getattr(exp, name) for name in _ARRAY_OPERATORS)
    for node in list(tree.find_all(exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ, exp.NullSafeNEQ,
                                   *arrays, OtherOperator)):
        for key, other in (("this", "expression"), ("expression", "this")):
            if not isinstance(node, (*arrays, OtherOperator)) and any_typed(node, key, other):
                done = True
                break
            if (to := type_of(node.args.get(key))) and takes(node, to) and \
                    (typed := cast(node.args.get(other), to)) is not None:
                node.set(other, typed)
                column_cast(node, key, to)
                done = True
                break
    for node in list(tree.find_all(exp.In, exp.Between)):
        if not (to := type_of(node.this)):
            continue
        if to == "cidr" and isinstance(node, exp.In) and len(node.expressions) > 1:
            tree, done = (cidr_array_compared(tree, node), True) if all(
                isinstance(e, exp.Literal) and e.is_string for e in node.expressions) else (tree, done)
            continue  # (of cidrs: `((cn)::inet = ANY ((ARRAY['10.0.0.0/8'::cidr, ...])::inet[]))`, pg.network_casts)
        typed_here = False
        for key in ("low", "high") if isinstance(node, exp.Between) else ():
            if (typed := cast(node.args.get(key), to)) is not None:
                node.set(key, typed)
                typed_here = True
        if isinstance(node, exp.In) and any(cast(e, to) is not None for e in node.expressions):
            node.set("expressions", [cast(e, to) or e for e in node.expressions])
            typed_here = True
        if typed_here:
            column_cast(node, "this", to)
            done = True
        if typed_here and isinstance(node, exp.In) and to.endswith("[]") and len(node.expressions) > 1:
            tree = _one_after_another(tree, node)
    done = cidrs_cast(tree, type_of) or done  # (`cn = ip`: `((cn)::inet = ip)`, pg.network_casts)
    return tree if done else None


def _one(value):
    """The one expression of an argument list, or the argument itself."""
    return value[0] if isinstance(value, list) else value


def _data_type(to: str):
    """The type node of `to` (an array of any type as its element's node, `mood[]`)."""
    from sqlglot import exp

    from schemac.pg.dialect import DIALECT

    if to.endswith("[]"):
        return exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[_data_type(to[:-2])], nested=True)
    return exp.DataType.build(to, dialect=DIALECT, udt=True)


def _spelled(text: str, base: str) -> str:
    """`text` as a constant of the array type `base` (boolean[], uuid[], date[], timestamp[] or timestamptz[]) prints
    it: `'{no, yes}'` is `'{f,t}'`, `'{2024-01-01 10:00}'` of a timestamp[] `'{"2024-01-01 10:00:00"}'`, `'{2024-01-01
    02:00+02}'` of a timestamptz[] `'{"2024-01-01 00:00:00+00"}'` (in UTC, as the catalog is read:
    array_literals.utc_print)."""
    if base == "timestamptz[]":
        return array_text(text, utc_print)
    if base in ("date[]", "timestamp[]"):
        return array_text(text, lambda e: instant_print(e, base == "timestamp[]"))
    return array_text(text, str.lower if base == "uuid[]" else boolean_letter)


def _element_base(type_text: str, schema: str, domains: Domains) -> Optional[str]:
    """The built-in array type of an array of a domain over boolean, uuid, date, timestamp or timestamptz (`flag[]` of a
    domain flag over boolean: boolean[]), or None. A timestamptz prints in the reader's zone: its elements with an
    offset are spelled in UTC, the zone of the catalog's read (catalog.connection pins it), one without is left as
    written (its instant is the storing session's zone's)."""
    words = _MODIFIER.sub("", type_text).strip()
    element = _ARRAY.sub("", words)
    for _ in range(8) if element != words and _cast_type(element) is None else ():  # (down the domains)
        m = _QUALIFIED.fullmatch(element)
        where = () if m is None else (_word(m.group(1)),) if m.group(1) else (schema, "public")
        found = next(((s, domains[s, _word(m.group(2))]) for s in where if (s, _word(m.group(2))) in domains), None)
        if found is None:
            base = _ELEMENTS.get(" ".join(element.lower().split()))
            return f"{base}[]" if base in ("boolean", "uuid", "date", "timestamp", "timestamptz") else None
        schema, element = found
    return None


def _one_after_another(tree, node):
    """`tree` with `node`, an array's IN, as Postgres stores it (no array of arrays): `((arr = '{1}'::integer[]) OR
    (arr = ...))`, and NOT IN `((arr <> '{1}'::integer[]) AND (arr <> ...))`."""
    from sqlglot import exp

    negated = isinstance(node.parent, exp.Not)
    whole = node.parent if negated else node
    each = [(exp.NEQ if negated else exp.EQ)(this=node.this.copy(), expression=e) for e in node.expressions]
    joined = exp.Paren(this=(exp.and_ if negated else exp.or_)(*each, copy=False))
    if whole is tree:
        return joined
    whole.replace(joined)
    return tree


def strings_typed(t: Table, domains: Domains = {}) -> Table:
    """`t` with the strings its expressions compare with a column of one of _TYPES (an array of _ELEMENTS, a domain
    of `domains`, domain_types', over either) cast to that type (`t` itself, no object made, where there is none); and
    a string default of an array of a domain over one of _element_base's spelled as the base's array prints it (`'{no,
    yes}'` of a flag[] `'{f,t}'`: stored `'{f,t}'::flag[]`, which the normal form reads as text)."""
    t = _expressions_typed(dates_cast(t), domains)  # (and a date column beside a timestamp cast: pg.date_casts)
    if not domains or not any(c.default is not None and c.default[:1] == "'" and "[" in c.type for c in t.columns):
        return t
    columns = tuple(replace(c, default=_spelled_string(c.default, base)) if c.default is not None
                    and _STRING.fullmatch(c.default) and "[" in c.type
                    and (base := _element_base(c.type, t.schema, domains)) is not None else c for c in t.columns)
    return t if columns == t.columns else replace(t, columns=columns)


_STRING = re.compile(r"'(?:[^']|'')*'")


def _spelled_string(literal: str, base: str) -> str:
    """A string literal (quotes and all) of an array spelled as _spelled spells its text."""
    return "'" + _spelled(literal[1:-1].replace("''", "'"), base).replace("'", "''") + "'"


def _expressions_typed(t: Table, domains: Domains) -> Table:
    """strings_typed of `t`'s expressions."""
    quoted = _any_quoted(t)
    if not quoted and not any("cidr" in c.type for c in t.columns):
        return t  # (the common case, looked at first: no table rebuilt to be found equal, no column's type read)
    types = tuple((c.name, to) for c in t.columns if (to := _cast_type(c.type)) is not None)
    if not types and not domains:
        return t
    if not quoted and all(to != "cidr" for _, to in types):
        return t  # (a cidr column is read without a string: `cn = ip`, pg.network_casts)
    if domains:  # (only a table with a quote: the others' columns not looked up)
        types = tuple((c.name, to) for c in t.columns if (to := _resolved(c.type, t.schema, domains)) is not None)
    if not types:
        return t
    names = frozenset(name for name, _ in types)
    spelled = tuple((to, base) for c in t.columns if domains and (to := _cast_type(c.type)) is not None
                    and (base := _element_base(c.type, t.schema, domains)) is not None)
    cidrs = tuple(name for name, to in types if to == "cidr")  # (`cn = ip`, no string: pg.network_casts)

    def typed(x: Optional[str], row: bool = False) -> Optional[str]:
        return _typed(x, types, row, spelled) if x is not None and (_may_compare(x, names) or
                                                           cidrs and names_a_column(x, cidrs)) else x

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


def domain_strings_typed(d: Domain, domains: Domains = {}) -> Domain:
    """`d` with the strings its CHECKs compare with VALUE cast to its type where that is one of _TYPES (`VALUE <> 'no'`
    of a boolean domain is stored `(VALUE <> false)`), or an array or a domain (of `domains`) over one."""
    to = _resolved(d.type, d.schema, domains)
    if to is None or not d.checks:
        return d
    types = (("value", to),)
    checks = tuple(replace(c, expression=_typed(c.expression, types)) if _may_compare(c.expression, frozenset({"value"}))
                   else c for c in d.checks)
    return d if checks == d.checks else replace(d, checks=checks)


def strings_typed_everywhere(schema: Schema) -> Schema:
    """`schema` with strings_typed's tables and domain_strings_typed's domains (itself where none changes): a record
    of the last schema.yaml made before the loader typed them, which `generate` would otherwise see changed."""
    types = domain_types(schema.domains)
    tables = tuple(strings_typed(t, types) for t in schema.tables)
    domains = tuple(domain_strings_typed(d, types) for d in schema.domains)
    if all(a is b for a, b in zip(tables, schema.tables)) and all(a is b for a, b in zip(domains, schema.domains)):
        return schema
    return replace(schema, tables=tables, domains=domains)
