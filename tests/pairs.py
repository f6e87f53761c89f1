"""Old -> new schema pairs of our own (tests/fixtures/pairs/*.sql), for the exact-plans issue.

A file holds the cases of one class of change. Each case is written as SQL, the way a user's database
is: an old schema with rows, and the new schema loaded directly. Markers, each on a line of its own:

    -- case: serial-to-integer          starts a case (ids are unique across all files)
    -- allow: destructive               (optional) generate runs with --allow-destructive
    -- allow: recreated                 (optional, with renamed:) A's views, policies... may be dropped and made again
    -- changed: t.id, s.t.v             (optional) columns whose values' text form may change (a bare table: the
                                        one the search path finds, public's; another schema's is named s.t)
    -- since: 17                        (optional) the oldest major whose grammar loads the case (an older one
                                        refuses it: test_pairs skips it there, saying so, and fails if it loads)
    -- apply as: owner                  (optional) both sides handed to a non-superuser owner of the database and
                                        the migration applied as it (tests/owner_mode.py), as teams deploy
    -- renamed: s.t2 <- t, s.t2.b <- a  (optional) `renamed_from:` hints written into the new side's schema.yaml: a
                                        table or view (schema.name <- its old name, or old_schema.name) or a column
                                        (schema.table.column <- its old name; an INHERITS child's column inspect
                                        leaves out, its parent's: no hint, its rows only); the rows are compared
                                        under the new names, and no view, materialized view, policy or trigger of A may be dropped
                                        (its OID kept), nor a policy altered or a view, trigger or function with a
                                        SQL-standard body replaced (its pg_policy, pg_rewrite, pg_trigger or pg_proc
                                        row kept), unless `allow: recreated` (a column retyped under it)
    -- renamed: type s.mood2 <- mood    (optional) a type's `renamed_from:` (an enum, domain, composite or range type:
                                        schema.name <- its old name, or old_schema.name), kept by OID as the views are
    -- renamed: value s.mood.joy <- ok  an enum's label (schema.enum.label <- its old label): `renamed_values:`
    -- renamed: sequence s.q2 <- q      (optional) a sequence's `renamed_from:` (schema.name <- its old name, or
                                        old_schema.name): its position (last_value, is_called) is compared, read
                                        under the old name before and the new one after
    -- kept: oids                       (optional) that check without renames, constraints, indexes and columns'
                                        defaults too: each of A's keeps its OID (renamed, not made again)
    -- old:                             the old schema, and INSERTs: the rows a migration must keep
    -- new:                             the new schema (rows here only fill the sibling database)
"""

from __future__ import annotations

import io
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import yaml

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "pairs")
# the marks whose entries a case may spread over several lines (`-- allow: destructive` then `-- allow: recreated`)
_LISTS = ("allow", "changed", "renamed")
_MARK = re.compile(r"^-- (case|allow|changed|since|apply as|renamed|kept|old|new):\s*(.*)$")


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
    renamed: tuple[tuple[str, str], ...] = ()  # `-- renamed:` (new, old): "s.t" <- table, "s.t.c" <- column
    recreated: bool = False  # `-- allow: recreated`: A's views, policies and triggers may be made again
    kept: bool = False  # `-- kept: oids`: A's views, ..., constraints and indexes keep their OIDs


def _parse(path: str) -> tuple[Pair, ...]:
    with open(path, encoding="utf-8") as f:
        return _parsed(path, f.read())


@lru_cache(maxsize=None)
def _parsed(path: str, text: str) -> tuple[Pair, ...]:
    """A pair file's cases, parsed once a process for each text it holds: eight test modules load every file at
    collection, in each pytest-xdist worker (7 of 8 parses were repeats)."""
    cases: list[dict] = []
    section, seen = None, set[str]()
    for n, line in enumerate(io.StringIO(text), 1):  # (lines as the file gives them: at "\n" only)
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
            cases.append({"id": value.strip(), "old": "", "new": "", "allow": "", "changed": "", "since": "", "apply as": "", "renamed": "", "kept": ""})
            section, seen = None, set()
            continue
        elif not cases:
            raise ValueError(f"{path}:{n}: '-- {key}:' before the first '-- case:'")
        elif key in seen:  # (a list mark's lines merge; any other mark twice was its last line's only, silently)
            if key not in _LISTS:
                raise ValueError(f"{path}:{n}: case {cases[-1]['id']}: a second '-- {key}:' line")
            cases[-1][key] = ", ".join(x for x in (cases[-1][key], value.strip()) if x)
        elif key in ("old", "new"):
            section = key
        else:
            cases[-1][key] = value.strip()
        seen.add(key)
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
        renamed = tuple(_renamed(path, c["id"], x.strip()) for x in c["renamed"].split(",") if x.strip())
        allow = {x.strip() for x in c["allow"].split(",") if x.strip()}
        if allow - {"destructive", "recreated"}:
            raise ValueError(f"{path}: case {c['id']}: allow: {c['allow']!r} is not destructive or recreated")
        if c["kept"] not in ("", "oids"):
            raise ValueError(f"{path}: case {c['id']}: kept: {c['kept']!r} is not 'oids'")
        out.append(Pair(c["id"], name, c["old"], c["new"], "destructive" in allow, changed,  # type: ignore[arg-type]
                        int(c["since"] or 0), c["apply as"] == "owner", renamed, "recreated" in allow, c["kept"] == "oids"))
    return tuple(out)


def _column(path: str, case: str, entry: str) -> tuple[str, str]:
    """A `changed:` entry as (table, column), the table as written (qualified_changed says which it means)."""
    table, dot, column = entry.rpartition(".")
    if not dot or not table or not column:
        raise ValueError(f"{path}: case {case}: changed: {entry!r} is not table.column or schema.table.column")
    return (table, column)


_TYPE_MARKS = ("type ", "value ", "attribute ", "sequence ")  # (a type's entry, an enum label's and a composite attribute's:
# `type s.mood2 <- mood`, `value s.mood.b <- a`, `attribute s.ct.z <- y`)


def _renamed(path: str, case: str, entry: str) -> tuple[str, str]:
    """A `renamed:` entry as (new, old): `schema.table <- old` or `schema.table.column <- old`, `type schema.name <- old`,
    `value schema.enum.label <- old` (kept with its mark)."""
    new, arrow, old = (x.strip() for x in entry.partition("<-"))
    dots = (1,) if new.startswith(("type ", "sequence ")) else (2,) if new.startswith(("value ", "attribute ")) else (1, 2)
    if not arrow or not old or new.count(".") not in dots and not (new.startswith("value ") and new.count(".") > 2):
        raise ValueError(f"{path}: case {case}: renamed: {entry!r} is not schema.table[.column] <- old, "
                         "type schema.name <- old, value schema.enum.label <- old, attribute schema.type.name <- old "
                         "or sequence schema.name <- old")
    return (new, old)


def with_renames(text: str, renamed: tuple[tuple[str, str], ...]) -> str:
    """inspect's schema.yaml `text` with the `renamed:` hints written in: `renamed_from: old` under the table, or in
    the column's mapping (a bare type `c: integer` made `{type: integer, renamed_from: a}`)."""
    lines = text.split("\n")
    for new, old in renamed:
        if new.startswith(_TYPE_MARKS):
            _type_hint(lines, new, old)
            continue
        schema, table, column = (new.split(".") + [""])[:3]
        at = _table_line(lines, schema, table)
        if not column:
            lines.insert(at + 1, f"    renamed_from: {old}")
            continue
        end = next((j for j in range(at + 1, len(lines)) if not lines[j].startswith("    ")), len(lines))
        i = next((i for i in range(at + 1, end) if re.match(rf"^      {re.escape(column)}:( |$)", lines[i])), None)
        if i is None and any(x.startswith("    inherits:") for x in lines[at + 1:end]):  # (a column it has from a parent,
            continue  # which inspect leaves out: renamed by its parent's hint; the entry names the rows' new column)
        if i is None:
            raise ValueError(f"renamed: no column {column} of {schema}.{table} in inspect's schema.yaml")
        head, _, rest = lines[i].partition(": ")
        if not rest:
            lines.insert(i + 1, f"        renamed_from: {old}")
        elif rest.startswith("{"):
            lines[i] = f"{head}: {{renamed_from: {old}, {rest[1:]}"
        else:  # (a bare `numeric(7,3)` or `text[]` quoted: its comma or brackets would break the flow mapping)
            rest = rest if not set(rest) & set(",[]{}") or rest[0] in "'\"" else "'" + rest.replace("'", "''") + "'"
            lines[i] = f"{head}: {{type: {rest}, renamed_from: {old}}}"
    return "\n".join(lines)


_TYPE_SECTIONS = ("enums:", "domains:", "composite_types:", "range_types:")


def _type_hint(lines: list[str], new: str, old: str) -> None:
    """`lines` (inspect's schema.yaml) with a type's (or a sequence's, under `sequences:`) hint written into its entry
    (a block mapping: a line under its key;
    a flow mapping, or an enum's bare list of values, made one holding the hint): `renamed_from: old`, or a label's
    `renamed_values: {label: old}` (one mapping for every label of the enum)."""
    mark, _, rest = new.partition(" ")
    schema, name, label = (rest.split(".", 2) + [""])[:3]
    at = _table_line(lines, schema, name, ("sequences:",) if mark == "sequence" else _TYPE_SECTIONS)
    if mark == "attribute":  # (inspect writes a composite's attributes as one flow mapping: written again as JSON)
        i = next(j for j in range(at + 1, len(lines)) if lines[j].startswith("    attributes: "))
        attributes = yaml.safe_load(lines[i].partition(": ")[2])
        was = attributes[label]
        attributes[label] = {**(was if isinstance(was, dict) else {"type": was}), "renamed_from": old}
        lines[i] = "    attributes: " + json.dumps(attributes)
        return
    key = "renamed_values" if mark == "value" else "renamed_from"
    value = old if mark != "value" else "{" + json.dumps(label) + ": " + json.dumps(old) + "}"
    head, _, body = lines[at].partition(": ")
    if body.startswith("["):  # (an enum as its list of values)
        body = "{values: " + body + "}"
    if body == "{}":  # (a sequence of Postgres's defaults)
        lines[at] = f"{head}: {{{key}: {value}}}"
        return
    if body.startswith("{"):
        had = f"{key}: {{"
        lines[at] = f"{head}: " + (body.replace(had, had + value[1:-1] + ", ", 1) if had in body
                                   else f"{{{key}: {value}, {body[1:]}")
        return
    end = next((j for j in range(at + 1, len(lines)) if not lines[j].startswith("    ")), len(lines))
    had = next((j for j in range(at + 1, end) if lines[j].startswith(f"    {key}: {{")), None)
    if had is not None:  # (a second label of the enum)
        lines[had] = f"    {key}: {{{value[1:-1]}, {lines[had].partition(': {')[2]}"
    else:
        lines.insert(at + 1, f"    {key}: {value}")


def _table_line(lines: list[str], schema: str, table: str,
                sections: tuple[str, ...] = ("tables:", "views:", "materialized_views:")) -> int:
    """The index of table (or view, materialized view) `schema.table`'s line under `tables:` (`views:`,
    `materialized_views:`; public's: no `schema:` line under it)."""
    for start in (i for i, line in enumerate(lines) if line in sections):
        for i in range(start + 1, len(lines)):
            if lines[i] and not lines[i].startswith(" "):
                break
            key, _, flow = lines[i].partition(": ")
            if (key if flow else lines[i]) in (f"  {table}", f"  {table}:", f"  {schema}.{table}", f"  {schema}.{table}:"):
                block = []  # (the latter where two schemas hold the name)
                for j in range(i + 1, len(lines)):
                    if not lines[j].startswith("    "):
                        break
                    block.append(lines[j])
                if flow:
                    block = [f"    schema: {s}" for s in re.findall(r"\bschema: ([^,}]+)", flow)]
                if (f"    schema: {schema}" in block) == (schema != "public"):
                    return i
    raise ValueError(f"renamed: no {'table or view' if 'tables:' in sections else 'type'} {schema}.{table} in "
                     "inspect's schema.yaml")


def rename_keys(pair: Pair, before: dict) -> dict:
    """catalog_oracle.values' keys before the pair's renames, -> their names after them."""
    renamed = [(new, old) for new, old in pair.renamed if not new.startswith(_TYPE_MARKS)]  # (a type's: no table's)
    tables = {old if "." in old else f"{new.split('.')[0]}.{old}": new for new, old in renamed if new.count(".") == 1}
    columns = {(new.rsplit(".", 1)[0], old): new.rsplit(".", 1)[1] for new, old in renamed if new.count(".") == 2}
    out = {}
    for t, c in before:
        nt = tables.get(t, t)
        out[(t, c)] = (nt, columns.get((nt, c), c))
    return out


def qualified_changed(pair: Pair) -> set[tuple[str, str]]:
    """The pair's `changed:` columns as catalog_oracle.values' keys ("schema.table", column): a bare table is the
    one the search path finds, public's (a same-named table of another schema is not meant by it)."""
    return {(t if "." in t else f"public.{t}", c) for t, c in pair.changed}


def load_pairs(folder: str = HERE) -> list[Pair]:
    pairs = [p for f in sorted(os.listdir(folder)) if f.endswith(".sql") for p in _parse(os.path.join(folder, f))]
    dupes = sorted(i for i, n in Counter(p.id for p in pairs).items() if n > 1)
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
