"""Why views could not be built in the throwaway database, when the cause is an extension it lacks.

The throwaway server (the embedded PostgreSQL 18, or `--dev-url`) may not have every extension schema.yaml
declares (PostGIS is not in the embedded build). Then its types' columns, the tables holding them, the
functions taking them and every view reading any of those cannot be made there, and one notice per view
would be hundreds of lines saying one thing. A view's failure is laid to the missing extensions when the
server's words name what they take down with them: a relation of schema.yaml whose build failed (a table,
or a view already laid to them), or a function, operator or type schema.yaml does not declare (the
extension's own). Anything else (a relation schema.yaml does not have, a syntax error) keeps its notice of
its own: it may be a typo."""

from __future__ import annotations

import re
from typing import Iterable

import psycopg

from schemac.model import Extension, Schema, View
from schemac.model.frozen import replace
from schemac.pg.types import name_parts

_RELATION = re.compile(r'^relation "([^"]+)" does not exist')
# Relations PostGIS makes in whatever schema it is created in (a schema schema.yaml may well have, public).
_MEMBERS = frozenset({"spatial_ref_sys", "geometry_columns", "geography_columns", "raster_columns", "raster_overviews"})
_UNDECLARED = re.compile(r'^(?:function|operator|type|schema) (?:"([^"]+)"|([^\s(]+))')


def lacking(conn: psycopg.Connection, desired: Schema) -> list[Extension]:
    """The extensions schema.yaml declares that the server `conn` cannot create."""
    if not desired.extensions:
        return []
    available = {r[0] for r in conn.execute("SELECT name FROM pg_catalog.pg_available_extensions")}
    return [e for e in desired.extensions if e.name not in available]


def at_versions_it_has(conn: psycopg.Connection, building: Schema) -> Schema:
    """`building` with the extensions whose declared version the server `conn` does not ship made at its default
    instead (a view's deparse does not hang on it; the target server may well have that version)."""
    if all(e.version is None for e in building.extensions):
        return building
    shipped = set(conn.execute("SELECT name::text, version FROM pg_catalog.pg_available_extension_versions"))
    return replace(building, extensions=tuple(e if e.version is None or (e.name, e.version) in shipped
                                              else replace(e, version=None) for e in building.extensions))


def laid_to_extensions(views: Iterable[View], failed: dict, broken: Iterable[tuple[str, str]], desired: Schema,
                       missing: Iterable[Extension] = ()) -> set[tuple[str, str]]:
    """The keys of the failed `views` whose failure (`failed`: key -> the server's words) follows from
    missing extensions: they name a relation whose build failed (`broken`: (schema, name) of the tables,
    functions and types whose build failed; views laid to them join it, so a view over such a view
    follows), a relation of the schema a `missing` extension lives in (other than public) or one of
    PostGIS's own, or a function, operator, type or schema that schema.yaml does not declare or could
    not build."""
    declared = {f.name for f in desired.functions} | {t.name for t in (*desired.enums, *desired.domains,
                                                                        *desired.composite_types, *desired.range_types)}
    declared |= set(desired.namespaces)
    pending = {v.key: failed[v.key] for v in views if v.key in failed}
    theirs = {e.schema for e in missing if e.schema and e.schema != "public"}
    down, grown = set(broken) | {(e, "") for e in theirs}, True
    out: set[tuple[str, str]] = set()
    while grown:
        grown = False
        for key, words in list(pending.items()):
            if _follows(words, down, declared):
                out.add(key)
                down.add(key)
                del pending[key]
                grown = True
    return out


def as_printed(name: str) -> list[list[str]]:
    """The readings of a relation's name as the server's words print it (`relation "%s" does not exist`, or
    "%s.%s" qualified): as it is, neither quoted nor folded ("Report", not "report"), so a dot may be the
    qualifier's or the name's own: each reading, the unqualified one first."""
    return [[name]] + [[name[:i], name[i + 1:]] for i, c in enumerate(name) if c == "."]


def _follows(words: str, down: set[tuple[str, str]], declared: set[str]) -> bool:
    m = _RELATION.match(words)
    if m is not None:
        for parts in as_printed(m.group(1)):
            if parts[-1] in _MEMBERS or (len(parts) == 2 and (parts[0], "") in down):
                return True
            if any(k[1] == parts[-1] and (len(parts) == 1 or k[0] == parts[0]) for k in down):
                return True
        return False
    m = _UNDECLARED.match(words)
    if m is not None and words.rstrip().endswith("does not exist"):
        name = name_parts(m.group(1) or m.group(2))[-1]
        return name not in declared or any(k[1] == name for k in down)
    return False


def notice(extensions: list[Extension], views: list[View], where: str) -> str:
    """One line for every view laid to the missing `extensions`."""
    first = extensions[0]
    names = ", ".join(e.name for e in extensions)
    shown = ", ".join(v.qualified_name for v in views[:5]) + (f" and {len(views) - 5} more" if len(views) > 5 else "")
    return (f"{first.source or 'schema.yaml'}: extension{'s' if len(extensions) > 1 else ''} {names}: {where} does "
            f"not have {'them' if len(extensions) > 1 else 'it'}, so {len(views)} view{'s' if len(views) > 1 else ''} "
            f"reading {'them' if len(extensions) > 1 else 'it'} could not be built there ({shown}); "
            f"{'their queries are' if len(views) > 1 else 'its query is'} compared as written. Give --dev-url (or "
            f"SCHEMAC_DEV_URL) a server with {names} to have Postgres deparse {'them' if len(views) > 1 else 'it'}")
