"""RowsHeld: the rows a migration takes out of a table and puts back through its parent around a partition's CREATE or
ATTACH (compare.default_rows), which Change.over_default carries."""

from __future__ import annotations

from schemac.model.frozen import frozen


@frozen
class RowsHeld:
    """Rows a migration takes out of a table into a temporary one before a partition's CREATE or ATTACH, which
    Postgres refuses over them, and puts back through the parent once the partition and the tables under it are
    there (every row kept): the DEFAULT partition's rows of a new partition's bound, or (`leaving`) a partition's own
    rows outside the new bound it is attached again under."""

    source: tuple[str, str]  # the table the rows are taken out of: the default, or the partition itself (`leaving`)
    strategy: str  # the parent's partitioning, which says what a bound holds
    key: str
    tables: tuple  # the parent, its ancestors and the tables whose rows those are: a foreign key to one is set aside
    under: tuple  # the tables under the new partition (and, `leaving`, under the parent): the rows wait for them
    leaving: bool = False  # `source` is the partition itself, its rows outside its new bound taken out
    also: bool = False  # the default's rows of the bound and the partition's own outside it, held alike
