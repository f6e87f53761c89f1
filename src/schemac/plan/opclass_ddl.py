"""Operator classes -> CREATE OPERATOR CLASS, DROP OPERATOR CLASS (or its own family, which the CREATE made and
DROP OPERATOR CLASS leaves), COMMENT ON, OWNER TO. sqlglot has no node for them: assembled from quoted names, types
sqlglot rendered and string literals (operator symbols are checked by the loader)."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.model import OperatorClass
from schemac.pg.indexdef import top_level_items
from schemac.pg.names import qualified, quote_ident
from schemac.plan.ddl import command, comment_value
from schemac.plan.routine_ddl import routine_type_sql


def _name(reference: str, schema: str = "public") -> str:
    """A family or function name `name` (in `schema`) or `schema.name`, quoted."""
    qualifier, _, name = reference.rpartition(".")
    return qualified(qualifier or schema, name)


def class_target(c: OperatorClass) -> str:
    """schema.name USING method: how DROP, ALTER and COMMENT name a class."""
    return f"{qualified(c.schema, c.name)} USING {quote_ident(c.method)}"


def _types(c: OperatorClass, left: Optional[str], right: Optional[str]) -> str:
    if left is None and right is None:
        return ""
    return f"({routine_type_sql(left or c.type)}, {routine_type_sql(right or c.type)})"


def create_operator_class(c: OperatorClass) -> exp.Command:
    items = []
    for o in c.operators:
        qualifier, _, symbol = o.operator.rpartition(".") if "." in o.operator.lstrip(".") else ("", "", o.operator)
        op = f"{quote_ident(qualifier)}.{symbol}" if qualifier else symbol
        order = f" FOR ORDER BY {_name(o.order_by, 'pg_catalog')}" if o.order_by else ""
        items.append(f"OPERATOR {o.strategy} {op}{(' ' + _types(c, o.left, o.right)).rstrip()}{order}")
    for f in c.functions:
        head, _, args = f.function.partition("(")
        types = ", ".join(routine_type_sql(t) for t in top_level_items(args[:-1]))
        items.append(f"FUNCTION {f.number} {(_types(c, f.left, f.right) + ' ').lstrip()}{_name(head)}({types})")
    items += [f"STORAGE {routine_type_sql(c.storage)}"] if c.storage else []
    family = f"FAMILY {_name(c.family, c.schema)}" if c.family else ""
    return command("CREATE", "OPERATOR CLASS", qualified(c.schema, c.name), "DEFAULT" if c.default else "",
                   "FOR TYPE", routine_type_sql(c.type), "USING", quote_ident(c.method), family, "AS", ", ".join(items))


def operator_class_statements(change: Change) -> Optional[list[exp.Expression]]:
    """The statements of an operator class's change, else None (not a class's)."""
    k, old, new = change.kind, change.old, change.new
    if not isinstance(new if new is not None else old, OperatorClass):
        return None
    if k == "add_operator_class":
        return [create_operator_class(new)]  # type: ignore[arg-type]
    if k == "drop_operator_class":  # its own family goes with it (the CREATE made it; DROP ... CLASS leaves it)
        return [command("DROP", "OPERATOR FAMILY IF EXISTS" if old.family is None else "OPERATOR CLASS IF EXISTS",  # type: ignore
                        class_target(old))]  # type: ignore[arg-type]
    if k == "set_object_owner":
        out = [command("ALTER", "OPERATOR CLASS", class_target(new), "OWNER TO", quote_ident(new.owner))]  # type: ignore
        if new.family is None:  # type: ignore[union-attr]
            out.append(command("ALTER", "OPERATOR FAMILY", class_target(new), "OWNER TO", quote_ident(new.owner)))  # type: ignore
        return out  # type: ignore[return-value]
    if k == "set_type_comment":
        return [command("COMMENT", "ON OPERATOR CLASS", class_target(new), "IS", comment_value(new.comment))]  # type: ignore
    return None
