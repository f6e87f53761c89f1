"""String literals as the migration files write them (plan.ddl and the modules it imports build COMMENTs with them):
one holding control characters is written E'...' so no raw CR reaches a file git may rewrite."""

from __future__ import annotations

import re
from typing import Optional

from sqlglot import exp

from schemac.pg.dialect import RENDER, escaped_string
from schemac.pg.names import quote_ident


def string_literal(text: str) -> exp.Expression:
    """A string literal; one holding control characters (CR, TAB...) is written E'...' with escapes, so
    the migration file never carries a raw CR that git's end-of-line conversion could rewrite."""
    if text.isprintable() or all(c.isprintable() or c == "\n" for c in text):
        return exp.Literal.string(text)
    return exp.Var(this=escaped_string(text))


# In SQL text as Postgres deparses it (a view's query): a literal E'...' (backslash escapes), a plain literal '...', a
# quoted name "...", each with its doubled quotes; a dollar-quoted string, a comment and a U&'...' or U&"..." (its
# escapes of its own) are passed over whole.
_QUOTED = re.compile("|".join((
    r"""(?<![\w$])[Uu]&(?:'(?:[^']|'')*'|"(?:[^"]|"")*")""",  # U&'...', U&"..."
    r"""(?<![\w$])[Ee]'(?:[^'\\]|\\.|'')*'""",  # E'...'
    r"""'(?:[^']|'')*'""",
    r'"(?:[^"]|"")*"',
    r"""(\$\w*\$).*?\1|--[^\n]*|/\*.*?\*/""")), re.S)


def without_raw_cr(sql: str) -> str:
    """`sql` with each literal or quoted name holding a CR escaped (E'...', U&"..."), the same SQL to Postgres: a
    view's query keeps its literals' CRs as the database has them, and the migration file carries no raw CR that
    git's end-of-line conversion could rewrite (string_literal)."""
    if "\r" not in sql:
        return sql
    return _QUOTED.sub(lambda m: _escaped_cr(m.group()) if "\r" in m.group() else m.group(), sql)


def _escaped_cr(token: str) -> str:
    if token[0] in "Ee":
        return token.replace("\r", "\\r")
    if token[0] == "'":
        return escaped_string(token[1:-1].replace("''", "'"))
    if token[0] == '"':
        return 'U&"' + token[1:-1].replace("\\", "\\\\").replace("\r", "\\000D") + '"'
    return token  # a U&'...' or U&"...", a dollar-quoted string or a comment: as it is


def literal(text: str) -> str:
    return string_literal(text).sql(dialect=RENDER)


def comment_value(comment: Optional[str]) -> str:
    """What COMMENT ON ... IS takes: the comment as a string literal, NULL for none (which removes it)."""
    return literal(comment) if comment is not None else "NULL"


def owner_sql(owner: Optional[str]) -> str:
    """The role of ALTER ... OWNER TO: `owner`, or the migration's role (CURRENT_USER) where schema.yaml pins none
    (an owner given back: compare.given_back)."""
    return quote_ident(owner) if owner else "CURRENT_USER"


def command(keyword: str, *parts: str) -> exp.Command:
    """A statement sqlglot only knows as a Command, assembled from parts sqlglot rendered (never raw input)."""
    return exp.Command(this=keyword, expression=" ".join(p for p in parts if p))


def do_block(body: str) -> exp.Command:
    """DO with `body` (PL/pgSQL, its names quoted by quote_ident) between dollar quotes it does not hold."""
    tag = "$schemac$"
    while tag in body:
        tag = tag[:-1] + "_$"
    return command("DO", f"{tag}{body}{tag}")


def by_server_version(since: int, newer: str, older: list[str]) -> exp.Command:
    """A DO block running `newer` where the server's version is `since` (server_version_num) or later, else each of
    `older`: for a change a later major makes in one statement and an earlier one in several, chosen where the
    migration runs (generate knows no target's major)."""
    return do_block(f"BEGIN IF pg_catalog.current_setting('server_version_num')::int >= {since} THEN "
                    f"EXECUTE {literal(newer)}; ELSE " + " ".join(f"EXECUTE {literal(s)};" for s in older) + " END IF; END")
