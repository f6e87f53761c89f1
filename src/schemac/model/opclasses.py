"""User-defined operator classes (CREATE OPERATOR CLASS): how an index method (btree, hash, gist, gin, brin ...)
works on a type, with the operators it serves and the support functions it calls."""

from __future__ import annotations

from schemac.model.frozen import frozen
from typing import Optional

from .references import joined_reference, reference_part, split_reference
from .source import Source, _security, _src


@frozen
class ClassOperator:
    """OPERATOR strategy op [(left, right)] [FOR ORDER BY family]: a pg_amop row of the class. `operator` is
    bare in public and pg_catalog, else `schema.op`; `left` and `right` are None where they are the class's
    type; `order_by` is the sort family of an ordering operator (FOR ORDER BY), None for a search one."""

    strategy: int
    operator: str
    left: Optional[str] = None
    right: Optional[str] = None
    order_by: Optional[str] = None


@frozen
class ClassFunction:
    """FUNCTION number [(left, right)] f(types): a pg_amproc row of the class. `function` is `name(types)` in
    public, else `schema.name(types)`; `left` and `right` (the types it serves) None where the class's type."""

    number: int
    function: str
    left: Optional[str] = None
    right: Optional[str] = None


class _UsingMethod:
    """What a class and a family share: named (schema, name, method), as DROP ... USING names them."""

    schema: str
    name: str
    method: str

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.schema, self.name, self.method)

    @property
    def signature(self) -> str:
        """name USING method, as DROP OPERATOR CLASS (FAMILY) and reports name it."""
        return f"{self.name} USING {self.method}"


@frozen
class OperatorClass(_UsingMethod):
    """An operator class (pg_opclass) of `method` for `type` (format_type's spelling). `family` is None for the
    class's own (the family of its name that CREATE OPERATOR CLASS makes), else another class's own, bare in
    the class's schema or `schema.name`; `storage` the type the index stores where not `type`. Identity:
    (schema, name, method). `owner` is compared where schema.yaml pins it; `family_owner` is its own family's
    owner where that is another role (ALTER OPERATOR CLASS ... OWNER TO moves the class alone), else None: the
    family follows the class's owner."""

    name: str
    method: str
    type: str
    schema: str = "public"
    default: bool = False
    family: Optional[str] = None
    storage: Optional[str] = None
    operators: tuple[ClassOperator, ...] = ()
    functions: tuple[ClassFunction, ...] = ()
    comment: Optional[str] = None
    owner: Optional[str] = _security(None)
    source: Optional[Source] = _src()
    family_owner: Optional[str] = _security(None)

    def family_key(self) -> tuple[str, str, str]:
        """(schema, name, method) of its operator family."""
        if self.family is None:
            return self.identity
        return (*split_reference(self.family, self.schema), self.method)

    def reference(self) -> str:
        """How an index key names it: bare in public, else schema.name."""
        return reference_part(self.name) if self.schema == "public" else joined_reference(self.schema, self.name)


@frozen
class OperatorFamily(_UsingMethod):
    """An operator family made by CREATE OPERATOR FAMILY (pg_opfamily), not a class's own: its classes name it as
    their `family`. `operators` and `functions` are its loose members, the pg_amop and pg_amproc rows bound to the
    family and to no class (ALTER OPERATOR FAMILY ... ADD, and those Postgres binds to the family when a class is
    created: btree's cross-type members and optional support functions), each with both its types. Identity:
    (schema, name, method)."""

    name: str
    method: str
    schema: str = "public"
    operators: tuple[ClassOperator, ...] = ()
    functions: tuple[ClassFunction, ...] = ()
    comment: Optional[str] = None
    owner: Optional[str] = _security(None)
    source: Optional[Source] = _src()


def family_members(operators, functions) -> dict:
    """A family's members in one order whatever the order read or written (the catalog's follows type oids):
    by number, then types, then operator or function; as OperatorFamily's `operators` and `functions`."""
    return {"operators": tuple(sorted(operators, key=lambda o: (o.strategy, o.left or "", o.right or "", o.operator,
                                                                 o.order_by or ""))),
            "functions": tuple(sorted(functions, key=lambda f: (f.number, f.left or "", f.right or "", f.function)))}
