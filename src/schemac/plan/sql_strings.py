"""String literals as the migration files write them (plan.ddl and the modules it imports build COMMENTs with them):
one holding control characters is written E'...' so no raw CR reaches a file git may rewrite."""

from __future__ import annotations

import re
from typing import Optional

from sqlglot import exp

from schemac.errors import shown
from schemac.pg.dialect import RENDER, escaped_string
from schemac.pg.names import quote_ident


# `table` (a regclass literal) and every table under it in pg_inherits, each with its depth (plan.deferred_checks,
# plan.quiet_triggers, plan.held_values: what an UPDATE or ALTER ... TYPE of it reaches)
TREE = ("WITH RECURSIVE tree(rel, depth) AS (SELECT {table}::pg_catalog.regclass::pg_catalog.oid, 0 UNION ALL "
        "SELECT i.inhrelid, tree.depth + 1 FROM pg_catalog.pg_inherits i JOIN tree ON i.inhparent = tree.rel) ")


def seeded(table: str, also: tuple[str, ...] = ()) -> str:
    """TREE's {table}: `table` (qualified) as a literal, or with `also` an array of them unnested (a set-returning
    call in its first SELECT: the trees of them all), as a partition detached from it is in no tree of `table`."""
    return literal(table) if not also else f"pg_catalog.unnest(ARRAY[{', '.join(map(literal, (table, *also)))}])"


def string_literal(text: str) -> exp.Expression:
    """A string literal; one holding control characters (CR, TAB...) is written E'...' with escapes, so
    the migration file never carries a raw CR that git's end-of-line conversion could rewrite."""
    if shown(text):
        return exp.Literal.string(text)
    return exp.Var(this=escaped_string(text))


# In SQL text (a view's query as Postgres deparses it, a statement schemac printed): a literal E'...' (backslash
# escapes), a plain literal '...', a quoted name "...", each with its doubled quotes; a dollar-quoted string (its tag), a
# comment and a U&'...' or U&"..." (its escapes of its own) are passed over whole, but for a DO block's body schemac
# built ($schemac$: plan.sql_strings.do_block), whose names and literals are looked at as the statement's own.
_QUOTED = re.compile("|".join((
    r"""(?<![\w$])[Uu]&(?:'(?:[^']|'')*'|"(?:[^"]|"")*")""",  # U&'...', U&"..."
    r"""(?<![\w$])[Ee]'(?:[^'\\]|\\.|'')*'""",  # E'...'
    r"""'(?:[^']|'')*'""",
    r'"(?:[^"]|"")*"',
    r"""(\$\w*\$)(.*?)\1|--[^\n]*|/\*.*?\*/""")), re.S)


def visible_sql(sql: str) -> str:
    """`sql` with each quoted name holding a character that is not printable (a line feed too) written U&"t\\000Aa",
    and each literal holding one but line feeds written E'...' with escapes: the same SQL to Postgres (U&"..."
    whatever standard_conforming_strings says), and the migration file carries no raw CR that git's end-of-line
    conversion could rewrite, nor an ESC or a bidirectional override that reaches the terminal printing it. A name
    or literal without such characters is written as it was. A view's query keeps its literals' values and its
    names as the database has them."""
    if shown(sql) and not _named_line_feed(sql):
        return sql
    return _QUOTED.sub(_visible_token, sql)


def _named_line_feed(sql: str) -> bool:
    return '"' in sql and "\n" in sql and any("\n" in m.group() for m in re.finditer(r'"(?:[^"]|"")*"', sql))


def _visible_token(m: re.Match) -> str:
    token = m.group()
    if m.group(1) is not None:  # a dollar-quoted string: only a DO body schemac built is SQL of its own
        return token if not m.group(1).startswith("$schemac") else m.group(1) + visible_sql(m.group(2)) + m.group(1)
    if token[0] == '"':
        return unicode_ident(token[1:-1].replace('""', '"')) if not token.isprintable() else token
    if shown(token):
        return token
    if token[0] in "Ee":
        return token[:2] + "".join(c if c.isprintable() or c == "\n" else _escape_in_e(c) for c in token[2:])
    if token[0] == "'":
        return escaped_string(token[1:-1].replace("''", "'"))
    return token  # a U&'...' or U&"...", or a comment: as it is


def _escape_in_e(c: str) -> str:
    return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"


def unicode_ident(name: str) -> str:
    """A quoted name as U&"...": every character that is not printable \\XXXX or \\+XXXXXX, a backslash doubled."""
    out = []
    for c in name:
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('""')
        elif c.isprintable():
            out.append(c)
        else:
            out.append(f"\\{ord(c):04X}" if ord(c) <= 0xFFFF else f"\\+{ord(c):06X}")
    return 'U&"' + "".join(out) + '"'


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


def given_back(setting: str) -> exp.Command:
    """The DO block running each statement the session's `setting` holds (a text[] a DO block before kept there: a
    DO block has no variable another can read), then emptying it (plan.quiet_triggers, plan.published_fills)."""
    kept = literal(setting)
    return do_block(f"DECLARE s text; BEGIN FOREACH s IN ARRAY pg_catalog.current_setting({kept})::text[] LOOP "
                    f"EXECUTE s; END LOOP; PERFORM pg_catalog.set_config({kept}, '', false); END")


def by_server_version(since: int, newer: str, older: list[str]) -> exp.Command:
    """A DO block running `newer` where the server's version is `since` (server_version_num) or later, else each of
    `older`: for a change a later major makes in one statement and an earlier one in several, chosen where the
    migration runs (generate knows no target's major)."""
    return do_block(f"BEGIN IF pg_catalog.current_setting('server_version_num')::int >= {since} THEN "
                    f"EXECUTE {literal(newer)}; ELSE " + " ".join(f"EXECUTE {literal(s)};" for s in older) + " END IF; END")
