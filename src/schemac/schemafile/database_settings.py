"""The database's own settings (`database: {settings: {name: value}}`): ALTER DATABASE ... SET, what every new session
of it starts with (PostGIS's topology and tiger scripts add their schema to its search_path). Postgres's settings only:
a custom one (a name with a dot, `app.jwt_secret`) may hold a secret, and is listed as not managed instead."""

from __future__ import annotations

import re

from yaml.nodes import Node

from schemac.model import DatabaseSetting, Schema
from schemac.pg.settings import config_entry
from schemac.schemafile.fields import FieldReader

DATABASE_KEYS = {"settings": False}
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


def written_database(schema: Schema) -> dict:
    """`database:` as inspect writes it, or nothing."""
    settings = {s.name: s.value for s in schema.database_settings}
    return {"database": {"settings": settings}} if settings else {}
