"""A foreign key of a table the migration keeps, onto a table it creates: the new table is empty when the key is
added, so ADD FOREIGN KEY fails on the first row holding a key (a table renamed without renamed_from:, as a replay of
Immich's StandardizeNames met; a key given to a column that holds values). generate never sees the rows: it warns
(plan.empty_parents), and the warning is true: the migration fails over such a row and applies once the keys are
NULL. Not warned where it cannot fail: a key column the migration adds (NULL in every row), a NOT VALID key."""

from __future__ import annotations

import psycopg
import pytest

from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout
from sqlx_project import generated_and_applied

_PARENT = "  {name}:\n    columns:\n      id: {{type: integer, primary_key: true}}\n"
_CHILD = ("  child:\n    columns:\n      id: {{type: integer, primary_key: true}}\n      p: integer\n"
          "    foreign_keys:\n      - {{columns: [p], references: {{table: {ref}, columns: [id]}}{extra}}}\n")
_BARE = "  child:\n    columns:\n      id: {type: integer, primary_key: true}\n"


@pytest.mark.parametrize("before, after, warned", [
    (_PARENT.format(name="parent_old") + _CHILD.format(ref="parent_old", extra=""),
     _PARENT.format(name="parent_new") + _CHILD.format(ref="parent_new", extra=""), True),
    (_BARE.replace("true}\n", "true}\n      p: integer\n"),
     _PARENT.format(name="parent_new") + _CHILD.format(ref="parent_new", extra=""), True),
    (_BARE, _PARENT.format(name="parent_new") + _CHILD.format(ref="parent_new", extra=""), False),
    (_BARE.replace("true}\n", "true}\n      p: integer\n"),
     _PARENT.format(name="parent_new") + _CHILD.format(ref="parent_new", extra=", not_valid: true"), False),
], ids=["parent-renamed-without-renamed-from", "key-given-to-a-kept-column", "key-column-added", "not-valid"])
def test_a_kept_tables_key_onto_a_new_table_is_warned(tmp_path, db_url, before, after, warned):
    generated_and_applied(tmp_path, db_url, "tables:\n" + before)
    with psycopg.connect(db_url, autocommit=True) as conn:
        if "parent_old" in before:
            conn.execute("INSERT INTO parent_old VALUES (1)")
        conn.execute("INSERT INTO child VALUES (1" + (", 1)" if "p: integer" in before else ")"))
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text("tables:\n" + after, encoding="utf-8")
    result = generate(str(schema), out, allow_destructive=True)
    assert result.status == "written", result.message
    warnings = [n for n in result.notices if n.startswith("warning: ")]
    assert warnings == ([f"warning: {schema}:10:9: foreign key child_p_fkey of public.child references "
                         "public.parent_new, which the migration creates: it is empty when the key is added, so the "
                         "migration fails where a row of public.child holds a key (give public.parent_new "
                         "renamed_from: where it is an old table renamed, or fill it first)"] if warned else [])
    with psycopg.connect(db_url, autocommit=True) as conn:
        if warned:  # (the warning is true: it fails over the row, and applies once its key is NULL)
            with pytest.raises(psycopg.errors.ForeignKeyViolation):
                apply_files(conn, Layout(out).migrations())
            conn.execute("UPDATE child SET p = NULL")
        apply_files(conn, Layout(out).migrations())
        assert conn.execute("SELECT confrelid::regclass::text FROM pg_constraint WHERE conname = 'child_p_fkey'"
                            ).fetchone() == ("parent_new",)
