"""Projects for the tests of `apply`, sqlx's rules and the ways back: the shipped schema.yaml and migration
in a temporary directory, and `schemac` run in-process there (click's runner: no interpreter to start)."""

from __future__ import annotations

import os
import shutil

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
    """`schemac ARGS` in this process, in the current directory (not for `diff`, which ends its process)."""
    from schemac.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)
