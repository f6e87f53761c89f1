"""Whether a partition's or INHERITS child's copy of a parent's NOT VALID CHECK is validated (Table.validated_checks).

Postgres copies a parent's CHECK to a child NOT VALID when the parent's ADD CONSTRAINT ... NOT VALID reaches a
child that exists, and validated when the child is created or attached after it (its rows are checked then);
ALTER TABLE child VALIDATE CONSTRAINT validates one copy. No statement makes a validated copy NOT VALID again
but adding the parent's CHECK again (DROP and ADD ... NOT VALID: every copy below it NOT VALID), after which the
copies that must be validated are. So, after `changes`:

- a copy under a parent CHECK the plan adds (or adds again) is NOT VALID;
- else a copy of a child the plan makes, attaches or joins to its parent is validated;
- else it is as it is now;

and where a copy is NOT VALID that must be validated, the child's VALIDATE CONSTRAINT is planned; where one is
validated that must not be, the parent's CHECK is added again (drop_constraint and add_constraint of the table
that holds it) and the copies below it that must be validated are validated again.
"""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from schemac.compare.changes import Change
from schemac.model import Check, Table

Key = tuple[str, str]
# The cause of a copy's VALIDATE after its parent's CHECK is added again (reports show the parent's change).
AFTER_READD = "the parent's CHECK is added again"
_MADE = ("add_table", "attach_partition", "add_inherit")


def _parents(t: Table) -> list[Key]:
    keys = [(p.schema, p.name) for p in t.inherits]
    return keys + ([(t.partition_of.parent_schema, t.partition_of.parent)] if t.partition_of is not None else [])


def _holder(t: Table, name: str, tables: dict[Key, Table], seen: Optional[set] = None) -> Optional[tuple[Table, Check]]:
    """The table above `t` holding the NOT VALID CHECK `name` as its own, with that CHECK."""
    seen = set() if seen is None else seen
    for k in _parents(t):
        p = tables.get(k)
        if p is None or k in seen:
            continue
        seen.add(k)
        own = next((c for c in p.checks if c.name == name and not c.no_inherit), None)
        if own is not None:
            return (p, own) if own.not_valid else None
        found = _holder(p, name, tables, seen)
        if found is not None:
            return found
    return None


def diff_validated_checks(cur_tables: dict[Key, Table], des_tables: dict[Key, Table],
                          changes: list[Change]) -> list[Change]:
    """The VALIDATE CONSTRAINT of copies that must be validated, and the parent CHECKs added again where one is
    validated that must not be."""
    made = {(c.schema, c.table) for c in changes if c.kind in _MADE}
    added = {(c.schema, c.table, c.name) for c in changes if c.kind == "add_constraint"}
    out: list[Change] = []
    readd: dict[tuple[str, str, str], tuple[Table, Check]] = {}
    wanted: list[tuple[Table, Check]] = []
    for key, t in sorted((k, t) for k, t in des_tables.items() if t.inherits or t.partition_of is not None):
        if not _parents(t):
            continue
        cur = cur_tables.get(key)
        names = set(t.validated_checks) | set(cur.validated_checks if cur is not None else ())
        for name in sorted(names):
            held = _holder(t, name, des_tables)
            if held is None:
                continue
            parent, check = held
            if (parent.schema, parent.name, name) in added:
                valid_after = False
            elif key in made or cur is None:
                valid_after = True
            else:
                valid_after = name in cur.validated_checks
            must = name in t.validated_checks
            if valid_after and not must:
                readd[(parent.schema, parent.name, name)] = held
            wanted.append((t, replace(check, comment=None)))
    for parent, check in readd.values():
        old = next((c for c in cur_tables[parent.key].checks if c.name == check.name), check) \
            if parent.key in cur_tables else check
        out += [Change("drop_constraint", parent.schema, parent.name, check.name, old, check, parent),
                Change("add_constraint", parent.schema, parent.name, check.name, old, check, parent)]
        added.add((parent.schema, parent.name, check.name))
    for t, check in wanted:
        parent, _ = _holder(t, check.name, des_tables)  # type: ignore[misc]
        cur = cur_tables.get(t.key)
        readded = (parent.schema, parent.name, check.name) in added
        valid_after = not readded and (t.key in made or cur is None or check.name in cur.validated_checks)
        if check.name in t.validated_checks and not valid_after:
            out.append(Change("validate_constraint", t.schema, t.name, check.name, check,
                              replace(check, not_valid=False), t,
                              AFTER_READD if (parent.schema, parent.name, check.name) in {k for k in readd} else None))
    return out
