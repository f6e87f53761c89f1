"""A child's copy of a parent's constraint, as a change of its comment names it (compare/copies.py)."""

from __future__ import annotations

from typing import Optional

from schemac.model.frozen import frozen


@frozen
class ConstraintCopy:
    """The copy `name` a partition or INHERITS child has of a constraint of the tables above it (`above`, nearest
    first): a CHECK, a foreign key's clone (`kind`), a NOT NULL of `column` (PostgreSQL 18); `comment` its own."""

    name: str
    kind: str  # "check", "foreign key", "not null"
    comment: Optional[str] = None
    above: tuple[tuple[str, str], ...] = ()
    column: Optional[str] = None

