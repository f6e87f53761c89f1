"""Foreign servers: a foreign data wrapper's connection to another data source (CREATE SERVER). They belong
to the database, not to a schema; the wrapper comes from an extension (postgres_fdw, file_fdw) or is one of the
database's own (foreign_data_wrappers:)."""

from __future__ import annotations

from schemac.model.frozen import frozen
from typing import Optional

from .event_triggers import InNoSchema
from .grants import Privilege
from .source import Source, _security, _src


@frozen
class ForeignServer(InNoSchema):
    """CREATE SERVER name [TYPE 't'] [VERSION 'v'] FOREIGN DATA WRAPPER wrapper [OPTIONS (k 'v', ...)]."""

    name: str
    wrapper: str
    type: Optional[str] = None  # fixed at creation: another type is a drop and a create
    version: Optional[str] = None  # ALTER SERVER ... VERSION
    options: tuple[tuple[str, str], ...] = ()  # (option, value) in the catalog's order (srvoptions)
    comment: Optional[str] = None
    owner: Optional[str] = _security(None)  # None: not compared
    source: Optional[Source] = _src()
    grants: tuple[Privilege, ...] = _security(())  # USAGE (srvacl), the owner's own left out


@frozen
class ForeignDataWrapper(InNoSchema):
    """CREATE FOREIGN DATA WRAPPER name [HANDLER h] [VALIDATOR v] [OPTIONS (k 'v', ...)]: one made in the database,
    not an extension's; its handler and validator are Postgres's own functions or an extension's (a C function of
    the database's own cannot be made by a migration: such a wrapper is listed as not managed)."""

    name: str
    handler: Optional[str] = None  # the function, "name" (pg_catalog) or "schema.name"; None: NO HANDLER
    validator: Optional[str] = None  # likewise; None: NO VALIDATOR
    options: tuple[tuple[str, str], ...] = ()  # (option, value) in the catalog's order (fdwoptions)
    comment: Optional[str] = None
    owner: Optional[str] = _security(None)  # None: not compared
    source: Optional[Source] = _src()
    grants: tuple[Privilege, ...] = _security(())  # USAGE (fdwacl), the owner's own left out


@frozen
class ForeignTable:
    """What makes a table a foreign one (CREATE FOREIGN TABLE ... SERVER server OPTIONS (...)): `Table.foreign`.
    Its columns' OPTIONS are `Column.fdw_options`. Another server is a drop and a create (no ALTER for it)."""

    server: str
    options: tuple[tuple[str, str], ...] = ()  # (option, value) in the catalog's order (ftoptions)
