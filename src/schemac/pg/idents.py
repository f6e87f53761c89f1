"""Identifier nodes for the sqlglot trees of DDL, quoted by pg.names' rule (which needs no sqlglot)."""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from schemac.pg.catalog_relations import CATALOG_RELATIONS
from schemac.pg.names import needs_quotes


def ident(name: str) -> exp.Identifier:
    """An identifier, quoted exactly when Postgres would otherwise fold or misread it."""
    return exp.Identifier(this=name, quoted=needs_quotes(name))


def schema_part(schema: str, name: str) -> Optional[exp.Identifier]:
    """The schema of a relation's name in DDL (exp.Table's db): none for public's, unless pg_catalog, which every
    search_path reaches first, holds a relation of that name (pg.names.qualified's rule)."""
    return None if schema == "public" and name not in CATALOG_RELATIONS else ident(schema)
