"""Field selections `(expr).a` of a text (a view's deparse, a CHECK, an index expression, a policy, a trigger's WHEN,
a generated column's expression) as Postgres prints them after ALTER TYPE ... RENAME ATTRIBUTE a TO b of the composite
type `expr` is of: the stored tree names the attribute by its number, so it prints `(expr).b` (compare.attribute_readers).
Edited on the text at the field's place, the rest Postgres's own spelling, comparable with the desired deparse."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional

from sqlglot import exp, parse_one
from sqlglot.errors import SqlglotError

from schemac.pg.names import format_type_ident
from schemac.pg.refnames import folded
from schemac.pg.types import type_name

Key = tuple[str, str]
ColumnType = Callable[[exp.Column], Optional[str]]  # a column's type where it is told (the relation's, a parameter's)
_ARRAY = re.compile(r"\[\d*\]$")


@dataclass(frozen=True)
class Fields:
    """What a field selection is resolved over: each composite type's attributes (key -> name -> type, their names as
    the database has them), each domain's type (key -> type), and the renames (key -> old name -> new name)."""
    attributes: dict[Key, dict[str, str]]
    domains: dict[Key, str]
    renames: dict[Key, dict[str, str]]

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


def fields_renamed(text: str, fields: Fields, column_type: ColumnType) -> Optional[str]:
    """`text` with each field selection of a renamed attribute spelled with its new name; None where a selection of a
    field of a renamed attribute's name is over a value whose type is not told here (a function's result, a subquery's
    column), or sqlglot cannot read it: the caller then keeps the text as it was (replaced or made again, as before).
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
        field = dot.expression
        if not isinstance(field, exp.Identifier) or folded(field) not in olds:
            continue
        key = fields.composite(_type_of(dot.this, fields, column_type))
        if key is None or "start" not in field.meta:
            return None
        to = fields.renames.get(key, {}).get(folded(field))
        if to is None:
            continue
        edits.append((field.meta["start"], field.meta["end"] + 1, format_type_ident(to)))
    for start, end, spelled in sorted(edits, reverse=True):
        text = text[:start] + spelled + text[end:]
    return text


def _type_of(node: exp.Expression, fields: Fields, column_type: ColumnType) -> Optional[str]:
    """The type of `node` where it is a column, a field of a composite, an element of an array of them, else None."""
    if isinstance(node, exp.Paren):
        return _type_of(node.this, fields, column_type)
    if isinstance(node, exp.Column):
        return column_type(node) if isinstance(node.this, exp.Identifier) else None
    if isinstance(node, exp.Bracket):
        held = _type_of(node.this, fields, column_type)
        if held is None or not _ARRAY.search(held.strip()):
            return None
        return held if any(isinstance(e, exp.Slice) for e in node.expressions) else _ARRAY.sub("", held.strip())
    if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Identifier):
        key = fields.composite(_type_of(node.this, fields, column_type))
        return fields.attributes[key].get(folded(node.expression)) if key is not None else None
    return None


def body_renamed(body: str, fields: Fields, column_type: ColumnType) -> Optional[str]:
    """A SQL-standard body (`RETURN expr`, `BEGIN ATOMIC ... END`) after the renames, each statement as fields_renamed
    edits it; None where one is not told, or for another body."""
    from schemac.pg.sqlbody import statements_edited
    return statements_edited(body, lambda piece: fields_renamed(piece, fields, column_type))
