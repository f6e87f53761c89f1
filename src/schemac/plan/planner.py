"""The planner: Changes -> sqlglot statements, in the order of their dependency graph (plan.graph)."""

from __future__ import annotations

from typing import Iterator

from sqlglot import exp

from schemac.compare.changes import FOR_CHILD, INHERITED, OWN_AGAIN, Change
from schemac.model import Table, expression_dropped, index_comment
from schemac.model.triggers import replaced_in_place
from schemac.compare.unique_pk_copies import TAKEN_ALONG
from schemac.pg.dialect import RENDER
from schemac.pg.idents import ident, schema_part
from schemac.pg.names import constraint_name, qualified, quote_ident
from schemac.pg.types import type_name
from schemac.plan import ddl, inherit_ddl, printing, routine_ddl, rule_ddl, scratch_retype_ddl, statistics_ddl
from schemac.plan.column_changes import COLUMN_KINDS, column_statements, key_retype_refused
from schemac.plan.ddl import alter_table as _alter
from schemac.compare.default_rows import REFERENCED_PARTITION
from schemac.plan.default_rows_ddl import key_again, key_off, moved_around, put_back
from schemac.plan.grants import grant_statements
from schemac.plan.objects import PlanError, first_statements, object_statements
from schemac.plan.policies import policy_statements
from schemac.plan.renumbering_ddl import renumbered_copies
from schemac.plan.storage_ddl import alter_parameters
from schemac.plan.generated_ddl import regenerated, regenerated_together
from schemac.plan.partitioning_refusals import logging_refused, partitioning_refused
from schemac.plan.partition_index_ddl import (copy_settings, own_comments_again, add_partition_key, attach_partition,
                                             detach_partition, copies_named, add_partition_index, drop_partition_index,
                                             drop_partition_key, is_partition_key)
from schemac.plan.column_ddl import (column_settings_statements, index_statistics, virtual_made_plain,
                                     virtual_values_kept)
from schemac.plan.not_null_ddl import inherited_not_null_comments, not_valid_statements
from schemac.plan.table_renames import defaults_after_rename, given_default_name, named_renamed, renamed_table
from schemac.plan.held_names import held_key_comment, held_key_drop, held_key_statement
from schemac.plan.identity_ddl import (alter_column, alter_identity, kept_before_detach, kept_before_move,
                                       past_attached_rows)
from schemac.plan.graph import ordered
from schemac.plan.views import bound_aside, view_statements
from schemac.plan.transition_triggers import dropped_for_joining
from schemac.plan.preamble import expression_marks, preamble, widened
from schemac.plan.maintenance_path import lent
from schemac.plan.sql_strings import comment_value, visible_sql


# CREATE / DROP / ALTER STATISTICS and their comments (plan/statistics_ddl.py), each one statement.
_STATISTICS = {
    "add_statistics": lambda t, s: [statistics_ddl.create_statistics(t, s)]
    + ([statistics_ddl.statistics_target(t, s)] if s.target is not None else []),
    "drop_statistics": lambda t, s: [statistics_ddl.drop_statistics(t, s)],
    "alter_statistics": lambda t, s: [statistics_ddl.statistics_target(t, s)],
    "set_statistics_comment": lambda t, s: [statistics_ddl.statistics_comment(t, s)],
    "set_statistics_owner": lambda t, s: [statistics_ddl.statistics_owner(t, s)],
}

def _index_ref(table: Table, name: str) -> exp.Table:
    return exp.Table(this=ident(name), db=schema_part(table.schema, name))


def statements_for(change: Change) -> list[exp.Expression]:
    """The change's statements; one whose deparsed text calls an `=` it cannot name (plan.preamble.widened) runs
    with the schemas holding an `=` on the search_path: a view's, a trigger's, a policy's, a SQL-standard
    function body's (a PL/pgSQL or quoted SQL body is read when called, under its own or the caller's path)."""
    made = _statements_for(change) + renumbered_copies(change)  # (copies numbered past a dropped one's: renamed)
    if change.kind in _ROUTINES and not getattr(change.new, "standard_body", False):
        return made
    trees, calls = expression_marks(change.new, change)
    return lent(change, widened(made, lambda s: str(s.expression or "") if isinstance(s, exp.Command)
                                else render_sql([s]) if trees else "", change if calls else None))


_ROUTINES = frozenset({"add_function", "alter_function", "drop_function"})


def _statements_for(change: Change) -> list[exp.Expression]:
    if change.cause == INHERITED:  # (made by the parent's statement; its indexes' comments given back after it)
        if change.kind == "drop_not_null":  # (on 18 a child's own NOT NULL merged with the parent's, conislocal, outlives
            # the parent's DROP NOT NULL, which schema.yaml does not tell: dropped after it, a no-op where it went along)
            return [_alter(change.table_def, exp.AlterColumn(this=ident(change.name), drop=True, allow_null=True))]  # type: ignore
        retyped = change.kind == "alter_column_type"
        if retyped:  # (a sub-partitioned partition's own key: the parent's ALTER refused there)
            key_retype_refused(change)
        return own_comments_again(change.table_def, change.name) if retyped else \
            defaults_after_rename(change) if change.kind == "rename_column" else []  # type: ignore[arg-type]  (its own keys)
    if change.through:  # one parent's retype through a scratch parent, for all (compare.scratch_retypes)
        return scratch_retype_ddl.scratch_retype(change, _statements_for)
    objects = first_statements((object_statements, view_statements, policy_statements, grant_statements, ddl.key_using_index), change)
    if objects is not None:
        return objects
    t = change.table_def
    assert t is not None or change.kind in ("add_schema", "drop_schema")
    k = change.kind
    if k == "add_schema":
        return [ddl.create_schema(change.schema)]
    if k == "drop_schema" and change.schema == "public":
        return [drop_public()]
    if k == "drop_schema":  # never CASCADE: a schema still holding objects schemac does not manage stays
        return [ddl.command("DROP", "SCHEMA IF EXISTS", quote_ident(change.schema))]
    if k == "rename_table":  # moved to another schema (its indexes, constraints, owned sequences along), renamed
        return renamed_table(change.old, t)  # type: ignore[arg-type]
    if k == "rename_column":
        return [_alter(t, exp.RenameColumn(this=exp.Column(this=ident(change.old.name)),  # type: ignore
                                           to=exp.Column(this=ident(change.name)))),  # type: ignore[arg-type]
                *defaults_after_rename(change)]
    if k == "rename_index":
        return [exp.Alter(this=_index_ref(t, change.old.name), kind="INDEX",  # type: ignore
                          actions=[exp.AlterRename(this=exp.Table(this=ident(change.name)))])]  # type: ignore
    if k == "rename_constraint" and change.new.name is not None:  # type: ignore[union-attr]  (named otherwise)
        return named_renamed(t, change.old, change.name)  # type: ignore[arg-type]
    if k == "rename_constraint":  # schema.yaml leaves it unnamed now: Postgres's name for it
        return given_default_name(t, change.old, change.name)  # type: ignore[arg-type]
    if k == "add_table" and t.partition_of is not None:  # type: ignore[union-attr]
        return moved_around(change, [ddl.create_partition(t)])  # type: ignore[arg-type]  (a kept default's rows)
    if k == "add_table":
        caches = [ddl.identity_cache(t, c) for c in t.columns]  # type: ignore[union-attr]
        made = inherit_ddl.create_through_scratch(t) if inherit_ddl.through_scratch(t) else [ddl.create_table(t)]  # type: ignore
        return made + inherit_ddl.defaults_dropped(t) + [c for c in caches if c is not None] + \
            not_valid_statements(t, ddl.own_columns(t)) + inherited_not_null_comments(t)  # type: ignore[arg-type]
    if k in ("add_rule", "alter_rule"):
        made = rule_ddl.create_rule(t, change.new, replace=k == "alter_rule")  # type: ignore[arg-type]
        was = change.old.enabled if k == "alter_rule" else "origin"  # type: ignore[union-attr]
        return [made] if change.new.enabled == was else [made, rule_ddl.rule_state(t, change.new)]  # type: ignore
    if k == "drop_rule":
        return [rule_ddl.drop_rule(t, change.old)]  # type: ignore[arg-type]
    if k == "set_rule_comment":
        return [rule_ddl.rule_comment(t, change.new)]  # type: ignore[arg-type]
    if k in _STATISTICS:
        return _STATISTICS[k](t, change.old if k == "drop_statistics" else change.new)  # type: ignore[arg-type]
    if k in ("set_of", "drop_of"):  # a typed table (CREATE TABLE ... OF type), made as pg_dump --binary-upgrade does
        return [ddl.command("ALTER", "TABLE", qualified(t.schema, t.name), "OF" if k == "set_of" else "NOT OF",  # type: ignore[union-attr]
                            qualified(*type_name(change.name)) if k == "set_of" else "")]  # type: ignore[arg-type]
    if k in ("add_inherit", "drop_inherit"):
        return inherit_ddl.inherit_statements(change)
    if k == "attach_partition":
        return moved_around(change, [attach_partition(change.new),  # type: ignore[arg-type]
                                     *past_attached_rows(change.new)])  # type: ignore[arg-type]
    if k == "put_back_rows":  # (taken out of a kept default partition by the partition's change: compare.default_rows)
        return put_back(change)
    if k == "detach_partition":  # (the foreign keys it keeps from the parent: renamed after it by their
        # rename_constraint, compare.partition_copies, AFTER_DETACH)
        kept = kept_before_detach(change.old, change.new) + kept_before_move(change.old, change.new) \
            if isinstance(change.new, Table) else []  # type: ignore
        return copies_named(change.old, change.adopted_copies) + kept + [detach_partition(change.old)]
    if k == "set_logging" and change.old.partition_by is not None:  # type: ignore[union-attr]
        raise PlanError(logging_refused(change.old, change.new))  # type: ignore[arg-type]
    if k == "set_logging":  # rewrites the table, under an ACCESS EXCLUSIVE lock
        return [_alter(t, exp.AlterSet(option=exp.var("UNLOGGED" if change.new.unlogged else "LOGGED")))]  # type: ignore
    if k == "set_cluster_on":  # a catalog flag: no rows move (CLUSTER itself is not DDL)
        new = change.new
        return [ddl.command("ALTER", "TABLE", qualified(t.schema, t.name),  # type: ignore[union-attr]
                            f"CLUSTER ON {quote_ident(new.cluster_on)}" if new.cluster_on else "SET WITHOUT CLUSTER")]  # type: ignore
    if k == "set_column_settings":
        return column_settings_statements(t, change.old, change.new)  # type: ignore[arg-type]
    if k == "set_replica_identity":  # a catalog mark: no rows move
        new = change.new
        return [ddl.command("ALTER", "TABLE", qualified(t.schema, t.name), "REPLICA IDENTITY",  # type: ignore[union-attr]
                            f"USING INDEX {quote_ident(new.replica_identity_index)}" if new.replica_identity == "index"  # type: ignore
                            else new.replica_identity.upper())]  # type: ignore[union-attr]
    if k == "alter_partitioning" and change.cause is not None:  # compare.around: a key using what is re-created
        where = f"{change.new.source}: " if change.new.source else ""  # type: ignore[union-attr]
        raise PlanError(f"{where}table {t.qualified_name}: its partition key ({change.old.partition_by.key}) uses a "  # type: ignore
                        f"function, operator or operator class the migration drops to create it again, which Postgres refuses "
                        "under a partition key; change it in place (CREATE OR REPLACE keeps the signature and "
                        "result), or create a new table and move the rows")
    if k == "alter_partitioning":
        raise PlanError(partitioning_refused(change.old, change.new))  # type: ignore[arg-type]
    if k in ("add_foreign_key",):  # (around rows moved out of a default partition: where it was dropped)
        return key_again(change, constraint_name(t, change.new), [ddl.add_constraint(t, change.new)])  # type: ignore
    if k == "drop_foreign_key":
        held = held_key_drop(t, change.old, change.name_held)
        if held is not None:  # (its default name another constraint holds: plan.held_names)
            return key_off(change, [held])
        name = constraint_name(t, change.old)  # type: ignore[arg-type]
        return key_off(change, [_alter(t, exp.Drop(tables=[exp.Table(this=ident(name))], kind="CONSTRAINT", exists=True))])
    if k in ("validate_constraint", "enforce_foreign_key") and (held := held_key_statement(  # (plan.held_names)
            t, change.old, change.name_held, "ALTER TABLE %2$s " + ("VALIDATE CONSTRAINT %1$I" if k[0] == "v" else
            "ALTER CONSTRAINT %1$I " + ("ENFORCED" if change.new.enforced else "NOT ENFORCED")))) is not None:  # type: ignore
        return [held]
    if k == "validate_constraint":
        return [validate_constraint(t, constraint_name(t, change.old))]  # type: ignore[arg-type]
    if k == "enforce_foreign_key":
        return [ddl.command("ALTER", "TABLE", qualified(t.schema, t.name), "ALTER CONSTRAINT", quote_ident(  # type: ignore
            constraint_name(t, change.old)), "ENFORCED" if change.new.enforced else "NOT ENFORCED")]  # type: ignore
    if k == "set_index_comment" and change.name is None and (held := held_key_comment(  # (plan.held_names)
            t, change.new, change.name_held, index_comment(change.new), index=True)) is not None:  # type: ignore
        return [held]
    if k == "set_index_comment":  # of an index, or of the index of a PRIMARY KEY, UNIQUE or EXCLUDE (named like it)
        name = change.name or constraint_name(t, change.new)  # type: ignore[arg-type]
        return [ddl.comment_on_index(t, name, index_comment(change.new))]  # type: ignore
    if k == "add_trigger":
        return [routine_ddl.create_trigger(t, change.new, replace=change.replacing)]  # type: ignore[arg-type]
    if k == "alter_trigger" and replaced_in_place(change.old, change.new):  # type: ignore[arg-type]
        # CREATE OR REPLACE TRIGGER makes it fire on origin again: a disabled or replica one is set again.
        return [routine_ddl.create_trigger(t, change.new, replace=True)] + routine_ddl.state_again(t, change.new)  # type: ignore
    if k == "rename_trigger":  # (a partitioned table's clones in its partitions follow: Postgres 15+)
        return routine_ddl.rename_trigger(t, change.old.name, change.new)  # type: ignore[union-attr, arg-type]
    if k in ("drop_trigger", "alter_trigger"):  # a constraint trigger has no OR REPLACE
        drop = ddl.command("DROP", "TRIGGER IF EXISTS", quote_ident(change.old.name), "ON",  # type: ignore
                           qualified(t.schema, t.name))  # type: ignore[union-attr]
        if k == "drop_trigger":
            return [dropped_for_joining(change, drop)]
        return [drop, *routine_ddl.remade_trigger(t, change.new)]  # type: ignore[arg-type]
    if k == "set_trigger_enabled":
        return [routine_ddl.trigger_state(t, change.new)]  # type: ignore[arg-type]
    if k == "set_trigger_comment":
        return routine_ddl.trigger_comment(t, change.new, unset=True)  # type: ignore[arg-type]
    if k == "set_index_parameters":
        return alter_parameters("INDEX", _index_ref(t, change.new.name).sql(dialect=RENDER), change.old, change.new) + \
            index_statistics(t, change.old, change.new)  # type: ignore
    if k == "set_table_parameters":
        return alter_parameters("TABLE", qualified(t.schema, t.name), change.old, change.new)  # type: ignore
    if k == "set_constraint_comment" and \
            (held := held_key_comment(t, change.new, change.name_held, change.new.comment)) is not None:  # type: ignore
        return [held]
    if k == "set_constraint_comment":
        name = constraint_name(t, change.new)  # type: ignore[arg-type]
        return [ddl.comment_on_constraint(t, name, change.new.comment)]  # type: ignore
    if k in ("alter_identity", "drop_identity"):
        return alter_identity(t, change.old, change.new, change.past_old_parent)  # type: ignore[arg-type]
    if k == "alter_generated" and expression_dropped(change.old, change.new):  # type: ignore[arg-type]
        # A stored generated column made plain keeps its values (PostgreSQL 13+).
        return [alter_column(t, change.name, "DROP EXPRESSION")]  # type: ignore[arg-type]
    if k == "alter_generated" and virtual_made_plain(change.old, change.new):  # type: ignore[arg-type]
        return virtual_values_kept(t, change.new, change.over_children, change.published)  # type: ignore[arg-type]
    if k == "alter_generated":  # (dropped and added; a partition's set in place on 17+: plan.generated_ddl)
        if change.fellows:  # (a column other parents give a child too: compare.shared_generation)
            return regenerated_together(t, change.old, change.new, change.followers, change.fellows)  # type: ignore[arg-type]
        return regenerated(t, change.old, change.new, change.cause == OWN_AGAIN, change.followers,  # type: ignore[arg-type]
                           change.cause == FOR_CHILD)
    if k == "drop_table":  # (a partition a foreign key references through its parent: DETACHed first)
        detached = [detach_partition(t)] if change.cause == REFERENCED_PARTITION else []  # type: ignore[arg-type]
        return detached + [exp.Drop(tables=[ddl.table_ref(t)], kind="TABLE")]  # type: ignore[arg-type]
    if k == "add_index":
        made = add_partition_index(t, change.new, change.renames_copy_of) if change.renames_copy_of else \
            [ddl.create_index(t, change.new)]  # type: ignore[arg-type]  (a copy renamed by hand: the copy renamed)
        return [*made, *copy_settings(t, change.new), *index_statistics(t, None, change.new)]  # type: ignore
    if k == "drop_index" and (t.partition_of or t.partition_by):  # type: ignore[union-attr]
        return drop_partition_index(t, change.old)  # type: ignore[arg-type]
    if k == "drop_index":
        return [exp.Drop(tables=[_index_ref(t, change.name)], kind="INDEX", exists=True)]  # type: ignore[arg-type]
    if k in COLUMN_KINDS:
        return column_statements(change)
    if k == "add_constraint" and is_partition_key(t, change.new):
        return add_partition_key(t, change.new)  # type: ignore[arg-type]
    if k == "drop_constraint" and is_partition_key(t, change.old):
        return drop_partition_key(t, change.old)  # type: ignore[arg-type]
    if k == "add_constraint":  # (a CHECK a new child gets inherited-only: on its scratch parent, plan.inherit_ddl;
        # a bound one between the other overloads' renames aside and back: compare.expression_binds)
        return bound_aside(change.new, [ddl.add_constraint(inherit_ddl.holder_of(change), change.new)]) \
            if getattr(change.new, "aside", ()) else [ddl.add_constraint(inherit_ddl.holder_of(change), change.new)]  # type: ignore
    if k == "drop_constraint":
        held = held_key_drop(t, change.old, change.name_held)
        if held is not None:  # (its default name another constraint holds: plan.held_names)
            return [held]
        name = constraint_name(t, change.old)  # type: ignore[arg-type]
        return [_alter(t, exp.Drop(tables=[exp.Table(this=ident(name))], kind="CONSTRAINT",
                                   exists=change.cause == TAKEN_ALONG))]  # (compare.unique_pk_copies)
    if k == "set_table_comment":
        return [ddl.comment_on_table(t, change.new.comment)]  # type: ignore
    if k == "set_row_type_comment":  # COMMENT ON TYPE of the table's row type
        return [ddl.command("COMMENT", "ON TYPE", qualified(t.schema, t.name), "IS", comment_value(t.row_type_comment))]
    if k == "set_copy_comment":  # of a copy of a parent's constraint (compare/copies.py)
        return [ddl.comment_on_constraint(t, change.name, change.new.comment)]  # type: ignore
    if k == "set_column_comment":
        return [ddl.comment_on_column(t, change.name, change.new.comment)]  # type: ignore
    raise ValueError(f"no DDL for change kind {k}")


def plan(changes: list[Change]) -> list[exp.Expression]:
    return list(planned(changes))


def planned(changes: list[Change]) -> Iterator[exp.Expression]:
    """plan(changes), a statement at a time: a caller that renders each one can let its tree go."""
    preamble, order = planned_parts(changes)
    yield from preamble
    for c in order:
        yield from statements_for(c)


def planned_parts(changes: list[Change]) -> tuple[list[exp.Expression], list[Change]]:
    """planned(changes) as its preamble and the changes in the order their statements come."""
    return preamble(changes), ordered(changes)


def validate_constraint(table: Table, name: str) -> exp.Command:
    """sqlglot has no node for VALIDATE CONSTRAINT: a Command from parts sqlglot rendered."""
    return exp.Command(this="ALTER", expression=f"TABLE {ddl.table_ref(table).sql(dialect=RENDER)} "
                                                 f"VALIDATE CONSTRAINT {quote_ident(name)}")


def render_sql(statements: list[exp.Expression]) -> str:
    """Statements as a reviewable script: one per paragraph, CREATE TABLE laid out one column a line.

    Printed without sqlglot's copy of each tree (a deep copy per statement, once a quarter of
    `generate`): its Postgres generator changes a tree only to spell SERIAL and AUTO_INCREMENT
    columns, which schemac's statements never hold (tests/test_render_in_place.py checks the trees are
    left as they were). One generator prints them all, as `.sql(dialect=RENDER)` would with one each
    (`generate` resets what it keeps per call; its alias counter names only unnamed subquery aliases,
    which DDL does not have): making one per column was a tenth of the printing. It remembers the text
    of types (plan.printing). A column already printed (pg.syntax.Printed: most of a CREATE TABLE's items)
    is its text: what the generator would give back for it, without a pass through generate() each."""
    printer = printing.printer()
    parts = []
    for s in statements:
        if isinstance(s, exp.Create) and s.args.get("kind") == "TABLE" and isinstance(s.this, exp.Schema):
            head, tail = printing.around_columns(s, printer)
            items = ",\n  ".join(printing.item_text(item, printer) for item in s.this.expressions)
            parts.append(f"{head} (\n  {items}\n){tail};" if items else f"{head} (){tail};")
        else:
            parts.append(printer.generate(s, copy=False) + ";")
    return visible_sql("\n\n".join(parts) + ("\n" if parts else ""))


def drop_public() -> exp.Expression:
    """DROP SCHEMA public where it exists and holds nothing (schema.yaml says it is absent). sqlx makes its table in
    the connection's current schema before the first migration runs (on a new database, `public`, unless sqlx.toml's
    table-name names another): that table, or any other object, keeps `public`, whose absence `diff` then compares
    (a public holding sqlx's table alone is no drift: commands.diff)."""
    return ddl.do_block("BEGIN IF EXISTS (SELECT FROM pg_catalog.pg_namespace n WHERE n.nspname = 'public' AND NOT EXISTS "
                        "(SELECT FROM pg_catalog.pg_depend d WHERE d.refclassid = 'pg_catalog.pg_namespace'::pg_catalog.regclass"
                        " AND d.refobjid = n.oid AND d.deptype = 'n')) THEN DROP SCHEMA public; END IF; END")
