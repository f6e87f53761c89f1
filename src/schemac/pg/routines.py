"""Functions and procedures as SQL text: argument lists read and written, return types in canonical
spelling, bodies dollar-quoted. Shared by the loader (what a person writes), the catalog reader
(what Postgres prints) and the compiler."""

from __future__ import annotations

import re
from typing import Optional

from schemac.model import Argument, Cast, Function
from schemac.pg.indexdef import top_level_items
from schemac.pg.names import call_parts, quote_ident, split_reference
from schemac.pg.types import TypeSyntaxError, canonical_type

MODES = {"in": "in", "out": "out", "inout": "inout", "variadic": "variadic"}
PSEUDO_TYPES = {"trigger", "event_trigger", "void", "record", "internal", "language_handler", "fdw_handler",
                "index_am_handler", "tsm_handler", "table_am_handler", "anyelement", "anyarray", "anynonarray",
                "anyenum", "anyrange", "anymultirange", "anycompatible", "anycompatiblearray",
                "anycompatiblenonarray", "anycompatiblerange", "anycompatiblemultirange", "cstring",
                '"any"'}  # a keyword, quoted as format_type prints it (C and internal functions: VARIADIC "any")
_DEFAULT = re.compile(r"\s+(?:DEFAULT\s+|=\s*)", re.I)
_QUOTED = re.compile(r'^"((?:[^"]|"")+)"\s+(.+)$', re.S)


def routine_type(text: str) -> str:
    """A parameter's or result's type in canonical spelling (pseudo-types as they are), without modifiers:
    pg_proc keeps a type's oid only, so `char(4)`, `numeric(10,2)` or `geometry(Point,4326)` there are
    `character`, `numeric` and `geometry`, as format_type prints them (`character`'s column spelling,
    `character(1)`, named no function Postgres has: the function counted as missing)."""
    word = text.strip().lower()
    if word in PSEUDO_TYPES:
        return word
    return without_modifiers(canonical_type(text))


def without_modifiers(canonical: str) -> str:
    """`character(4)[]` -> `character[]`, `timestamp(3) with time zone` -> `timestamp with time zone`: the
    first parenthesized group outside double quotes dropped (a quoted name may hold parentheses); an
    interval's fields are a modifier too (`interval day to second` -> `interval`)."""
    quoted = False
    for i, ch in enumerate(canonical):
        if ch == '"':
            quoted = not quoted
        elif ch == "(" and not quoted:
            canonical = canonical[:i] + canonical[canonical.index(")", i) + 1:]
            break
    if canonical.startswith("interval "):
        return "interval" + "[]" * canonical.count("[]")
    return canonical


def _split_default(item: str) -> tuple[str, Optional[str]]:
    """`b text DEFAULT 'x'` -> ("b text", "'x'"), outside parentheses and quotes."""
    depth, quote = 0, ""
    for i, ch in enumerate(item):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and ch.isspace():
            m = _DEFAULT.match(item, i)
            if m:
                return item[:i].strip(), item[m.end():].strip()
    return item.strip(), None


def parse_argument(item: str) -> Argument:
    """One item of an argument list: `[IN|OUT|INOUT|VARIADIC] [name] type [DEFAULT expr | = expr]`."""
    head, default = _split_default(item)
    mode = "in"
    first, _, rest = head.partition(" ")
    if first.lower() in MODES and rest.strip():
        mode, head = MODES[first.lower()], rest.strip()
    m = _QUOTED.match(head)
    if m:
        return Argument(routine_type(m.group(2)), m.group(1).replace('""', '"'), mode, default)  # type: ignore
    try:
        return Argument(routine_type(head), None, mode, default)  # type: ignore[arg-type]
    except TypeSyntaxError:
        name, _, type_text = head.partition(" ")
        if not type_text.strip():
            raise
        return Argument(routine_type(type_text), name.lower(), mode, default)  # type: ignore[arg-type]


def parse_arguments(text: str) -> tuple[Argument, ...]:
    return tuple(parse_argument(item) for item in top_level_items(text))


def argument_text(a: Argument, render_type=None, render_default=None) -> str:
    parts = [] if a.mode == "in" else [a.mode.upper()]
    if a.name is not None:
        parts.append(quote_ident(a.name))
    parts.append(render_type(a.type) if render_type else a.type)
    if a.default is not None:
        parts += ["DEFAULT", render_default(a.default) if render_default else a.default]
    return " ".join(parts)


def arguments_text(arguments: tuple[Argument, ...]) -> str:
    """The argument list as schema.yaml and reports spell it: `a integer, b text DEFAULT 'x'::text`."""
    return ", ".join(argument_text(a) for a in arguments)


def result_type(text: str) -> str:
    """A RETURNS clause in canonical spelling: `SETOF text`, `TABLE(a integer, b text)`, `integer`."""
    stripped = text.strip()
    if stripped.lower().startswith("setof "):
        return "SETOF " + routine_type(stripped[len("setof "):])
    if stripped.lower().startswith("table") and stripped[len("table"):].lstrip().startswith("("):
        inner = stripped[stripped.index("(") + 1:stripped.rindex(")")]
        columns = [parse_argument(item) for item in top_level_items(inner)]
        if any(c.name is None or c.default is not None or c.mode != "in" for c in columns):
            raise TypeSyntaxError(f"'{text}': each column of RETURNS TABLE needs a name and a type, nothing else")
        return "TABLE(" + ", ".join(f"{quote_ident(c.name)} {c.type}" for c in columns) + ")"  # type: ignore
    return routine_type(stripped)


def result_types(returns: Optional[str]) -> tuple[str, ...]:
    """The types a canonical RETURNS clause (result_type) names: its type, SETOF's, or each column's of TABLE(...):
    what the function needs to exist before it (`TABLE(r x)` of a table x's row type)."""
    if not returns:
        return ()
    if returns.startswith("SETOF "):
        return (returns[len("SETOF "):],)
    if returns.startswith("TABLE("):
        return tuple(parse_argument(item).type for item in top_level_items(returns[len("TABLE("):returns.rindex(")")]))
    return (returns,)


def implied_result(arguments: tuple[Argument, ...]) -> Optional[str]:
    """What a function with OUT arguments returns when RETURNS is left out: the one OUT type, or record."""
    outs = [a for a in arguments if a.mode in ("out", "inout")]
    if not outs:
        return None
    return outs[0].type if len(outs) == 1 else "record"


def dollar_quoted(body: str) -> str:
    """The body between dollar quotes whose tag the body does not contain."""
    tag, n = "$$", 0
    while tag in body:
        n += 1
        tag = f"$body{n if n > 1 else ''}$"
    return f"{tag}{body}{tag}"


def comparable_body(f: Function) -> str:
    """The body as compared: line endings and the blank lines and spaces around it do not count."""
    return f.body.replace("\r\n", "\n").strip()


def standard_statements(body: str) -> Optional[tuple[str, ...]]:
    """A SQL-standard body's statements (pg.sqlbody.standard_text: `RETURN expr` as `SELECT expr`), each its text
    without the `;` closing it, split at the `;`s outside strings, comments and parentheses (pg.sqllex). None for
    another body, or one Postgres's lexical rules cannot read."""
    from schemac.pg.sqlbody import standard_text
    from schemac.pg.sqllex import top_level_semicolons

    text = standard_text(body.replace("\r\n", "\n"))
    if text is None:
        return None
    ends = top_level_semicolons(text)
    if ends is None:
        return None
    starts = [0] + [e + 1 for e in ends]
    parts = (text[a:b].strip() for a, b in zip(starts, ends + [len(text)]))
    return tuple(p for p in parts if p)


def cast_function_parts(c: Cast) -> Optional[tuple[str, str, tuple[str, ...]]]:
    """(schema, name, argument types) of a cast's function (`schema.name(types)`, public when bare), None
    without one; the types split as an argument list is (top_level_items)."""
    if c.function is None:
        return None
    head, args = call_parts(c.function)
    return (*split_reference(head), tuple(top_level_items(args[1:-1])))  # (fn-x."m.text"(money))
