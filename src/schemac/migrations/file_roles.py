"""The roles migration files name (GRANT ... TO, REVOKE ... FROM, OWNER TO, a policy's TO, ALTER DEFAULT PRIVILEGES FOR
ROLE, GRANTED BY, SET ROLE, SET SESSION AUTHORIZATION, CREATE SCHEMA ... AUTHORIZATION, USER MAPPING FOR) and those
they make (CREATE ROLE, USER, GROUP): a replay into a new cluster (migrations.replay) needs the first made before the
files run, where an older migration grants to a role neither schema.yaml nor state.json names any more. Read from the
statements' tokens (migrations.sqltext, pg.sqllex), not a pattern over the text: a string or a comment naming one
is no role."""

from __future__ import annotations

from typing import Iterable

from schemac.migrations.sqltext import split
from schemac.pg.sqllex import LexError, Token, folded, tokens

# Role specifications that are no role's name, unquoted ("public" quoted is PUBLIC too: gram.y's RoleSpec).
_NOT_ROLES = frozenset({"public", "current_user", "session_user", "current_role", "none", "default"})
# What ends a list of roles after TO / FROM.
_AFTER_ROLES = frozenset({"with", "granted", "cascade", "restrict", "using", "in", "grant", "revoke", "server",
                          "options"})


def file_roles(texts: Iterable[str]) -> tuple[set[str], set[str]]:
    """(the roles the files of `texts` name, the roles they make): a role made by one is no role to make first."""
    named: set[str] = set()
    made: set[str] = set()
    for text in texts:
        for statement in split(text):
            try:
                toks = [t for t in tokens(statement.text) if t.depth == 0 and t.kind != ";"]
            except LexError:
                continue
            _statement_roles(toks, named, made)
    return {r for r in named if not r.startswith("pg_")}, made


def _statement_roles(toks: list[Token], named: set[str], made: set[str]) -> None:
    words = [t.text.lower() if t.kind == "word" else None for t in toks]
    head = words[:3] + [None] * (3 - len(words[:3]))
    if head[0] == "create" and len(toks) > 2 and words[1] in ("role", "user", "group") and words[2] != "mapping":
        made.add(folded(toks[2]))
        return
    if head[0] == "set":  # SET [LOCAL | SESSION] ROLE r, SET [LOCAL | SESSION] SESSION AUTHORIZATION r
        at = next((i for i in (1, 2, 3) if i < len(words) and (words[i] == "role" or words[i] == "authorization"
                                                                and words[i - 1] == "session")), None)
        if at is not None:
            _roles_at(toks, at + 1, named, one=True)
        return
    if head[:3] == ["alter", "default", "privileges"]:
        if len(words) > 4 and words[3] == "for" and words[4] in ("role", "user"):
            _roles_at(toks, 5, named)
        at = next((i for i in range(3, len(words)) if words[i] in ("grant", "revoke")), None)
        if at is not None:
            _statement_roles(toks[at:], named, made)
        return
    for i, w in enumerate(words):
        if w == "to" and i and (words[i - 1] == "owner" or head[0] == "grant" or
                                words[1:2] == ["policy"] and words[i - 1] != "rename"):
            _roles_at(toks, i + 1, named, one=words[i - 1] == "owner")
        elif w == "from" and head[0] == "revoke":
            _roles_at(toks, i + 1, named)
        elif w == "by" and i and words[i - 1] == "granted":
            _roles_at(toks, i + 1, named, one=True)
        elif w == "authorization" and head[:2] == ["create", "schema"]:
            _roles_at(toks, i + 1, named, one=True)
        elif w == "for" and words[1:3] == ["user", "mapping"]:
            _roles_at(toks, i + 1, named, one=True)
    if head[0] == "grant" and "on" not in words:  # GRANT role, ... TO ...: the granted roles too
        _roles_at(toks, 1, named)
    elif head[0] == "revoke" and "on" not in words:
        _roles_at(toks, 4 if words[1:4] == ["admin", "option", "for"] else 1, named)


def _roles_at(toks: list[Token], i: int, named: set[str], one: bool = False) -> None:
    """The comma-separated role names from `toks[i]` on (`one`: a single name), into `named`."""
    while i < len(toks):
        t = toks[i]
        if t.kind == "word" and t.text.lower() == "group":
            i += 1
            continue
        if t.kind not in ("word", "name") or t.kind == "word" and t.text.lower() in _AFTER_ROLES:
            return
        role = folded(t)
        if role != "public" and (t.kind == "name" or role not in _NOT_ROLES):
            named.add(role)
        if one or i + 1 >= len(toks) or toks[i + 1].kind != ",":
            return
        i += 2
