"""References schema.yaml writes to other objects, `name` or `schema.name` (fn-x."touch.v", ops-x."Abs.Ops"): a
part that holds a dot, a double quote or a parenthesis, or starts or ends with a blank, is quoted, so that the dot
between the parts stays apart (and an argument list after them: `"touch(v)"(integer)`, blanks around the name). The
model, the loader, the catalog reader and the DDL all split them here (pg.names re-exports them); the catalog
queries quote by the same rule (their fragment quoted_part.sql)."""

from __future__ import annotations

import re
from typing import Optional


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# A part of a reference schema.yaml writes (`ops-x."Abs.Ops"`): bare, in any characters, unless it holds a dot, a
# double quote or a parenthesis, or starts or ends with a blank: the quoted form ("Abs.Ops", its double quotes doubled)
# keeps it apart from the dot between parts and an argument list after them. The same rule in Python and in the
# catalog queries' SQL (a blank is one of these six: not the locale's idea of one, which Python's and Postgres's differ on).
_REFERENCE_PART = re.compile(r'"(?:[^"]|"")+"|[^."]+')
_CALL_PART = re.compile(r'"(?:[^"]|"")+"|[^."(]+')  # before an argument list: a bare part ends at its parenthesis
_NEEDS_QUOTES = re.compile(r'[."()]|^[ \t\n\r\f\v]|[ \t\n\r\f\v]$')


def reference_part(name: str) -> str:
    """A part of a name as schema.yaml writes it in a reference: bare, or quoted where it holds a dot, a double quote
    or a parenthesis or has a blank at an end (inspect writes it so; the catalog queries spell it so too)."""
    return _quoted(name) if _NEEDS_QUOTES.search(name) else name


def _parts(text: str, pattern: re.Pattern = _REFERENCE_PART) -> tuple[list[tuple[str, str]], int]:
    """(written, name) of each part of the reference `text` starts with, and where it ends; no parts where the
    first is not one."""
    parts: list[tuple[str, str]] = []
    at = 0
    while True:
        m = pattern.match(text, at)
        if m is None:  # an empty part, a stray quote: no reference
            return [], 0
        part = m.group()
        parts.append((part, part[1:-1].replace('""', '"') if part.startswith('"') else part))
        at = m.end()
        if at == len(text) or text[at] != ".":
            return parts, at
        at += 1


def reference_parts(text: str) -> Optional[list[str]]:
    """The parts of a reference schema.yaml writes (`schema.name`, `ops-x."Abs.Ops"`), unquoted and unfolded (bare
    parts are names as written: `My Ops.abs_ops`); None where it is not one (an empty part, a stray quote)."""
    if '"' not in text:  # bare parts only (most): those between the dots, as _REFERENCE_PART's second branch takes them
        bare = text.split(".")
        return bare if all(bare) else None
    parts, end = _parts(text)
    return [name for _, name in parts] if parts and end == len(text) else None


def plain_parts(text: str) -> Optional[list[str]]:
    """reference_parts, but None where a bare part is one that must be quoted (`touch(v)`: an argument list;
    ` name`: a blank at an end), which schema.yaml never writes bare."""
    parts, end = _parts(text)
    if not parts or end != len(text) or any(not w.startswith('"') and _NEEDS_QUOTES.search(w) for w, _ in parts):
        return None
    return [name for _, name in parts]


def call_parts(text: str) -> tuple[str, str]:
    """(reference, rest) of a function named with its arguments, `schema.name(types)`, split after the name, which
    may be quoted and hold parentheses itself (`"fn-x"."touch(v)"(integer)`); rest "" where there is no argument
    list after a reference."""
    parts, end = _parts(text, _CALL_PART)
    if not parts or end >= len(text) or text[end] != "(":
        return text, ""
    return text[:end], text[end:]


# A column in a list schema.yaml writes in a string, a column privilege's `update (a, "b, c")`: bare unless it holds a
# comma, a double quote or a parenthesis, or starts or ends with a blank (martin's ".namE "), which the list's commas and
# the blanks around them would otherwise cut or strip; quoted as a reference's part is.
_LIST_NEEDS_QUOTES = re.compile(r'[,"()]|^[ \t\n\r\f\v]|[ \t\n\r\f\v]$')
_LIST_ITEM = re.compile(r'[ \t\n\r\f\v]*("(?:[^"]|"")+"|[^,"]+?)[ \t\n\r\f\v]*(?:,|$)')


def list_part(name: str) -> str:
    """A column as schema.yaml writes it in a list in a string: bare, or quoted where it must be (above)."""
    return _quoted(name) if _LIST_NEEDS_QUOTES.search(name) else name


def list_parts(text: str) -> Optional[list[str]]:
    """The columns of a list list_part wrote, `a, "b, c", " d"`, unquoted, blanks around each left out; None where an
    item is empty or a quote stray."""
    names: list[str] = []
    at = 0
    while at < len(text):
        m = _LIST_ITEM.match(text, at)
        if m is None or (m.end() == len(text) and text.endswith(",")):
            return None
        item = m.group(1)
        names.append(item[1:-1].replace('""', '"') if item.startswith('"') else item)
        at = m.end()
    return names or None


def split_reference(text: str, default: str = "public") -> tuple[str, str]:
    """(schema, name) of a `name` or `schema.name` reference schema.yaml writes, split quote-aware (fn-x."touch.v"
    is ("fn-x", "touch.v")); a bare name is `default`'s."""
    parts = reference_parts(text) or [text]
    return (parts[0] if len(parts) > 1 else default, parts[-1])


def split_operator(text: str, default: str = "public") -> tuple[str, str]:
    """(schema, symbol) of an operator reference, `op` or `schema.op` (a symbol holds no dot; the schema part quoted
    where it holds one: "op.s".<<<); a bare symbol is `default`'s."""
    qualifier, _, symbol = text.rpartition(".") if "." in text.lstrip(".") else ("", "", text)
    return (split_reference(qualifier)[1] if qualifier else default, symbol)


def path_operator(op: str) -> str:
    """An EXCLUDE's operator without pg_catalog or public, to compare by: `OPERATOR(pg_catalog.&&)` written in
    schema.yaml is the catalog's `&&`; the reader qualifies one only where the bare name would find another
    (catalog/queries/exclusions.sql)."""
    schema, symbol = split_operator(op, "")
    return symbol if schema in ("", "pg_catalog", "public") else op


def as_read(desired: Optional[str], current: Optional[str]) -> Optional[str]:
    """A support function schema.yaml writes `public.name` where the catalog reader read the bare `name`: the same
    function (the reader qualifies a public one only where pg_catalog's of its name and inputs hides it, which a
    bare name would find: Evergreen's public.tsvector_concat), so `current`'s spelling, not a change."""
    return current if desired and current and desired == "public." + current else desired


def joined_reference(schema: str, name: str) -> str:
    """`schema.name` as schema.yaml writes it, a part holding a dot or a double quote quoted (split_reference's
    inverse)."""
    return f"{reference_part(schema)}.{reference_part(name)}"
