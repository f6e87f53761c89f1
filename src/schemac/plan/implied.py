"""What one change implies for another's place in the plan, beyond the edges of each change alone
(:mod:`schemac.plan.dependencies`): a dropped table or column takes along the sequences it owns; an
EXCLUDE constraint waits for the extensions the plan creates."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.model import Exclusion
from schemac.plan.attribute_order import with_attributes
from schemac.plan.operator_links import one_way_links_last
from schemac.plan.overload_order import overloads_first, readers_after_dropped_overloads
from schemac.plan.dependencies import Deps, deps
from schemac.plan.detour_order import detoured_around
from schemac.plan.fill_order import replaced_triggers_first
from schemac.plan.filled_reads import owners_after_fills
from schemac.plan.member_dependencies import attached_beside
from schemac.plan.populate import EMPTIED, LAST, after_the_rest, refreshed_before, standing_on
from schemac.plan.privilege_order import CREATED as _CREATED
from schemac.plan.renamed_rebuilds import after_renames, members_after_table_renames, renamed_then_rebuilt, \
    renamed_views_dropped
from schemac.plan.row_type_order import row_type_freed

_EARLY = ("created", "early")  # made by every CREATE but a LAST materialized view's and those on it (plan.populate)


def plan_deps(changes: list[Change]) -> list[Deps]:
    """deps() of each change, and what one change implies for another: a dropped table or column takes
    along the sequences it owns (OWNED BY), so it removes them too (after whatever still uses them)."""
    out = with_attributes(changes, [deps(c) for c in changes])  # around composite types' attributes changed
    out = row_type_freed(changes, out)  # a column retyped away from a table's row type before the table's retypes
    out = overloads_first(changes, out)  # a SQL-standard body calling another overload of its name: after it
    out = readers_after_dropped_overloads(changes, out)  # what calls a name an overload of which is dropped: after it
    out = one_way_links_last(changes, out)  # an operator another names one way only: after that one
    out = replaced_triggers_first(changes, out)  # a trigger firing on UPDATE replaced before the table's backfill
    out = attached_beside(changes, out)  # a copy of a partition's own index beside its copy: after the root's
    out = detoured_around(changes, out)  # a domain's ALTER between its holders' retypes to text and back
    owned: dict[tuple, set] = {}
    owned_by_column: dict[tuple, set] = {}
    for c in changes:
        seq = c.old
        if c.kind == "drop_sequence" and getattr(seq, "owned_by", None):
            table = seq.owned_by.rpartition(".")[0]  # type: ignore[union-attr]
            owned.setdefault((c.schema, table), set()).add(("sequence", c.schema, seq.name))  # type: ignore
            owned_by_column.setdefault((c.schema, seq.owned_by), set()).add(("sequence", c.schema, seq.name))  # type: ignore
    # An operator class or operator an EXCLUDE uses may come from an extension (btree_gist's, for `=` on a
    # scalar under gist): added after the extensions this plan creates, dropped before those it drops.
    added_ext = frozenset(("extension", c.new.name) for c in changes if c.kind == "add_extension")  # type: ignore
    dropped_ext = frozenset(("extension", c.old.name) for c in changes if c.kind == "drop_extension")  # type: ignore
    for i, c in enumerate(changes):
        if c.kind == "add_constraint" and isinstance(c.new, Exclusion):
            d = out[i]
            out[i] = Deps(d.makes, d.removes, d.needs | added_ext, d.frees)
        elif c.kind == "drop_constraint" and isinstance(c.old, Exclusion) and not isinstance(c.new, Exclusion):
            d = out[i]
            out[i] = Deps(d.makes, d.removes, d.needs, d.frees | dropped_ext)
    # A table or sequence renamed (or moved) keeps its OID, a column renamed its attnum: what read it under its old
    # name reads it under the new one, so what changes a reader (CREATE OR REPLACE VIEW or FUNCTION, SET DEFAULT) need
    # not run before the rename, and one naming the new name (a SQL-standard body, parsed at CREATE) must run after. But
    # a retype's USING naming a column by its old name (a "column name" key: plan.member_dependencies) runs before.
    # So does a key's index renamed, which a standard body's ON CONFLICT ON CONSTRAINT holds (plan.keys).
    renamed = frozenset(k for c, d in zip(changes, out) if _renames(c) for k in d.removes if k[0] != "column name")
    keys = frozenset(k for c, d in zip(changes, out) if c.kind == "rename_constraint" for k in d.removes)
    if renamed or keys:
        out = [Deps(d.makes, d.removes, d.needs, d.frees - renamed - (keys if c.kind == "alter_function" else set()))
               if not _renames(c) else d for c, d in zip(changes, out)]
    # A type moved or renamed: what the current model names by its new name (a function dropped, its signature) is so
    # named only once it is there (compare.type_moves).
    out = renamed_then_rebuilt(changes, out)  # a type renamed and re-created: the rename, then the re-creation
    out = after_renames(changes, out)
    out = renamed_views_dropped(changes, out)  # a view renamed and made again: its DROP after its readers' (new name)
    out = members_after_table_renames(changes, out)  # a renamed table's member changes after its RENAME TO
    for i, c in enumerate(changes):
        if c.kind == "drop_table" and (c.schema, c.table) in owned:
            d = out[i]
            out[i] = Deps(d.makes, d.removes | owned[(c.schema, c.table)], d.needs, d.frees)
        elif c.kind == "drop_column" and (c.schema, f"{c.table}.{c.name}") in owned_by_column:
            d = out[i]
            out[i] = Deps(d.makes, d.removes | owned_by_column[(c.schema, f"{c.table}.{c.name}")], d.needs, d.frees)
    # A materialized view populated last (plan.populate): after every CREATE, after the others of the kind it reads,
    # and before its ALTER ... OWNER TO (REFRESH runs its query as the owner, which need not read what it reads).
    # A LAST one (made whole) is a CREATE itself: after the others (_EARLY), not each other nor what stands on it.
    refreshed = refreshed_before(changes)
    last = {i for i in refreshed if changes[i].cause == LAST}
    if last:
        on = standing_on(last, out)
        out = [Deps(d.makes | {_EARLY}, d.removes, d.needs, d.frees) if _CREATED in d.makes and i not in on else d
               for i, d in enumerate(out)]
    for i, needs in refreshed.items():
        d = out[i]
        out[i] = Deps(d.makes | {("populated", changes[i].schema, changes[i].name)}, d.removes,
                      d.needs | needs | ({_EARLY} if last else {_CREATED}), d.frees)
    populated = {("populated", changes[i].schema, changes[i].name) for i in refreshed}
    # One populated for the materialized views reading it (plan.populate.EMPTIED): emptied after every CREATE and every
    # such refresh, and before its ALTER ... OWNER TO (REFRESH is its owner's).
    emptied = [i for i, c in enumerate(changes) if c.kind == "refresh_view" and c.cause == EMPTIED]
    for i in emptied:
        d = out[i]
        out[i] = Deps(d.makes | {("populated", changes[i].schema, changes[i].name)}, d.removes,
                      d.needs | populated | {_CREATED}, d.frees)
    populated |= {("populated", changes[i].schema, changes[i].name) for i in emptied}
    out = owners_after_fills(changes, out)  # a view's new owner after the materialized views filled over it
    for i, c in enumerate(changes if populated else ()):
        if c.kind == "set_owner":
            before = {("populated", *k[1:3]) for k in c.new.keys() if k[0] == "table"} & populated  # type: ignore
            if before:
                d = out[i]
                out[i] = Deps(d.makes, d.removes, d.needs | before, d.frees)
    return after_the_rest(last, out) if last else out


def _renames(c: Change) -> bool:
    return c.kind in ("rename_table", "rename_view", "rename_column", "rename_view_column") or (c.kind == "alter_sequence" and  # type: ignore[union-attr]
                                        (c.old.schema, c.old.name) != (c.new.schema, c.new.name))  # type: ignore
