"""Where an object was declared, and the field kinds every model class uses (compare=False...)."""

from __future__ import annotations

from dataclasses import field
from typing import Optional


class Source(str):
    """Where an object was declared: reports point reviewers at this line. The text "file:line:column"
    itself (a string, immutable like the model): state.json records it as that text, and `schemac diff`
    decodes ~18 of them per table from there (a dataclass each was an eighth of its fast path)."""

    __slots__ = ()

    def __new__(cls, file: str, line: int, column: int = 1) -> "Source":
        return str.__new__(cls, f"{file}:{line}:{column}")

    @classmethod
    def recorded(cls, text: str) -> "Source":
        """A source from its text as state.json records it ("file:line:column", as written by this class)."""
        return str.__new__(cls, text)

    @property
    def file(self) -> str:
        return self.rsplit(":", 2)[0]

    @property
    def line(self) -> int:
        return int(self.rsplit(":", 2)[1])

    @property
    def column(self) -> int:
        return int(self.rsplit(":", 2)[2])

    def __str__(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"Source({self.file!r}, {self.line}, {self.column})"


def _src() -> Optional[Source]:
    return field(default=None, compare=False, repr=False)  # type: ignore[return-value]


def _hint() -> Optional[str]:
    """`renamed_from`: a hint for the next migration, not part of what the object is."""
    return field(default=None, compare=False)  # type: ignore[return-value]


def _catalog_only(default: bool) -> bool:
    """A fact only a database can state (schema.yaml never sets it): not recorded in state.json."""
    return field(default=default, metadata={"recorded": False})  # type: ignore[return-value]


def _security(default):
    """An access list or owner: compared by compare/security.py, never by the objects' equality (a
    function whose grants changed is not a changed function)."""
    return field(default=default, compare=False)  # type: ignore[return-value]


class Qualified:
    """What a relation (a table, a view) is known by: (schema, name) and schema.name."""

    schema: str
    name: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"
