"""A schema.yaml's first migration applied over rows once per server, and each test's database a copy of it
(`CREATE DATABASE ... TEMPLATE`): test_object_changes and test_incremental start every case from the same BASE
and ROWS, which each case generated, applied and inserted again. A copy holds the same catalog, rows, sequences'
state and `_sqlx_migrations` row as a database migrated so; the test's folder gets the generated folder the template
was migrated by (the same migration file, version and checksum: state.json names no path)."""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Iterator

import psycopg
from conftest import available
from pgharness import create_database, drop_database
from psycopg import conninfo

# (server url, schema.yaml text, rows) -> (the template database's url, the generated folder that migrated it)
_templates: dict[tuple[str, str, tuple[str, ...]], tuple[str, str]] = {}


def _template(admin_url: str, text: str, rows: tuple[str, ...]) -> tuple[str, str]:
    from schemac.commands.generate import generate
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout

    key = (admin_url, text, rows)
    if key not in _templates:
        folder = tempfile.mkdtemp(prefix="schemac-base-")
        schema, out = os.path.join(folder, "schema.yaml"), os.path.join(folder, "generated")
        with open(schema, "w", encoding="utf-8") as f:
            f.write(text)
        result = generate(schema, out)
        assert result.status == "written", result.message
        url = create_database(admin_url, "schemac_base")
        with psycopg.connect(url, autocommit=True) as conn:  # (closed before any copy: a template must be idle)
            apply_files(conn, Layout(out).migrations())
            for statement in rows:
                conn.execute(statement)
        _templates[key] = (url, out)
    return _templates[key]


def base_copy(label: str, text: str, rows: list[str], out: str) -> Iterator[str]:
    """A database of the server `label` as `text`'s first migration and `rows` leave it (made once per server and
    process, then copied), and that migration's generated folder copied to `out`; dropped afterwards."""
    srv = available(label)
    template, generated = _template(srv.url, text, tuple(rows))
    shutil.copytree(generated, out)
    url = create_database(srv.url, template=conninfo.conninfo_to_dict(template)["dbname"])
    try:
        yield url
    finally:
        srv.drop_database(url)


def drop_templates() -> None:
    """At the end of the session, before the servers stop (a server of the user's own keeps nothing)."""
    for (admin_url, _, _), (url, out) in _templates.items():
        drop_database(admin_url, url)
        shutil.rmtree(os.path.dirname(out), ignore_errors=True)
    _templates.clear()
