"""The database's own settings (`database: {settings: {name: value}}`): ALTER DATABASE ... SET, what every new session
of it starts with (PostGIS's topology and tiger scripts add their schema to its search_path). Postgres's settings only:
a custom one (a name with a dot, `app.jwt_secret`) may hold a secret, and is listed as not managed instead.
`database: {grants: {role: [create, connect, temporary]}}`: its own access list (GRANT ... ON DATABASE), PUBLIC's
defaults (connect, temporary) where it does not name PUBLIC; without `grants` the list is not compared.
`database: {comment}`: COMMENT ON DATABASE, not compared where it is not given."""

from __future__ import annotations

import re
from typing import Optional

from yaml.nodes import Node

from schemac.model import DATABASE_PRIVILEGES, PUBLIC_DATABASE_DEFAULT, DatabaseGrant, DatabaseSetting, Schema
from schemac.pg.settings import config_entry
from schemac.schemafile.fields import FieldReader
from schemac.schemafile.grants import grants_flow, role_name

DATABASE_KEYS = {"settings": False, "grants": False, "comment": False}
_WORDS = {"connect": ("CONNECT",), "create": ("CREATE",), "temporary": ("TEMPORARY",), "temp": ("TEMPORARY",),
          "all": DATABASE_PRIVILEGES}
_SETTING = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # Postgres spells some in mixed case: TimeZone, DateStyle


class DatabaseReader(FieldReader):
    """Reads the top-level `database:`."""

    def database_settings(self, node: Node) -> tuple[DatabaseSetting, ...]:
        f = self.w.fields(node, "database", DATABASE_KEYS)
        out: dict[str, DatabaseSetting] = {}
        for setting, key, value in self.w.mapping(f["settings"][1], "settings of database") if "settings" in f else ():
            if "." in setting:
                raise self.fail(key, f"settings of database: '{setting}' is a custom setting, which schemac does not "
                                     "manage (its value may be a secret): set it by hand (`inspect` lists it)")
            if not _SETTING.fullmatch(setting):
                raise self.fail(key, f"settings of database: '{setting}' is not a setting name")
            name, _, text = config_entry(setting, self.w.text(value, f"{setting} in settings of database")).partition("=")
            if name in out:
                raise self.fail(key, f"settings of database: {setting} is given twice (as {name})")
            out[name] = DatabaseSetting(name, text, self.w.src(key))
        return tuple(sorted(out.values(), key=lambda s: s.name))

    def database_grants(self, node: Node) -> Optional[tuple[DatabaseGrant, ...]]:
        """`grants` of `database:`, one entry per grantee (PUBLIC's defaults where it is not named), else None."""
        f = self.w.fields(node, "database", DATABASE_KEYS)
        if "grants" not in f:
            return None
        out: dict[str, DatabaseGrant] = {}
        for _, key, value in self.w.mapping(f["grants"][1], "grants of database"):
            grantee = role_name(self.w.text(key, "grantee of database"))
            if grantee in out:
                raise self.fail(key, f"grants of database: {grantee} is given twice")
            held: set[str] = set()
            for item in self.w.sequence(value, f"privileges of {grantee} on database"):
                word = self.w.text(item, f"privilege of {grantee} on database").lower()
                if word not in _WORDS:
                    raise self.fail(item, f"grants of database: '{word}' is no privilege on a database "
                                          "(connect, create, temporary, all)")
                held.update(_WORDS[word])
            out[grantee] = DatabaseGrant(grantee, tuple(p for p in DATABASE_PRIVILEGES if p in held), self.w.src(key))
        out.setdefault("PUBLIC", DatabaseGrant("PUBLIC", PUBLIC_DATABASE_DEFAULT, self.w.src(f["grants"][0])))
        return tuple(sorted(out.values(), key=lambda g: g.name))

    def database_comment(self, node: Node) -> Optional[str]:
        """`comment` of `database:` (COMMENT ON DATABASE; '' for none), else None."""
        f = self.w.fields(node, "database", DATABASE_KEYS)
        return self.w.text(f["comment"][1], "comment of database") if "comment" in f else None


def written_database(schema: Schema) -> dict:
    """`database:` as inspect writes it, or nothing."""
    settings = {s.name: s.value for s in schema.database_settings}
    grants = {g.name: [p.lower() for p in g.privileges] for g in schema.database_grants or ()
              if g.name != "PUBLIC" or g.privileges != PUBLIC_DATABASE_DEFAULT}
    out = {"settings": settings} if settings else {}
    out.update({"comment": schema.database_comment} if schema.database_comment else {})
    return {"database": {**out, "grants": grants_flow(grants)}} if grants else {"database": out} if out else {}
