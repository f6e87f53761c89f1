"""Columns holding a domain in an array or a composite value moved to text around its ALTER DOMAIN, where a column of
the domain keys a partitioned table.

Postgres refuses ALTER DOMAIN ... ADD CONSTRAINT (validated), VALIDATE CONSTRAINT and SET NOT NULL while a column
holds the domain inside an array or a composite value ('cannot alter type "qty" because column "orders.l" uses
it', 15 to 18; NOT VALID then VALIDATE alike), and the domain cannot be created again under its columns where one
is in its table's partition key (no ALTER COLUMN ... TYPE moves it: compare.domain_arrays.key_user; Promscale's
`_ps_trace.tag`, hash-partitioned on a `ps_trace.tag_k` its composite `tag_pair` holds too). So each column holding
it is retyped to text first (every value's text kept), the ALTER DOMAIN runs in place (checking the key's column
and every other column of it), and each is retyped back through its type's input, which checks each value held
inside against the new CHECK as the validation would have (plan.detour_order orders the three)."""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.detour_readers import readers_again
from schemac.compare.domain_arrays import checks_values, detoured
from schemac.model import Schema
from schemac.model.frozen import replace

DETOUR_OUT = "moved to text around its domain's ALTER, which a partition key's column keeps"
DETOUR_BACK = "moved back from text after its domain's ALTER"
DETOURED = (DETOUR_OUT, DETOUR_BACK)


def detours(objects: list[Change], current: Schema, des_tables: dict,
            planned: Optional[dict] = None) -> dict[tuple[str, str], list[Change]]:
    """(schema, table) -> the retypes to text and back (and a default dropped and set again around them) of each
    column holding a domain that `objects` alter in place, checking values, where compare.domain_arrays.detoured
    gives its columns (the domain otherwise created again, or refused: key_held), and the indexes, CHECKs and EXCLUDEs
    reading one as of its type dropped before and made again after (compare.detour_readers). A column schema.yaml
    changes too is left to its own change; `planned`: (schema, table) -> the changes compare.tables gave it. Each
    table's changes are given whole: `planned`'s with these (a reader's RENAME taken out where it is made again)."""
    out: dict[tuple[str, str], list[Change]] = {}
    moved: dict[tuple[str, str], set[str]] = {}
    for c in objects:
        if c.kind != "alter_domain" or c.cause is not None or c.old is None or c.new is None \
                or not checks_values(c.old, c.new):  # type: ignore[arg-type]
            continue
        for t, col in detoured(current, (c.schema, c.name)) or ():
            des = des_tables.get((t.schema, t.name))
            will = des.column(col.name) if des is not None else None
            if will is None or (will.type, will.collation) != (col.type, col.collation):
                continue
            text = replace(col, type="text", collation=None, default=None)  # (its `using:` as it was: none taken)
            steps = [Change("alter_column_type", t.schema, t.name, col.name, col, text, des, DETOUR_OUT),
                     Change("alter_column_type", t.schema, t.name, col.name, text, replace(will, using=col.using), des,
                            DETOUR_BACK, checked_domains=((c.schema, c.name),))]  # (looked in: plan.held_values)
            if col.default is not None:  # (cast to each type by each ALTER: dropped first, set again after)
                steps = [Change("drop_default", t.schema, t.name, col.name, col, replace(col, default=None), des,
                                "retype"), *steps,
                         Change("set_default", t.schema, t.name, col.name, col, will, des, "retype")]
            out.setdefault((t.schema, t.name), []).extend(steps)
            moved.setdefault((t.schema, t.name), set()).add(col.name)
    tables = {(t.schema, t.name): t for t in current.tables} if moved else {}
    for key, names in moved.items():  # (each reader once, whichever columns it reads)
        had = (planned or {}).get(key, [])
        drops, adds, taken = readers_again(tables[key], des_tables[key], names, had)
        out[key] = [c for c in had if not any(c is r for r in taken)] + drops + out[key] + adds
    return out
