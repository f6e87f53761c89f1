"""A partial unique index (WHERE deleted_at IS NULL: Medusa's soft delete) turned into a UNIQUE constraint or a unique
index without a predicate, or given one beside it: the key then reads the soft-deleted rows too, so the migration fails
where one holds the key of another row. `generate` never sees the rows: it warns at the key's line (plan.partial_keys).
The oracle that the warning is true is Postgres: the migration fails with a unique violation over such a pair and
applies once it is gone."""

import pytest

from conftest import rows_of
from test_citext_key_warning import warned_then_applied

OLD = """tables:
  t:
    columns:
      id: integer
      handle: text
      deleted_at: timestamptz
    primary_key: {columns: [id]}
%s"""
PARTIAL = "    indexes:\n      t_handle_live: {columns: [handle], unique: true, where: deleted_at IS NULL}\n"
KEYS = {"unique": ("    unique:\n      - {columns: [handle], name: t_handle_live}\n",
                   "9:9: key t_handle_live"),
        "unique-index": ("    indexes:\n      t_handle: {columns: [handle], unique: true}\n",
                         "9:7: unique index t_handle"),
        "unique-beside": (PARTIAL + "    unique:\n      - {columns: [handle], name: t_handle_key}\n",
                          "11:9: key t_handle_key of public.t is added beside")}
ROWS = "INSERT INTO t VALUES (1, 'tee', NULL), (2, 'tee', '2026-01-01 00:00+00'), (3, 'cap', NULL)"


@pytest.mark.parametrize("key", list(KEYS))
def test_a_partial_unique_index_made_a_full_key_is_warned_and_fails_over_a_soft_deleted_twin(any_db_url, tmp_path,
                                                                                             key):
    block, what = KEYS[key]
    schema, warnings = warned_then_applied(any_db_url, tmp_path, OLD % PARTIAL, OLD % block, ROWS,
                                           "DELETE FROM t WHERE deleted_at IS NOT NULL")
    what = what if "beside" in what else f"{what} of public.t replaces"
    assert warnings == [
        f"warning: {schema}:{what} the partial unique index t_handle_live (WHERE "
        "deleted_at IS NULL) over the same columns: the migration fails where two rows outside that predicate "
        "(soft-deleted ones) hold the same key (make those rows differ, or delete them, first)"]
    assert rows_of(any_db_url, "SELECT count(*) FROM pg_index WHERE indrelid = 't'::regclass AND indisunique "
                               "AND indpred IS NULL AND NOT indisprimary") == [(1,)]  # (and the partial one, beside)


def test_a_partial_unique_index_given_a_narrower_predicate_is_not_warned(tmp_path):
    """The new predicate keeps out every row the old one did (and more): no two rows it reads can collide."""
    from schemac.commands.generate import generate

    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(OLD % PARTIAL, encoding="utf-8")
    assert generate(str(schema), out).status == "written"
    schema.write_text(OLD % PARTIAL.replace("where: deleted_at IS NULL", "where: deleted_at IS NULL AND id > 0"),
                      encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written" and not [n for n in result.notices if n.startswith("warning: ")], result.notices
