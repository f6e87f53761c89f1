"""Whether sqlglot surely reads an expression as the loader keeps it (pg.expressions: one expression, not verbatim),
decided without sqlglot: `inspect` needs only that for its verbatim warning, and sqlglot's import with its parses
was a tenth of `inspect` at 1,000 tables.

The expression's form (its tokens, with each column name, number and string written as I, N and S) must be one of
FORMS, each of which tests/test_readable.py has sqlglot read with every keyword of Postgres and of sqlglot as its
name (one name a form: sqlglot reads any other word as a column, whatever its text). A keyword some form does not
read so (NOT_NAMES) is no I, nor is a word of a form (`text`, `now`), so no other name stands where a form has a
word. Anything else is sqlglot's to decide.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from schemac.pg.sqllex import LexError, tokens

# Postgres's deparse of common defaults, checks and index keys (ruleutils' spacing and case).
FORMS = frozenset("""
I
N
S :: text
S :: jsonb
S :: json
S :: character varying
S :: regclass
nextval ( S :: regclass )
true
false
NULL
now ( )
gen_random_uuid ( )
CURRENT_TIMESTAMP
CURRENT_DATE
lower ( I )
lower ( ( I ) :: text )
( NOT I )
( I IS NULL )
( I IS NOT NULL )
( char_length ( I ) > N )
( char_length ( ( I ) :: text ) > N )
( I > N )
( I >= N )
( I < N )
( I <= N )
( I <> N )
( I > ( N ) :: numeric )
( I >= ( N ) :: numeric )
( I < ( N ) :: numeric )
( I <= ( N ) :: numeric )
""".strip().splitlines())
_FORM_WORDS = frozenset(w for f in FORMS for w in f.split() if w[0].isalpha() and w not in ("I", "N", "S"))

# The words (of sqlglot's keywords, its parser's NO_PAREN_FUNCTION_PARSERS and Postgres's pg_get_keywords(), and
# `while`, which sqlglot's parser takes by its text at a statement's start) that some form does not read as a name:
# tests/test_readable.py reads every other one in every form with the sqlglot installed.
NOT_NAMES = frozenset("""
all alter analyze and any array as begin between cache call case comment commit connect_by_root copy create cross
declare delete desc describe distinct do drop else end except exec execute explain fetch for from glob grant having
if ilike inner insert intersect into join kill lateral like list load lock map merge not notnull nullable object on
only optimize or outer partitioned_by pivot pragma prepare qualify range refresh regexp reindex release rename reset
returning revoke rlike rollback savepoint select set show struct table tablesample then truncate uncache union
unpivot update use using vacuum values variadic when where while with xor
""".split())

# The names some form reads (surely_read) that sqlglot does not read there as a column but as a value (NULL) or a call
# without parentheses (CURRENT_USER): tests/test_loaded.py reads every keyword in every form and finds exactly these.
NOT_COLUMNS = frozenset("""
current_catalog current_date current_role current_schema current_time current_timestamp current_user localtime
localtimestamp null session_user system_user user
""".split())

_NAME = re.compile(r"[a-z_][a-z0-9_]*|\"[^\"\\]+\"")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_STRING = re.compile(r"'(?:[^'\\]|'')*'")


def surely_read(text: str) -> bool:
    """True when sqlglot reads `text` as one expression (never kept verbatim, never refused)."""
    return _form(text) is not None


def form_reading(text: str) -> Optional[tuple[frozenset[str], Optional[str]]]:
    """pg.expressions' answers for `text` where it is of a recorded form whose name sqlglot reads as a column (not one
    of NOT_COLUMNS): the columns referenced_columns finds, and plain_column's (the name of the form `I`); None for
    any other text."""
    found = _form(text)
    if found is None or found[1] in NOT_COLUMNS:
        return None
    form, _, columns = found
    return columns, next(iter(columns)) if form == "I" else None


@lru_cache(maxsize=8192)  # (the loader asks several questions of each text, and a schema repeats its defaults)
def _form(text: str) -> Optional[tuple[str, Optional[str], frozenset[str]]]:
    """The form of `text` (one of FORMS), its name as written (None where the form has none) and the column that
    name is (unquoted, or the text between the quotes); None when `text` is of no recorded form."""
    if "--" in text or "/*" in text:
        return None
    try:
        found = tokens(text)
    except LexError:
        return None
    parts, name = [], None
    for t in found:
        part = _placeholder(t.kind, t.text)
        if part is None:
            return None
        if part == "I":
            name = t.text
        parts.append(part)
    form = " ".join(parts)
    if form not in FORMS:
        return None
    return form, name, frozenset(() if name is None else (name[1:-1] if name[0] == '"' else name,))


def _placeholder(kind: str, text: str) -> Optional[str]:
    if kind == "word" and text in _FORM_WORDS:
        return text
    if kind in ("word", "name"):
        return "I" if _NAME.fullmatch(text) and text not in NOT_NAMES else None
    if kind == "number":
        return "N" if _NUMBER.fullmatch(text) else None
    if kind == "string":
        return "S" if _STRING.fullmatch(text) else None
    return text
