"""A foreign server over a wrapper nothing schema.yaml declares makes: `generate`'s notice and `inspect`'s warning.

The loader accepts `foreign_servers: {files: {wrapper: file_fdw}}` without `extensions: [file_fdw]` (and
`inspect --exclude extension:file_fdw` writes just that, `diff` in sync: the database has the wrapper), but the
migration's CREATE SERVER ... FOREIGN DATA WRAPPER file_fdw fails on a new database, where nothing created the
extension (`foreign-data wrapper "file_fdw" does not exist`: fix57l's finding). It is said, not refused: Postgres
accepts the schema and the database inspect read has the wrapper. A wrapper is made by `foreign_data_wrappers:`,
or by a declared extension: contrib's by WRAPPERS, another by its own name (mysql_fdw's is mysql_fdw); where
schema.yaml declares an extension neither WRAPPERS nor compare.captures.KNOWN knows, which may
make any wrapper, nothing is said (as plan.outside_methods does of access methods)."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.model import ForeignServer, Schema
from schemac.compare.captures import KNOWN

# The wrappers contrib's extensions make (CREATE FOREIGN DATA WRAPPER in their scripts, PostgreSQL 13 to 18); every
# other extension compare.captures knows (contrib's, Supabase's) makes none.
WRAPPERS = {"file_fdw": ("file_fdw",), "postgres_fdw": ("postgres_fdw",), "dblink": ("dblink_fdw",)}


def _made(desired: Schema) -> set[str] | None:
    """The wrappers what `desired` declares makes, or None where a declared extension may make any."""
    made = {w.name for w in desired.foreign_data_wrappers}
    for e in desired.extensions:
        if e.name in WRAPPERS:
            made.update(WRAPPERS[e.name])
        elif e.name in KNOWN:
            continue
        elif e.name.endswith("_fdw"):  # (a wrapper's extension makes the wrapper of its name)
            made.add(e.name)
        else:
            return None
    return made


def _said(s: ForeignServer) -> str:
    ext = next((e for e, names in WRAPPERS.items() if s.wrapper in names), None)
    way = (f"declare extension {ext} under extensions: (it makes the wrapper)" if ext else
           "declare the extension that makes it under extensions:")
    return (f"{s.source or 'foreign_servers'}: foreign server {s.name} uses foreign data wrapper {s.wrapper}, which "
            "nothing schema.yaml declares makes (neither foreign_data_wrappers: nor a declared extension): the migration "
            f"applies only to a database that has {s.wrapper} already, not to an empty one (generate --verify, diff "
            f"without a database, a fresh environment); {way}, or the wrapper under foreign_data_wrappers:")


def unmade_wrappers(servers, desired: Schema) -> list[str]:
    """One notice per server of `servers` whose wrapper nothing `desired` declares makes."""
    made = _made(desired)
    return [] if made is None else [_said(s) for s in servers if s.wrapper not in made]


def wrapper_notices(changes: list[Change], desired: Schema) -> list[str]:
    """`generate`'s: of each server the migration creates."""
    return unmade_wrappers([c.new for c in changes if c.kind == "add_foreign_server" and c.new is not None], desired)


def inspect_wrapper_warnings(schema: Schema) -> list[str]:
    """`inspect`'s: of each server of the file it writes (after --exclude)."""
    return unmade_wrappers(schema.foreign_servers, schema)
