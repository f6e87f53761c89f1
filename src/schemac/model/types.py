"""Enums, domains and extensions: the types a column can have beyond the built-in ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .source import Source, _src
from .tables import Check


@dataclass(frozen=True)
class Enum:
    name: str
    values: tuple[str, ...]
    schema: str = "public"
    comment: Optional[str] = None
    source: Optional[Source] = _src()


@dataclass(frozen=True)
class Domain:
    name: str
    type: str
    schema: str = "public"
    default: Optional[str] = None
    not_null: bool = False
    checks: tuple[Check, ...] = ()  # expressions use VALUE
    comment: Optional[str] = None
    source: Optional[Source] = _src()


@dataclass(frozen=True)
class Extension:
    name: str
    schema: Optional[str] = None  # None: wherever Postgres puts it
    source: Optional[Source] = _src()
