"""User-defined operators (CREATE OPERATOR): overloads of one symbol are distinct objects."""

from __future__ import annotations

from schemac.model.frozen import frozen
from typing import Optional

from .references import split_operator, split_reference
from .source import Source, _security, _src

# The options ALTER OPERATOR ... SET changes on every supported major (COMMUTATOR, NEGATOR, HASHES and
# MERGES only from PostgreSQL 17, and only where unset: those are a DROP and a CREATE).
ALTERABLE = ("restrict", "join")


@frozen
class Operator:
    """An operator (pg_operator, oprkind 'b' or 'l'). `name` is its symbol; `left` is None for a prefix
    operator; types in format_type's spelling. `function` is `name` (public) or `schema.name` (pg_catalog's
    too); `restrict` and `join` (selectivity estimators, mostly pg_catalog's) are bare in pg_catalog and
    public; `commutator` and `negator` are bare in the operator's own schema, else `schema.op`. The identity
    is (schema, name, left, right). `owner` is compared where schema.yaml pins it."""

    name: str
    right: str
    function: str
    schema: str = "public"
    left: Optional[str] = None
    commutator: Optional[str] = None
    negator: Optional[str] = None
    restrict: Optional[str] = None
    join: Optional[str] = None
    hashes: bool = False
    merges: bool = False
    comment: Optional[str] = None
    owner: Optional[str] = _security(None)  # None: not compared (operators have no privileges)
    source: Optional[Source] = _src()

    @property
    def identity(self) -> tuple[str, str]:
        """The argument types (NONE for a prefix operator's left): what tells overloads apart."""
        return (self.left or "NONE", self.right)

    @property
    def signature(self) -> str:
        """op(left, right) as DROP OPERATOR and reports name it."""
        return f"{self.name}({', '.join(self.identity)})"

    def function_key(self) -> tuple[str, str]:
        """(schema, name) of the function it calls."""
        return split_reference(self.function)

    def operator_key(self, other: str) -> tuple[str, str]:
        """(schema, op) of a commutator or negator as the model spells it."""
        return split_operator(other, self.schema)
