"""A used collation's definition changed (Postgres has no ALTER COLLATION for it): set aside and made again under its
users (compare.collation_asides; generate refused it before). The oracles are Postgres's: after the migration a
query's ORDER BY sorts the rows by the new definition; two rows equal under a new nondeterministic collation under a
UNIQUE fail the migration with a unique violation, which generate warns of at the column's line, and it applies once
they differ. ICU is in Debian's 15 build here, not in 18's or 16's."""

import pytest

from conftest import rows_of
from test_citext_key_warning import warned_then_applied

SCHEMA = """collations:
  ci: %s
tables:
  t:
    columns:
      id: integer
      handle: {type: text, collation: ci}
    unique:
      - {columns: [handle]}
"""


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)
def test_a_collation_made_nondeterministic_under_a_key_is_set_aside_warned_and_sorts_anew(major_db, tmp_path):
    schema, warnings = warned_then_applied(major_db, tmp_path, SCHEMA % "{provider: libc, locale: C}",
                                           SCHEMA % "{provider: icu, locale: und-u-ks-level2, deterministic: false}",
                                           "INSERT INTO t VALUES (1, 'Ann'), (2, 'ann'), (3, 'bob'), (4, 'Carl')",
                                           "DELETE FROM t WHERE id = 2")
    assert warnings == [
        f"warning: {schema}:7:7: column public.t.handle is given collation ci, which is nondeterministic: the "
        "migration fails where two rows equal under it ('Ann', 'ann' where it ignores case) are held under t_handle_key "
        "(make those rows differ first)"], warnings
    assert rows_of(major_db, "SELECT handle FROM t ORDER BY handle") == [("Ann",), ("bob",), ("Carl",)]  # ('C': B < a)
    assert rows_of(major_db, "SELECT collname, collprovider, collisdeterministic FROM pg_collation "
                             "WHERE collname LIKE 'ci%'") == [("ci", "i", False)]
