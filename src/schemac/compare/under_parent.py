"""UnderParent: where a rename of a child's own NOT NULL merged with its parent's (PostgreSQL 18) is written through
that parent's DROP NOT NULL and ADD CONSTRAINT ... NOT NULL (compare.not_null_remade, plan.not_null_ddl), which
Postgres requires as it refuses to rename an inherited constraint. Its own class, not a tuple read by index: what
each slot holds is named where compare writes it and the planner reads it."""

from __future__ import annotations

from schemac.model.frozen import frozen


@frozen
class UnderParent:
    """The parent whose NOT NULL is dropped and added again around the renames under it, and what that writes."""

    schema: str  # the parent's schema and name
    name: str
    not_null: str  # the name its NOT NULL is added again under
    # (schema, table) of each child holding a NOT NULL of its own name, made its own (ALTER TABLE ONLY ... SET NOT
    # NULL) before the parent's DROP, which would take an inherited-only one (an ATTACHed partition's)
    made_own: tuple = ()
    # (schema, table, name, new name) of each child's RENAME CONSTRAINT between the DROP and the ADD
    renames: tuple = ()
    # whether this change writes them all: the first rename under the parent does; the others write nothing
    lead: bool = False
