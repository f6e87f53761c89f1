"""The pair corpus (tests/fixtures/pairs) with its change generated `--concurrently`, under `-m slow` only.

tests/test_pairs.py generates each change in one transaction; `--concurrently` plans another migration for what it
touches of indexes and CHECKs (plan/online.py: CREATE INDEX CONCURRENTLY in `-- no-transaction` files, a replaced
index built beside the old one as `<name>_ccnew`, the old dropped CONCURRENTLY and the new renamed, CHECKs added NOT
VALID then validated), which the default pairs never run: probe54a met two of its bugs so (a replaced index's CLUSTER
ON lost, an index over a retyped column kept through the retype). Here each pair whose sides differ in a statement
naming an index, a key, a CHECK, a CLUSTER or a REPLICA IDENTITY (a retype under a table's key or index among them) is
applied over rows file by file as sqlx runs them and judged by test_pairs.converges' oracle: diff clean, the catalog
equal to a fresh build of the new side, every row kept.
"""

from __future__ import annotations

import re

import pytest
from conftest import MAJORS
from test_pairs import NOT_GIS, _able, converges

_TOUCHED = re.compile(r"\b(INDEX|UNIQUE|PRIMARY KEY|EXCLUDE|CHECK|CLUSTER|REPLICA IDENTITY)\b", re.I)


def _statements(text: str) -> set[str]:
    """The statements of `text` that name what `--concurrently` plans otherwise, blanks made one."""
    return {re.sub(r"\s+", " ", s.strip()) for s in text.split(";") if _TOUCHED.search(s)}


TOUCHED = [p for p in NOT_GIS if _statements(p.old) != _statements(p.new)]
CASES = [pytest.param(major, p, id=f"{major}-{p.id}", marks=pytest.mark.slow)
         for p in TOUCHED for major in _able(pytest.param(p)) if major in MAJORS]


@pytest.mark.parametrize("major_db,pair", CASES, indirect=["major_db"])
def test_pair_generated_concurrently_applies_over_rows_and_converges(major_db, tmp_path, pair):
    converges(major_db, tmp_path, pair, concurrently=True)
