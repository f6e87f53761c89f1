"""The shortcuts of the catalog's builder and of the differ on `diff`'s fast path (docs/benchmarks-catalog.md, session 27),
each held to the long way it skips.

- model.sequences.identity_sequence_name returns `table_column_seq` at once where both names are ASCII and fit:
  the oracle is Postgres's own name for an identity's sequence (pg_get_serial_sequence), names of 1-byte and 2-byte
  characters on both sides of NAMEDATALEN's limit.
- catalog.grants.AccessLists.grants returns () for an object with a NULL access list and no entry: what the long way
  gives it, beside the objects it still takes (an explicit empty list: its NOTHING entry; a grant; a column's).
- compare.differ.diff takes a table of no parent that the shortcut finds unchanged as no change without its ~14
  steps: the oracle is each step's answer for such a table, and a report that still finds what drifted beside it.
"""

from __future__ import annotations

import psycopg
import pytest

from schemac.catalog.grants import AccessLists
from schemac.model import Privilege
from schemac.model.grants import NOTHING
from schemac.model.sequences import identity_sequence_name

# (table, column) pairs around the clip: 58 bytes of names fit with `_` and `_seq` in 63; 59 do not.
LONG_NAMES = [("t" * 29, "c" * 29), ("t" * 30, "c" * 29), ("t" * 40, "id"), ("t" * 57, "i"), ("t" * 58, "i"),
              ("é" * 20, "id"), ("t" * 27, "é" * 15), ("τ" * 14, "c" * 30), ("t" * 56, "é")]


def test_identity_sequence_names_are_postgres_own(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        for table, column in LONG_NAMES:
            conn.execute(f'CREATE TABLE "{table}" ("{column}" bigint GENERATED ALWAYS AS IDENTITY)')
            # (as Postgres clipped the table's name, where it did: the relation holds that one)
            held = conn.execute("SELECT relname FROM pg_class WHERE relname LIKE %s AND relkind = 'r'",
                                (table[:20] + "%",)).fetchone()[0]
            attname = conn.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum = 1",
                                   (f'"{held}"',)).fetchone()[0]
            sequence = conn.execute("SELECT pg_get_serial_sequence(%s, %s)", (f'"{held}"', attname)).fetchone()[0]
            assert sequence.split(".", 1)[1].strip('"') == identity_sequence_name(held, attname), (held, attname)
            conn.execute(f'DROP TABLE "{held}"')


def _row(oid: int, explicit: bool, grantee=None, privilege=None, column=None) -> dict:
    return {"catalog": "class", "object_oid": oid, "namespace_name": None, "owner": "alice", "column_name": column,
            "kind": "table", "explicit": explicit, "grantee": grantee, "privilege": privilege, "grantable": False,
            "grantor": "alice" if grantee else None}


@pytest.mark.parametrize("major", [16, 17])
def test_an_object_with_no_list_of_its_own_has_no_grants(major):
    lists = AccessLists([_row(1, False), _row(2, True), _row(3, False, "bob", "SELECT"),
                         _row(4, False, "bob", "SELECT", column="a"), _row(5, True, "alice", "SELECT")], major)
    assert lists.grants("class", 1) == ()  # NULL relacl: the owner's defaults, left out
    assert lists.grants("class", 99) == ()  # (an object the query did not list)
    assert lists.grants("class", 2) == (Privilege("alice", NOTHING),)  # an explicit empty list: all revoked
    assert lists.grants("class", 3) == (Privilege("bob", "SELECT", grantor="alice"),)
    assert lists.grants("class", 4) == (Privilege("bob", "SELECT", column="a", grantor="alice"),)
    assert lists.grants("class", 5) == (Privilege("alice", "SELECT", grantor="alice"),)


def _pair(name: str, comment: str = "kept"):
    """A table as the catalog reads it (the key's name Postgres chose) and as schema.yaml declares it (unnamed)."""
    from schemac.model import Column, Identity, Index, IndexElement, PrimaryKey, Table

    columns = (Column(name="id", type="bigint", nullable=False, identity=Identity(always=True)),
               Column(name="note", type="text", nullable=True, default="'x'::text"))
    index = Index(name=f"{name}_note", elements=(IndexElement(column="note"),))
    cur = Table(name=name, schema="public", columns=columns, primary_key=PrimaryKey(("id",), name=f"{name}_pkey"),
                indexes=(index,), comment="kept")
    des = Table(name=name, schema="public", columns=columns, primary_key=PrimaryKey(("id",)), indexes=(index,),
                comment=comment)
    return cur, des


def test_the_steps_the_differ_skips_for_a_table_of_no_parent_in_sync_do_nothing():
    from schemac.compare.inherited_checks import (across_parents, after_no_inherit, checks_for_attach,
                                                  identities_given_by_attach, numbered_by_parents_identity)
    from schemac.compare.not_nulls import across_no_inherit, before_inherit
    from schemac.compare.not_null_names import defaults_as_held, held_as_parents
    from schemac.compare.partition_copies import with_detached_copies, without_implied_twin_copies
    from schemac.compare.shortcut import unchanged
    from schemac.compare.tables import diff_table
    from schemac.compare.types import cast_directly

    cur, des = _pair("t")
    cur_tables, des_tables = {cur.key: cur}, {des.key: des}
    assert unchanged(cur, des) and cur != des  # (equal but for the key's chosen name)
    assert defaults_as_held(cur, des, cur_tables, des_tables) is des
    assert identities_given_by_attach(cur, des, cur_tables, des_tables) == (cur, des)
    assert without_implied_twin_copies(cur, des) is cur
    assert with_detached_copies(cur, des, cur_tables, des_tables) is cur
    assert across_parents(cur, des, cur_tables, des_tables) == (cur, des, [], set())
    assert checks_for_attach(cur, des, cur_tables, des_tables) == []
    assert across_no_inherit(cur, des, cur_tables, des_tables) == (cur, [])
    assert before_inherit(cur, des, des_tables) == []
    assert held_as_parents(cur, des, cur_tables) is cur
    assert diff_table(cur, des) == []
    assert cast_directly([], {}, {}) == [] and numbered_by_parents_identity([], cur, des, des_tables) == []
    assert after_no_inherit([], set()) == []


def test_the_differ_still_finds_a_change_beside_tables_in_sync():
    from schemac.compare.differ import diff
    from schemac.model import Schema

    pairs = [_pair("a"), _pair("b", comment="changed"), _pair("c")]
    current = Schema(tables=tuple(c for c, _ in pairs))
    desired = Schema(tables=tuple(d for _, d in pairs))
    assert [(c.kind, c.table) for c in diff(current, desired)] == [("set_table_comment", "b")]
    assert diff(current, Schema(tables=current.tables)) == []
