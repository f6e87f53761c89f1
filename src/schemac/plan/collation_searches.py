"""generate's warning of a column given a nondeterministic collation under an expression Postgres cannot evaluate so.

Postgres refuses a substring search (replace, position, strpos, split_part, starts_with, string_to_array, ^@), a
regular expression (~, SIMILAR TO, regexp_*) and ILIKE (LIKE too before 18) over a nondeterministic collation
("nondeterministic collations are not supported for substring searches"). An index or CHECK calling one over a column
the migration gives such a collation is rebuilt or checked again over the rows by ALTER COLUMN ... TYPE, so the
migration fails over any row: `generate` never sees the rows, so it warns at the column's line, naming them. Read
from the expression's text (Postgres's deparsed form or one written by hand); one holding a COLLATE of its own is left
alone (it may have given the call a deterministic collation).
"""

from __future__ import annotations

import re
from typing import AbstractSet, Optional

from schemac.compare.changes import Change
from schemac.compare.loose_collations import loosely_compared
from schemac.model import Index
from schemac.pg.loaded import referenced_columns
from schemac.pg.names import constraint_name
from schemac.plan.partition_index_ddl import index_reads

_LITERAL = re.compile(r"'(?:[^']|'')*'")
_SEARCH = re.compile(r"\b(replace|position|strpos|split_part|starts_with|string_to_array|string_to_table"
                     r"|regexp_[a-z_]+|similar_to_escape|similar_escape)\s*\(", re.I)
_WORDS = re.compile(r"\b(NOT\s+)?(I?LIKE|SIMILAR\s+TO)\b", re.I)
_OPERATOR = re.compile(r"(?<![~!^@#*<>=|&+\-/%?])(!?~~?\*?|\^@)(?![~!^@#*<>=|&+\-/%?])")
# An operator as Postgres deparses it: what it is, as the warning names it
_OPERATORS = {"~~": "LIKE", "!~~": "LIKE", "~~*": "ILIKE", "!~~*": "ILIKE", "^@": "^@"}


def _refused_calls(text: str) -> list[str]:
    """The calls of `text` Postgres refuses over a nondeterministic collation, as the warning names them, in order."""
    if re.search(r"\bCOLLATE\b", text, re.I):
        return []
    bare = _LITERAL.sub("''", text)
    found = [(m.start(), f"{m.group(1).lower()}()") for m in _SEARCH.finditer(bare)]
    found += [(m.start(), " ".join(m.group(2).upper().split())) for m in _WORDS.finditer(bare)]
    found += [(m.start(), _OPERATORS.get(m.group(1), m.group(1))) for m in _OPERATOR.finditer(bare)]
    out: list[str] = []
    for _, what in sorted(found):
        if what not in out:
            out.append(what)
    return out


def _reads(text: str, column: str) -> bool:
    try:
        return column in referenced_columns(f"({text})")
    except ValueError:
        return True  # (unread: taken as reading it)


def refused_searches(change: Change, loose: tuple[AbstractSet, AbstractSet]) -> list[str]:
    """["replace() in index t_norm", ...]: the indexes, EXCLUDE constraints and enforced CHECKs of the change's table
    whose expression reads its column, which a retype gives a nondeterministic collation it did not compare under,
    through a call Postgres refuses so."""
    t, old, new = change.table_def, change.old, change.new
    if change.kind != "alter_column_type" or t is None or t.foreign is not None \
            or not loosely_compared(new, loose[1]) or loosely_compared(old, loose[0]):  # type: ignore[arg-type]
        return []
    col, out = change.name, []
    for i in list(t.indexes) + list(t.exclusions):
        texts = [e.expression for e in i.elements if e.expression] + ([i.where] if i.where else [])
        calls = [c for text in texts for c in _refused_calls(text)]
        if calls and index_reads(i, col, include=False):
            kind, name = ("index", i.name) if isinstance(i, Index) else ("EXCLUDE", constraint_name(t, i))
            out.append(f"{', '.join(dict.fromkeys(calls))} in {kind} {name}")
    for k in t.checks:
        calls = _refused_calls(k.expression) if k.enforced and not k.not_valid else []
        if calls and _reads(k.expression, col):
            out.append(f"{', '.join(calls)} in CHECK {k.name}")
    return out


def searched_collation_warning(change: Change, loose: tuple[AbstractSet, AbstractSet]) -> Optional[str]:
    """The warning for `change`, if it gives its column a nondeterministic collation under such an index or CHECK."""
    found = refused_searches(change, loose)
    if not found:
        return None
    given = f"collation {change.new.collation}" if change.new.collation else f"the collation of {change.new.type}"  # type: ignore
    return (f"warning: {change.source or change.path}: column {change.path} is given {given}, which is "
            f"nondeterministic: Postgres refuses {'; '.join(found)} over it (\"nondeterministic collations are not "
            "supported for substring searches\", regular expressions, ILIKE; LIKE before 18): the migration fails over "
            "any row (give the expression a deterministic COLLATE, e.g. \"C\", or keep the column's collation)")
