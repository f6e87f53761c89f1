"""Sequences and the options identities share with them."""

from __future__ import annotations

from dataclasses import field

from schemac.model.frozen import frozen
from typing import Optional

from .grants import Privilege
from .source import Source, _hint, _security, _src

NAMEDATALEN = 64


@frozen
class SequenceOptions:
    """Options of a sequence; None means Postgres's default for the sequence's type."""

    type: Optional[str] = None  # smallint | integer | bigint (standalone sequences default to bigint)
    start: Optional[int] = None
    increment: Optional[int] = None
    min_value: Optional[int] = None
    max_value: Optional[int] = None
    cache: Optional[int] = None
    cycle: bool = False


@frozen
class Identity:
    """GENERATED ALWAYS | BY DEFAULT AS IDENTITY, with its sequence's options, access list (`GRANT ...
    ON SEQUENCE t_id_seq`, from default privileges or ON ALL SEQUENCES IN SCHEMA; its owner is the table's) and comment."""

    always: bool = False
    options: SequenceOptions = SequenceOptions()
    grants: tuple[Privilege, ...] = _security(())
    # The sequence's name where it is not Postgres's choice (identity_sequence_name: a table renamed since, a
    # pg_dump's SEQUENCE NAME): given at CREATE; not compared (a sequence renamed later is not drift).
    sequence_name: Optional[str] = _hint()
    # COMMENT ON SEQUENCE of its sequence: compared on its own (compare/identities.py), as a sequence's comment,
    # never as a change of the identity (which would ALTER the column).
    comment: Optional[str] = field(default=None, compare=False)


def identity_sequence_name(table: str, column: str) -> str:
    """The name Postgres gives an identity's (or a serial's) sequence: ChooseRelationName's makeObjectName,
    `table_column_seq`, the longer of the two names clipped first until it fits in NAMEDATALEN - 1 bytes."""
    if table.isascii() and column.isascii() and len(table) + len(column) <= NAMEDATALEN - 1 - len("_seq") - 1:
        return f"{table}_{column}_seq"  # (nothing to clip: one a byte, both fit; the catalog's builder asks per identity)
    t, c = table.encode(), column.encode()
    while len(t) + len(c) > NAMEDATALEN - 1 - len("_seq") - 1:
        if len(t) > len(c):
            t = t[:-1]
        else:
            c = c[:-1]
    return f"{t.decode(errors='ignore')}_{c.decode(errors='ignore')}_seq"  # never half a character (pg_mbcliplen)


@frozen
class Sequence:
    name: str
    schema: str = "public"
    options: SequenceOptions = SequenceOptions()
    owned_by: Optional[str] = None  # "table.column" in the same schema
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    grants: tuple[Privilege, ...] = _security(())  # the owner's own left out (model/security.py)
    owner: Optional[str] = _security(None)  # None: not compared
    # `renamed_from`: its old name, or schema.name (moved: ALTER SEQUENCE ... SET SCHEMA); a hint, as a table's.
    renamed_from: Optional[str] = _hint()
    # CREATE UNLOGGED SEQUENCE (PostgreSQL 15+; a serial's of an unlogged table is made so): ALTER SEQUENCE ... SET
    # LOGGED / UNLOGGED changes it
    unlogged: bool = False
    # As a table's: what a schema schema.yaml does not cover holds that uses it (inspect -n: 'default of column
    # auth.t.n'): not compared; generate refuses to drop it while they stand.
    used_outside: tuple[str, ...] = field(default=(), compare=False)
