"""A column an INHERITS parent renames (`renamed_from:` on the parent's column): ALTER TABLE parent RENAME COLUMN
renames it in every child and grandchild too, inherited alone or declared again by the child (merged). The
children's copies carried no `renamed_from:`, so their comparison saw a column dropped and one added: generate refused
it as destructive, and with --allow-destructive dropped the children's values. The oracle: the catalog equal to the new
schema.yaml built from scratch, every row's values (the renamed column read under its new name), and diff clean."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import fingerprint, fingerprint_difference, values
from conftest import built_from_scratch
from sqlx_project import generated_and_applied

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.errors import SchemacError
from schemac.migrations.layout import Layout

BEFORE = """\
tables:
  parent:
    columns:
      id: {type: integer, primary_key: true}
      title: text
      n: integer
  child:
    inherits: [parent]
    columns:
      extra: text
    indexes:
      child_title: {columns: [title]}
  grandchild:
    inherits: [child]
    columns:
      g: integer
    checks:
      grandchild_check: g > 0 OR title IS NULL
  merged:
    inherits: [parent]
    columns:
      title: text
      note: text
"""
ROWS = ["INSERT INTO parent VALUES (1, 'p', 1)", "INSERT INTO child VALUES (2, 'c', 2, 'x')",
        "INSERT INTO grandchild VALUES (3, 'g', 3, 'y', 5)", "INSERT INTO merged VALUES (4, 'm', 4, 'z')"]
AFTER = BEFORE.replace("      title: text\n      n: integer", "      name: {type: text, renamed_from: title}\n      n: integer") \
    .replace("columns: [title]", "columns: [name]").replace("title IS NULL", "name IS NULL") \
    .replace("      title: text\n      note", "      name: text\n      note")


def test_a_parents_renamed_column_is_renamed_in_its_children(db_url, tmp_path):
    assert AFTER.count("renamed_from") == 1 and AFTER.count("title") == 2  # (and the index's name)
    generated_and_applied(tmp_path, db_url, BEFORE)
    with psycopg.connect(db_url, autocommit=True) as conn:
        for row in ROWS:
            conn.execute(row)
    tables = ("parent", "child", "grandchild", "merged")
    before = values(db_url, {(f"public.{t}", "title"): (f"public.{t}", "name") for t in tables})
    sql = generated_and_applied(tmp_path, db_url, AFTER)  # (refused as destructive before: not written)
    statements = [s.strip() for s in sql.split(";") if s.strip() and not s.strip().startswith(("--", "SET LOCAL"))]
    assert statements == ['ALTER TABLE parent RENAME COLUMN title TO "name"'], sql
    schema = tmp_path / "schema.yaml"
    assert check_drift(str(schema), db_url).differences == ()
    assert values(db_url) == before, sql
    expected = built_from_scratch(db_url, AFTER, tmp_path / "scratch")
    actual = fingerprint(db_url)
    assert actual == expected, fingerprint_difference(actual, expected) + "\n" + sql
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT tableoid::regclass::text, id, name FROM parent ORDER BY id").fetchall() == [
            ("parent", 1, "p"), ("child", 2, "c"), ("grandchild", 3, "g"), ("merged", 4, "m")]
    assert generate(str(schema), str(tmp_path / "generated")).status == "unchanged"


TWO_PARENTS = """\
tables:
  p1:
    columns:
      id: integer
      title: text
  p2:
    columns:
      title: text
      z: integer
  kid:
    inherits: [p1, p2]
"""


def test_a_rename_postgres_refuses_is_refused_at_generate(db_url, tmp_path):
    """A column a child has from two parents (merged) cannot be renamed in one of them, nor a column a table has from a
    parent in that table alone: Postgres refuses both ('cannot rename inherited column'), where generate wrote the
    RENAME (and, for the first, an ADD COLUMN of the child). Refused at generate, saying why; nothing written."""
    generated_and_applied(tmp_path, db_url, TWO_PARENTS)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO kid VALUES (1, 't', 2)")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    for text, named, refused_sql in (
            (TWO_PARENTS.replace("      title: text\n  p2", "      name: {type: text, renamed_from: title}\n  p2"),
             "table public.p1: column title is inherited by public.kid from public.p2 too",
             "ALTER TABLE p1 RENAME COLUMN title TO name"),
            (TWO_PARENTS + "    columns:\n      label: {type: text, renamed_from: z}\n",
             "table public.kid: column z is inherited from public.p2, and Postgres cannot rename an inherited column",
             "ALTER TABLE kid RENAME COLUMN z TO label")):
        schema.write_text(text, encoding="utf-8")
        with pytest.raises(SchemacError, match=named):
            generate(str(schema), out, allow_destructive=True)
        assert len(Layout(out).migrations()) == 1
        with psycopg.connect(db_url) as conn, pytest.raises(psycopg.errors.InvalidTableDefinition,
                                                            match="cannot rename inherited column"):
            conn.execute(refused_sql)


PARTITIONED = """\
tables:
  pt:
    partition_by: {strategy: list, key: k}
    columns:
      id: integer
      k: integer
      r: integer
  pt_a:
    partition_of: {parent: pt, bound: FOR VALUES IN (1)}
    partition_by: {strategy: list, key: r}
  pt_a1:
    partition_of: {parent: pt_a, bound: FOR VALUES IN (1)}
  pt_b:
    partition_of: {parent: pt, bound: FOR VALUES IN (2)}
"""


def test_a_partitioned_tables_renamed_column_is_renamed_in_partitions_listing_no_columns(db_url, tmp_path):
    """A partitioned table's column renamed (`renamed_from:` on the parent alone), its partitions listing no columns
    (as inspect writes one made PARTITION OF), one of them partitioned itself: the partitions' copies carried no hint,
    so generate refused their column dropped as destructive ('drop column id of public.pt_a: its values are lost'),
    and with --allow-destructive wrote `ALTER TABLE pt_a DROP COLUMN id` and `ADD COLUMN ident` after the parent's
    RENAME COLUMN, which Postgres refused ('column "id" of relation "pt_a" does not exist'). Now the RENAME COLUMN alone, the rows kept
    under the new name in every partition (the catalog equal to the new schema.yaml built from scratch)."""
    generated_and_applied(tmp_path, db_url, PARTITIONED)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO pt VALUES (1, 1, 1), (2, 2, 2)")
    after = PARTITIONED.replace("      id: integer", "      ident: {type: integer, renamed_from: id}")
    sql = generated_and_applied(tmp_path, db_url, after)
    statements = [s.strip() for s in sql.split(";") if s.strip() and not s.strip().startswith(("--", "SET LOCAL"))]
    assert statements == ["ALTER TABLE pt RENAME COLUMN id TO ident"], sql
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT tableoid::regclass::text, ident FROM pt ORDER BY ident").fetchall() == [
            ("pt_a1", 1), ("pt_b", 2)]
    expected = built_from_scratch(db_url, after, tmp_path / "scratch")
    actual = fingerprint(db_url)
    assert actual == expected, fingerprint_difference(actual, expected) + "\n" + sql
    assert check_drift(str(tmp_path / "schema.yaml"), db_url).differences == ()
