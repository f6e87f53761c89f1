"""What a rewrite rule is, read from pg_get_ruledef (the catalog keeps its condition and actions only as
parse trees): its WHERE condition and its actions, each statement in one line; and the one form both
sides of a comparison take."""

from __future__ import annotations

from typing import Optional

from schemac.pg.indexdef import _unquoted

RULE_EVENTS = {"1": "select", "2": "update", "3": "insert", "4": "delete"}


def one_line(sql: str) -> str:
    """`sql` with every run of blank space outside quotes made one space, and trimmed."""
    out, last, prev = [], 0, None
    for i, ch, _ in _unquoted(sql):
        if ch.isspace():
            out.append(sql[last:i])
            if prev is None or not prev.isspace():
                out.append(" ")
            last = i + 1
        prev = ch
    out.append(sql[last:])
    return "".join(out).strip()


def folded(sql: str) -> str:
    """one_line(sql) with everything outside quotes in lower case: keywords and unquoted names are one in any
    case to Postgres (`insert into t values (new.id)` is pg_get_ruledef's `INSERT INTO t VALUES (new.id)`)."""
    text = one_line(sql)
    chars = list(text)
    for i, ch, _ in _unquoted(text):
        chars[i] = ch.lower()
    return "".join(chars)


def _top_level(text: str, word: str, start: int = 0) -> Optional[int]:
    """Where `word` (" WHERE ", " DO") first occurs in `text` from `start`, outside quotes and parentheses,
    followed by blank space (Postgres prints a utility action on a line of its own: `DO\n NOTIFY ch`)."""
    for i, _, depth in _unquoted(text, start):
        end = i + len(word)
        if depth == 0 and text.startswith(word, i) and (word[-1].isspace() or end == len(text) or text[end].isspace()):
            return i
    return None


def _statements(text: str) -> tuple[str, ...]:
    """`NOTHING`, one statement, or `( a; b; )`: the statements, each in one line."""
    text = text.strip().rstrip(";").strip()
    if text == "NOTHING":
        return ()
    if text.startswith("(") and text.endswith(")"):
        body, parts, begin = text[1:-1], [], 0
        for i, ch, depth in _unquoted(body):
            if ch == ";" and depth == 0:
                parts.append(body[begin:i])
                begin = i + 1
        parts.append(body[begin:])
        return tuple(one_line(p) for p in parts if p.strip())
    return (one_line(text),)


def parse_ruledef(definition: str) -> tuple[Optional[str], tuple[str, ...]]:
    """(WHERE condition or None, actions) of `CREATE RULE r AS ON e TO t [WHERE c] DO [INSTEAD] actions;`."""
    head = definition.index(" TO ")
    do = _top_level(definition, " DO", head)
    if do is None:
        raise ValueError(f"not a rule definition: {definition[:60]!r}")
    where_at = _top_level(definition[:do].replace("\n", " "), " WHERE ", head)
    where = one_line(definition[where_at + len(" WHERE "):do]) if where_at is not None else None
    actions = definition[do + len(" DO"):].lstrip()
    if actions.startswith("INSTEAD") and actions[len("INSTEAD"):][:1].isspace():
        actions = actions[len("INSTEAD"):].lstrip()
    return where, _statements(actions)
