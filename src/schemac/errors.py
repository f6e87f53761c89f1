"""Errors that end a command with exit status 2 and one clear line, never a traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:  # the model's modules are not needed to report an error (`generate --check` imports none)
    from schemac.model import Source


class SchemacError(Exception):
    """A user-facing error: bad input, unreachable database, unwritable directory."""

    exit_code = 2

    def __init__(self, message: str, source: Optional[Source] = None):
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        text = f"{self.source}: {self.message}" if self.source is not None else self.message
        return printable(text)


def shown(text: str) -> bool:
    """Whether `text` holds no character a reader does not see but line feeds: no CR, tab, terminal escape, NEL,
    bidirectional override or zero-width character (str.isprintable, as printable reads it)."""
    return text.isprintable() or all(line.isprintable() for line in text.split("\n"))


def printable(text: str) -> str:
    """One visible line: line breaks, terminal escapes and other invisible characters become escapes.

    Messages quote names and values from schema.yaml and the server; a name holding a newline or an
    ANSI escape must not split the error line or repaint the reviewer's terminal.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class SchemaFileError(SchemacError):
    """schema.yaml is not valid: always carries file:line:column."""
