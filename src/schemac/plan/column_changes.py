"""The statements of a change to one of a table's columns (ADD / DROP COLUMN, ALTER COLUMN ... TYPE, SET / DROP NOT
NULL and DEFAULT): plan.planner's dispatch for those kinds, apart from the table's other changes."""

from __future__ import annotations

from sqlglot import exp

from schemac.compare.changes import ENUM_REBUILT, KEPT_BELOW, NUMBERED_BY_PARENT, Change, takes_using
from schemac.compare.inherited_checks import AFTER_NO_INHERIT, FOR_INHERIT
from schemac.compare.normalize import bare_null_stored
from schemac.model import Column
from schemac.model.frozen import replace
from schemac.pg.casts import base_and_dims, is_string_type
from schemac.pg.dialect import RENDER
from schemac.pg.expressions import referenced_columns
from schemac.pg.idents import ident
from schemac.pg.range_casts import range_route
from schemac.pg.types import is_text_like, is_user_defined
from schemac.plan.views import bound_aside
from schemac.plan import ddl
from schemac.plan.column_ddl import nulls_given_the_default
from schemac.plan.ddl import alter_table as _alter
from schemac.plan.held_values import checked_values_guard, retyped_over_nulls
from schemac.plan.identity_ddl import alter_column, handed_out
from schemac.plan.not_null_order import LOOSENED_BY_RETYPE, loosened_first
from schemac.plan.not_null_ddl import add_not_null, alter_not_null, not_null_comment, not_valid_statements, \
    remade_under_parent
from schemac.plan.objects import PlanError
from schemac.plan.partition_index_ddl import copies_uncommented, copy_names_kept, renamed_after_leaving
from schemac.plan.range_ddl import range_helper, rebuilt_range
from schemac.plan.partitioned_identity import add_identity_column, numbered_by_parent
from schemac.plan.sequence_ddl import fed_past_the_rows, last_handed_out
from schemac.plan.sql_strings import by_server_version
from schemac.plan.trees import fresh_expression, fresh_type
from schemac.plan.unforced_rls import unforced

COLUMN_KINDS = frozenset({"add_column", "drop_column", "alter_column_type", "set_not_null", "alter_not_null",
                          "drop_not_null", "set_default", "drop_default"})


def column_statements(change: Change) -> list[exp.Expression]:
    """The statements of a change of one of COLUMN_KINDS (plan.planner.statements_for's)."""
    t, k = change.table_def, change.kind
    if k == "add_column" and change.cause == NUMBERED_BY_PARENT:
        kept, numbered = numbered_by_parent(t, change.new)  # type: ignore[arg-type]
        return [kept, _alter(t, ddl.column_def(numbered, schema=t.schema)),
                alter_column(t, change.name, "DROP DEFAULT")]  # type: ignore[arg-type]
    if k == "add_column" and change.new.aside:  # type: ignore[union-attr]  (compare.expression_binds)
        return bound_aside(change.new, [_alter(t, ddl.column_def(change.new, schema=t.schema))]) + \
            not_valid_statements(t, (change.new,))  # type: ignore[arg-type]
    if k == "add_column":
        cache = ddl.identity_cache(t, change.new)  # type: ignore[arg-type]
        return [*add_identity_column(t, change.new, _alter(t, ddl.column_def(change.new, schema=t.schema)), change.over_children,
                                     change.published)] + \
            ([cache] if cache else []) + not_valid_statements(t, (change.new,))  # type: ignore[arg-type]
    if k == "drop_column":  # ONLY where every child keeps it (compare.inherited_drops.kept_below)
        dropped = _alter(t, exp.Drop(tables=[exp.Column(this=ident(change.name))], kind="COLUMN"))  # type: ignore
        dropped.set("only", change.cause == KEPT_BELOW or None)
        return [dropped]
    col: Column = change.new  # type: ignore[assignment]
    if k == "alter_column_type":
        old: Column = change.old  # type: ignore[assignment]
        key_retype_refused(change)
        # A generated column takes no USING (Postgres computes it again from its expression, and refuses one).
        value = exp.Column(this=ident(col.name))
        using = None if old.generated and col.generated else fresh_expression(col.using) if takes_using(change) \
            else rebuilt_range(change) or exp.Cast(this=_through_text(value, change), to=fresh_type(col.type))
        collation = ddl.collate(col.collation) if col.collation is not None else None  # (else the new type's default)
        before, after = copy_names_kept(t, col.name)
        before += _onto_the_type_made_again(change) if change.via and takes_using(change) and using is not None else []
        before += _loosened_first(change) if loosened_first(change) else []
        before += retyped_over_nulls(change)  # (PostGIS's SRID, pgvector's dimensions changed: over NULLs alone)
        before += checked_values_guard(change, using) if using is not None else []  # (a domain's CHECK below it)
        helper, dropped = range_helper(change) if using is not None and not takes_using(change) else ([], [])
        retyped = _alter(t, exp.AlterColumn(this=ident(col.name), dtype=fresh_type(col.type), collate=collation, using=using))
        if change.fits_by:  # (not refused as destructive: compare.typmod_checks; a domain's base alone, its checks not)
            fits = col.type if len(change.to_checked) < 2 else f"{change.to_checked[0]}, the base of {col.type}"
            retyped.add_comments([f" every row fits {fits}: the CHECKs {', '.join(change.fits_by)} prove it "
                                  .replace("*/", "* /")])
        return before + helper + [retyped] + dropped + copies_uncommented(t, col.name) + after
    if k == "set_not_null":
        plain = _alter(t, exp.AlterColumn(this=ident(col.name), allow_null=False))
        return nulls_given_the_default(t, col, change.over_children, change.published) + [  # type: ignore[arg-type]
            by_server_version(180000, add_not_null(t, col).sql(dialect=RENDER), [plain.sql(dialect=RENDER)])  # type: ignore
            if change.named_on_18 else add_not_null(t, col) if col.not_null is not None else plain]  # type: ignore
    if k == "alter_not_null":
        if change.under_parent:  # (a child's own merged with its parent's: compare.not_null_remade)
            return remade_under_parent(col, change.under_parent)
        if change.cause in (AFTER_NO_INHERIT, FOR_INHERIT):  # (with the comment it had under the old name)
            was, will = change.old.not_null, col.not_null  # type: ignore[union-attr]
            return [renamed_after_leaving(t, change.old, col)] + (  # type: ignore[arg-type]
                [not_null_comment(t, col.name, will)] if was.comment != will.comment else [])  # type: ignore
        return alter_not_null(t, change.old, col)  # type: ignore[arg-type]
    if k == "drop_not_null":  # (none where its column's retype dropped it first: plan.not_null_order)
        return [] if change.cause == LOOSENED_BY_RETYPE else [_alter(t, exp.AlterColumn(this=ident(col.name), drop=True, allow_null=True))]
    if k == "set_default" and bare_null_stored(col.default, col.type):  # (schema.yaml's bare NULL: none, plan.ddl)
        return [_alter(t, exp.AlterColumn(this=ident(col.name), drop=True))]
    if k == "set_default":  # (a new sequence's nextval() over the rows: moved past them, compare.sequence_feeds,
        # past every row: the owner's max() under FORCE ROW LEVEL SECURITY sees the rows its policies show; a bound
        # one between the other overloads set aside and back: compare.expression_binds)
        return bound_aside(col, [_alter(t, exp.AlterColumn(this=ident(col.name), default=fresh_expression(col.default)))]) + \
            (unforced(t, fed_past_the_rows(t, col, handed_out(t, change.old)))  # type: ignore[arg-type]
             if change.feeds else [])
    if k == "drop_default":  # an identity taking over: its sequence's last value kept first (sequence_ddl)
        kept = [last_handed_out(s) for s in handed_out(t, change.old)] if col.identity is not None else []  # type: ignore
        return kept + [_alter(t, exp.AlterColumn(this=ident(col.name), drop=True))]
    raise ValueError(f"no DDL for change kind {k}")


def _loosened_first(change: Change) -> list[exp.Expression]:
    """A NOT NULL schema.yaml drops from a column its `using:` retypes (plan.not_null_order.loosened_first): dropped
    before the ALTER ... TYPE, since the expression may give NULL (Hasura's `CASE WHEN locked THEN now() ELSE NULL END`,
    boolean to timestamptz) and Postgres checks the NOT NULL as it rewrites ('column "locked" ... contains null
    values'); the drop_not_null change after it writes nothing (it wrote a second DROP NOT NULL)."""
    return [_alter(change.table_def, exp.AlterColumn(this=ident(change.new.name), drop=True, allow_null=True))]  # type: ignore


def _onto_the_type_made_again(change: Change) -> list[exp.Expression]:
    """A column of an enum or domain made again by this migration that schema.yaml's `using:` moves to another type:
    first retyped onto the type made again (through text, as its other columns), since the user's expression reads it
    as of that type's new definition; it held the old type, set aside, which casts to nothing of the new ('cannot cast
    type mood__schemac_old to dm')."""
    old: Column = change.old  # type: ignore[assignment]
    step = replace(change, new=replace(old, using=None), cause=ENUM_REBUILT, direct_cast=False, to_base="", rebased="")
    value = exp.Cast(this=_through_text(exp.Column(this=ident(old.name)), step), to=fresh_type(change.via))
    collation = ddl.collate(old.collation) if old.collation is not None else None
    return [_alter(change.table_def, exp.AlterColumn(this=ident(old.name), dtype=fresh_type(change.via), collate=collation,
                                                     using=value))]


def _through_text(value: exp.Expression, change: Change) -> exp.Expression:
    """`value::text` where no cast leads from the old type to the new directly (one enum to another, a domain to
    another type): every type reads its own text form back, so the values move through text. A character(n)
    value (or a domain's over one) to a type of no string kind (uuid, an enum, a number, a domain over one) too, as
    text[] for an array, whatever cast there is: Postgres's I/O conversion hands the target's input function the
    padded form ('0cbe...ab  ' in a char(38)), which uuid and enum labels refuse; its cast to text drops the
    padding, as character(n) compares. A "char" too: its one cast to a number, to integer, gives the byte's code
    ('7' -> 55), and its text is what it holds ('7' -> 7; a letter then refused by the number's input, as Postgres's
    own ALTER without USING refuses the retype). A range, multirange or array of them of Postgres's to another over
    a subtype reading its subtype's text (int4range -> int8range, tsrange -> tstzrange: pg.range_casts), which have no
    cast between them."""
    old, new = change.old.type, change.new.type  # type: ignore[union-attr]
    if range_route(old, new) == "text":
        return exp.Cast(this=value, to=fresh_type("text"))
    (was, dims), will = base_and_dims(change.from_base or old), base_and_dims(change.rebased or change.to_base or new)[0]
    if was in ("character", '"char"') and not is_string_type(will):
        return exp.Cast(this=value, to=fresh_type("text" + "[]" * dims))
    if not change.direct_cast and (is_user_defined(old) or is_user_defined(new)) and \
            not (is_text_like(old) or is_text_like(new)):
        return exp.Cast(this=value, to=fresh_type("text"))
    return value


def key_retype_refused(change: Change) -> None:
    """Refuse an alter_column_type of a column in its table's partition key, which Postgres cannot retype: the
    root's key, or a sub-partitioned partition's own (its change INHERITED, made by the root's ALTER, which recurses
    into it: 'cannot alter column "c" because it is part of the partition key of relation "p"')."""
    t, col, old = change.table_def, change.new, change.old
    if t.partition_by is not None and col.name in referenced_columns(f"({t.partition_by.key})"):  # type: ignore
        raise PlanError(("" if col.source is None else f"{col.source}: ") + f"table {t.qualified_name}: column "  # type: ignore
                        f"{col.name} is in its partition key, whose types Postgres cannot change ({old.type} -> "  # type: ignore
                        f"{col.type}); create a new partitioned table and move the rows into it")  # type: ignore
