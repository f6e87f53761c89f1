"""What Postgres copies from a table to its partitions and INHERITS children: its CHECKs (but NO INHERIT), its NOT NULLs
(PostgreSQL 18 keeps each as a pg_constraint row of the child, under the parent's name), and to a partition its foreign
keys (a clone, conparentid): the constraints a child's `inherited_constraints:` comments (schemafile/copies.py)."""

from __future__ import annotations

from schemac.model import Table
from schemac.model.copies import ConstraintCopy
from schemac.pg.names import constraint_name, default_not_null_name


def copies_of(t: Table, by_key: dict) -> dict[str, ConstraintCopy]:
    """The constraints `t` has as copies of its parents' (by name): the CHECKs (not NO INHERIT) and NOT NULLs of every
    table above it, the foreign keys of the tables it is a partition of (nearest first where two hold one name), but
    those it declares itself."""
    out: dict[str, ConstraintCopy] = {}
    seen: set = set()

    def add(name: str, kind: str, above: tuple, column=None) -> None:
        if name not in out:
            out[name] = ConstraintCopy(name, kind, None, above, column)

    def walk(child, partition_chain: bool, above: tuple) -> None:
        keys = [((p.schema, p.name), False) for p in child.inherits]
        if child.partition_of is not None:
            keys.append(((child.partition_of.parent_schema, child.partition_of.parent), partition_chain))
        for k, partition in keys:
            a = by_key.get(k)
            if a is None or k in seen:
                continue
            seen.add(k)
            chain = above + (k,)
            for c in a.checks:
                if not c.no_inherit:
                    add(c.name, "check", chain)
            for c in a.columns:
                if not c.nullable and not (c.not_null is not None and c.not_null.no_inherit):
                    add(c.not_null.name if c.not_null is not None and c.not_null.name else
                        default_not_null_name(a.name, c.name), "not null", chain, c.name)
            if partition:
                for fk in a.foreign_keys:
                    add(constraint_name(a, fk), "foreign key", chain)
            walk(a, partition, chain)

    walk(t, True, ())
    own = t.constraint_names()
    # a NOT NULL the table holds as its own (its column's not_null:, unnamed under the parent's name: conislocal, as
    # inspect reads it; a copy's comment is the other's), whose comment is the column's, not a copy's
    held = {c.name for c in t.columns if not c.nullable and c.not_null is not None}
    return {n: c for n, c in out.items() if n not in own and not (c.kind == "not null" and c.column in held)}
