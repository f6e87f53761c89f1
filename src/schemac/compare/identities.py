"""An identity column's sequence, as far as its grants go: Postgres makes it with the column and names it
itself, but grants on it are grants like any (`GRANT ALL ON SEQUENCE t_id_seq TO api`, or default
privileges on sequences, which apply when the column is created): compared as a sequence's, keyed to the
column (the grant follows the CREATE TABLE or ADD COLUMN that makes the sequence)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from schemac.model import Sequence, Table

NAMEDATALEN = 64


@dataclass(frozen=True)
class IdentitySequence(Sequence):
    table: str = ""
    column: str = ""


def sequence_name(table: str, column: str) -> str:
    """The name Postgres gives the sequence (ChooseRelationName's makeObjectName: `table_column_seq`, the
    longer of the two names clipped first until it fits in NAMEDATALEN - 1 bytes)."""
    t, c = table.encode(), column.encode()
    room = NAMEDATALEN - 1 - len("_seq") - 1
    while len(t) + len(c) > room:
        if len(t) > len(c):
            t = t[:-1]
        else:
            c = c[:-1]
    clip = lambda b: b.decode(errors="ignore")  # noqa: E731 - never half a character, as pg_mbcliplen
    return f"{clip(t)}_{clip(c)}_seq"


def identity_sequences(table: Optional[Table]) -> dict[str, IdentitySequence]:
    """Column name -> the sequence of each identity column of `table` (none for None)."""
    if table is None:
        return {}
    return {c.name: IdentitySequence(name=sequence_name(table.name, c.name), schema=table.schema,
                                     grants=c.identity.grants, source=c.source, table=table.name, column=c.name)
            for c in table.columns if c.identity is not None}
