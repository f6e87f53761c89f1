"""Operator classes -> CREATE OPERATOR CLASS, DROP OPERATOR CLASS (or its own family, which the CREATE made and
DROP OPERATOR CLASS leaves), COMMENT ON, OWNER TO; operator families -> CREATE OPERATOR FAMILY with ALTER OPERATOR
FAMILY ... ADD its loose members, DROP OPERATOR FAMILY (its classes go with it), COMMENT ON, OWNER TO. sqlglot has no node for them: assembled from quoted names, types
sqlglot rendered and string literals (operator symbols are checked by the loader)."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.model import OperatorClass, OperatorFamily
from schemac.pg.indexdef import top_level_items
from schemac.pg.names import call_parts, qualified, quote_ident, reference_sql, split_operator
from schemac.plan.ddl import command, comment_value
from schemac.plan.sql_strings import owner_sql
from schemac.plan.routine_ddl import routine_type_sql


def _name(reference: str, schema: str = "public") -> str:
    """A family or function name `name` (in `schema`) or `schema.name`, quoted."""
    return reference_sql(reference, schema)  # ("op.s"."Abs.Fam")


def class_target(c) -> str:
    """schema.name USING method: how DROP, ALTER and COMMENT name a class (or a family)."""
    return f"{qualified(c.schema, c.name)} USING {quote_ident(c.method)}"


def _types(own: Optional[str], left: Optional[str], right: Optional[str]) -> str:
    if left is None and right is None:
        return ""
    return f"({routine_type_sql(left or own)}, {routine_type_sql(right or own)})"  # type: ignore[arg-type]


def _members(c, own: Optional[str]) -> list[str]:
    """OPERATOR and FUNCTION items of a class (`own`: its type) or a family (None: each member has both types)."""
    items = []
    for o in c.operators:
        qualifier, symbol = split_operator(o.operator, "")  # ("op.s".<<<)
        op = f"{quote_ident(qualifier)}.{symbol}" if qualifier else symbol
        order = f" FOR ORDER BY {_name(o.order_by, 'pg_catalog')}" if o.order_by else ""
        items.append(f"OPERATOR {o.strategy} {op}{(' ' + _types(own, o.left, o.right)).rstrip()}{order}")
    for f in c.functions:
        head, args = call_parts(f.function)
        types = ", ".join(routine_type_sql(t) for t in top_level_items(args[1:-1]))
        items.append(f"FUNCTION {f.number} {(_types(own, f.left, f.right) + ' ').lstrip()}{_name(head)}({types})")
    return items


def create_operator_class(c: OperatorClass) -> exp.Command:
    items = _members(c, c.type) + ([f"STORAGE {routine_type_sql(c.storage)}"] if c.storage else [])
    items = items or [f"STORAGE {routine_type_sql(c.type)}"]  # one of no members (its type's own: none kept)
    family = f"FAMILY {_name(c.family, c.schema)}" if c.family else ""
    return command("CREATE", "OPERATOR CLASS", qualified(c.schema, c.name), "DEFAULT" if c.default else "",
                   "FOR TYPE", routine_type_sql(c.type), "USING", quote_ident(c.method), family, "AS", ", ".join(items))


def create_operator_family(f: OperatorFamily) -> list[exp.Expression]:
    """CREATE OPERATOR FAMILY, and ALTER OPERATOR FAMILY ... ADD its loose members (before any class of it)."""
    items = _members(f, None)
    return [command("CREATE", "OPERATOR FAMILY", class_target(f))] + \
        ([command("ALTER", "OPERATOR FAMILY", class_target(f), "ADD", ", ".join(items))] if items else [])


def _family_statements(change: Change) -> Optional[list[exp.Expression]]:
    k, old, new = change.kind, change.old, change.new
    if k == "add_operator_family":
        return create_operator_family(new)  # type: ignore[arg-type]
    if k == "drop_operator_family":  # the classes in it go with it (compare.opclasses drops and makes them again)
        return [command("DROP", "OPERATOR FAMILY IF EXISTS", class_target(old))]
    if k == "set_object_owner":
        return [command("ALTER", "OPERATOR FAMILY", class_target(new), "OWNER TO", owner_sql(new.owner))]  # type: ignore
    if k == "set_type_comment":
        return [command("COMMENT", "ON OPERATOR FAMILY", class_target(new), "IS", comment_value(new.comment))]  # type: ignore
    return None


def operator_class_statements(change: Change) -> Optional[list[exp.Expression]]:
    """The statements of an operator class's or family's change, else None (neither's)."""
    k, old, new = change.kind, change.old, change.new
    if isinstance(new if new is not None else old, OperatorFamily):
        return _family_statements(change)
    if not isinstance(new if new is not None else old, OperatorClass):
        return None
    if k == "add_operator_class":
        return [create_operator_class(new)]  # type: ignore[arg-type]
    if k == "drop_operator_class":  # its own family goes with it (the CREATE made it; DROP ... CLASS leaves it)
        return [command("DROP", "OPERATOR FAMILY IF EXISTS" if old.family is None else "OPERATOR CLASS IF EXISTS",  # type: ignore
                        class_target(old))]  # type: ignore[arg-type]
    if k == "set_object_owner":
        out = [command("ALTER", "OPERATOR CLASS", class_target(new), "OWNER TO", owner_sql(new.owner))]  # type: ignore
        if new.family is None:  # its own family: the class's owner's, or its family_owner's (model.opclasses)
            out.append(command("ALTER", "OPERATOR FAMILY", class_target(new), "OWNER TO",  # type: ignore
                               owner_sql(new.family_owner or new.owner)))  # type: ignore[union-attr]
        return out  # type: ignore[return-value]
    if k == "set_type_comment":
        return [command("COMMENT", "ON OPERATOR CLASS", class_target(new), "IS", comment_value(new.comment))]  # type: ignore
    return None
