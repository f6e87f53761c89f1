"""Field selections `(expr).a` of a text (a view's deparse, a CHECK, an index expression, a policy, a trigger's WHEN,
a generated column's expression) as Postgres prints them after ALTER TYPE ... RENAME ATTRIBUTE a TO b of the composite
type `expr` is of: the stored tree names the attribute by its number, so it prints `(expr).b` (compare.attribute_readers).
Edited on the text at the field's place, the rest Postgres's own spelling, comparable with the desired deparse."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from sqlglot import exp, parse_one
from sqlglot.errors import SqlglotError

from schemac.pg.names import format_type_ident
from schemac.pg.refnames import folded
from schemac.pg.types import type_name

Key = tuple[str, str]
ColumnType = Callable[[exp.Column], Optional[str]]  # a column's type where it is told (the relation's, a parameter's)
_ARRAY = re.compile(r"\[\d*\]$")
Overload = tuple[tuple[str, ...], bool, Optional[str]]  # a function's input types, whether VARIADIC, the type returned


@dataclass(frozen=True)
class Fields:
    """What a field selection is resolved over: each composite type's attributes (key -> name -> type, their names as
    the database has them), each domain's type (key -> type), the renames (key -> old name -> new name), and the
    overloads of each function of the schema (key -> its input types, whether it is VARIADIC, the type it returns:
    None for rows of a TABLE(...))."""
    attributes: dict[Key, dict[str, str]]
    domains: dict[Key, str]
    renames: dict[Key, dict[str, str]]
    returns: dict[Key, tuple[Overload, ...]] = field(default_factory=dict)

    def returned(self, call: exp.Anonymous, schema: Optional[str], column_type: ColumnType) -> Optional[str]:
        """The type a call of a function of the schema returns (bare: one of any schema, as the deparse leaves one
        bare where the search_path finds it): that of every overload taking as many arguments, else of the one
        whose input types are the arguments' (each told); else None."""
        name = call.this if isinstance(call.this, str) else folded(call.this)
        n = len(call.expressions)
        fits = [o for (s, f), overloads in self.returns.items() if f == name and schema in (None, s)
                for o in overloads if len(o[0]) == n or o[1] and n >= len(o[0]) - 1]
        if len({o[2] for o in fits}) != 1:
            told = [type_of(a, self, column_type) for a in call.expressions]
            fits = [o for o in fits if len(o[0]) == n and None not in told and
                    all(_same_type(t, i) for t, i in zip(told, o[0]))]  # type: ignore[arg-type]
        return fits[0][2] if len({o[2] for o in fits}) == 1 else None

    def composite(self, type_text: Optional[str]) -> Optional[Key]:
        """The composite type a value of `type_text` is (through domains over it), else None."""
        seen: set[Key] = set()
        while type_text is not None and not _ARRAY.search(type_text.strip()):
            key = type_name(type_text)
            if key in self.attributes:
                return key
            if key in seen:
                return None
            seen.add(key)
            type_text = self.domains.get(key)
        return None


def _same_type(a: str, b: str) -> bool:
    """Whether two spellings name one type (an array of it or not)."""
    return type_name(a) == type_name(b) and bool(_ARRAY.search(a.strip())) == bool(_ARRAY.search(b.strip()))


def fields_renamed(text: str, fields: Fields, column_type: ColumnType) -> Optional[str]:
    """`text` with each field selection of a renamed attribute spelled with its new name; None where a selection of a
    field of a renamed attribute's name is over a value whose type is not told here (what a function of no schema of
    the read returns, a column of a function in FROM), or sqlglot cannot read it: the caller then keeps the text as
    it was (replaced or made again, as before).
    A view's output column keeps its name: Postgres prints every one of a view with its name (`(t.c).b AS a`)."""
    olds = {a for moves in fields.renames.values() for a in moves}
    if not any(a in text for a in olds):
        return text
    try:
        tree = parse_one(text, read="postgres")
    except (SqlglotError, ValueError):
        return None
    edits = []
    for dot in tree.find_all(exp.Dot):
        name = dot.expression
        if not isinstance(name, exp.Identifier) or folded(name) not in olds:
            continue
        key = fields.composite(type_of(dot.this, fields, column_type))
        if key is None or "start" not in name.meta:
            return None
        to = fields.renames.get(key, {}).get(folded(name))
        if to is None:
            continue
        edits.append((name.meta["start"], name.meta["end"] + 1, format_type_ident(to)))
    for start, end, spelled in sorted(edits, reverse=True):
        text = text[:start] + spelled + text[end:]
    return text


def type_of(node: exp.Expression, fields: Fields, column_type: ColumnType) -> Optional[str]:
    """The type of `node` where it is a column, a field of a composite, an element of an array of them, a cast, a call
    of a function of the schema, a scalar subquery over one of those, else None."""
    if isinstance(node, exp.Paren):
        return type_of(node.this, fields, column_type)
    if isinstance(node, exp.Column):
        return column_type(node) if isinstance(node.this, (exp.Identifier, exp.Star)) else None  # (`t.*`: t's row)
    if isinstance(node, exp.Cast):
        return node.to.sql(dialect="postgres")
    if isinstance(node, exp.Anonymous):
        return fields.returned(node, None, column_type)
    if isinstance(node, exp.Subquery):
        query = node.this.this if isinstance(node.this, exp.Subquery) else node.this
        return type_of(query.expressions[0].unalias(), fields, column_type) \
            if isinstance(query, exp.Select) and len(query.expressions) == 1 else None
    if isinstance(node, exp.Bracket):
        held = type_of(node.this, fields, column_type)
        if held is None or not _ARRAY.search(held.strip()):
            return None
        return held if any(isinstance(e, exp.Slice) for e in node.expressions) else _ARRAY.sub("", held.strip())
    if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Anonymous) and \
            isinstance(node.this, exp.Identifier):  # (a schema's function: `s.f(x)`)
        return fields.returned(node.expression, folded(node.this), column_type)
    if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Identifier):
        key = fields.composite(type_of(node.this, fields, column_type))
        return fields.attributes[key].get(folded(node.expression)) if key is not None else None
    return None


def body_renamed(body: str, fields: Fields, column_type: ColumnType) -> Optional[str]:
    """A SQL-standard body (`RETURN expr`, `BEGIN ATOMIC ... END`) after the renames, each statement as fields_renamed
    edits it; None where one is not told, or for another body."""
    from schemac.pg.sqlbody import statements_edited
    return statements_edited(body, lambda piece: fields_renamed(piece, fields, column_type))
