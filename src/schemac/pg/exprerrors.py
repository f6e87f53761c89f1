"""The errors of an expression schemac refuses, without sqlglot: pg.expressions raises them, and the loader
(pg.loaded, schemafile) catches them without importing it."""

from __future__ import annotations


class ExpressionError(ValueError):
    pass


class FirmError(ExpressionError):
    """Refused, never kept verbatim: nested past what the parser can take (the guard against nesting bombs),
    or a construct whose grammar schemac reads written wrong (pg.syntax.KnownGrammarError)."""
