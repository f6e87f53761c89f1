"""Options of foreign-data wrappers, servers, foreign tables and their columns whose key names a credential.

Why: a wrapper without a validator takes any key, and wrappers do put secrets there (a server's `password` or
`passfile`, Supabase Wrappers' `api_key`, a `conn_string` holding one). Read by inspect, such a value would land in
schema.yaml, state.json and the migrations, which are committed and reviewed: as user mappings' options and custom
database settings, they are never read from a database (catalog/queries/credential_option.sql, the same list in SQL),
listed as not managed by their key alone, and not compared by `diff`. One schema.yaml declares is written by the
migrations (the user chose to), with a warning at its line (schemafile.foreign_servers).
"""

from __future__ import annotations

from schemac.model.frozen import replace

from .schema import Schema

# A key naming a credential holds one of these, in any case (`sslpassword`, `aws_secret_access_key`, `api_key_id`,
# ODBC's `PWD`). credential_option.sql holds the same words as one regular expression (tests/test_credential_options).
CREDENTIAL_WORDS = ("password", "passwd", "pwd", "passfile", "passcode", "passphrase", "secret", "token", "credential",
                    "api_key", "apikey", "private_key", "privatekey", "sslkey", "sa_key", "conn_string",
                    "connection_string", "connstr", "conn_url")
CREDENTIAL_PATTERN = "|".join(CREDENTIAL_WORDS)


def is_credential(key: str) -> bool:
    """Whether an option's key names a credential (one of CREDENTIAL_WORDS in it, in any case)."""
    folded = key.lower()
    return any(word in folded for word in CREDENTIAL_WORDS)


def _kept(options: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple(o for o in options if not is_credential(o[0]))


def without_credentials(schema: Schema) -> Schema:
    """`schema` without its credential options (`diff`'s desired model: the database's never holds them, so one
    schema.yaml declares is neither drift nor planned by diff --sql). The same object where it has none."""
    def stripped(objects: tuple) -> tuple:
        return tuple(o if len(kept := _kept(o.options)) == len(o.options) else replace(o, options=kept)
                     for o in objects)

    tables = []
    for t in schema.tables:
        if t.foreign is not None:
            foreign = stripped((t.foreign,))[0]
            columns = tuple(c if len(kept := _kept(c.fdw_options)) == len(c.fdw_options)
                            else replace(c, fdw_options=kept) for c in t.columns)
            if foreign is not t.foreign or any(a is not b for a, b in zip(columns, t.columns)):
                t = replace(t, foreign=foreign, columns=columns)
        tables.append(t)
    servers, wrappers = stripped(schema.foreign_servers), stripped(schema.foreign_data_wrappers)
    if all(a is b for a, b in zip((*tables, *servers, *wrappers),
                                  (*schema.tables, *schema.foreign_servers, *schema.foreign_data_wrappers))):
        return schema
    return replace(schema, tables=tuple(tables), foreign_servers=servers, foreign_data_wrappers=wrappers)


def with_credentials(schema: Schema, rows: list[tuple[str, str, str, str, str, str]]) -> Schema:
    """`schema` (read from the throwaway database `rebuild-state` replayed the project's migrations into) with the
    credential options those migrations set put back (catalog/queries/credential_options.sql's rows: kind, schema,
    object, column, key, value): the record then holds what schema.yaml declared, and the next `generate` does not
    add them again (which Postgres refuses: option provided more than once)."""
    found: dict[tuple[str, str, str, str], list[tuple[str, str]]] = {}
    for kind, nsp, name, column, key, value in rows:
        found.setdefault((kind, nsp, name, column), []).append((key, value))
    if not found:
        return schema

    def put(o, key: tuple[str, str, str, str], field: str = "options"):
        extra = found.get(key)
        return o if not extra else replace(o, **{field: (*getattr(o, field), *extra)})

    tables = []
    for t in schema.tables:
        if t.foreign is not None:
            columns = tuple(put(c, ("column", t.schema, t.name, c.name), "fdw_options") for c in t.columns)
            t = replace(t, foreign=put(t.foreign, ("table", t.schema, t.name, "")), columns=columns)
        tables.append(t)
    return replace(schema, tables=tuple(tables),
                   foreign_servers=tuple(put(s, ("server", "", s.name, "")) for s in schema.foreign_servers),
                   foreign_data_wrappers=tuple(put(w, ("wrapper", "", w.name, "")) for w in schema.foreign_data_wrappers))
