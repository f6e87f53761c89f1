"""Counts in words, as a summary line prints them: "1 table", "0 tables", "2 tables" (`plural` where it is not the
noun and an s: "text search dictionaries")."""

from __future__ import annotations

from typing import Optional


def counted(n: int, noun: str, plural: Optional[str] = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
