"""Errors that end a command with exit status 2 and one clear line, never a traceback."""

from __future__ import annotations

from typing import Optional

from .model import Source


class SchemacError(Exception):
    """A user-facing error: bad input, unreachable database, unwritable directory."""

    exit_code = 2

    def __init__(self, message: str, source: Optional[Source] = None):
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        if self.source is not None:
            return f"{self.source}: {self.message}"
        return self.message


class SchemaFileError(SchemacError):
    """schema.yaml is not valid: always carries file:line:column."""
