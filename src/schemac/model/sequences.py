"""Sequences and the options identities share with them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .grants import Privilege
from .source import Source, _security, _src


@dataclass(frozen=True)
class SequenceOptions:
    """Options of a sequence; None means Postgres's default for the sequence's type."""

    type: Optional[str] = None  # smallint | integer | bigint (standalone sequences default to bigint)
    start: Optional[int] = None
    increment: Optional[int] = None
    min_value: Optional[int] = None
    max_value: Optional[int] = None
    cache: Optional[int] = None
    cycle: bool = False


@dataclass(frozen=True)
class Identity:
    """GENERATED ALWAYS | BY DEFAULT AS IDENTITY, with its sequence's options and access list (`GRANT ...
    ON SEQUENCE t_id_seq`, from default privileges or ON ALL SEQUENCES IN SCHEMA; its owner is the table's)."""

    always: bool = False
    options: SequenceOptions = SequenceOptions()
    grants: tuple[Privilege, ...] = _security(())


@dataclass(frozen=True)
class Sequence:
    name: str
    schema: str = "public"
    options: SequenceOptions = SequenceOptions()
    owned_by: Optional[str] = None  # "table.column" in the same schema
    comment: Optional[str] = None
    source: Optional[Source] = _src()
    grants: tuple[Privilege, ...] = _security(())  # the owner's own left out (model/security.py)
    owner: Optional[str] = _security(None)  # None: not compared
