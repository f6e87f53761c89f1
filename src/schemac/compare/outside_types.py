"""A managed enum, domain, composite or range type that a schema schema.yaml does not cover uses (`used_outside:`, which
inspect -n writes: `table column auth.t.m`, `function auth.f(public.mood)`, `domain auth.d`): Postgres refuses DROP
TYPE / DROP DOMAIN under them ('column m of table auth.t depends on type mood'), and ALTER TYPE ... ALTER ATTRIBUTE
... TYPE of a composite type a column there has ('cannot alter type "pair" because column "t.c" uses it'); the
migration cannot change them (schema.yaml does not hold them). A change dropping such a type (no longer declared, or
made again: an enum's values removed or reordered, a domain over one, a range's definition) is refused at generate,
naming them."""

from __future__ import annotations

from schemac.compare.changes import ENUM_REBUILT, Change

# How what used_outside lists is let go of: the record of the last generate (state.json) counts with schema.yaml, so
# an entry taken out in the same edit as the change it guards does not let the change through.
TAKE_OUT = ("take them out of used_outside: and generate once (no migration: it records that), then make this "
            "change")

_KINDS = {"enum": "enum", "domain": "domain", "composite_type": "composite type", "range_type": "range type"}


def outside_type_drops(changes: list[Change], desired) -> list[tuple[Change, str]]:
    """Each change dropping (or making again, or retyping an attribute of) a type what its `used_outside` (recorded,
    or schema.yaml's entry) lists uses, with why generate refuses it."""
    declared = {(kind, o.schema, o.name): o for kind in _KINDS for o in getattr(desired, f"{kind}s")}
    out = []
    for c in changes:
        action, _, kind = c.kind.partition("_")
        if kind not in _KINDS or action not in ("drop", "alter") or c.cause == ENUM_REBUILT and action == "drop":
            continue  # (the set-aside copy of a type made again: refused at its alter_ change, under its own name)
        if action == "alter" and not _made_again(c, kind):
            continue
        objects = [o for o in (c.old, c.new, declared.get((kind, c.schema, c.name))) if o is not None]
        listed = sorted({u for o in objects for u in getattr(o, "used_outside", ())})
        if kind == "composite_type" and action == "alter":
            listed = [u for u in listed if " column " in f" {u}"]  # (ALTER ATTRIBUTE TYPE: refused under a column)
        if not listed:
            continue
        source = next((o.source for o in objects if getattr(o, "source", None)), None)
        done = "drop it" if action == "drop" else \
            "change the type of an attribute" if kind == "composite_type" else "drop it and make it again"
        why = "" if action == "drop" or kind == "composite_type" else \
            " (its values removed or reordered)" if kind == "enum" else \
            " (over an enum made again)" if kind == "domain" else " (its definition changed)"
        out.append((c, f"{f'{source}: ' if source else ''}{_KINDS[kind]} {c.schema}.{c.old.name}: the migration "  # type: ignore
                       f"would {done}{why} while {'; '.join(listed)} (used_outside: of a schema schema.yaml does not "
                       f"cover) {'uses' if len(listed) == 1 else 'use'} it: Postgres refuses, and the migration cannot "
                       f"change them. Drop or change them first, outside schemac, then {TAKE_OUT}"))
    return out


def _made_again(c: Change, kind: str) -> bool:
    """An alter_ change that drops the type (an enum's values removed or reordered, a domain over an enum made
    again, a range's definition: Postgres has no ALTER for it), or retypes a composite's attribute in place."""
    if kind == "composite_type":
        olds = {a.name: a.type for a in c.old.attributes}  # type: ignore[union-attr]
        return any(a.name in olds and olds[a.name] != a.type for a in c.new.attributes)  # type: ignore[union-attr]
    return kind in ("enum", "range_type") or c.cause == ENUM_REBUILT
