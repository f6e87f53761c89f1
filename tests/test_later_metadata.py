"""importlib.metadata's stand-in (pg/later_metadata.py): the console script imports sqlglot without importlib.metadata
(email, zipfile, pathlib...), and whatever uses it later gets what it would have got. Each case in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _run(script: str, stand_in: bool = True, **env: str) -> subprocess.CompletedProcess:
    head = "from schemac.pg.later_metadata import install\ninstall()\n" if stand_in else ""
    return subprocess.run([sys.executable, "-c", head + script], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": SRC, **env})


def test_sqlglot_is_imported_without_importlib_metadata():
    out = _run("import sys, sqlglot\n"
               "from schemac.pg.later_metadata import StandIn\n"
               "print(isinstance(sys.modules['importlib.metadata'], StandIn), 'email' in sys.modules, "
               "'zipfile' in sys.modules)\n").stdout.split()
    assert out == ["True", "False", "False"]


def test_what_uses_it_later_gets_the_real_module():
    script = ("import sys, importlib, sqlglot\n"
              "from importlib import metadata\n"
              "print(metadata.version('sqlglot'))\n"
              "import importlib.metadata as m\n"
              "print(type(sys.modules['importlib.metadata']).__name__, importlib.metadata is sys.modules['importlib.metadata'],"
              " m.PackageNotFoundError.__module__, hasattr(sys.modules['importlib.metadata'], 'distribution'))\n"
              "try:\n    metadata.version('no-such-distribution-x')\nexcept metadata.PackageNotFoundError as e:\n    print(repr(e))\n"
              "import importlib.metadata._meta\n")
    with_it, without = _run(script).stdout.splitlines(), _run(script, stand_in=False).stdout.splitlines()
    assert with_it == without
    assert with_it[1] == "module True importlib.metadata True"


def test_sqlglot_s_plugin_lookup_is_unchanged():
    script = ("import sqlglot\n"
              "try:\n    sqlglot.Dialect.get_or_raise('no_such_dialect_x')\nexcept ValueError as e:\n    print(e)\n"
              "print(sqlglot.Dialect.get_or_raise('postgres').__class__.__name__)\n")
    assert _run(script).stdout == _run(script, stand_in=False).stdout
    assert "Unknown dialect" in _run(script).stdout


def test_nothing_is_put_in_its_place_once_it_is_imported():
    out = _run("import sys, importlib.metadata\nfrom schemac.pg.later_metadata import install\ninstall()\n"
               "print(type(sys.modules['importlib.metadata']).__name__)\n", stand_in=False).stdout.split()
    assert out == ["module"]


def test_the_console_script_s_generate_imports_no_importlib_metadata(tmp_path):
    """`schemac generate --dry-run` imports sqlglot, and neither importlib.metadata nor what it loads."""
    (tmp_path / "schema.yaml").write_text("tables:\n  t:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
                                          "      n: {type: integer, default: '0'}\n    checks:\n      c: n >= 0\n")
    run = subprocess.run([sys.executable, "-c", "import sys\nsys.argv[0] = 'schemac'\nfrom schemac.launch import main\nmain()",
                          "generate", "--dry-run", "--out", "generated"], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": SRC, "PYTHONPROFILEIMPORTTIME": "1"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert "CREATE TABLE" in run.stdout
    imported = {line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert "sqlglot" in imported
    assert not {"importlib.metadata", "email.message", "zipfile"} & imported
