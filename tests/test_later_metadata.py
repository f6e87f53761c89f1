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
              "print(metadata.distribution('sqlglot').version)\n"
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


def test_version_is_read_as_the_real_module_reads_it():
    """The stand-in's version() (psycopg's at import) answers itself where a .dist-info is all there is, and as the
    real module does: every installed distribution, by its name spelled four ways; one the real module finds as an
    .egg-info first (pip install -e's src/schemac.egg-info) is left to the real module."""
    out = _run("import importlib.metadata as m\n"
               "from schemac.pg import later_metadata as L\n"
               "names = sorted({d.metadata['Name'] for d in m.distributions()})\n"
               "spelled = names + [n.upper() for n in names] + [n.replace('-', '_') for n in names] + "
               "[n.replace('-', '.') for n in names]\n"
               "eggs = [n for n in spelled if str(m.distribution(n)._path).lower().endswith('.egg-info')]\n"
               "print(sum(L._dist_info_version(n) is not None for n in spelled), len(spelled), len(eggs))\n"
               "print([n for n in eggs if L._dist_info_version(n) is not None])\n"
               "print([n for n in spelled if L._dist_info_version(n) not in (None, m.version(n))])\n"
               "print(L._dist_info_version('psycopg') == m.version('psycopg'), "
               "L._dist_info_version('no-such-distribution-x'))\n", stand_in=False).stdout.splitlines()
    answered, spelled, eggs = map(int, out[0].split())
    assert answered == spelled - eggs and spelled > 40  # (an editable install's src/*.egg-info: the real module's)
    assert out[1:] == ["[]", "[]", "True None"]


def test_psycopg_is_imported_without_importlib_metadata():
    """What `diff`'s reading child imports first: psycopg, which reads its two versions at import."""
    script = "import sys, psycopg, psycopg_binary\nprint(psycopg.__version__, psycopg_binary.__version__)\n"
    with_it = _run(script + "print('email' in sys.modules, 'zipfile' in sys.modules, "
                            "type(sys.modules['importlib.metadata']).__name__)\n").stdout.splitlines()
    assert with_it == _run(script, stand_in=False).stdout.splitlines() + ["False False StandIn"]


def _dist(root: Path, directory: str, metadata: str) -> None:
    (root / directory).mkdir(parents=True)
    (root / directory / "METADATA").write_text(metadata, encoding="utf-8")


def test_what_the_email_parser_might_read_otherwise_is_the_real_module_s(tmp_path):
    """Distributions first on sys.path: the stand-in's answer (or error) is the real module's for each."""
    _dist(tmp_path, "plain_x-1.0.dist-info", "Metadata-Version: 2.1\nName: plain-x\nVersion:  1.0 \n\nbody\n")
    _dist(tmp_path, "folded_x-1.0.dist-info", "Metadata-Version: 2.1\nName: folded-x\nVersion: 1.0\n  .post1\n")
    _dist(tmp_path, "twice_x-1.0.dist-info", "Name: twice-x\nVersion: 1.0\n")
    _dist(tmp_path, "Twice.X-2.0.dist-info", "Name: twice-x\nVersion: 2.0\n")
    _dist(tmp_path, "egg_x-3.0.egg-info", "Name: egg-x\nVersion: 3.0\n")
    _dist(tmp_path, "none_x-1.0.dist-info", "Name: none-x\n\nVersion: 9\n")
    _dist(tmp_path, "crlf_x-1.0.dist-info", "Name: crlf-x\r\nVersion: 4.0\r\n")
    _dist(tmp_path, "odd_x-1.0.dist-info", "Name: odd-x\nVersion : 5.0\n")
    script = ("import sys\nsys.path.insert(0, %r)\nfrom importlib import metadata\n"
              "for name in ('plain-x', 'Plain_X', 'folded-x', 'twice-x', 'egg-x', 'none-x', 'crlf-x', 'odd-x', 'gone-x'):\n"
              "    try:\n        print(name, repr(metadata.version(name)))\n"
              "    except Exception as e:\n        print(name, type(e).__name__, e)\n") % str(tmp_path)
    with_it, without = _run(script).stdout, _run(script, stand_in=False).stdout
    assert with_it == without
    assert "plain-x ' 1.0 '" not in with_it and "plain-x '1.0 '" in with_it and "crlf-x '4.0'" in with_it
    assert "gone-x PackageNotFoundError" in with_it
    answered = _run("import sys\nsys.path.insert(0, %r)\nfrom schemac.pg import later_metadata as L\n"
                    "print([L._dist_info_version(n) for n in ('plain-x', 'folded-x', 'twice-x', 'egg-x', 'none-x', 'odd-x')])"
                    % str(tmp_path), stand_in=False).stdout.strip()
    assert answered == "['1.0 ', None, None, None, None, None]"
