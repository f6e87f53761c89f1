"""A plan's statements as the text of migration files: each rendered alone, cut into files by the locks they
take, a share rendered by a child beside (migrations/childwork.py)."""

from __future__ import annotations

from typing import Iterable, Iterator, Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.migrations.childwork import ChildWork
from schemac.pg.syntax import Printed
from schemac.plan.member_grant_ddl import guard_of
from schemac.plan.planner import planned_parts, render_sql, statements_for
from schemac.plan.preamble import is_widening
from schemac.plan.trees import release


def rendered(statements: list[exp.Expression]) -> tuple[str, ...]:
    return tuple(printed(s) for s in statements)


def printed(stmt: exp.Expression) -> str:
    """render_sql([stmt]); the tree is let go after (plan.trees.release): nothing reads it again."""
    text = render_sql([stmt])
    release(stmt)
    return text


# sqlx runs each migration file in one transaction, and Postgres holds a lock on every relation a
# transaction creates until it ends, in a lock table all sessions share: max_locks_per_transaction (64)
# x max_connections (100) = 6,400 relations on a stock server, fewer with fewer connections. A change
# that creates thousands of tables at once (the first migration of an adopted database) would fail
# with "out of shared memory", so it is written as several files in order, each locking at most this
# many relations (estimated from above: a file cut at 2,000 held 1,953 distinct relations in pg_locks);
# not a change that drops anything (see commands.generate._transactional).
LOCKS_PER_FILE = 1000
SHARED_FROM = 300  # changes: below, forking a child (and its copy of the heap) costs more than it saves


def _locks(stmt: exp.Expression) -> int:
    """Locks a statement adds to its transaction, from above: CREATE TABLE locks the table, its TOAST
    table and the TOAST index, plus one index per PRIMARY KEY / UNIQUE; an index, its index and table."""
    if isinstance(stmt, exp.Create) and str(stmt.args.get("kind")).upper() == "TABLE":
        return 3 + keys_of_create_table(stmt)
    return 2


_KEYS = (exp.PrimaryKey, exp.PrimaryKeyColumnConstraint, exp.UniqueColumnConstraint)


def keys_of_create_table(stmt: exp.Create) -> int:
    """The PRIMARY KEY and UNIQUE nodes of a CREATE TABLE, where its trees hold them: a table constraint
    (named or not) or a column's constraint. Walking the whole tree for them (every type and default) was
    a twentieth of `generate` from scratch; tests/test_printing.py holds the count equal to find_all's."""
    n = 0
    items = stmt.this.expressions if isinstance(stmt.this, exp.Schema) else ()
    for item in items:
        if isinstance(item, Printed):
            n += item.args.get("keys") or 0
        elif isinstance(item, exp.ColumnDef):
            n += sum(1 for c in item.args.get("constraints") or () if isinstance(c.args.get("kind"), _KEYS))
        elif isinstance(item, exp.Constraint):
            n += sum(1 for c in item.expressions if isinstance(c, _KEYS))
        elif isinstance(item, _KEYS):
            n += 1
    return n


# A statement's text, the locks it takes (_locks), whether it is a SET LOCAL, and what it runs where plan.member_grant_ddl
# guards it (its Guard's statement, which plan.rights reads; "" for any other)
Item = tuple[str, int, bool, str]


def items(statements: Iterable[exp.Expression]) -> Iterator[Item]:
    """Each statement rendered alone as it comes: its tree can go then (the first migration of 10,000
    tables held all of them, over 300 MiB)."""
    for stmt in statements:
        local, cost, guard = is_set_local(stmt), _locks(stmt), guard_of(stmt)  # (before _printed lets the tree go)
        yield printed(stmt), cost, local, guard.statement if guard is not None else ""


def split(items: Iterable[Item]) -> list[list[str]]:
    """The statements in order, cut into runs of at most LOCKS_PER_FILE locks (one run if they fit), never between
    a widened search_path and its statement. The leading `SET LOCAL`s (the plan's preamble: check_function_bodies
    off) begin every run: each file is its own transaction, where a SET LOCAL of an earlier file no longer holds."""
    runs: list[list[str]] = [[]]
    head: list[str] = []
    leading = True
    held = 0
    for text, cost, local, _ in items:
        if runs[-1] and held + cost > LOCKS_PER_FILE:
            # a widened search_path (plan.preamble.widened) goes with the statement it is for
            carried = [runs[-1].pop()] if is_widening(runs[-1][-1]) else []
            runs.append(list(head) + carried)
            held = 0
        leading = leading and local
        if leading:
            head.append(text)
        runs[-1].append(text)
        held += cost
    return runs


def shared(changes: list[Change], work: Optional[ChildWork]) -> Iterator[Item]:
    """items(planned(changes)); where a child works beside (migrations/childwork.py), it renders the
    statements of the last two fifths of the ordered changes (from SHARED_FROM changes on) while this process
    renders the rest."""
    def items_of(some: list[Change]) -> Iterator[Item]:
        return items(s for c in some for s in statements_for(c))

    preamble, order = planned_parts(changes)
    cut = len(order) - len(order) * 2 // 5 if len(order) >= SHARED_FROM else len(order)
    tail = order[cut:]
    forked = work is not None and bool(tail) and work.start(lambda: list(items_of(tail)))
    yield from items(preamble)
    yield from items_of(order[:cut] if forked else order)
    if forked:
        made = work.made()  # type: ignore[union-attr]
        yield from made if made is not None else items_of(tail)


def is_set_local(stmt: exp.Expression) -> bool:
    return isinstance(stmt, exp.Command) and str(stmt.this).upper() == "SET" and str(stmt.expression).upper().startswith("LOCAL ")
