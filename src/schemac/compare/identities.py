"""An identity column's sequence, as far as its grants go: Postgres makes it with the column and names it
itself, but grants on it are grants like any (`GRANT ALL ON SEQUENCE t_id_seq TO api`, or default
privileges on sequences, which apply when the column is created): compared as a sequence's, keyed to the
column (the grant follows the CREATE TABLE or ADD COLUMN that makes the sequence)."""

from __future__ import annotations

from schemac.model.frozen import frozen
from typing import Optional

from schemac.model import Sequence, Table
from schemac.model.sequences import identity_sequence_name


@frozen
class IdentitySequence(Sequence):
    table: str = ""
    column: str = ""


def identity_sequences(table: Optional[Table]) -> dict[str, IdentitySequence]:
    """Column name -> the sequence of each identity column of `table` (none for None)."""
    if table is None:
        return {}
    return {c.name: IdentitySequence(name=c.identity.sequence_name or identity_sequence_name(table.name, c.name),
                                     schema=table.schema, grants=c.identity.grants, source=c.source, table=table.name,
                                     column=c.name)
            for c in table.columns if c.identity is not None}
