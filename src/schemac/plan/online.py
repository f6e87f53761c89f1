"""`generate --concurrently`: a plan cut into what runs in the main migration and what must run outside a transaction."""

from __future__ import annotations

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.model import Check
from schemac.model.frozen import frozen
from schemac.plan import ddl
from schemac.plan.column_ddl import index_statistics
from schemac.plan.graph import ordered
from schemac.plan.partition_index_ddl import copy_settings
from schemac.plan.planner import statements_for, validate_constraint
from schemac.plan.preamble import pinned_search_path, preamble, restored_search_path


@frozen
class OnlinePlan:
    """`--concurrently`: what runs in the main migration, and what must run outside a transaction.

    Each CREATE INDEX CONCURRENTLY needs a file of its own: Postgres runs a multi-statement file as one
    implicit transaction, where CONCURRENTLY is refused. CHECK constraints on existing tables are added
    NOT VALID in the main file (a brief lock) and validated in a later file (no exclusive lock).
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
        if c.kind == "add_index" and on_existing:
            concurrent.append((c.name, ddl.create_index(c.table_def, c.new, concurrently=True)))  # type: ignore
            validate.extend(copy_settings(c.table_def, c.new) +  # type: ignore[arg-type]  (once it exists)
                            index_statistics(c.table_def, None, c.new))  # type: ignore[arg-type]
        elif c.kind == "add_constraint" and on_existing and isinstance(c.new, Check) and not c.new.not_valid \
                and c.new.enforced:  # (NOT ENFORCED: nothing to validate)
            stmt = exp.Alter(this=ddl.table_ref(c.table_def), kind="TABLE",  # type: ignore[union-attr]
                             actions=[exp.AddConstraint(expressions=[ddl.constraint_node(c.new)])])  # type: ignore[arg-type]
            stmt.set("not_valid", True)
            main.append(stmt)
            validate.append(validate_constraint(c.table_def, c.new.name))  # type: ignore[arg-type]
        else:
            main.extend(statements_for(c))
    if validate:  # a transaction of its own
        validate = [pinned_search_path(), *validate, restored_search_path()]
    return OnlinePlan(main, concurrent, validate)
