"""Operators -> CREATE OPERATOR, DROP OPERATOR, ALTER OPERATOR ... SET (RESTRICT, JOIN), OWNER TO,
COMMENT ON OPERATOR.
sqlglot has no node for them: assembled from quoted names, types sqlglot rendered and string literals (the
symbol itself is checked by the loader: operator characters only)."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.model import Operator
from schemac.pg.names import quote_ident, reference_sql
from schemac.plan.ddl import command, comment_value, do_block, literal
from schemac.plan.sql_strings import owner_sql
from schemac.plan.routine_ddl import routine_type_sql


_function = reference_sql  # (fn-x."abs.lt")


def _name(schema: str, op: str) -> str:
    return op if schema == "public" else f"{quote_ident(schema)}.{op}"


def operator_target(o: Operator) -> str:
    """schema.op (left, right), NONE for a prefix operator's left: how DROP, ALTER and COMMENT name one."""
    left = routine_type_sql(o.left) if o.left is not None else "NONE"
    return f"{_name(o.schema, o.name)} ({left}, {routine_type_sql(o.right)})"


def drop_shell(o: Operator) -> exp.Command:
    """DROP OPERATOR of the shell a dropped operator's COMMUTATOR or NEGATOR made (compare.operators.orphaned_shells),
    only where it is one: no function (oprcode 0), no extension's; a real operator of that name is left alone."""
    left = routine_type_sql(o.left) if o.left is not None else "NONE"
    named = f"{quote_ident(o.schema)}.{o.name}({left}, {routine_type_sql(o.right)})"  # qualified: no pg_catalog's
    return do_block("BEGIN IF EXISTS (SELECT FROM pg_catalog.pg_operator o WHERE o.oid = pg_catalog.to_regoperator("
                    f"{literal(named)}) AND o.oprcode = 0 AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE "
                    "d.classid = 'pg_catalog.pg_operator'::pg_catalog.regclass AND d.objid = o.oid AND d.deptype = 'e'"
                    f")) THEN DROP OPERATOR {quote_ident(o.schema)}.{o.name} ({left}, {routine_type_sql(o.right)}); END IF; END")


def create_operator(o: Operator) -> exp.Command:
    options = [f"FUNCTION = {_function(o.function)}"]
    options += [f"LEFTARG = {routine_type_sql(o.left)}"] if o.left is not None else []
    options.append(f"RIGHTARG = {routine_type_sql(o.right)}")
    for key in ("commutator", "negator"):  # always qualified: a bare one is made in the first schema of the path
        if getattr(o, key) is not None:
            schema, op = o.operator_key(getattr(o, key))
            options.append(f"{key.upper()} = OPERATOR({quote_ident(schema)}.{op})")
    for key in ("restrict", "join"):
        if getattr(o, key) is not None:
            options.append(f"{key.upper()} = {_function(getattr(o, key))}")
    options += [k.upper() for k in ("hashes", "merges") if getattr(o, k)]
    return command("CREATE", "OPERATOR", _name(o.schema, o.name), f"({', '.join(options)})")


def alter_operator(o: Operator) -> exp.Command:
    """RESTRICT and JOIN as `o` has them (NONE where unset): ALTER OPERATOR's SET on every major."""
    options = [f"{k.upper()} = {_function(getattr(o, k)) if getattr(o, k) else 'NONE'}" for k in ("restrict", "join")]
    return command("ALTER", "OPERATOR", operator_target(o), f"SET ({', '.join(options)})")


def operator_comment(o: Operator) -> exp.Command:
    return command("COMMENT", "ON OPERATOR", operator_target(o), "IS",
                   comment_value(o.comment))


def operator_statements(change: Change) -> Optional[list[exp.Expression]]:
    """The statements of an operator's change, else None (not an operator's)."""
    k, old, new = change.kind, change.old, change.new
    if not isinstance(new if new is not None else old, Operator):
        return None
    if k == "add_operator":
        return [create_operator(new)]  # type: ignore[arg-type]
    if k == "drop_shell_operator":
        return [drop_shell(old)]  # type: ignore[arg-type]
    if k == "drop_operator":
        return [command("DROP", "OPERATOR IF EXISTS", operator_target(old))]  # type: ignore[arg-type]
    if k == "alter_operator":
        return [alter_operator(new)]  # type: ignore[arg-type]
    if k == "set_operator_owner":
        return [command("ALTER", "OPERATOR", operator_target(new), "OWNER TO", owner_sql(new.owner))]  # type: ignore
    if k == "set_type_comment":
        return [operator_comment(new)]  # type: ignore[arg-type]
    return None
