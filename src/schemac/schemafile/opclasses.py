"""User-defined operator classes (`operator_classes:`): index method, type, DEFAULT, family, the operators
(strategy numbers) and support functions (numbers) it holds, storage type, owner, comment; operator families
(`operator_families:`, CREATE OPERATOR FAMILY): method, loose members with both types, owner, comment; and how
`inspect` writes them back."""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Optional

from yaml.nodes import Node

from schemac.model import ClassFunction, ClassOperator, Extension, Function, OperatorClass, OperatorFamily, Table, family_members
from schemac.model.functions import function_names
from schemac.compare.opclasses import class_key
from schemac.errors import SchemaFileError
from schemac.pg.names import reference_part, split_reference
from schemac.pg.types import type_name
from schemac.schemafile.casts import CastReader
from schemac.schemafile.operators import operator_symbol_error
from schemac.schemafile.fields import bare_in, operator_reference, plain_reference
from schemac.schemafile.grants import owner_spec
from schemac.schemafile.typewriter import Flow, drop_empty

CLASS_KEYS = {"name": False, "schema": False, "method": True, "type": True, "default": False, "family": False,
              "storage": False, "operators": False, "functions": False, "comment": False, "owner": False,
              "family_owner": False}
OPERATOR_KEYS = {"strategy": True, "operator": True, "left": False, "right": False, "order_by": False}
FUNCTION_KEYS = {"number": True, "function": True, "left": False, "right": False}
FAMILY_KEYS = {"name": False, "schema": False, "method": True, "operators": False, "functions": False, "comment": False,
               "owner": False}


class OperatorClassReader(CastReader):
    """Reads the top-level `operator_classes:` and `operator_families:`."""

    def _entries(self, node: Node, field: str, kind: str, keys: dict):
        """(key node, value node, what, fields, name, schema, method) of each entry of `operator_classes:` or
        `operator_families:`."""
        for key, key_node, value in self.w.mapping(node, field):
            what = f"{kind} '{key}'"
            f = self.w.fields(value, what, keys)
            schema = self.identifier(f["schema"][1], f"schema of {what}") if "schema" in f else "public"
            yield (key_node, value, what, f, self.object_name(f, key_node, f"{kind} name"), schema,
                   self.identifier(f["method"][1], f"method of {what}").lower())

    def operator_families(self, node: Node, functions: list[Function],
                          extensions: tuple[Extension, ...]) -> tuple[OperatorFamily, ...]:
        out: list[OperatorFamily] = []
        seen: dict[tuple, int] = {}
        names = function_names(functions)
        for key_node, _, what, f, name, schema, method in self._entries(node, "operator_families", "operator family", FAMILY_KEYS):
            members = {field: tuple(self._class_member(item, what, None, field == "functions", functions, names,
                                                       extensions) for item in self.w.sequence(f[field][1], f"{field} of {what}"))
                       if field in f else () for field in ("operators", "functions")}
            c = OperatorFamily(name, method, schema, **family_members(**members),  # type: ignore[arg-type]
                               comment=self.opt_string(f, "comment", what), owner=self.owner(f, what),  # type: ignore
                               source=self.w.src(key_node))
            self.overload_once(seen, c, key_node, "operator family")
            out.append(c)
        return tuple(out)

    def operator_classes(self, node: Node, functions: list[Function], extensions: tuple[Extension, ...],
                         families: tuple[OperatorFamily, ...] = ()) -> tuple[OperatorClass, ...]:
        out: list[OperatorClass] = []
        seen: dict[tuple, int] = {}
        names = function_names(functions)
        for key_node, _, what, f, name, schema, method in self._entries(node, "operator_classes", "operator class", CLASS_KEYS):
            type_ = self._cast_type(f["type"][1], f"type of {what}")
            own = lambda t: None if t == type_ else t  # noqa: E731  (the class's type: left out)
            operators = tuple(self._class_member(item, what, own, False, functions, names, extensions)
                              for item in self.w.sequence(f["operators"][1], f"operators of {what}")) \
                if "operators" in f else ()
            support = tuple(self._class_member(item, what, own, True, functions, names, extensions)
                            for item in self.w.sequence(f["functions"][1], f"functions of {what}")) \
                if "functions" in f else ()
            family = self._family(f, what, schema, name)
            storage = self._cast_type(f["storage"][1], f"storage of {what}") if "storage" in f else None
            if "family_owner" in f and family is not None:  # ALTER OPERATOR FAMILY names it: its own owner
                raise self.fail(f["family_owner"][1], f"family_owner of {what}: only for the class's own family "  # type: ignore
                                f"(the one its CREATE makes); {family} is declared on its own, with its owner")
            family_owner = self.owner({"owner": f["family_owner"]}, f"{what}'s own family") \
                if "family_owner" in f else None  # type: ignore[attr-defined]
            c = OperatorClass(name, method, type_, schema, self.opt_bool(f, "default", what), family,
                              None if storage == type_ else storage, operators, support,  # type: ignore[arg-type]
                              self.opt_string(f, "comment", what), self.owner(f, what),  # type: ignore[attr-defined]
                              self.w.src(key_node), family_owner)
            self.overload_once(seen, c, key_node, "operator class")
            out.append(c)
        made = {c.identity for c in out} | {f.identity for f in families}
        for c in out:  # FAMILY names an existing family: another class's own, which its CREATE makes, or one declared
            if c.family is not None and c.family_key() not in made:
                raise SchemaFileError(f"family of operator class '{c.name}': schema.yaml declares no {c.method} "
                                      f"operator family {c.family} (under operator_families:), nor a class whose own "
                                      "family it would be", c.source)
        declared = {f.identity for f in families}
        for c in out:
            loose = family_bound(c) if c.family is not None and c.family_key() in declared else []
            if loose:
                self.warnings.append(f"{c.source}: operator class '{c.name}': Postgres binds {', '.join(loose)} to "  # type: ignore
                                     f"its family {c.family}, not to the class: declare them under that family in "
                                     "operator_families: (as inspect writes them), else diff reports drift")
        return tuple(out)

    def _family(self, f: dict, what: str, schema: str, name: str) -> Optional[str]:
        """None for the class's own, else the family's name, bare in the class's schema."""
        if "family" not in f:
            return None
        text = self.w.string(f["family"][1], f"family of {what}").strip()
        spelled = plain_reference(text)
        if spelled is None:
            raise self.fail(f["family"][1], f"family of {what} must be a name or schema.name "
                                            f"(schema.\"name.with.dots\"), not {text!r}")
        qualifier, family = split_reference(spelled, schema)
        if qualifier == schema:
            return None if family == name else reference_part(family)
        return spelled

    def _class_member(self, item: Node, what: str, own, function: bool, functions, names, extensions):
        """One `{strategy, operator, ...}` or `{number, function, ...}` entry (`own` None: a family's, whose
        left: and right: are required: a family has no type of its own)."""
        label = "a function" if function else "an operator"
        f = self.w.fields(item, f"{label} of {what}", FUNCTION_KEYS if function else OPERATOR_KEYS)
        if own is None:
            for k in ("left", "right"):
                if k not in f:
                    raise self.fail(item, f"{label} of {what} needs {k}: (the types it serves: a family has no type)")
            own = lambda t: t  # noqa: E731
        number_key = "number" if function else "strategy"
        node = f[number_key][1]
        if node.tag != "tag:yaml.org,2002:int" or not 1 <= int(node.value) <= 32767:
            raise self.fail(node, f"{number_key} of {label} of {what} must be an integer from 1, not {node.value!r}")
        left, right = (own(self._cast_type(f[k][1], f"{k} of {label} of {what}")) if k in f else None
                       for k in ("left", "right"))
        if function:
            text = self.function_with_types(f["function"][1], f"a function of {what}", functions, names, extensions,
                                            "operator class")
            return ClassFunction(int(node.value), text, left, right)
        op_node = f["operator"][1]
        text = self.w.string(op_node, f"operator of {what}").strip()
        qualifier, symbol = operator_reference(text)
        why = operator_symbol_error(symbol)
        if why is not None or qualifier is None:
            raise self.fail(op_node, f"operator of {what} must be `op` or `schema.op`: {symbol!r} {why or 'has a bad schema'}")
        order_by = self.w.string(f["order_by"][1], f"order_by of {what}").strip() if "order_by" in f else None
        if order_by is not None:
            spelled = plain_reference(order_by)
            if spelled is None:
                raise self.fail(f["order_by"][1], f"order_by of {what} must be an operator family, `name` or "
                                                  f"`schema.name` (schema.\"name.with.dots\"), not {order_by!r}")
            order_by = bare_in(spelled, ("pg_catalog", "public"))  # as the catalog reader names it
        return ClassOperator(int(node.value), symbol if qualifier in ("", "public", "pg_catalog") else
                             f"{qualifier}.{symbol}", left, right, order_by)


# The support functions a class of these methods holds (pg_depend on the class) when CREATE OPERATOR CLASS names
# them; Postgres binds its other members to a family of CREATE OPERATOR FAMILY (btadjustmembers, hashadjustmembers:
# cross-type members and optional functions; gistadjustmembers: every operator and the optional functions).
_BOUND_FUNCTIONS = {"btree": {1}, "hash": {1}, "gist": {1, 2, 5, 6, 7}}


def family_bound(c: OperatorClass) -> list[str]:
    """The members of `c` (OPERATOR n, FUNCTION n) that Postgres binds to its family rather than to it."""
    if c.method not in _BOUND_FUNCTIONS:
        return []
    def types(m) -> str:
        return f"({m.left or c.type}, {m.right or c.type})"
    out = [f"OPERATOR {o.strategy} {types(o)}" for o in c.operators if c.method == "gist" or o.left != o.right]
    return out + [f"FUNCTION {f.number} {types(f)}" for f in c.functions
                  if f.number not in _BOUND_FUNCTIONS[c.method] or f.left != f.right]


def _member_specs(c) -> dict:
    """A class's or family's operators: and functions: as schema.yaml writes them, a member one line."""
    spec = {}
    if c.operators:
        spec["operators"] = [Flow(drop_empty({"strategy": o.strategy, "operator": o.operator, "left": o.left,
                                              "right": o.right, "order_by": o.order_by})) for o in c.operators]
    if c.functions:
        spec["functions"] = [Flow(drop_empty({"number": x.number, "function": x.function, "left": x.left,
                                              "right": x.right})) for x in c.functions]
    return spec


def operator_class_spec(c: OperatorClass) -> dict:
    """A class as schema.yaml writes it: what differs from CREATE OPERATOR CLASS's defaults; a member one line."""
    spec = drop_empty({"schema": c.schema if c.schema != "public" else None, "method": c.method, "type": c.type,
                       "default": c.default, "family": c.family, "storage": c.storage})
    return {**spec, **_member_specs(c), **({"comment": c.comment} if c.comment is not None else {})}


def operator_family_spec(f: OperatorFamily) -> dict:
    """A family as schema.yaml writes it: its method and loose members (both types each)."""
    spec = drop_empty({"schema": f.schema if f.schema != "public" else None, "method": f.method})
    return {**spec, **_member_specs(f), **({"comment": f.comment} if f.comment is not None else {})}


def _written(field: str, objects: tuple, spec) -> dict:
    """`field:` as inspect writes it, or nothing: keyed by name, else (the same name under two methods or in two
    schemas) by `name method` or `schema.name method`, with a name: key."""
    def key(c, level: int) -> str:
        return [c.name, f"{c.name} {c.method}", f"{c.schema}.{c.name} {c.method}"][level]
    out = {}
    for c in objects:
        level = next(n for n in range(3) if [key(x, n) for x in objects].count(key(c, n)) == 1)
        written = {**spec(c), **owner_spec(c), **({"family_owner": c.family_owner}
                                                   if getattr(c, "family_owner", None) is not None else {})}
        out[key(c, level)] = written if level == 0 else {"name": c.name, **written}
    return {field: out} if out else {}


def written_operator_classes(classes: tuple[OperatorClass, ...], families: tuple[OperatorFamily, ...] = ()) -> dict:
    """`operator_families:` and `operator_classes:` as inspect writes them, or nothing."""
    return {**_written("operator_families", families, operator_family_spec),
            **_written("operator_classes", classes, operator_class_spec)}


def declared_classes_spelled(objects: list, classes: tuple[OperatorClass, ...]) -> list:
    """`objects` (tables, materialized views) with each index or EXCLUDE key naming a class schema.yaml declares
    spelled as the catalog reader reads it: none where the class is the DEFAULT of the key column's type under the
    index's method (pg.opclasses does so for Postgres's own), else `public.name` for a bare one of public (the
    catalog names every class outside pg_catalog qualified): either was drift from the index its migration built."""
    declared = {(c.schema, c.name): c for c in classes}
    if not declared:
        return objects

    def key(o, method: str, e):
        c = declared.get(class_key(e.opclass)) if e.opclass else None  # type: ignore[arg-type]
        if c is None:
            return e
        col = o.column(e.column) if e.column and isinstance(o, Table) else None
        if c.default and c.method == method and col is not None and not e.opclass_options and \
                type_name(col.type) == type_name(c.type):
            return replace(e, opclass=None)
        return replace(e, opclass=f"{reference_part(c.schema)}.{reference_part(c.name)}")
    out = []
    for o in objects:
        if any(e.opclass for i in (*o.indexes, *getattr(o, "exclusions", ())) for e in i.elements):
            changed = {"indexes": tuple(replace(i, elements=tuple(key(o, i.method, e) for e in i.elements))
                                        for i in o.indexes)}
            if hasattr(o, "exclusions"):
                changed["exclusions"] = tuple(replace(x, elements=tuple(key(o, x.method, e) for e in x.elements))
                                              for x in o.exclusions)
            o = replace(o, **changed)
        out.append(o)
    return out
