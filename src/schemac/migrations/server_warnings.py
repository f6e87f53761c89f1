"""What the server warns while `schemac apply` runs a migration, told on stderr instead of dropped.

A WARNING is not an error: the file commits and sqlx records it applied. The one that matters most is a
GRANT or REVOKE run by a role that neither owns the object nor holds the grant option ('no privileges could be
revoked for "t"', SQLSTATE 01006; 'not all privileges were granted', 01007): Postgres skips it, the database is
left short of the migration, and `diff` later finds drift with no word of why. Only WARNING is kept: NOTICE is
Postgres's word for what went as asked ('relation ... already exists, skipping', 'drop cascades to ...'), which
sqlx's own bookkeeping and reviewed files print by design, and lower levels are not sent at the default
client_min_messages.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Iterator, Optional

import psycopg

from schemac.migrations import sqltext as stmts

# privilege_not_revoked, privilege_not_granted (errcodes.txt, class 01: warning).
PRIVILEGE_SKIPPED = frozenset({"01006", "01007"})
# The privilege warnings of one file told one by one; the rest counted (an extension's every routine revoked: 200 and more).
SHOWN_SKIPPED = 5
# Postgres's words for one column of a relation ("... for column "c" of relation "t""), one warning per column.
_COLUMN = re.compile(r'^.+ for column ".*" of relation "(?P<name>.*)"$')
_OBJECT = re.compile(r'^.+ for "(?P<name>.*)"$')


@dataclass(frozen=True)
class ServerWarning:
    """One WARNING the server sent, as its diagnostic fields give it (no statement position for these)."""

    sqlstate: str
    message: str
    detail: Optional[str] = None
    hint: Optional[str] = None


@contextlib.contextmanager
def collected(conn: psycopg.Connection) -> Iterator[list[ServerWarning]]:
    """The WARNINGs `conn` receives inside the block, in order (severity read unlocalized)."""
    got: list[ServerWarning] = []

    def keep(d: psycopg.errors.Diagnostic) -> None:
        if (d.severity_nonlocalized or d.severity) == "WARNING":
            got.append(ServerWarning(d.sqlstate or "", d.message_primary or "", d.message_detail, d.message_hint))

    conn.add_notice_handler(keep)
    try:
        yield got
    finally:
        conn.remove_notice_handler(keep)


def told(conn: psycopg.Connection, path: str, text: str, warnings: list[ServerWarning]) -> list[str]:
    """`lines` of what `conn` warned while the file at `path` ran, naming the role it ran as where a privilege
    warning is about it."""
    if not warnings:
        return []
    skipped = any(w.sqlstate in PRIVILEGE_SKIPPED for w in warnings)
    role = conn.execute("SELECT quote_ident(current_user)").fetchone()[0] if skipped else ""  # type: ignore[index]
    return lines(path, text, warnings, role)


def lines(path: str, text: str, warnings: list[ServerWarning], role: str) -> list[str]:
    """One line a warning, naming the file (and the statement when one GRANT/REVOKE of it names the object);
    the per-column warnings one REVOKE on a table sends (system columns too) folded into the first; a file's
    privilege warnings after the first SHOWN_SKIPPED counted in one line, what they mean said once."""
    out: list[str] = []
    folded: list[tuple[ServerWarning, int]] = []
    for w in warnings:
        m = _COLUMN.match(w.message)
        if folded and m:
            last, n = folded[-1]
            if last.sqlstate == w.sqlstate and _object(last.message) == m["name"]:
                folded[-1] = (last, n + 1)
                continue
        folded.append((w, 0))
    statements = stmts.split(text)
    skipped = 0
    for w, more in folded:
        where = path
        said = w.message + "".join(f"; {label}: {v}" for label, v in (("detail", w.detail), ("hint", w.hint)) if v)
        if more:
            said += f" (and {more} more such warning(s) for columns of it)"
        if w.sqlstate in PRIVILEGE_SKIPPED:
            skipped += 1
            if skipped > SHOWN_SKIPPED:
                continue
            found = _naming(statements, w.message)
            if found is not None:
                first = found.first_line
                where = f"{path}:{found.line}: `{first if len(first) <= 100 else first[:96] + ' ...'}`"
            said += (f" (the role applying, {role}, neither owns that object nor holds the grant option on these "
                     "privileges, so Postgres skipped them: the database is short of what the migration says and "
                     "`schemac diff` will report it; apply it as the object's owner, or have the owner grant them "
                     "WITH GRANT OPTION)" if skipped == 1 else " (skipped likewise)")
        out.append(f"warning: {where}: Postgres warned: {said}")
    if skipped > SHOWN_SKIPPED:
        out.append(f"warning: {path}: Postgres warned {skipped - SHOWN_SKIPPED} more time(s) that it skipped a GRANT or "
                   "REVOKE of the file likewise (`schemac diff` lists what the database lacks)")
    return out


def _object(message: str) -> Optional[str]:
    """The object a privilege warning names: the relation of a column's, else the quoted name."""
    m = _COLUMN.match(message) or _OBJECT.match(message)
    return m["name"] if m else None


def _naming(statements: list[stmts.Statement], message: str) -> Optional[stmts.Statement]:
    """The file's only GRANT, REVOKE or DO block (generate's guarded REVOKE on an extension's member) that names the
    object of a privilege warning (None: none, or several)."""
    name = _object(message)
    if name is None:
        return None
    forms = ['"' + name.replace('"', '""') + '"']
    if re.fullmatch(r"[a-z_][a-z0-9_$]*", name):
        forms.append(name)
    pattern = re.compile(r"(?<![\w$\"])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w$\"])", re.I)
    hits = [s for s in statements if re.match(r"\s*(GRANT|REVOKE|DO)\b", s.text, re.I) and pattern.search(s.text)]
    return hits[0] if len(hits) == 1 else None
