"""Composite types' attributes renamed (`renamed_from:` of an attribute): ALTER TYPE ... RENAME ATTRIBUTE, which
keeps every value in the columns of the type, where an attribute dropped and added again loses them (NULL). Postgres
follows the rename in what it stores parsed (views, SQL-standard bodies, index expressions: `(c).a` reads `(c).b`);
a function's body in a string is compared as schema.yaml writes it, and replaced."""

from __future__ import annotations

from schemac.model.frozen import replace

from schemac.compare.moves import chain_moves
from schemac.model import CompositeType, Schema
from schemac.pg.types import type_name


def attribute_moves(old: CompositeType, new: CompositeType) -> tuple[tuple[str, str], ...]:
    """(old name, new name) of each attribute of `new` whose `renamed_from` `old` holds, in an order RENAME ATTRIBUTE
    runs them: a chain (`number <- id, id <- token`) read again as a rename frees a name (moves.chain_moves, as
    columns'); a hint whose rename an earlier migration made is none (state.json keeps the hints). No cycle: the
    loader refuses a swap or rotation of attributes' names (schemafile.usertypes)."""
    return tuple(chain_moves({a.name for a in old.attributes},
                             [(a.renamed_from, a.name) for a in new.attributes if a.renamed_from]))


def renamed_attributes(old: CompositeType, moves: tuple[tuple[str, str], ...]) -> CompositeType:
    """`old` as Postgres has it after `moves`' RENAME ATTRIBUTEs (each attribute's type, collation, comment kept)."""
    to = dict(moves)
    return replace(old, attributes=tuple(replace(a, name=to.get(a.name, a.name)) for a in old.attributes))


def in_place(old: CompositeType, new: CompositeType) -> bool:
    """Whether ALTER TYPE can turn `old`'s attributes into `new`'s: those kept in the same order, those added
    after the last kept one (ADD ATTRIBUTE appends)."""
    olds, news = {a.name for a in old.attributes}, {a.name for a in new.attributes}
    kept = [a.name for a in new.attributes if a.name in olds]
    if [a.name for a in old.attributes if a.name in news] != kept:
        return False
    last = max((i for i, a in enumerate(new.attributes) if a.name in olds), default=-1)
    return all(a.name in olds for a in new.attributes[:last])


def reshaped_in_place(old: CompositeType, new: CompositeType) -> bool:
    """Whether RENAME ATTRIBUTE (`renamed_from:`), DROP and ADD ATTRIBUTE give `old` the names of `new`'s attributes
    in `new`'s order (their types aside): a row's text then has `new`'s fields in place, for the text detour of a type
    set aside (compare.range_holders.composites_following)."""
    return in_place(renamed_attributes(old, attribute_moves(old, new)), new)


def reshaped(old: CompositeType, new: CompositeType) -> CompositeType:
    """`old` (its attributes renamed: renamed_attributes) once DROP and ADD ATTRIBUTE gave it `new`'s fields
    (reshaped_in_place): each kept attribute as `old` has it, each added as `new` has it, in `new`'s order."""
    was = {a.name: a for a in old.attributes}
    return replace(old, attributes=tuple(was.get(a.name, a) for a in new.attributes))


def typed_tables_follow(current: Schema, desired: Schema) -> Schema:
    """`desired` with the columns of each typed table (`of:`) of a composite type whose attributes schema.yaml renames
    given the rename's hint where they have none: the table is made plain around the ALTER TYPE (compare.differ's
    _typed_tables), and its column renamed there (RENAME COLUMN), its values kept, not dropped and added again."""
    if not current.composite_types or not any(a.renamed_from for c in desired.composite_types for a in c.attributes):
        return desired
    cur = {(c.schema, c.name): c for c in current.composite_types}
    moves = {(c.schema, c.name): dict((b, a) for a, b in attribute_moves(cur[(c.schema, c.name)], c))
             for c in desired.composite_types if (c.schema, c.name) in cur}
    was = {t.key: t for t in current.tables}

    def hinted(t):
        back, old = moves.get(type_name(t.of)) if t.of else None, was.get(t.key)
        if not back or old is None or old.of is None:
            return t
        return replace(t, columns=tuple(replace(c, renamed_from=back[c.name]) if c.name in back and not c.renamed_from
                                        and old.column(back[c.name]) is not None else c for c in t.columns))
    return replace(desired, tables=tuple(hinted(t) for t in desired.tables))
