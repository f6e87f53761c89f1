"""The shortcuts of the catalog's builder on `diff`'s fast path (docs/benchmarks-catalog.md, session 27),
each held to the long way it skips.

- model.sequences.identity_sequence_name returns `table_column_seq` at once where both names are ASCII and fit:
  the oracle is Postgres's own name for an identity's sequence (pg_get_serial_sequence), names of 1-byte and 2-byte
  characters on both sides of NAMEDATALEN's limit.
- catalog.grants.AccessLists.grants returns () for an object with a NULL access list and no entry: what the long way
  gives it, beside the objects it still takes (an explicit empty list: its NOTHING entry; a grant; a column's).
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

