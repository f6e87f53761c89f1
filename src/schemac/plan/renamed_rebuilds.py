"""An enum (or a domain over one) that `renamed_from` renames and that is re-created in the same migration (values
removed or reordered: Prisma's `_new` dance in a replayed history): ALTER TYPE ... RENAME TO first, then what drops a
function naming the type in its signature (by its new name, compare.type_moves), then the re-creation setting the type
aside under that name (plan.objects), then what creates the function again. By their keys alone the re-creation,
which removes the new name's "signature type" that the rename makes, would run before the rename ('type does not
exist'). And a table renamed onto the name of a relation the plan drops: its own changes after the RENAME TO."""

from __future__ import annotations

from dataclasses import replace

from schemac.compare.around import sets_aside
from schemac.compare.changes import Change
from schemac.plan.dependencies import Deps
from schemac.plan.keys import own_keys
from schemac.plan.member_dependencies import MEMBER_KINDS
from schemac.plan.stubs import STUB

# What a change dropping a function of the type's signature frees, and the re-creation removes, in place of the
# "signature type" key the rename makes (compare.type_moves' names: dropped under the new name, after the rename).
_SET_ASIDE = "signature before set aside"
# Made by a type's rename alone, beside each key it makes: what names the type by its new name needs it.
_RENAMED = "renamed to"
# A relation's keys under the name a renamed table takes from it (members_after_table_renames), apart from the table's.
_REPLACED = "replaced by a rename"


def renamed_then_rebuilt(changes: list[Change], out: list[Deps]) -> list[Deps]:
    """`out` (each change's Deps) with the re-creation of a renamed type after its rename_type and after what frees its
    signature key (a DROP FUNCTION naming it), no longer removing the key the rename makes."""
    renamed = {(c.new.schema, c.new.name) for c in changes if c.kind == "rename_type"}  # type: ignore[union-attr]
    rebuilt = {i: (c.new.schema, c.new.name) for i, c in enumerate(changes)  # type: ignore[union-attr]
               if sets_aside(c)
               and (c.new.schema, c.new.name) in renamed}  # type: ignore[union-attr]
    if not rebuilt:
        return out
    aside = {("signature type", *key): (_SET_ASIDE, *key) for key in rebuilt.values()}
    done = []
    for i, d in enumerate(out):
        if i in rebuilt:
            key = rebuilt[i]
            d = Deps(d.makes, (d.removes - {("signature type", *key)}) | {(_SET_ASIDE, *key)},
                     d.needs | {("type", *key)}, d.frees)
        elif d.frees & aside.keys():
            d = Deps(d.makes, d.removes, d.needs, d.frees | {aside[k] for k in d.frees & aside.keys()})
        done.append(d)
    return done


def after_renames(changes: list[Change], out: list[Deps]) -> list[Deps]:
    """`out` once what names a moved type by its new name waits for its rename (the keys the rename makes that a
    change's old form refers to, freed, become needs): for the rename alone, through a key only it makes, not for what
    makes the type's key again after it (its re-creation, set aside under the new name, or an in-place ALTER DOMAIN):
    a function returning a renamed domain made again over one made again, dropped, then waited for that re-creation,
    which follows the set-aside of the type its signature names ('cannot drop type ... function f_d(dpos__schemac_old)
    depends on')."""
    moved = frozenset(k for c, d in zip(changes, out) if c.kind == "rename_type" for k in d.makes)
    if not moved:
        return out
    return [Deps(d.makes | {(_RENAMED, *k) for k in d.makes}, d.removes, d.needs, d.frees) if c.kind == "rename_type"
            else Deps(d.makes, d.removes, d.needs | {(_RENAMED, *k) for k in d.frees & moved}, d.frees - moved)
            for c, d in zip(changes, out)]


def renamed_views_dropped(changes: list[Change], out: list[Deps]) -> list[Deps]:
    """`out` once the DROP of a view `renamed_from:` renames and the plan makes again (dropped under its old name, not
    renamed first) also removes its keys under the new name: what read it is compared under that name (a policy of
    another table, a view), so what drops such a reader frees the new name's keys and must run before this DROP
    ('cannot drop view v1 because other objects depend on it ... policy p on table t2 depends on view v1')."""
    made = [c.new for c in changes if c.kind in ("add_view", "replace_view") and getattr(c.new, "renamed_from", None)]
    if not made:
        return out
    to: dict[tuple[str, str], tuple[str, str]] = {}  # (schema, old name) -> (schema, new name)
    for v in made:
        schema, dot, name = v.renamed_from.rpartition(".")  # type: ignore[union-attr]
        for was in [(v.schema, v.renamed_from)] + ([(schema, name)] if dot and schema else []):  # type: ignore
            to[was] = (v.schema, v.name)  # type: ignore[union-attr]
    done = []
    for c, d in zip(changes, out):
        old = c.old
        if c.kind == "drop_view" and c.cause != STUB and (old.schema, old.name) in to:  # type: ignore[union-attr]
            schema, name = to[(old.schema, old.name)]  # type: ignore[union-attr]
            d = Deps(d.makes, d.removes | own_keys(None, replace(old, schema=schema, name=name)), d.needs, d.frees)
        done.append(d)
    return done


def members_after_table_renames(changes: list[Change], out: list[Deps]) -> list[Deps]:
    """`out` once what changes a table renamed onto a name the plan frees (a stand-in view of it dropped: Windmill's
    v2_job_queue renamed back to queue) waits for its RENAME TO: its columns, constraints, indexes, policies are
    written under the new name (ALTER TABLE queue DROP COLUMN status), but their DROPs free that name's table and
    column keys, which the view's DROP removes, so they ran before it, before the rename ('ALTER action DROP COLUMN
    cannot be performed on relation "queue" ... not supported for views'). What the dropped relation removes, and what
    the other changes free under that name (the view's readers, dropped before it), is set apart from the table's."""
    into = {(c.new.schema, c.new.name) for c in changes if c.kind == "rename_table" and  # type: ignore[union-attr]
            (c.old.schema, c.old.name) != (c.new.schema, c.new.name)}  # type: ignore[union-attr]
    if into:  # (onto a name another change's DROP frees, alone: not every rename's readers are a dropped one's)
        into &= {k[1:3] for c, d in zip(changes, out) if c.kind != "rename_table" for k in d.removes if k[0] == "relation"}
    if not into:
        return out
    gone = lambda keys: {k for k in keys if k[0] in ("table", "column") and k[1:3] in into}  # noqa: E731
    done = []
    for c, d in zip(changes, out):
        if c.kind == "rename_table":
            pass
        elif (c.schema, c.table) in into:  # the renamed table's own: after its rename
            d = Deps(d.makes, d.removes, d.needs | {("table", c.schema, c.table)}, d.frees)
        elif gone(d.removes) or gone(d.frees):  # the relation it replaces, and what read that one
            aside = lambda keys: (keys - gone(keys)) | {(_REPLACED, *k) for k in gone(keys)}  # noqa: E731
            d = Deps(d.makes, aside(d.removes), d.needs, aside(d.frees))
        done.append(d)
    return done
