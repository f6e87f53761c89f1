"""Identifier nodes for the sqlglot trees of DDL, quoted by pg.names' rule (which needs no sqlglot)."""

from __future__ import annotations

from sqlglot import exp

from schemac.pg.names import needs_quotes


def ident(name: str) -> exp.Identifier:
    """An identifier, quoted exactly when Postgres would otherwise fold or misread it."""
    return exp.Identifier(this=name, quoted=needs_quotes(name))
