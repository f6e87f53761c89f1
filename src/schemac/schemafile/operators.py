"""User-defined operators (`operators:`): the symbol, argument types, the function it calls, commutator,
negator, selectivity estimators, HASHES and MERGES, owner; and how `inspect` writes one back."""

from __future__ import annotations

from typing import Optional

from yaml.nodes import Node

from schemac.model import Extension, Function, Operator
from schemac.model.functions import function_names, runs_a_known_function
from schemac.pg.sqllex import OP_CHARS, operator_run
from schemac.pg.routines import routine_type
from schemac.pg.types import TypeSyntaxError
from schemac.schemafile.event_triggers import no_such_function
from schemac.pg.names import reference_part
from schemac.schemafile.fields import FieldReader, operator_reference, plain_reference
from schemac.schemafile.usertypes import UserTypeReader

OPERATOR_KEYS = {"name": False, "schema": False, "left": False, "right": True, "function": True, "commutator": False,
                 "negator": False, "restrict": False, "join": False, "hashes": False, "merges": False,
                 "comment": False, "owner": False}


def operator_symbol_error(symbol: str) -> Optional[str]:
    """Why Postgres would refuse `symbol` as an operator's name (CREATE OPERATOR's rules), else None."""
    if not symbol or len(symbol) > 63 or not set(symbol) <= OP_CHARS:
        return f"must be 1 to 63 of the characters {''.join(sorted(OP_CHARS))}"
    if "--" in symbol or "/*" in symbol:
        return "cannot hold -- or /* (they start a comment)"
    if operator_run(symbol) != [symbol]:
        return "cannot end in + or - unless it holds one of ~ ! @ # % ^ & | ` ?"
    if symbol == "=>":
        return "=> is reserved"
    return None


class OperatorReader(FieldReader):
    """Reads the top-level `operators:`."""

    def operators(self, node: Node, functions: list[Function], extensions: tuple[Extension, ...]) -> list[Operator]:
        out: list[Operator] = []
        seen: dict[tuple, int] = {}
        names = function_names(functions)
        for key, key_node, value in self.w.mapping(node, "operators"):
            what = f"operator '{key}'"
            f = self.w.fields(value, what, OPERATOR_KEYS)
            name = self._symbol(f["name"][1] if "name" in f else key_node, "operator name")
            schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
            fn_node = f["function"][1]
            function = self.w.string(fn_node, f"function of {what}").strip()
            spelled = plain_reference(function)
            if spelled is None:
                raise self.fail(fn_node, f"function of {what} must name a function, `name` or `schema.name` "
                                         f"(schema.\"name.with.dots\"), without arguments, not {function!r}")
            function = spelled  # public.name kept: one pg_catalog's hides (model.references.as_read)
            if not runs_a_known_function(function, names, extensions):
                raise self.fail(fn_node, no_such_function(f"function of {what}", function, "operator"))
            op = Operator(name, self._type(f["right"][1], f"right of {what}"), function, schema,
                          self._type(f["left"][1], f"left of {what}") if "left" in f else None,
                          self._other(f, "commutator", what, schema), self._other(f, "negator", what, schema),
                          UserTypeReader._qualified_name(self, f, "restrict", what),  # type: ignore[arg-type]
                          UserTypeReader._qualified_name(self, f, "join", what),  # type: ignore[arg-type]
                          self.opt_bool(f, "hashes", what), self.opt_bool(f, "merges", what),
                          self.opt_string(f, "comment", what), self.owner(f, what),  # type: ignore[attr-defined]
                          self.w.src(key_node))
            if op.left is None and (op.hashes or op.merges or op.commutator or op.join):
                raise self.fail(value, f"{what}: a prefix operator (no left) takes no commutator, join, hashes "
                                       "or merges")
            self.overload_once(seen, op, key_node, "operator")
            out.append(op)
        return out

    def _symbol(self, node: Node, what: str) -> str:
        symbol = self.w.string(node, what)
        why = operator_symbol_error(symbol)
        if why is not None:
            raise self.fail(node, f"{what} {symbol!r} {why}")
        return symbol

    def _type(self, node: Node, what: str) -> str:
        try:
            return routine_type(self.w.string(node, what))
        except TypeSyntaxError as e:
            raise self.fail(node, f"{what}: {e}") from None

    def _other(self, f: dict, key: str, what: str, schema: str) -> Optional[str]:
        """A commutator or negator: `op` (in the operator's own schema) or `schema.op`."""
        if key not in f:
            return None
        node = f[key][1]
        text = self.w.string(node, f"{key} of {what}").strip()
        qualifier, symbol = operator_reference(text)
        why = operator_symbol_error(symbol)
        if why is not None or qualifier is None:
            raise self.fail(node, f"{key} of {what} must be an operator, `op` or `schema.op`: {symbol!r} "
                                  f"{why or 'has a bad schema'}")
        return symbol if qualifier in ("", reference_part(schema)) else f"{qualifier}.{symbol}"


def operator_spec(o: Operator) -> dict:
    """An operator as schema.yaml writes it: what differs from CREATE OPERATOR's defaults."""
    spec: dict = {"schema": o.schema} if o.schema != "public" else {}
    spec.update({"left": o.left} if o.left is not None else {})
    spec.update({"right": o.right, "function": o.function})
    for key in ("commutator", "negator", "restrict", "join"):
        if getattr(o, key) is not None:
            spec[key] = getattr(o, key)
    for key in ("hashes", "merges"):
        if getattr(o, key):
            spec[key] = True
    if o.comment is not None:
        spec["comment"] = o.comment
    return spec
