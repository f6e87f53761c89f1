"""Projects for the tests of `apply`, sqlx's rules and the ways back: the shipped schema.yaml and migration
in a temporary directory, and `schemac` run in-process there (click's runner: no interpreter to start)."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from typing import Iterator, Optional

from click.testing import CliRunner, Result

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHIPPED = "20261125180615_create_correlation_table.sql"


def project(tmp_path, *extra: tuple[str, str]) -> str:
    """The shipped schema and migration in tmp_path, plus migration files (name, text); the folder's path."""
    shutil.copy(os.path.join(ROOT, "schema.yaml"), tmp_path / "schema.yaml")
    shutil.copytree(os.path.join(ROOT, "generated"), tmp_path / "generated")
    for name, text in extra:
        (tmp_path / "generated" / "migrations" / name).write_bytes(text.encode("utf-8"))
    return str(tmp_path / "generated" / "migrations")


def run_cli(*args: str) -> Result:
    """`schemac ARGS` in this process, in the current directory."""
    from conftest import catchable_end
    from schemac.cli import main

    with catchable_end():
        return CliRunner().invoke(main, list(args), catch_exceptions=False)


def apply_all(url: str, out) -> None:
    """Every migration of the output folder `out` applied to `url` as `schemac apply` does (those applied already
    are skipped): the step most database tests take after a `generate`."""
    import psycopg

    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout

    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(str(out)).migrations())


def generated_and_applied(tmp_path, url: str, text: str, **generate_options) -> str:
    """schema.yaml in tmp_path made `text`, `generate`d into tmp_path/generated (with `generate_options`:
    allow_destructive=True...) and every migration applied to `url` (those applied already are skipped): the new
    migration's SQL."""
    from schemac.commands.generate import generate
    from schemac.migrations.layout import Layout

    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(text, encoding="utf-8")
    result = generate(str(schema), out, **generate_options)
    assert result.status == "written", result.message
    apply_all(url, out)
    return open(Layout(out).migrations()[-1].path, encoding="utf-8").read()


@contextmanager
def inspected_and_rebuilt(url: str, folder, same_inspect: bool = False, text: Optional[str] = None) -> Iterator[tuple]:
    """`url` inspected into folder/schema.yaml (`text`: inspect's of `url` already at hand), generated into one
    migration and applied to a sibling database: its connection, the schema.yaml text, the generate result and the
    database's URL; drift of it against schema.yaml clean after (and, with `same_inspect`, inspect of it the same
    schema.yaml but its first line, which names the database; the drift then judged from that read)."""
    import psycopg
    from catalog_oracle import sibling_database

    from schemac.commands.diff import check_drift, judged_read
    from schemac.commands.generate import generate
    from schemac.commands.inspect import inspect_database
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout

    folder.mkdir(exist_ok=True)
    schema = folder / "schema.yaml"
    text = inspect_database(url).yaml if text is None else text
    schema.write_text(text, encoding="utf-8")
    result = generate(str(schema), str(folder / "generated"))
    assert result.status == "written", result.message
    with sibling_database(url) as b:
        with psycopg.connect(b, autocommit=True) as conn:
            apply_files(conn, Layout(str(folder / "generated")).migrations())
            yield conn, text, result, b
        # With same_inspect, drift judged from inspect's read (diff.judged_read: the same catalog, read once; read
        # again where schema.yaml names other schemas than the database holds).
        again = inspect_database(b) if same_inspect else None
        judged = judged_read(str(schema), again.label, again.read) if again is not None else None
        drift = judged if judged is not None else check_drift(str(schema), b)
        assert drift.differences == (), drift.render("text") + "\n" + result.sql
        if again is not None:
            assert again.yaml.split("\n", 1)[1] == text.split("\n", 1)[1], result.sql
