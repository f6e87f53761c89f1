"""Type spellings read without a parser: the varying bit string, names quoted or qualified, types of
extensions with modifiers, and the parts of a name. Shared by pg.types (no sqlglot) and pg.typeparse."""

from __future__ import annotations

import re

from schemac.pg.keywords import CATALOG_TYPE_WORDS, PLAIN_NAME, quoted_type_is_builtin
from schemac.pg.names import TOKENIZER_WORDS, format_type_ident
from schemac.pg.typmods import is_postgis_shape, modifiers_text

_SERIAL_NAMES = {"serial", "serial2", "serial4", "serial8", "bigserial", "smallserial"}

# sqlglot reads `bit varying(n)` as plain `bit`: handle the varying bit string ourselves.
_VARBIT = re.compile(r"^\s*(?:bit\s+varying|varbit)\s*(?:\(\s*(\d+)\s*\))?\s*((?:\[\s*\d*\s*\]\s*)*)$", re.I)
# numeric(5,-2): a negative scale (PostgreSQL 15+; rounds to hundreds), which sqlglot cannot parse.
NEGATIVE_SCALE = re.compile(r"^\s*(?:numeric|decimal)\s*\(\s*(\d+)\s*,\s*(-\s*\d+)\s*\)\s*((?:\[\s*\d*\s*\]\s*)*)$",
                            re.I)


class TypeSyntaxError(ValueError):
    """The text is not a Postgres type sqlglot can parse."""


_PART = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_BARE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_$]*)\s*((?:\[\s*\]\s*)*)$")
_POSTGIS_TYPE = re.compile(r"^\s*geo(?:metry|graphy)\s*\([^()]*-[^()]*\)\s*(\[\s*\])*\s*$", re.I)
_NAMED = re.compile(rf'^\s*({_PART}(?:\s*\.\s*{_PART})?)\s*(?:\(([^()]*)\))?\s*((?:\[\s*\d*\s*\])*)\s*$')


def named_type(text: str) -> "str | None":
    """A user type named with quotes (`"Mood"`) or a schema (`ref.kind`), spelled as format_type() does;
    None for anything else. sqlglot would fold `"Name"` into the built-in `name`, and reads some schema
    names (`ref`) as keywords."""
    m = _NAMED.match(text)
    if m is None or ('"' not in m.group(1) and "." not in m.group(1)):
        return None
    parts = name_parts(m.group(1))
    if len(parts) == 1 and PLAIN_NAME.fullmatch(parts[0]) and quoted_type_is_builtin(parts[0]):
        if m.group(2) is None and parts[0] not in CATALOG_TYPE_WORDS:  # `"mood"` is mood to Postgres: spelled so
            return plain_type(parts[0] + m.group(3).replace(" ", ""))  # (None: the parse's, as before)
        return None  # `"text"`: a name that reads the same unquoted; `"numeric"`, pg_catalog's (not `"integer"`)
    if m.group(2) is not None:  # modifiers: a type of an extension living outside the search path
        return ".".join(format_type_ident(p) for p in parts) + modifiers_text(parts[-1], m.group(2).split(",")) + \
            "[]" * m.group(3).count("[")
    return ".".join(format_type_ident(p) for p in parts) + "[]" * m.group(3).count("[")


# One word, modifiers of whole numbers and words, at most one []: a user's type as format_type() prints it.
_WORD = r"[A-Za-z_][A-Za-z0-9_]*"
_PLAIN = re.compile(rf"({_WORD})(?:\(((?:[0-9]+|{_WORD})(?:,(?:[0-9]+|{_WORD}))*)\))?(\[\])?")
# sqlglot's words that are Postgres's own types or common extensions' its parse spells as written, modifiers apart.
_OWN_TYPE_WORDS = frozenset("""
bpchar cube geography geometry hstore vector regclass regcollation regconfig regdictionary regnamespace regoper
regoperator regproc regprocedure regrole regtype""".split())


def plain_type(text: str) -> "str | None":
    """A type named by one unquoted word (an enum, a domain, a composite, a table's row type, an extension's
    `citext`, `vector(3)`, `geometry(Point,4326)`), as pg.typeparse's parse spells it, without sqlglot: every word
    but its tokenizer's (`int4`, `float`, `serial`...) is a name to it, and a user's type's modifiers are kept as
    written (typmods); None for any other text (tests/test_types.py holds each answer equal to the parse's)."""
    m = _PLAIN.fullmatch(text)
    if m is None:
        return None
    word, modifiers, array = m.group(1).lower(), m.group(2), m.group(3) or ""
    if (word in TOKENIZER_WORDS and word not in _OWN_TYPE_WORDS) or word in _SERIAL_NAMES:
        return None
    if modifiers is None:
        return word + array
    mods = modifiers.split(",")
    if word == "vector" and not (len(mods) == 1 and mods[0].isdigit()):
        return None  # sqlglot's own VECTOR, one whole number (the parse refuses any other)
    if word not in ("geometry", "geography", "vector") and word in _OWN_TYPE_WORDS:
        return None
    if any(not p.isdigit() and p.lower() in TOKENIZER_WORDS and not is_postgis_shape(p) for p in mods):
        return None  # `t(select)`: a word sqlglot does not read as a modifier
    return _with_modifiers(text)


def _with_modifiers(text: str) -> str:
    """A type that is not PostgreSQL's own, with modifiers (`vector(1536)`, `geometry(Point,4326)`), as
    format_type() prints it: name in lower case, modifiers as its extension prints them."""
    m = _NAMED.match(text)
    if m is None or m.group(2) is None:
        raise TypeSyntaxError(f"'{text.strip()}' is not a type name with modifiers")
    name = name_parts(m.group(1))[-1]
    return format_type_ident(name) + modifiers_text(name, m.group(2).split(",")) + "[]" * m.group(3).count("[")


def _unquote(part: str) -> str:
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] == '"':
        return part[1:-1].replace('""', '"')
    return part.lower()


def name_parts(text: str) -> list[str]:
    """`a.b`, `"A".b`: the parts of a possibly qualified, possibly quoted name, as Postgres folds them."""
    return [_unquote(p) for p in re.findall(r'"(?:[^"]|"")*"|[^."]+', text)]
