"""References schema.yaml writes to other objects, `name` or `schema.name` (fn-x."touch.v", ops-x."Abs.Ops"): a
part that holds a dot or a double quote is quoted, so that the dot between the parts stays apart. The model, the
loader, the catalog reader and the DDL all split them here (pg.names re-exports them)."""

from __future__ import annotations

import re
from typing import Optional


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# A part of a reference schema.yaml writes (`ops-x."Abs.Ops"`): bare, in any characters, unless it holds a dot or a
# double quote, which the quoted form ("Abs.Ops", its double quotes doubled) keeps apart from the dot between parts.
_REFERENCE_PART = re.compile(r'"(?:[^"]|"")+"|[^."]+')


def reference_part(name: str) -> str:
    """A part of a name as schema.yaml writes it in a reference: bare, or quoted where it holds a dot or a double
    quote (inspect writes it so; the catalog queries spell it so too)."""
    return _quoted(name) if "." in name or '"' in name else name


def reference_parts(text: str) -> Optional[list[str]]:
    """The parts of a reference schema.yaml writes (`schema.name`, `ops-x."Abs.Ops"`), unquoted and unfolded (bare
    parts are names as written: `My Ops.abs_ops`); None where it is not one (an empty part, a stray quote)."""
    parts, at = [], 0
    while True:
        m = _REFERENCE_PART.match(text, at)
        if m is None:
            return None
        part = m.group()
        parts.append(part[1:-1].replace('""', '"') if part.startswith('"') else part)
        at = m.end()
        if at == len(text):
            return parts
        if text[at] != ".":
            return None
        at += 1


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


def joined_reference(schema: str, name: str) -> str:
    """`schema.name` as schema.yaml writes it, a part holding a dot or a double quote quoted (split_reference's
    inverse)."""
    return f"{reference_part(schema)}.{reference_part(name)}"
