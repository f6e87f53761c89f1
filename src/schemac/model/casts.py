"""User-defined casts (CREATE CAST): a database's objects, in no schema, one per (source, target) pair."""

from __future__ import annotations

from schemac.model.frozen import frozen
from typing import Literal, Optional

from .source import Source, _src

# pg_cast.castcontext -> schema.yaml's word; explicit is CREATE CAST's default (no AS clause)
CAST_CONTEXTS = {"e": "explicit", "a": "assignment", "i": "implicit"}


@frozen
class Cast:
    """CREATE CAST (source_type AS target_type) WITH FUNCTION f(types) | WITHOUT FUNCTION | WITH INOUT
    [AS ASSIGNMENT | AS IMPLICIT]. Types in format_type's spelling (bare on the search path, else
    schema-qualified); `function` is `name(types)` in public (`public.name(types)` where pg_catalog's of the same
    name and inputs hides it), else `schema.name(types)`: None for a
    binary-coercible cast (WITHOUT FUNCTION) or an I/O conversion (`inout`). Identity: (source, target)."""

    source_type: str
    target_type: str
    function: Optional[str] = None
    inout: bool = False
    context: Literal["explicit", "assignment", "implicit"] = "explicit"
    comment: Optional[str] = None
    source: Optional[Source] = _src()

    @property
    def schema(self) -> str:
        return ""  # a database's object: no namespace

    @property
    def name(self) -> str:
        return f"{self.source_type} AS {self.target_type}"

    @property
    def identity(self) -> tuple[str, str]:
        return (self.source_type, self.target_type)

    @property
    def signature(self) -> str:
        """(source AS target), as DROP CAST and reports name it."""
        return f"({self.name})"
