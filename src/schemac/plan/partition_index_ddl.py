"""DROP INDEX of a partition's own index (catalog/partition_indexes.py), which its parent's index may hold.

An index attached to the parent's cannot be dropped while the parent's stands. When schema.yaml no longer
lists it but the parent keeps its index, the partition must keep a copy under the name Postgres gives
one (which inspect leaves out): the index is renamed to it. Whether it is attached is known only on the
server, so the statement asks there: a DO block renames it when pg_inherits holds it, else drops it (IF
EXISTS: the parent's DROP, ordered first by plan/dependencies.py, may have taken it along).
"""

from __future__ import annotations

from sqlglot import exp

from schemac.model import Index, Table
from schemac.pg.childindex import child_index_name
from schemac.pg.names import qualified, quote_ident
from schemac.plan.ddl import command, literal


def drop_partition_index(t: Table, index: Index) -> list[exp.Expression]:
    name = qualified(t.schema, index.name)
    keep_as = child_index_name(t.name, [e.column for e in index.elements] + list(index.include),
                               [e.expression for e in index.elements] + [None] * len(index.include))
    body = (f"BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_inherits WHERE inhrelid = pg_catalog.to_regclass("
            f"{literal(name)})) THEN ALTER INDEX {name} RENAME TO {quote_ident(keep_as)}; "
            f"ELSE DROP INDEX IF EXISTS {name}; END IF; END")
    tag = "$schemac$"
    while tag in body:
        tag = tag[:-1] + "_$"
    return [command("DO", f"{tag}{body}{tag}")]
