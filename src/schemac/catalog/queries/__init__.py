"""The catalog queries, one `.sql` file per kind of object, each covering the whole database."""

from __future__ import annotations

import os
import re
from functools import lru_cache

_SQL_DIR = os.path.dirname(os.path.abspath(__file__))


@lru_cache(maxsize=None)
def sql_text(name: str, major: int = 0) -> str:
    """The text of ``<name>.sql``, shipped as package data (read from beside this module: the
    package is always installed as files, and importlib.resources costs `schemac diff` ~8 ms to import),
    for a server of `major` (0: the oldest)."""
    return _SINCE.sub(lambda m: m.group(2) if major >= int(m.group(1)) else m.group(3), _expanded(name))


@lru_cache(maxsize=None)
def gated_text(text: str, closed: frozenset[str]) -> str:
    """A query's `text` (sql_text's) without its top-level UNION ALL branches marked `/* if GATE */` (a line of its own
    before the branch's SELECT) whose GATE is in `closed`: unmanaged.sql's, where unmanaged_gates.sql finds that none of
    them can return a row (catalog/fetch.py). The first branch, which names the columns, is never marked. And with each
    fragment of _SWAPS in place of another where its gate is closed: what that one holds is none then."""
    if not closed:
        return text
    for gate, (whole, none) in _SWAPS.items():
        if gate in closed:
            text = text.replace(_fragment(whole), _fragment(none))
    order = text.rindex("\nORDER BY ")
    first, *rest = text[:order].split("\nUNION ALL")
    kept = [branch for branch in rest if (m := _GATE.search(branch)) is None or m.group(1) not in closed]
    return "\nUNION ALL".join([first, *kept]) + text[order:]


def _expanded(name: str) -> str:
    """``<name>.sql`` with its fragments in place. A fragment queries share is written once: a block comment
    `include key_options` is key_options.sql's text; `include pg_catalog_hides(proc=cp)` is pg_catalog_hides.sql's
    with each `{proc}` in it `cp` (one rule over each query's own alias). A fragment may include another. A fragment's
    leading `--` lines say what it is for, once, in its file: they are left out where it is included."""
    return _INCLUDE.sub(_included, _read(name))


def _fragment(name: str) -> str:
    """``<name>.sql`` as it is included: expanded, without its leading `--` lines."""
    return _HEADER.sub("", _expanded(name).strip())


def _included(m: re.Match) -> str:
    text = _fragment(m.group(1))
    for argument in _arguments(m.group(2) or ""):
        key, value = (part.strip() for part in argument.split("=", 1))
        text = text.replace("{" + key + "}", value)
    return text


def _arguments(text: str) -> list[str]:
    """The `key=value` arguments of an include, split at the commas outside parentheses (a value may be a call:
    `body=pg_catalog.pg_get_expr(con.conbin, con.conrelid)`)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
    return [a for a in (*out, text[start:]) if a.strip()]


def _read(name: str) -> str:
    with open(os.path.join(_SQL_DIR, f"{name}.sql"), encoding="utf-8") as f:
        return f.read()


# Fragments put in place of another where a gate is closed (gated_text): the first's rows are none then, unplanned.
_SWAPS = {"elsewhere": ("outside_reads", "outside_reads_none")}
_GATE = re.compile(r"^/\* if (\w+) \*/$", re.M)
_INCLUDE = re.compile(r"/\* include (\w+)(?:\((.*?)\))? \*/")  # (arguments up to `) */`: a value may hold a call)
_HEADER = re.compile(r"\A(?:--[^\n]*\n)+")
# A column of later majors: `/* since 18: con.conperiod */ false` reads con.conperiod from 18 on, else false (a
# query naming a column the server lacks fails; to_jsonb(row) ->> 'column' works everywhere but serialised every
# constraint's whole row: constraints.sql 460 -> 800 ms at 10,000 tables).
# The text before 18 may be a qualified name too: `/* since 18: not_nulls */ pg_catalog.pg_constraint`.
_SINCE = re.compile(r"/\* since (\d+): (.+?) \*/ ([\w.]+)")
