"""importlib.metadata imported when it is first used, not when sqlglot is imported.

Why: sqlglot's dialect module does `from importlib.metadata import entry_points` at its import (for dialect plugins,
looked up only for a dialect name sqlglot does not know, which schemac never asks for), and importing
importlib.metadata loads email, zipfile, pathlib, csv, tempfile...: 20-40 ms of CPU at every start of the commands
that import sqlglot (`generate`, diff's slow path), a twentieth of `generate --dry-run` at 1,000 tables.

The console script (launch.py) puts a stand-in in its place first, where nothing imported it yet: its
`entry_points` imports the real module and calls the real one; reading any other name of it imports the real module,
which then takes the stand-in's place (in sys.modules and as importlib's `metadata`), and gives the real name. What
uses it gets what it would have got: only later (psycopg, which reads its version at import, imports it then).
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import types
from typing import Any

NAME = "importlib.metadata"


class StandIn(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        return getattr(real(), name)


def real() -> types.ModuleType:
    """The real importlib.metadata, imported now where only the stand-in was."""
    module = sys.modules.get(NAME)
    if module is None or isinstance(module, StandIn):
        sys.modules.pop(NAME, None)
        module = importlib.import_module(NAME)  # (the import system makes it importlib's `metadata` too)
    return module


def entry_points(**params: Any) -> Any:
    return real().entry_points(**params)


def install() -> None:
    """The stand-in, unless importlib.metadata is imported already (then nothing is to be saved). It has the real
    package's spec, path and file (what the import system reads of a package: `from importlib.metadata import x`
    looks for `__path__`, a submodule's import searches it), found without importing it."""
    if NAME in sys.modules:
        return
    spec = importlib.machinery.PathFinder.find_spec(NAME, importlib.__path__)
    if spec is None or not spec.submodule_search_locations:  # not where it would be: left alone
        return
    stand_in = StandIn(NAME, __doc__)
    stand_in.__spec__, stand_in.__path__, stand_in.__file__ = spec, list(spec.submodule_search_locations), spec.origin
    stand_in.entry_points = entry_points  # type: ignore[attr-defined]
    sys.modules[NAME] = stand_in
    importlib.metadata = stand_in  # type: ignore[attr-defined]  (`from importlib import metadata`)
