"""Tables compared: columns, constraints (matched by name or by definition), indexes, partitioning,
comments and renames; triggers in compare.table_triggers, what keys and indexes stand on in compare.key_parts.
"""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Iterable, Optional

from schemac.compare.changes import ENUM_REBUILT, GENERATED_REBUILT, Change
from schemac.compare.rules import diff_rules
from schemac.compare.shortcut import unchanged
from schemac.compare.statistics import diff_statistics
from schemac.compare.column_renames import applied_column_renames, renamed_along
from schemac.compare.key_parts import (_columns, _constraints, _expressions, _rebuilt_from_deparse, _recollated,
                                       comments_again, index_comment_of_key)
from schemac.compare.keys_over_indexes import keys_over_indexes
from schemac.compare.new_row_triggers import dropped_for_triggers
from schemac.compare.index_swaps import same_index, swapped_indexes
from schemac.compare.cast_types import casts_moved, index_casts_moved
from schemac.compare.normalize import same_cast_default
from schemac.compare.not_nulls import not_null_changes
from schemac.compare.policies import generation_changed
from schemac.compare.partitioning import partition_of_key, same_partitioning
from schemac.compare.table_triggers import _renamed_alike, trigger_changes
from schemac.model import (Check, Column, Exclusion, ForeignKey, expression_dropped, expression_set_in_place,
                           INDEXED_KEY_TYPES, Index, Table)
from schemac.pg.column_storage import DEFAULT_SETTINGS, column_settings, has_settings
from schemac.compare.foreign_servers import foreign_table_changes
from schemac.pg.lazy import lazy
from schemac.pg.names import constraint_name
from schemac.pg.types import type_name
from schemac.compare.definition_keys import (_match_constraints, _same_constraint, constraint_key, default_name_given,
                                             default_name_held, enforced_only, index_signature, same_key_values,
                                             parameter_values, parameters_changed, renamed_key)

referenced_columns = lazy("schemac.pg.expressions", "referenced_columns")


def diff_table(cur: Table, des: Table, rebuilt: frozenset = frozenset(), tail: frozenset = frozenset()) -> list[Change]:
    """`rebuilt`: the (schema, name) of enums re-created under their columns (ENUM_REBUILT); `tail`: the generated
    columns a partitioned table and its partitions drop and add again (compare.tails_for_triggers)."""
    if tail:
        return compared_table(cur, des, rebuilt, tail)
    if unchanged(cur, des, rebuilt):
        return []
    changes = compared_table(cur, des, rebuilt)
    again = dropped_for_triggers(changes, cur, des)  # (generated columns a new BEFORE trigger cannot stand beside)
    return compared_table(cur, des, rebuilt, again) if again else changes


def compared_table(cur: Table, des: Table, rebuilt: frozenset = frozenset(), again: frozenset = frozenset()) -> list[Change]:
    """diff_table, walked; `again`: generated columns dropped and added again as they are (GENERATED_REBUILT)."""
    changes: list[Change] = []

    def ch(kind: str, name: Optional[str] = None, old: object = None, new: object = None,
           cause: Optional[str] = None, **more) -> None:
        changes.append(Change(kind, des.schema, des.name, name, old, new, des, cause, **more))

    def added(kind: str, name: Optional[str], obj, comment_kind: str) -> None:
        """A new column, constraint or index; its comment, which the ADD cannot carry, follows."""
        ch(kind, name, None, obj)
        if obj.comment:
            ch(comment_kind, name, None, obj, "comment of a new object")

    def recreated(old, new) -> None:
        """Comments go with a dropped object: the one created again gets them back."""
        comments_again(old, new, ch)

    cur = applied_column_renames(cur, des, ch)
    cur_cols = {c.name: c for c in cur.columns}
    des_cols = {c.name: c for c in des.columns}
    retyped_names = {n for n, c in des_cols.items() if n in cur_cols and (
        (cur_cols[n].type, cur_cols[n].collation) != (c.type, c.collation) or type_name(c.type) in rebuilt)}
    for name, col in des_cols.items():
        old = cur_cols.get(name)
        if old is None:
            added("add_column", name, col, "set_column_comment")
            if has_settings(col):
                ch("set_column_settings", name, None, col, "settings of a new object")
            continue
        if old == col and not (col.generated and retyped_names) and not (rebuilt and type_name(col.type) in rebuilt) \
                and name not in again:
            # Every compared field the same (the common case: most columns of a table in sync): none of the
            # checks below can find a change, except those that depend on the other columns, excluded here.
            continue
        if name in again or old.generated and col.generated and (referenced_columns(old.generated) & retyped_names):
            # Postgres refuses to retype a column a generated column reads: dropped before, added after,
            # with its own new type, NOT NULL and settings (no ALTER of it in between: it is not there). One renamed
            # (not in a swap) is dropped under its old name in place of the RENAME, which a DROP under the new name
            # would come before. So too one `again` (compare.new_row_triggers).
            renamed = next((c for c in changes if c.kind == "rename_column" and c.name == name and
                            c.old.name not in des_cols), None)  # type: ignore[union-attr]
            if renamed is not None:
                changes.remove(renamed)
            ch("drop_column", renamed.old.name if renamed else name, renamed.old if renamed else old, None,  # type: ignore[union-attr]
               GENERATED_REBUILT)
            ch("add_column", name, None, col, GENERATED_REBUILT)
            if col.comment:
                ch("set_column_comment", name, None, col, GENERATED_REBUILT)
            if has_settings(col):
                ch("set_column_settings", name, None, col, GENERATED_REBUILT)
            continue
        retyped = old.type != col.type or old.collation != col.collation
        # A generation expression changed: the column is dropped and added again as schema.yaml has it (plan.planner),
        # its type and settings with it; ALTER TYPE would rewrite the table for a column about to go.
        regenerates = generation_changed(old, col) and not expression_dropped(old, col)
        if not retyped and type_name(col.type) in rebuilt and not regenerates:
            ch("alter_column_type", name, old, col, ENUM_REBUILT)
            retyped = True
        elif retyped and not regenerates:
            ch("alter_column_type", name, old, col)
        own = not (des.inherits or des.partition_of)
        for kind, was, will, why in not_null_changes(cur.name, old, col, own):
            ch(kind, name, was, will, why)
        default_changed = not same_cast_default(old.default, col.default, col.type) or \
            (old.binds != col.binds and col.default is not None)  # (compare.expression_binds)
        if retyped and old.default is not None:
            # The old default would be cast to the new type during ALTER TYPE (and may not cast):
            # drop it first, set the desired one after.
            real_drop = default_changed and col.default is None
            ch("drop_default", name, old, replace(col, default=None), None if real_drop else "retype")
            if col.default is not None:
                ch("set_default", name, old, col, None if default_changed else "retype")
        elif default_changed:
            ch("drop_default" if col.default is None else "set_default", name, old, col)
        if (old.comment or None) != (col.comment or None):
            ch("set_column_comment", name, old, col)
        elif regenerates and col.comment:  # (the DROP took it)
            ch("set_column_comment", name, None, col, GENERATED_REBUILT)
        was = replace(old, storage=None, compression=None) if retyped else old  # ALTER TYPE resets these two
        if regenerates:
            if has_settings(col) or expression_set_in_place(old, col) and has_settings(old):
                # (set on the column added again, which has none; kept by 17+'s SET EXPRESSION: set back too)
                ch("set_column_settings", name, _settings_either_way(old, col), col, GENERATED_REBUILT)
        elif column_settings(was) != column_settings(col):
            ch("set_column_settings", name, was, col)
        if old.identity != col.identity:
            # Dropping an identity runs before DROP NOT NULL (Postgres refuses that on an identity column).
            ch("drop_identity" if col.identity is None else "alter_identity", name, old, col)
        if generation_changed(old, col):
            ch("alter_generated", name, old, col)
    for name, col in cur_cols.items():
        if name not in des_cols:
            ch("drop_column", name, col, None)

    # Checks and expression indexes over a retyped column may not make sense for the new type while
    # ALTER TYPE rebuilds them: replace them around the type change.
    retyped = {n for n, c in des_cols.items() if n in cur_cols and (cur_cols[n].type != c.type
                                                                   or type_name(c.type) in rebuilt)}

    # Generated columns dropped and added again (their expression changed, or a column it reads is
    # retyped): the indexes and CHECKs on them go with the DROP, so they are made again after the ADD.
    regenerated = {c.name for c in changes if c.cause == GENERATED_REBUILT or (
        c.kind == "alter_generated" and not expression_dropped(c.old, c.new))}  # type: ignore[arg-type]

    touched = retyped | regenerated
    recollated = {n for n, c in des_cols.items() if n in cur_cols and cur_cols[n].collation != c.collation}

    def over_retyped(*exprs: Optional[str], columns: Iterable[Optional[str]] = ()) -> bool:
        if not touched:  # the common case: nothing to parse an expression for
            return False
        return bool(set(columns) & regenerated) or any(e and referenced_columns(e) & touched for e in exprs)

    for old_c, new_c in _match_constraints(_constraints(cur), _constraints(des), cur):
        fk = isinstance(new_c if new_c is not None else old_c, ForeignKey)
        add = "add_foreign_key" if fk else "add_constraint"
        if old_c is not None and new_c is not None and renamed_key(old_c, new_c):
            over = () if isinstance(old_c, Check) else _columns(old_c)
            if set(over) & touched or over_retyped(getattr(old_c, "expression", None), *_expressions(old_c)):
                # (over a column retyped or made again: dropped under its old name, added under its new one)
                ch("drop_foreign_key" if fk else "drop_constraint", old_c.name, old_c, None)
                old_c = None
            else:
                ch("rename_constraint", new_c.name, old_c, new_c)
                old_c = replace(old_c, name=new_c.name)  # (what follows names it so)
        if old_c is None:
            added(add, new_c.name, new_c, "set_constraint_comment")  # type: ignore[union-attr]
            if index_comment_of_key(new_c):
                ch("set_index_comment", None, None, new_c, "comment of a new object")
        elif new_c is None:
            ch("drop_foreign_key" if isinstance(old_c, ForeignKey) else "drop_constraint", old_c.name, old_c, None,
               name_held=default_name_held(cur, old_c))
        elif not (_same_constraint(old_c, new_c) or enforced_only(old_c, new_c)) or type(old_c) is not type(new_c) or \
                isinstance(old_c, Exclusion) and not same_key_values(old_c, new_c) or \
                (getattr(new_c, "not_valid", False) and not getattr(old_c, "not_valid", False)) or \
                not getattr(old_c, "valid", True) or \
                isinstance(old_c, Check) and isinstance(new_c, Check) and casts_moved(old_c.expression, new_c.expression):
            # (A key's index INVALID, made ON ONLY: rebuilt, as an index; a CHECK casting through another user type.)
            # (Validated, but declared NOT VALID: only re-adding it NOT VALID says so: no scan, brief lock.)
            ch("drop_foreign_key" if fk else "drop_constraint", old_c.name, old_c, new_c,
               name_held=default_name_held(cur, old_c))
            ch(add, new_c.name, old_c, new_c)
            recreated(old_c, new_c)
        elif isinstance(old_c, Check) and over_retyped(old_c.expression) or \
                (regenerated and not isinstance(old_c, Check)
                 and over_retyped(*_expressions(old_c), columns=_columns(old_c))) \
                or isinstance(old_c, Exclusion) and (_rebuilt_from_deparse(old_c, retyped) or over_retyped(
                    *_expressions(old_c)) or _recollated(new_c, recollated)):
            # (A key, EXCLUDE or foreign key on a column dropped and added again goes with the DROP COLUMN:
            # and a foreign key standing on the key refuses it, compare.rebuilt_keys' KEY_REBUILT.)
            ch("drop_foreign_key" if fk else "drop_constraint", old_c.name, old_c, new_c, "retype",
               name_held=default_name_held(cur, old_c))
            ch(add, new_c.name, old_c, new_c, "retype")
            recreated(old_c, new_c)
        else:
            if (given := default_name_given(des, old_c, new_c)) is not None:
                ch("rename_constraint", given, old_c, new_c)
                old_c = replace(old_c, name=None)  # (what follows names it so)
            if enforced_only(old_c, new_c):
                ch("enforce_foreign_key", old_c.name, old_c, new_c, name_held=default_name_held(cur, old_c))
            elif getattr(old_c, "not_valid", False) and not getattr(new_c, "not_valid", False):
                ch("validate_constraint", old_c.name, old_c, new_c, name_held=default_name_held(cur, old_c))
            if (old_c.comment or None) != (new_c.comment or None):
                ch("set_constraint_comment", old_c.name, old_c, new_c, name_held=default_name_held(cur, old_c))
            if index_comment_of_key(old_c) != index_comment_of_key(new_c):
                ch("set_index_comment", None, old_c, new_c, name_held=default_name_held(cur, old_c))

    cur_idx = {i.name: i for i in cur.indexes}
    des_idx = {i.name: i for i in des.indexes}
    for name, idx in des_idx.items():
        old_name = idx.renamed_from
        if old_name and old_name in cur_idx and name not in cur_idx:
            ch("rename_index", name, cur_idx[old_name], idx)
            cur_idx[name] = replace(cur_idx.pop(old_name), name=name)
    same = lambda old, idx: not idx.renamed_from and same_index(old, idx) and not over_retyped(  # noqa: E731
        old.where, *(e.expression for e in old.elements), columns=[e.column for e in old.elements] + list(old.include))
    _renamed_alike(cur_idx, swapped_indexes(cur_idx, des_idx, ch, same), "index", ch, same)  # (a swap: index_swaps)
    for name, idx in des_idx.items():
        old_i = cur_idx.get(name)
        if old_i is None:
            added("add_index", name, idx, "set_index_comment")
        elif index_signature(old_i) != index_signature(idx) or not same_key_values(old_i, idx) or \
                index_casts_moved(old_i, idx) or not old_i.valid or (  # an invalid one is rebuilt
                cur.partition_by is not None and parameter_values(old_i) != parameter_values(idx)):
            # (a partitioned table's: Postgres refuses ALTER INDEX ... SET / RESET on a partitioned index)
            ch("drop_index", name, old_i, idx)
            ch("add_index", name, old_i, idx)
            if idx.comment and idx.comment == old_i.comment:
                recreated(old_i, idx)
        elif over_retyped(old_i.where, *(e.expression for e in old_i.elements),
                          columns=[e.column for e in old_i.elements] + list(old_i.include)) or \
                _rebuilt_from_deparse(old_i, retyped) or _recollated(idx, recollated):
            ch("drop_index", name, old_i, idx, "retype")
            ch("add_index", name, old_i, idx, "retype")
            if idx.comment and idx.comment == old_i.comment:
                recreated(old_i, idx)
        elif parameters_changed(old_i, idx):
            ch("set_index_parameters", name, old_i, idx)
        if old_i is not None and (old_i.comment or None) != (idx.comment or None):
            ch("set_index_comment", name, old_i, idx)
    for name, idx in cur_idx.items():
        if name not in des_idx:
            ch("drop_index", name, idx, None)
    changes[:] = keys_over_indexes(renamed_along(changes, des), cur, des)  # (plan.table_renames; USING INDEX)

    if not same_partitioning(cur, des):
        ch("alter_partitioning", None, cur, des)
    if partition_of_key(cur) != partition_of_key(des):
        if cur.partition_of is not None:
            ch("detach_partition", None, cur, des)
        if des.partition_of is not None:
            ch("attach_partition", None, cur, des)

    for parent in des.inherits:
        if parent not in cur.inherits:
            ch("add_inherit", f"{parent.schema}.{parent.name}", None, parent)
    for parent in cur.inherits:
        if parent not in des.inherits:
            ch("drop_inherit", f"{parent.schema}.{parent.name}", parent, None)

    trigger_changes(cur, des, ch, added, over_retyped, retyped)

    diff_rules(cur, des, ch)
    diff_statistics(cur, des, ch, frozenset(regenerated), frozenset(retyped_names))
    if cur.unlogged != des.unlogged:
        ch("set_logging", None, cur, des)
    def remade(index: str) -> bool:
        """Whether the index of that name, or the key's (by the name Postgres gave it: a_pkey), is dropped here (or
        another index renamed to it: compare.index_swaps)."""
        return any(c.kind in ("drop_index", "rename_index") and c.name == index or c.kind == "drop_constraint"
                   and isinstance(c.old, INDEXED_KEY_TYPES) and constraint_name(cur, c.old) == index for c in changes)

    if cur.cluster_on != des.cluster_on or (des.cluster_on and remade(des.cluster_on)):  # made again: marked again
        ch("set_cluster_on", None, cur, des)
    ri = des.replica_identity_index
    if (cur.replica_identity, cur.replica_identity_index) != (des.replica_identity, ri) or (ri and remade(ri)):
        ch("set_replica_identity", None, cur, des)  # (made again: set again)
    if parameters_changed(cur, des):
        ch("set_table_parameters", None, cur, des)
    if (cur.comment or None) != (des.comment or None):
        ch("set_table_comment", None, cur, des)
    if cur.row_type_comment != des.row_type_comment:  # COMMENT ON TYPE table
        ch("set_row_type_comment", None, cur, des)
    foreign_table_changes(cur, des, ch)
    return changes


def _settings_either_way(old: Column, new: Column) -> Optional[Column]:
    """What a regenerated column's settings are taken to be before they are set to `new`'s (None: a column just
    added, with none). A column whose expression the migration sets in place (plan.generated_ddl: 17+) keeps
    `old`'s, one dropped and added (before 17) has none: a setting of either that `new` lacks is set back, and
    each of `new`'s is set, whatever the server (every statement sets a value, not a difference)."""
    if not expression_set_in_place(old, new):
        return None
    keep = {f: getattr(old, f) if getattr(old, f) != getattr(new, f) else v for f, v in DEFAULT_SETTINGS.items()}
    keep["options"] = tuple(o for o in old.options if o not in new.options)
    return replace(old, **keep)
