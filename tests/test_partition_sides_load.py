"""What inspect writes of a partition tree, the loader takes back: every side of a pair (tests/fixtures/pairs) and of a
kinds case (tests/fixtures/kinds) holding partitions, its roots' keys given what Postgres's copy of a key takes from
it but does not compare when it attaches a partition's own (storage parameters, DEFERRABLE: a plain UNIQUE is taken as
the copy of a DEFERRABLE one WITH (fillfactor = 70), 18/16/15), loaded on a real server, inspected, and inspect's
schema.yaml loaded without error.

The partitions' own keys are left as written, so a middle's or leaf's own UNIQUE beside its copy of the root's now
differs from the root's in exactly what Postgres leaves out: inspect's catalog queries (beside_parents) mark it
beside_copy by the definition Postgres attaches by, and the loader must find a key of that definition above it
(schemafile.indexes, compare.definition_keys.attach_key): before, it compared the parameters too and refused
inspect's own output ('beside_copy, but no table it is a partition of has a key of its definition'). The roots'
indexes get a fillfactor likewise (btree ones). The side as written is test_pairs' and test_kinds' own run.

The default run takes every thirtieth side, each on one major in turn; `-m slow` every side on 18, 16 and 15.
"""

from __future__ import annotations

import os
import re

import psycopg
import pytest
from catalog_oracle import sibling_database
from conftest import each_case_on_one_major
from pairs import load_pairs

from schemac.commands.inspect import inspect_database
from schemac.schemafile.load import load_text

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
_STATEMENT = re.compile(r"(?ms)^(?:CREATE|ALTER) TABLE\b.*?;[ \t]*$")
_CREATED = re.compile(r"(?is)^CREATE TABLE\s+(?:IF NOT EXISTS\s+)?([\w.\"]+)")
_ALTERED = re.compile(r"(?is)^ALTER TABLE\s+(?:ONLY\s+)?([\w.\"]+)")
_KEY = re.compile(r"(?i)\b(?:UNIQUE(?:\s+NULLS\s+(?:NOT\s+)?DISTINCT)?|PRIMARY\s+KEY)\b"  # (its columns and INCLUDE
                  r"(?>(?:\s*\([^()]*\))?(?:\s*INCLUDE\s*\([^()]*\))?)"  # taken whole: atomic)
                  r"(?!\s*(?:WITH\s*\(|USING\s+INDEX|DEFERRABLE|NOT\s+DEFERRABLE))")
_INDEX = re.compile(r"(?ims)^CREATE\s+(?:UNIQUE\s+)?INDEX\b[^;]*?\bON\s+(?:ONLY\s+)?([\w.\"]+)\s*(?:USING\s+btree\s*)?\(")


def _bare(name: str) -> str:
    return name.split(".")[-1].strip('"').lower()


def _closing(text: str, at: int) -> int:
    """The index just past the parenthesis that closes the one at `at` (or -1)."""
    depth = 0
    for n in range(at, len(text)):
        depth += {"(": 1, ")": -1}.get(text[n], 0)
        if depth == 0:
            return n + 1
    return -1


def with_roots_keys_varied(side: str, deferrable: bool) -> str:
    """`side` with each key a root of a partition tree declares (CREATE TABLE ... PARTITION BY, or ALTER TABLE of such
    a table ... ADD) given WITH (fillfactor = 70), DEFERRABLE too for a UNIQUE where `deferrable`, and each btree index
    made on such a root WITH (fillfactor = 70); the partitions' own as they are."""
    roots = {_bare(m.group(1)) for s in _STATEMENT.finditer(side) if (m := _CREATED.match(s.group(0)))
             and re.search(r"(?i)\bPARTITION BY\b", s.group(0)) and not re.search(r"(?i)\bPARTITION OF\b", s.group(0))}

    def keyed(m: re.Match) -> str:
        key = m.group(0)
        extra = " WITH (fillfactor = 70)"
        if deferrable and key.upper().startswith("UNIQUE"):
            extra += " DEFERRABLE"
        return key + extra

    def statement(s: re.Match) -> str:
        text = s.group(0)
        made, altered = _CREATED.match(text), _ALTERED.match(text)
        name = _bare((made or altered).group(1))  # type: ignore[union-attr]
        if name not in roots or altered and not re.search(r"(?i)\bADD\b", text):
            return text
        if made:  # (the keys between the column list's parentheses only: not the PARTITION BY's)
            start = text.index("(")
            end = _closing(text, start)
            return text[:start] + _KEY.sub(keyed, text[start:end]) + text[end:] if end > 0 else text
        return _KEY.sub(keyed, text)

    out = _STATEMENT.sub(statement, side)
    for m in reversed(list(_INDEX.finditer(out))):
        end = _closing(out, m.end() - 1)
        if _bare(m.group(1)) not in roots or end < 0 or re.match(r"(?i)\s*(?:INCLUDE|WITH)\b", out[end:]) or \
                re.match(r"(?i)\s*USING\s+(?!btree)", out[m.start():m.end()].split(" ON ", 1)[-1]):
            continue
        out = out[:end] + " WITH (fillfactor = 70)" + out[end:]
    return out


def _sides() -> list:
    cases = []
    for folder in ("pairs", "kinds"):
        for pair in load_pairs(os.path.join(FIXTURES, folder)):
            for name, side in (("old", pair.old), ("new", pair.new)):
                if re.search(r"(?i)\bPARTITION OF\b", side) and with_roots_keys_varied(side, True) != side:
                    cases.append(pytest.param(side, id=f"{pair.id}-{name}"))
    return cases


SIDES = _sides()


def test_the_variation_gives_a_roots_key_parameters_and_leaves_a_partitions_own():
    side = ("CREATE TABLE tote (a int NOT NULL, b int NOT NULL, c text, UNIQUE (a, b) INCLUDE (c)) PARTITION BY "
            "LIST (a);\nCREATE TABLE tote_1 PARTITION OF tote FOR VALUES IN (1) PARTITION BY LIST (b);\n"
            "ALTER TABLE tote_1 ADD CONSTRAINT tote_1_mine UNIQUE (a, b) INCLUDE (c);\n"
            "CREATE INDEX tote_c ON tote (lower(c));\nCREATE INDEX tote_1_c ON tote_1 (c);\n")
    varied = with_roots_keys_varied(side, True)
    assert "UNIQUE (a, b) INCLUDE (c) WITH (fillfactor = 70) DEFERRABLE) PARTITION BY LIST (a);" in varied
    assert "ADD CONSTRAINT tote_1_mine UNIQUE (a, b) INCLUDE (c);" in varied
    assert "ON tote (lower(c)) WITH (fillfactor = 70);" in varied and "ON tote_1 (c);" in varied
    assert len(SIDES) > 50  # (the fixtures' partition trees with a root's key or index: 81 sides hold a root's key)


def _loads(url: str, text: str) -> bool:
    with psycopg.connect(url, autocommit=True) as conn:
        try:
            conn.execute(text)
        except psycopg.Error:
            return False
    return True


@pytest.mark.parametrize("major_db,side", each_case_on_one_major(SIDES, every=30), indirect=["major_db"])
def test_inspect_of_a_partition_tree_whose_roots_keys_have_parameters_loads(major_db, side):
    with sibling_database(major_db) as other:
        if not _loads(major_db, with_roots_keys_varied(side, True)):  # (a foreign key onto a DEFERRABLE key, ON
            if not _loads(other, side):  # CONFLICT over one: the parameters alone; a side of a newer major's grammar
                pytest.skip("this server cannot load the side as written")  # or an extension this build lacks)
            with sibling_database(major_db) as third:
                assert _loads(third, with_roots_keys_varied(side, False)), "the side with parameters does not load"
                text = inspect_database(third).yaml
                load_text(text, "schema.yaml")
                return
    text = inspect_database(major_db).yaml
    load_text(text, "schema.yaml")
