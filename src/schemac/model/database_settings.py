"""The database's own settings (ALTER DATABASE ... SET): what every new session of it starts with. They belong to the
database, not to a schema; PostGIS's topology and tiger scripts set its search_path."""

from __future__ import annotations

from schemac.model.frozen import frozen
from typing import Optional

from .event_triggers import InNoSchema
from .source import Source, _src


@frozen
class DatabaseSetting(InNoSchema):
    """`ALTER DATABASE db SET name = value`, as pg_db_role_setting keeps it (pg.settings.config_entry: the name in
    Postgres's spelling, a list setting's items joined by ", ")."""

    name: str
    value: str
    source: Optional[Source] = _src()


# What PUBLIC holds on a database Postgres made (acldefault('d')): what `database: {grants}` compares PUBLIC with
# when it does not name PUBLIC.
DATABASE_PRIVILEGES = ("CONNECT", "CREATE", "TEMPORARY")
PUBLIC_DATABASE_DEFAULT = ("CONNECT", "TEMPORARY")


@frozen
class DatabaseGrant(InNoSchema):
    """What one role (or PUBLIC) holds on the database itself, granted by its owner without grant option:
    `GRANT CREATE ON DATABASE db TO role` (QGEP's install grants it for ili2pg), `REVOKE CONNECT ... FROM PUBLIC`.
    `privileges` in DATABASE_PRIVILEGES' order; none: PUBLIC's defaults revoked."""

    name: str  # the grantee
    privileges: tuple[str, ...]
    source: Optional[Source] = _src()
