"""A used collation whose definition changes (provider, locale, deterministic: Postgres has no ALTER for it), set
aside and made again under its users: ALTER COLLATION ... RENAME TO <name>__schemac_old, CREATE COLLATION under its
name, every column of it given the new one (ALTER COLUMN ... TYPE, its type kept, COLLATE the new: Postgres builds its
indexes again over the rows), every index, CHECK, view, domain... naming it made again, and the one set aside dropped
at the end (behind plan.unmanaged_users' guard).

Postgres holds a collation by OID: after the RENAME the columns, index keys, CHECKs and views still use the old one and
the catalog prints it under the set-aside name (`COLLATE mb__schemac_old`). The current model is rewritten so, as
compare.type_moves does for a type moved, and the rest of the diff plans the move of each user from the one to the
other as it plans any collation given to a column or a COLLATE changed. What cannot be made again keeps the refusal
(plan.type_ddl): a partition key naming the collation (or over a column of it), a range type of it, a composite
type's attribute of it where a column holds the type (one none holds is altered with the rest). Reports read the one change (COLLATION_ASIDE's alter_collation, the definition changed): what follows
it is DDL, not drift (`aside_only`)."""

from __future__ import annotations

from typing import Any, Callable, Optional

from schemac.compare.composite_holders import remakeable
from schemac.compare.changes import COLLATION_ASIDE, KINDS, Change, set_aside_name
from schemac.compare.definition_users import definition_users
from schemac.compare.model_walk import rewritten
from schemac.model import Collation, Dependency, Schema
from schemac.model.collnames import collation_ref
from schemac.model.frozen import replace
from schemac.pg.names import quote_ident
from schemac.pg.sqllex import LexError, folded, tokens
from schemac.pg.verbatim import collated_names, names

# The changes of a collation's comment and owner (compare.usertypes).
_OWN = ("set_type_comment", "set_object_owner")


def _defined(c: Collation) -> Collation:
    return replace(c, comment=None, owner=None)


def held_by(current: Schema, c: Collation) -> Optional[str]:
    """What of `current` cannot be made again under the collation's new definition: a partition key naming it (or over
    a column of it: Postgres refuses ALTER COLUMN ... TYPE of a key's column), a range type of it, a composite type
    of it whose values a column holds (compare.composite_holders)."""
    ref = collation_ref(c.schema, c.name)
    for t in current.tables:
        key = t.partition_by
        if key is not None and (any(col.collation == ref and col.name in names(key.key) for col in t.columns)
                                or _names(key.key, c)):
            return f"the partition key of table {t.schema}.{t.name}"
    for r in current.range_types:
        if r.collation == ref:
            return f"range type {r.schema}.{r.name}"
    for ct in current.composite_types:  # (one no stored value holds is made again with the others)
        if any(a.collation == ref for a in ct.attributes) and not remakeable(current, ct):
            return f"composite type {ct.schema}.{ct.name}"
    return None


def aside_taken(desired: Schema, c: Collation) -> str:
    """The collation of schema.yaml's named as `c` would be set aside (`<name>__schemac_old`, its schema), which keeps
    it from being set aside: plan.type_ddl's refusal names it. "" where there is none."""
    name = set_aside_name(c.name)
    return f"collation {c.schema}.{name}" if any((d.schema, d.name) == (c.schema, name) for d in desired.collations) \
        else ""


def _names(text: Optional[str], c: Collation) -> bool:
    return bool(text) and any((s or "public") == c.schema and n == c.name for s, n in collated_names(text))  # type: ignore


def collations_set_aside(current: Schema, desired: Schema) -> tuple[list[Change], Schema]:
    """An alter_collation (COLLATION_ASIDE) for each collation whose definition changes while something of `current`
    uses it and nothing that cannot be made again does, and `current` as Postgres has it after its RENAME aside."""
    des = {(c.schema, c.name): c for c in desired.collations}
    changes: list[Change] = []
    for old in current.collations:
        new = des.get((old.schema, old.name))
        if new is None or _defined(old) == _defined(new) or held_by(current, old) is not None:
            continue
        users = definition_users(current, old)
        if not users or aside_taken(desired, old):
            continue
        changes.append(Change("alter_collation", old.schema, "", old.name, old, new, users=users, cause=COLLATION_ASIDE))
    for c in changes:
        current = _renamed(current, c.old, set_aside_name(c.name))  # type: ignore[arg-type]
    return changes, current


def _renamed(current: Schema, was: Collation, name: str) -> Schema:
    """`current` with collation `was` renamed `name`, and every use of it so (its `collation` fields, COLLATE in SQL
    text Postgres stores parsed, what views record reading)."""
    rename = (collation_ref(was.schema, was.name), collation_ref(was.schema, name), was, name)
    out = _walk(current, rename)
    return replace(out, collations=tuple(replace(c, name=name) if c is was else c for c in current.collations))


def _walk(obj: Any, rename: tuple) -> Any:
    return rewritten(obj, lambda value, field: _renamed_in(value, field, rename),
                     lambda o, field: isinstance(o, Collation) or field == "arguments")  # (a trigger's: strings)


def _renamed_in(value: Any, field: Optional[str], rename: tuple) -> Any:
    if isinstance(value, Dependency):
        was = rename[2]
        return replace(value, name=rename[3]) if value.kind == "collation" and \
            (value.schema, value.name) == (was.schema, was.name) else value
    if field == "collation":
        return rename[1] if value == rename[0] else value
    return _collate_renamed(value, rename[2], rename[3]) if "collate" in value.lower() else value


def _collate_renamed(text: str, was: Collation, name: str) -> str:
    """`text` with each `COLLATE was` (bare where public's, or qualified) naming `name` instead."""
    try:
        toks = tokens(text)
    except LexError:
        return text
    out, at = [], 0
    for i, t in enumerate(toks[:-1]):
        if t.kind != "word" or t.text.upper() != "COLLATE" or toks[i + 1].kind not in ("word", "name"):
            continue
        last = i + 1
        if i + 3 < len(toks) and toks[i + 2].kind == "." and toks[i + 3].kind in ("word", "name"):
            last = i + 3
            schema: Optional[str] = folded(toks[i + 1])
        else:
            schema = None
        if (schema or "public") != was.schema or folded(toks[last]) != was.name:
            continue
        out += [text[at:toks[last].start], quote_ident(name)]
        at = toks[last].start + len(toks[last].text)
    return "".join(out) + text[at:] if out else text


def planned_aside(current: Schema, desired: Schema, diff: Callable[[Schema, Schema], list[Change]]
                  ) -> Optional[list[Change]]:
    """The diff (compare.differ's) with the collations set aside (collations_set_aside), in KINDS order; None where
    none is. What it needs besides them (a column given the new collation, an index made again), which the diff of
    `current` given the new definitions in place lacks, is DDL, not drift: marked `aside_only`, reports leave it out."""
    set_aside, renamed = collations_set_aside(current, desired)
    if not set_aside:
        return None
    des = {(c.schema, c.name): c for c in desired.collations}
    keys = {(c.schema, c.name) for c in set_aside}
    alike = replace(current, collations=tuple(replace(des[key], comment=c.comment, owner=c.owner) if key in keys else c
                                              for c in current.collations for key in [(c.schema, c.name)]))
    drift = diff(alike, desired)
    seen = {(c.kind, c.schema, c.table, c.name) for c in drift}
    # its comment's and owner's drift as the collation has them now (`old`: a report reads "comment is 'x'", not the
    # none of the new one; an owner schema.yaml pins no more given back), not as the diff of the new one made reads it
    own = {(c.kind, c.schema, c.name): c for c in drift if c.kind in _OWN and (c.schema, c.name) in keys}
    asides = {(schema, set_aside_name(name)) for schema, name in keys}
    planned = [replace(c, cause=COLLATION_ASIDE) if c.kind == "drop_collation" and (c.schema, c.name) in asides else
               own.pop((c.kind, c.schema, c.name)) if (c.kind, c.schema, c.name) in own else
               c if c.cause is not None or (c.kind, c.schema, c.table, c.name) in seen else replace(c, aside_only=True)
               for c in diff(renamed, desired) if not (c.kind == "add_collation" and (c.schema, c.name) in keys)]
    planned += own.values()
    order = {k: n for n, k in enumerate(KINDS)}  # (the alter_collation renames aside and creates the new one)
    return sorted(set_aside + planned, key=lambda c: order[c.kind])
