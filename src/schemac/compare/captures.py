"""Which bare operator symbols the migration names pg_catalog's, where intarray shares the search_path it pins
(plan.captured says why and does it): intarray's `@>`, `<@` and `&&`, but those a declared extension visible there
has an operator of too (hstore's and ltree's `@>` and `<@`, cube's, seg's, PostGIS's `&&`), which a bare one may mean;
none where an extension this module does not know is visible there. No sqlglot (compare.normalize imports it)."""

from __future__ import annotations

from typing import Iterable

SYMBOLS = ("@>", "<@", "&&")
# The extensions with an operator of one of those symbols (pg_operator of 18's and 15's contrib, pgvector, PostGIS).
_OWN = {"cube": {"@>", "<@", "&&"}, "seg": {"@>", "<@", "&&"}, "hstore": {"@>", "<@"}, "ltree": {"@>", "<@"},
        "postgis": {"&&"}, "postgis_raster": {"&&"}}
# Those known to have none: the rest of contrib, and what Supabase installs beside them.
_NONE = frozenset({
    "address_standardizer", "address_standardizer_data_us", "adminpack", "amcheck", "autoinc", "bloom", "btree_gin",
    "btree_gist", "citext", "dblink", "dict_int", "dict_xsyn", "earthdistance", "file_fdw", "fuzzystrmatch",
    "insert_username", "intagg", "isn", "lo", "moddatetime", "old_snapshot", "pageinspect", "pg_buffercache",
    "pg_freespacemap", "pg_logicalinspect", "pg_prewarm", "pg_stat_statements", "pg_surgery", "pg_trgm",
    "pg_visibility", "pg_walinspect", "pgcrypto", "pgrowlocks", "pgstattuple", "plpgsql", "postgis_sfcgal",
    "postgis_tiger_geocoder", "postgis_topology", "postgres_fdw", "refint", "sslinfo", "tablefunc", "tcn",
    "tsm_system_rows", "tsm_system_time", "unaccent", "uuid-ossp", "xml2", "vector", "pg_graphql", "pg_net",
    "pgsodium", "supabase_vault", "pgjwt", "pg_cron", "pg_stat_monitor", "pg_hashids", "pgaudit", "pgtap",
    "pg_jsonschema", "http", "wrappers", "index_advisor", "hypopg"})
KNOWN = _NONE | frozenset(_OWN)  # (compare.server_wrappers: none of them makes a foreign data wrapper but contrib's three)


def captured_symbols(extensions: Iterable, path: tuple[str, ...]) -> frozenset[str]:
    """The symbols a bare use of which the migration names pg_catalog's: none unless intarray's schema is on the
    migration's `path` (compare.normalize.extension_path of `extensions`), those of the extensions visible there
    taken off."""
    visible = [e for e in extensions if (e.schema or "public") in ("public", "pg_catalog", *path)]
    if not any(e.name == "intarray" and e.schema in path for e in visible):
        return frozenset()
    others = [e.name for e in visible if e.name != "intarray"]
    if any(n not in _NONE and n not in _OWN for n in others):
        return frozenset()
    return frozenset(SYMBOLS) - {s for n in others for s in _OWN.get(n, ())}
