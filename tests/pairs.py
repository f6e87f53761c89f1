"""Old -> new schema pairs of our own (tests/fixtures/pairs/*.sql), for the exact-plans issue.

A file holds the cases of one class of change. Each case is written as SQL, the way a user's database
is: an old schema with rows, and the new schema loaded directly. Markers, each on a line of its own:

    -- case: serial-to-integer          starts a case (ids are unique across all files)
    -- allow: destructive               (optional) generate runs with --allow-destructive
    -- changed: t.id, s.t.v             (optional) columns whose values' text form may change (a bare table: the
                                        one the search path finds, public's; another schema's is named s.t)
    -- since: 17                        (optional) the oldest major whose grammar loads the case (an older one
                                        refuses it: test_pairs skips it there, saying so, and fails if it loads)
    -- apply as: owner                  (optional) both sides handed to a non-superuser owner of the database and
                                        the migration applied as it (tests/owner_mode.py), as teams deploy
    -- old:                             the old schema, and INSERTs: the rows a migration must keep
    -- new:                             the new schema (rows here only fill the sibling database)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "pairs")
_MARK = re.compile(r"^-- (case|allow|changed|since|apply as|old|new):\s*(.*)$")


@dataclass(frozen=True)
class Pair:
    id: str
    file: str
    old: str
    new: str
    destructive: bool = False
    changed: tuple[tuple[str, str], ...] = ()
    since: int = 0  # `-- since:`: the oldest major that loads it (0: every one)
    as_owner: bool = False  # `-- apply as: owner`: applied by the database's non-superuser owner (owner_mode.py)


def _parse(path: str) -> list[Pair]:
    cases: list[dict] = []
    section = None
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        m = _MARK.match(line.rstrip("\n"))
        if m is None:
            if section is None:
                if line.strip() and not line.startswith("--"):
                    raise ValueError(f"{path}:{n}: SQL outside a case's old: or new: section")
                continue
            cases[-1][section] += line
            continue
        key, value = m.groups()
        if key == "case":
            cases.append({"id": value.strip(), "old": "", "new": "", "allow": "", "changed": "", "since": "", "apply as": ""})
            section = None
        elif not cases:
            raise ValueError(f"{path}:{n}: '-- {key}:' before the first '-- case:'")
        elif key in ("old", "new"):
            section = key
        else:
            cases[-1][key] = value.strip()
    name = os.path.basename(path)[:-4]
    out = []
    for c in cases:
        if not c["old"].strip() and not c["new"].strip():
            raise ValueError(f"{path}: case {c['id']} has no SQL")
        changed = tuple(_column(path, c["id"], x.strip()) for x in c["changed"].split(",") if x.strip())
        if c["since"] and not c["since"].isdecimal():
            raise ValueError(f"{path}: case {c['id']}: since: {c['since']!r} is not a major version (17)")
        if c["apply as"] not in ("", "owner"):
            raise ValueError(f"{path}: case {c['id']}: apply as: {c['apply as']!r} is not 'owner'")
        out.append(Pair(c["id"], name, c["old"], c["new"], c["allow"] == "destructive", changed,  # type: ignore[arg-type]
                        int(c["since"] or 0), c["apply as"] == "owner"))
    return out


def _column(path: str, case: str, entry: str) -> tuple[str, str]:
    """A `changed:` entry as (table, column), the table as written (qualified_changed says which it means)."""
    table, dot, column = entry.rpartition(".")
    if not dot or not table or not column:
        raise ValueError(f"{path}: case {case}: changed: {entry!r} is not table.column or schema.table.column")
    return (table, column)


def qualified_changed(pair: Pair) -> set[tuple[str, str]]:
    """The pair's `changed:` columns as catalog_oracle.values' keys ("schema.table", column): a bare table is the
    one the search path finds, public's (a same-named table of another schema is not meant by it)."""
    return {(t if "." in t else f"public.{t}", c) for t, c in pair.changed}


def load_pairs(folder: str = HERE) -> list[Pair]:
    pairs = [p for f in sorted(os.listdir(folder)) if f.endswith(".sql") for p in _parse(os.path.join(folder, f))]
    ids = [p.id for p in pairs]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"case ids used twice in {folder}: {', '.join(dupes)}")
    return pairs


def spread(pairs: list[Pair], size: int) -> set[str]:
    """The ids of a sample of `size` pairs (one a file where there are more files): one of every file, the rest shared
    among the files in proportion to their pairs (largest remainders first), each file's evenly spaced in it. The
    default run's pairs: every class of change, in a sample that stays the same size as pairs are added."""
    files: dict[str, list[Pair]] = {}
    for p in pairs:
        files.setdefault(p.file, []).append(p)
    extra = max(size - len(files), 0)
    quota = {f: len(ps) * extra / len(pairs) for f, ps in files.items()}
    share = {f: min(1 + int(q), len(files[f])) for f, q in quota.items()}
    for f in sorted(quota, key=lambda f: int(quota[f]) - quota[f]):  # (a stable sort: files in their order)
        if sum(share.values()) < max(size, len(files)) and share[f] < len(files[f]):
            share[f] += 1
    return {ps[(2 * i + 1) * len(ps) // (2 * share[f])].id for f, ps in files.items() for i in range(share[f])}
