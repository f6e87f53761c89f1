"""importlib.metadata imported when it is first used, not when sqlglot is imported.

Why: sqlglot's dialect module does `from importlib.metadata import entry_points` at its import (for dialect plugins,
looked up only for a dialect name sqlglot does not know, which schemac never asks for), and importing
importlib.metadata loads email, zipfile, pathlib, csv, tempfile...: 20-40 ms of CPU at every start of the commands
that import sqlglot (`generate`, diff's slow path), a twentieth of `generate --dry-run` at 1,000 tables.

The console script (launch.py) puts a stand-in in its place first, where nothing imported it yet: its
`entry_points` imports the real module and calls the real one; reading any other name of it imports the real module,
which then takes the stand-in's place (in sys.modules and as importlib's `metadata`), and gives the real name. What
uses it gets what it would have got: only later.

Its `version` reads a distribution's version itself where that is all there is to it (a `.dist-info` directory on
sys.path, found as the real module finds it): psycopg reads its own and psycopg-binary's at import, the only use the
commands that connect (`diff`'s reading child, `inspect`) have for importlib.metadata, whose modules were ~9% of the
instructions of that child's imports (callgrind), on the path to its first catalog query. Anything else (another
finder of distributions, a zip, an egg, two candidates, a header the email parser might read otherwise) is the real
module's to answer.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import re
import sys
import types
from typing import Any, Optional

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


def version(distribution_name: str) -> str:
    """importlib.metadata.version(distribution_name): its METADATA's Version where _dist_info_version finds it,
    else the real module's answer (PackageNotFoundError included)."""
    found = _dist_info_version(distribution_name)
    return real().version(distribution_name) if found is None else found


def _dist_info_version(name: str) -> Optional[str]:
    """The Version of the one `<name>-*.dist-info` directory of the first sys.path entry holding any `.dist-info` or
    `.egg-info` of that name (importlib.metadata's MetadataPathFinder: names compared as Prepared.normalize makes
    them, the first match of sys.path's order taken); None wherever the real module might find another answer."""
    if not isinstance(name, str) or not name:
        return None
    if any(finder is not importlib.machinery.PathFinder and hasattr(finder, "find_distributions")
           for finder in sys.meta_path):
        return None  # (the real module asks every finder that finds distributions, in order)
    wanted = _normalized(name)
    for entry in sys.path:
        if not isinstance(entry, str):
            return None
        root = entry or "."
        try:
            children = os.listdir(root)
        except OSError:
            if os.path.exists(root):
                return None  # a zip file, or a directory not listed: read as the real module reads it
            continue
        found = [c for c in children if c.lower().endswith((".dist-info", ".egg-info"))
                 and _normalized(c.lower().rpartition(".")[0].partition("-")[0]) == wanted]
        if os.path.basename(root).lower().endswith(".egg"):
            return None  # (an egg's own egg-info)
        if found:
            if len(found) > 1 or not found[0].lower().endswith(".dist-info"):
                return None
            return _header_version(os.path.join(root, found[0], "METADATA"))
    return None


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")  # (importlib.metadata.Prepared.normalize)


def _header_version(path: str) -> Optional[str]:
    """The first Version header of a METADATA file, as the email parser (compat32) gives it: the text after the colon,
    spaces and tabs before it dropped. None where that parser might read the headers otherwise, or nothing is there
    (then the real module reads PKG-INFO)."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = re.split(r"\r\n|\r|\n", f.read())
    except (OSError, ValueError):
        return None
    if not lines[0] or lines[0].startswith("From "):
        return None
    for i, line in enumerate(lines):
        if not line:
            return None  # the headers end: no Version
        key, colon, value = line.partition(":")
        if line[0] in " \t" or not colon or not re.fullmatch(r"[\041-\071\073-\176]+", key):
            return None  # a continuation line or a header spelled otherwise: the email parser's to read
        if key.lower() == "version":
            follows = lines[i + 1] if i + 1 < len(lines) else ""
            return None if follows[:1] in (" ", "\t") else value.lstrip(" \t")
    return None


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
    stand_in.version = version  # type: ignore[attr-defined]
    sys.modules[NAME] = stand_in
    importlib.metadata = stand_in  # type: ignore[attr-defined]  (`from importlib import metadata`)
