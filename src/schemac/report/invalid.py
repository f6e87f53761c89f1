"""What an INVALID index or key (pg_index.indisvalid false) means in a drift report and in inspect's notes: an index
a CREATE INDEX CONCURRENTLY left (failed, or still running), or a partitioned table's index or key made ON ONLY it
(CREATE INDEX ... ON ONLY, ALTER TABLE ONLY ... ADD PRIMARY KEY / UNIQUE, as pg_dump makes them) that a partition
has none attached to: schema.yaml describes one valid on every partition, so either is drift (`index_invalid`), and
`diff --sql` drops it and makes it again on the whole tree."""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import Change
from schemac.model import Index, Table

CONCURRENTLY = "a CREATE INDEX CONCURRENTLY failed, or is still running"
ON_ONLY_INDEX = "made ON ONLY the partitioned table, and a partition has no index attached to it"
ON_ONLY_KEY = "made with ALTER TABLE ONLY on the partitioned table, and a partition has no key attached to it"
NOT_MANAGED = "ON ONLY is not managed: schemac makes it on every partition"


def why_invalid(t: Optional[Table], obj: object) -> str:
    """Why `obj`, an index or key of `t`, is INVALID."""
    if not isinstance(obj, Index):
        return ON_ONLY_KEY
    return ON_ONLY_INDEX if t is not None and t.partition_by is not None else CONCURRENTLY


def invalid_difference(c: Change, difference: type, file: Optional[str], line: Optional[int]):
    """The `index_invalid` Difference of the add_index or add_constraint that rebuilds an INVALID index or key
    (`difference`: report.describe.Difference)."""
    act, what = c.old, "index" if isinstance(c.old, Index) else c.object_kind
    fix = "drop it and build it again" if isinstance(act, Index) else \
        "make the partition's key and attach it (ALTER INDEX ... ATTACH PARTITION), or drop the key and add it again"
    return difference("index_invalid", what, c.schema, c.table, c.name or getattr(act, "name", None), "VALID",
                      "INVALID", f"{what} {c.name or getattr(act, 'name', None)} is INVALID ({why_invalid(c.table_def, act)}): "
                      f"Postgres does not use {'it' if isinstance(act, Index) else 'its index'}; {fix}", file, line)
