"""Casts -> CREATE CAST, DROP CAST, COMMENT ON CAST. sqlglot has no node for them: assembled from types
sqlglot rendered, quoted names and string literals. A changed cast is a DROP and a CREATE (compare.casts)."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.model import Cast
from schemac.pg.names import call_parts, reference_sql
from schemac.pg.routines import cast_function_parts
from schemac.plan.ddl import command, comment_value
from schemac.plan.routine_ddl import routine_type_sql


def cast_target(c: Cast) -> str:
    """(source AS target): how CREATE, DROP and COMMENT name a cast."""
    return f"({routine_type_sql(c.source_type)} AS {routine_type_sql(c.target_type)})"


def create_cast(c: Cast) -> exp.Command:
    parts = cast_function_parts(c)
    if parts is not None:  # a `public.name` written so stays qualified (pg.names.reference_sql)
        how = f"WITH FUNCTION {reference_sql(call_parts(c.function)[0])}({', '.join(map(routine_type_sql, parts[2]))})"  # type: ignore
    else:
        how = "WITH INOUT" if c.inout else "WITHOUT FUNCTION"
    return command("CREATE", "CAST", cast_target(c), how, f"AS {c.context.upper()}" if c.context != "explicit" else "")


def cast_statements(change: Change) -> Optional[list[exp.Expression]]:
    """The statements of a cast's change, else None (not a cast's)."""
    k, old, new = change.kind, change.old, change.new
    if not isinstance(new if new is not None else old, Cast):
        return None
    if k == "add_cast":
        return [create_cast(new)]  # type: ignore[arg-type]
    if k == "drop_cast":
        return [command("DROP", "CAST IF EXISTS", cast_target(old))]  # type: ignore[arg-type]
    if k == "set_type_comment":
        return [command("COMMENT", "ON CAST", cast_target(new), "IS", comment_value(new.comment))]  # type: ignore
    return None
