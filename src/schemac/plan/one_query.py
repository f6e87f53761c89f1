"""generate's warning of an event trigger that parses current_query() where a migration file holds two or more of the
statements it fires on, or one where it refuses a query holding a comment, as every migration file does. sqlx and `schemac apply` send a file as one query (psql -f sends one a statement), so inside
an event trigger current_query() is the whole file: pgMemento's table_alter_pre_trigger, which reads the ALTER TABLE it
fires on from there, logged the first's event at the second and failed (`null value in column "event_key" of relation
"row_log"`: probe49b), and any such parser may take another statement's table. The way out is the change made in
steps, one such statement a migration. pgMemento 0.3 to 0.6 refused a query holding '--' or '/*' ('Query contains
comments. Unable to log event properly.'): a file's header has them, so no migration file passes it, and the way out is
a trigger that strips them first (0.7's flatten_ddl) or the trigger disabled around it. Statements are read by their first words (a DO block by the commands in it),
as Postgres tags them (CREATE UNIQUE INDEX: CREATE INDEX; CREATE OR REPLACE FUNCTION: CREATE FUNCTION)."""

from __future__ import annotations

import re
from typing import Iterable

from schemac.model import EventTrigger
from schemac.pg.sqllex import blank_end

# Words between a command's first and its object's name that its tag leaves out (CREATE OR REPLACE VIEW: CREATE VIEW)
_MODIFIERS = frozenset({"OR", "REPLACE", "UNIQUE", "UNLOGGED", "TEMP", "TEMPORARY", "GLOBAL", "LOCAL", "CONSTRAINT",
                        "RECURSIVE", "TRUSTED", "PROCEDURAL"})
_DDL = ("CREATE", "ALTER", "DROP", "COMMENT", "GRANT", "REVOKE", "SECURITY", "IMPORT", "REFRESH")


def _tag_words(text: str) -> list[str]:
    """The first words of a statement, upper case, without the modifiers its command tag leaves out."""
    words = re.findall(r"[A-Za-z_]+", text[blank_end(text, 0):][:120])  # (after the blank space and comments before it)
    return [w.upper() for w in words[:1]] + [w.upper() for w in words[1:6] if w.upper() not in _MODIFIERS]


def _firings(statements: Iterable[str], tags: tuple[str, ...]) -> int:
    """How many times the statements fire an event trigger limited to `tags` (none: every DDL command)."""
    wanted = [t.split() for t in tags] or [[w] for w in _DDL]
    inside = re.compile(r"\b(?:" + "|".join(r"\s+".join(t) for t in wanted) + r")\b", re.I)
    n = 0
    for text in statements:
        words = _tag_words(text)
        if words[:1] == ["DO"]:  # (each command its block runs fires it; the query is still the whole file)
            n += len(inside.findall(text))
        elif any(words[:len(t)] == t for t in wanted):
            n += 1
    return n


def one_query_notices(files: list[tuple[str, tuple[str, ...]]],
                      readers: list[tuple[EventTrigger, list[str], bool]]) -> list[str]:
    """One warning per file and event trigger of `readers` (compare.event_triggers.query_readers) the file's
    statements (`files`: (file name, statements)) fire twice or more, or once where it refuses a query holding a
    comment: every file holds its header's (and sqlx's `-- no-transaction`), which no file can leave out."""
    out = []
    for name, statements in files:
        for e, chain, refuses in readers:
            n = _firings(statements, e.tags)
            if n < (1 if refuses else 2):
                continue
            what = f"{n} {e.tags[0]} statement{'s' * (n > 1)}" if len(e.tags) == 1 else \
                f"{n} statement{'s' * (n > 1)} of its tags" if e.tags else f"{n} DDL statement{'s' * (n > 1)}"
            said = (f"{name}: event trigger {e.name} ({e.event}, {', '.join(e.tags) or 'every command'}) runs "
                    f"{', which calls '.join(chain)}, which reads current_query(): sqlx and `schemac apply` send a "
                    "migration file as one query")
            out.append(f"{said}, its header's comments in it, and the trigger refuses a query holding a comment "
                       f"(pgMemento 0.6's 'Query contains comments'), so the file fails at its {what}; apply it once "
                       "the trigger's function strips comments before it parses the query (pgMemento 0.7 and later), "
                       f"or with {e.name} disabled (ALTER EVENT TRIGGER {e.name} DISABLE, then ENABLE: its owner's or "
                       "a superuser's; that DDL goes unlogged)" if refuses else
                       f"{said}, so each of its {what} there reads them all (pgMemento's audit trigger, which parses "
                       "it, fails or logs another table); make the change in steps, one such statement a migration "
                       "(edit schema.yaml a part at a time and generate after each)")
    return out
