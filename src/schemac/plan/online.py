"""`generate --concurrently`: a plan cut into what runs in the main migration and what must run outside a transaction."""

from __future__ import annotations

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.compare.normalize import search_path
from schemac.model import Check
from schemac.model.frozen import frozen
from schemac.plan import ddl
from schemac.plan.column_ddl import index_statistics
from schemac.plan.graph import ordered
from schemac.plan.partition_index_ddl import copy_settings
from schemac.plan.planner import render_sql, statements_for, validate_constraint
from schemac.plan.preamble import (UNQUALIFIED_EQUALS, may_hold_unqualified_equals, pinned_search_path, preamble,
                                   restored_search_path, schemas_called, widened)
from schemac.plan.session_pin import reads_in_session


@frozen
class OnlinePlan:
    """`--concurrently`: what runs in the main migration, and what must run outside a transaction.

    Each CREATE INDEX CONCURRENTLY needs a file of its own: Postgres runs a multi-statement file as one
    implicit transaction, where CONCURRENTLY is refused. CHECK constraints on existing tables are added
    NOT VALID in the main file (a brief lock) and validated in a later file (no exclusive lock).
    An index whose text calls an `=` only a widened search_path finds (plan.preamble.widened: IS DISTINCT FROM,
    NULLIF, a simple CASE) is built in the main file instead, under that path (widened_indexes): the file of a
    CREATE INDEX CONCURRENTLY holds that statement alone, where no SET can go.
    """

    main: list[exp.Expression]
    concurrent: list[tuple[str, exp.Expression]]  # (index name, statement)
    validate: list[exp.Expression]


def plan_online(changes: list[Change], existing: set[tuple[str, str]]) -> OnlinePlan:
    main: list[exp.Expression] = preamble(changes)
    concurrent: list[tuple[str, exp.Expression]] = []
    validate: list[exp.Expression] = []
    for c in ordered(changes):
        on_existing = (c.schema, c.table) in existing
        if c.kind == "add_index" and on_existing and not _widened(c):
            concurrent.append((c.name, ddl.create_index(c.table_def, c.new, concurrently=True)))  # type: ignore
            validate.extend(copy_settings(c.table_def, c.new) +  # type: ignore[arg-type]  (once it exists)
                            index_statistics(c.table_def, None, c.new))  # type: ignore[arg-type]
        elif c.kind == "add_constraint" and on_existing and isinstance(c.new, Check) and not c.new.not_valid \
                and c.new.enforced:  # (NOT ENFORCED: nothing to validate)
            stmt = exp.Alter(this=ddl.table_ref(c.table_def), kind="TABLE",  # type: ignore[union-attr]
                             actions=[exp.AddConstraint(expressions=[ddl.constraint_node(c.new)])])  # type: ignore[arg-type]
            stmt.set("not_valid", True)
            main.extend(widened([stmt], lambda s: render_sql([s]) if may_hold_unqualified_equals(c.new) else ""))
            # (VALIDATE computes the CHECK over the rows: a function of another schema it calls, under the path its
            # body needs, as ADD CONSTRAINT without NOT VALID would have been in the main file)
            validate.extend(widened([validate_constraint(c.table_def, c.new.name)], lambda s: "", c))  # type: ignore[arg-type]
        else:
            main.extend(statements_for(c))
    if validate:  # a transaction of its own
        validate = [pinned_search_path(), *validate, restored_search_path()]
    return OnlinePlan(main, concurrent, validate)


def _widened(c: Change) -> bool:
    """Whether an add_index's CREATE INDEX calls an `=` its text cannot name (plan.preamble.UNQUALIFIED_EQUALS), or
    may name an extension's object bare (_on_extension_path), or calls a function of another schema, whose body
    may name that schema's objects bare (plan.preamble.schemas_called: the main file runs it with that schema on
    the path)."""
    return _unqualified_equals(c) or _on_extension_path(c) or bool(schemas_called(c)) or _reads_constants(c)


def _reads_constants(c: Change) -> bool:
    """A predicate or key holding a constant the applying session's zone or styles read (plan.session_pin: `WHERE ts >
    '2024-01-01'` of a timestamptz), which only a transaction's SET LOCAL pins."""
    return (c.new.where is not None or any(e.expression is not None for e in c.new.elements)) and \
        reads_in_session(render_sql([ddl.create_index(c.table_def, c.new)]))  # type: ignore[union-attr,arg-type]


def _unqualified_equals(c: Change) -> bool:
    return may_hold_unqualified_equals(c.new) and UNQUALIFIED_EQUALS.search(
        render_sql([ddl.create_index(c.table_def, c.new)])) is not None  # type: ignore[arg-type]


def _on_extension_path(c: Change) -> bool:
    """An expression key or WHERE, where extensions live outside public: their schemas are on the migration's
    search_path (plan.preamble.pinned_search_path), which bare names of their objects need."""
    index = c.new
    return bool(search_path()) and (index.where is not None  # type: ignore[union-attr]
                                    or any(e.expression is not None for e in index.elements))  # type: ignore[union-attr]


def widened_indexes(changes: list[Change], existing: set[tuple[str, str]]) -> list[str]:
    """`generate --concurrently`'s notices of the new indexes on existing tables built in the migration's transaction,
    not CONCURRENTLY (plan_online)."""
    return [f"{c.source or c.path}: index {c.name} is built in the migration's transaction, not CONCURRENTLY: " + (
            "it compares with IS DISTINCT FROM, NULLIF or a simple CASE, whose `=` Postgres finds only on the "
            "search_path the migration widens for it (plan.preamble.widened)" if _unqualified_equals(c) else
            "its expressions may name an extension's objects bare, which Postgres finds only on the search_path the "
            f"migration sets (public, {', '.join(search_path())})" if _on_extension_path(c) else
            f"it calls functions of {', '.join(schemas_called(c))}, whose bodies may name their schema's objects bare, "
            "which Postgres finds only on the search_path the migration widens for it (plan.preamble.widened)"
            if schemas_called(c) else "it holds a date, time or interval constant, which Postgres reads in the "
            "applying session's TimeZone, DateStyle and IntervalStyle, which the migration's transaction sets "
            "(plan.session_pin)")
            + ", which a `-- no-transaction` file "
            "cannot set" for c in changes if c.kind == "add_index" and (c.schema, c.table) in existing and _widened(c)]
