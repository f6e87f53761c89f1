"""Aggregates -> CREATE [OR REPLACE] AGGREGATE, DROP AGGREGATE, COMMENT ON AGGREGATE. sqlglot has no
node for them: assembled from quoted names, types sqlglot rendered and string literals."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.aggregates import replaceable_aggregate
from schemac.compare.changes import Change
from schemac.model import AGGREGATE_FUNCTIONS, Aggregate
from schemac.pg.names import qualified, quote_ident, reference_sql
from schemac.plan.ddl import command, comment_value, literal
from schemac.plan.exclusion_ddl import operator_sql
from schemac.plan.routine_ddl import routine_type_sql


_function = reference_sql  # (fn-x."sum.step")


def _operator(name: str) -> str:
    """SORTOP's operator: bare, or OPERATOR(schema.op) (the loader allows only operator characters)."""
    return operator_sql(name)


def aggregate_target(a: Aggregate, declared: bool = False) -> str:
    """schema.name(input types), name(*) without inputs: how DROP and COMMENT name one overload; `declared`, or an
    ordered-set one: as CREATE declares it (VARIADIC, ORDER BY)."""
    if declared or a.direct is not None:
        return f"{qualified(a.schema, a.name)}({a.declared_arguments(routine_type_sql, quote_ident if declared else str)})"
    return f"{qualified(a.schema, a.name)}({', '.join(routine_type_sql(t) for t in a.arguments) or '*'})"


def create_aggregate(a: Aggregate, replace: bool = False) -> exp.Command:
    options = [f"SFUNC = {_function(a.sfunc)}", f"STYPE = {routine_type_sql(a.stype)}"]
    for key in AGGREGATE_FUNCTIONS:
        if getattr(a, key) is not None:
            options.append(f"{key.upper()} = {_function(getattr(a, key))}")
    if a.mstype is not None:
        options.append(f"MSTYPE = {routine_type_sql(a.mstype)}")
    for key in ("initcond", "minitcond"):
        if getattr(a, key) is not None:
            options.append(f"{key.upper()} = {literal(getattr(a, key))}")
    if a.sortop is not None:
        options.append(f"SORTOP = {_operator(a.sortop)}")
    if a.parallel != "unsafe":
        options.append(f"PARALLEL = {a.parallel.upper()}")
    options += ["HYPOTHETICAL"] if a.hypothetical else []
    for prefix in ("", "M"):
        extra, modify = getattr(a, f"{prefix.lower()}finalfunc_extra"), getattr(a, f"{prefix.lower()}finalfunc_modify")
        options += [f"{prefix}FINALFUNC_EXTRA"] if extra else []
        options += [f"{prefix}FINALFUNC_MODIFY = {modify.upper()}"] if modify else []
        space = getattr(a, f"{prefix.lower()}sspace")
        options += [f"{prefix}SSPACE = {int(space)}"] if space else []
    return command("CREATE", "OR REPLACE AGGREGATE" if replace else "AGGREGATE", aggregate_target(a, declared=True),
                   f"({', '.join(options)})")


def drop_aggregate(a: Aggregate) -> exp.Command:
    return command("DROP", "AGGREGATE IF EXISTS", aggregate_target(a))


def aggregate_comment(a: Aggregate) -> exp.Command:
    return command("COMMENT", "ON AGGREGATE", aggregate_target(a), "IS",
                   comment_value(a.comment))


def aggregate_statements(change: Change) -> Optional[list[exp.Expression]]:
    """The statements of an aggregate's change, else None (not an aggregate's)."""
    k, old, new = change.kind, change.old, change.new
    if not isinstance(new if new is not None else old, Aggregate):
        return None
    if k == "add_aggregate":
        return [create_aggregate(new)]  # type: ignore[arg-type]
    if k == "drop_aggregate":
        return [drop_aggregate(old)]  # type: ignore[arg-type]
    if k == "alter_aggregate" and replaceable_aggregate(old, new):  # type: ignore[arg-type]
        return [create_aggregate(new, replace=True)]  # type: ignore[arg-type]
    if k == "alter_aggregate":  # another result type: dropped and created again, its comment with it
        return [drop_aggregate(old), create_aggregate(new)] + ([aggregate_comment(new)] if new.comment else [])  # type: ignore
    if k == "set_type_comment":
        return [aggregate_comment(new)]  # type: ignore[arg-type]
    return None
