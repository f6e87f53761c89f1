"""A database filled once per server, and each test's database a copy of it (`CREATE DATABASE ... TEMPLATE`):
test_object_changes and test_incremental start every case from the same BASE and ROWS, which each case generated,
applied and inserted again (base_copy); test_drift's cases from the repository's schema.yaml migrated, which each
applied and diffed clean again (copy_of). A copy holds the same catalog, rows, sequences' state and
`_sqlx_migrations` row as a database filled so; base_copy's test folder gets the generated folder the template was
migrated by (the same migration file, version and checksum: state.json names no path)."""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Callable, Hashable, Iterator

import psycopg
from conftest import available
from pgharness import create_database, drop_database
from psycopg import conninfo

# (server url, key) -> the template database's url; the folders of base_copy's generated migrations
_templates: dict[tuple[str, Hashable], str] = {}
_folders: list[str] = []


def _template(admin_url: str, key: Hashable, fill: Callable[[str], None]) -> str:
    if (admin_url, key) not in _templates:
        url = create_database(admin_url, "schemac_base")
        fill(url)  # (its connections closed before any copy: a template must be idle)
        _templates[(admin_url, key)] = url
    return _templates[(admin_url, key)]


def copy_of(label: str, key: Hashable, fill: Callable[[str], None]) -> Iterator[str]:
    """A database of the server `label` as `fill` leaves an empty one (filled once per server, process and `key`,
    then copied); dropped afterwards."""
    srv = available(label)
    template = _template(srv.url, key, fill)
    url = create_database(srv.url, template=conninfo.conninfo_to_dict(template)["dbname"])
    try:
        yield url
    finally:
        srv.drop_database(url)


_generated: dict[tuple[str, tuple[str, ...]], str] = {}  # (schema.yaml text, rows) -> the folder generated from it


def base_copy(label: str, text: str, rows: list[str], out: str) -> Iterator[str]:
    """A database of the server `label` as `text`'s first migration and `rows` leave it (made once per server and
    process, then copied), and that migration's generated folder copied to `out`; dropped afterwards."""
    from schemac.commands.generate import generate
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout

    key = (text, tuple(rows))
    if key not in _generated:
        folder = tempfile.mkdtemp(prefix="schemac-base-")
        _folders.append(folder)
        schema, _generated[key] = os.path.join(folder, "schema.yaml"), os.path.join(folder, "generated")
        with open(schema, "w", encoding="utf-8") as f:
            f.write(text)
        result = generate(schema, _generated[key])
        assert result.status == "written", result.message

    def fill(url: str) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            apply_files(conn, Layout(_generated[key]).migrations())
            for statement in rows:
                conn.execute(statement)

    shutil.copytree(_generated[key], out)
    yield from copy_of(label, key, fill)


def drop_templates() -> None:
    """At the end of the session, before the servers stop (a server of the user's own keeps nothing)."""
    for (admin_url, _), url in _templates.items():
        drop_database(admin_url, url)
    for folder in _folders:
        shutil.rmtree(folder, ignore_errors=True)
    _templates.clear()
    _folders.clear()
    _generated.clear()
