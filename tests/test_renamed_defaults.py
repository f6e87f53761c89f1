"""A table renamed by `renamed_from:` whose constraints schema.yaml leaves unnamed: ALTER TABLE ... RENAME keeps the
names Postgres gave them after the old name (orders_pkey, orders_k_key, orders_pid_fkey, on 18 orders_a_not_null),
but state.json records them unnamed, so the next migration named them after the new one (DROP CONSTRAINT
purchases_pkey) and Postgres refused it. Rails' rename_table renames the key so too. The oracle: pg_constraint's
names against the same schema.yaml created from scratch in a sibling database, and the rows."""

from __future__ import annotations

import psycopg
import pytest

from catalog_oracle import sibling_database
from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

P = "  p:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
KEYS = ("    columns:\n      id: {type: bigint, primary_key: true}\n      k: {type: integer, nullable: false, unique: true}\n"
        "      pid: {type: bigint}\n      a: {type: integer, nullable: false}\n"
        "    foreign_keys:\n      - {columns: [pid], references: {table: p, columns: [id]}}\n")
ORDERS = "tables:\n" + P + "  orders:\n" + KEYS
RENAMED = "tables:\n" + P + "  purchases:\n    renamed_from: orders\n" + KEYS
LATER = ("tables:\n" + P + "  purchases:\n    columns:\n      id: {type: bigint}\n      k: {type: integer}\n"
         "      pid: {type: bigint}\n      a: {type: integer, nullable: false}\n    primary_key: {columns: [id, a]}\n")


def _step(url: str, schema, out: str, text: str, **options) -> None:
    schema.write_text(text)
    result = generate(str(schema), out, **options)
    assert result.status == "written", result.message
    with psycopg.connect(url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[-1:], record=False)
    assert check_drift(str(schema), url).differences == (), result.sql


def _created(url: str, text: str, folder, query: str) -> list:
    """pg_constraint's names (`query`) of `text` created from scratch in a sibling database."""
    folder.mkdir()
    with sibling_database(url) as other:
        _step(other, folder / "schema.yaml", str(folder / "generated"), text)
        with psycopg.connect(other) as conn:
            return conn.execute(query).fetchall()


def _renamed_then_changed(url: str, tmp_path, texts: tuple[str, str, str, str], rows: str, table: str) -> list:
    """`texts` (first, renamed, renamed without its renamed_from:, later) generated and applied in turn over `rows`:
    after the rename and after the later change, the names of `table`'s constraints (as it is named then) equal
    those of the same text created from scratch, and its rows are kept; the names after the rename."""
    first, renamed, fresh, later = texts
    query = f"SELECT conname, contype FROM pg_constraint WHERE conrelid = '{table}'::regclass ORDER BY 1"
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(url, schema, out, first)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(rows)
        before = conn.execute(f"SELECT * FROM {renamed_from(renamed, table)} ORDER BY id").fetchall()
    _step(url, schema, out, renamed)
    with psycopg.connect(url) as conn:
        names = conn.execute(query).fetchall()
    assert names == _created(url, fresh, tmp_path / "scratch", query)
    _step(url, schema, out, later, allow_destructive=True)  # DROP CONSTRAINT purchases_pkey, orders_code_key, ...
    with psycopg.connect(url) as conn:
        assert conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() == before
        assert conn.execute(query).fetchall() == _created(url, later, tmp_path / "later", query)
    return names


def renamed_from(text: str, table: str) -> str:
    """The table's name before `text` renames it (`renamed_from:` right under it), else its own."""
    mark = f"  {table}:\n    renamed_from: "
    return text.split(mark, 1)[1].split("\n", 1)[0] if mark in text else table


def test_a_renamed_tables_unnamed_constraints_are_named_after_it(any_db_url, tmp_path):
    names = _renamed_then_changed(any_db_url, tmp_path, (ORDERS, RENAMED, RENAMED.replace("    renamed_from: orders\n", ""),
                                                         LATER), "INSERT INTO p VALUES (1); INSERT INTO orders VALUES "
                                  "(1, 10, 1, 5), (2, 20, NULL, 6)", "purchases")
    assert ("purchases_pkey", "p") in names and ("purchases_k_key", "u") in names


COLUMNS = ("tables:\n  orders:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
           "      k: {type: integer, nullable: false, unique: true}\n      w: {type: integer}\n"
           "    unique:\n      - {columns: [k, w]}\n")
COLUMN_RENAMED = ("tables:\n  orders:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
                  "      code: {type: integer, nullable: false, unique: true, renamed_from: k}\n      w: {type: integer}\n"
                  "    unique:\n      - {columns: [code, w]}\n")
COLUMN_LATER = "tables:\n  orders:\n    columns:\n      id: {type: bigint, primary_key: true}\n      code: {type: integer}\n      w: {type: integer}\n"


def test_a_renamed_columns_unnamed_constraints_are_named_after_it(any_db_url, tmp_path):
    """RENAME COLUMN k TO code keeps orders_k_key, orders_k_w_key and (18) orders_k_not_null: renamed after `code`
    as for a table, so the later DROP CONSTRAINT orders_code_key applies (Postgres refused it before)."""
    names = _renamed_then_changed(any_db_url, tmp_path, (COLUMNS, COLUMN_RENAMED, COLUMN_RENAMED.replace(
        ", renamed_from: k", ""), COLUMN_LATER), "INSERT INTO orders VALUES (1, 10, 1), (2, 20, NULL)", "orders")
    assert ("orders_code_w_key", "u") in names


TREE = ("tables:\n  orders:\n    columns:\n      id: {type: bigint, nullable: false}\n      d: {type: date, nullable: false}\n"
        "    primary_key: {columns: [id, d]}\n    partition_by: {strategy: range, key: d}\n"
        "  orders_2024:\n    partition_of: {parent: orders, bound: \"FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\"}\n"
        "  ledger:\n    columns:\n      id: {type: integer, nullable: false}\n"
        "  ledger_kid:\n    inherits: [ledger]\n    columns:\n      id: {type: integer, nullable: false}\n      w: integer\n")
TREE_NAMES = ("SELECT conrelid::regclass::text, conname, contype FROM pg_constraint "
              "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2")


def test_a_renamed_parents_not_nulls_are_renamed_with_its_partitions_and_children(any_db_url, tmp_path):
    """On 18 a partition made PARTITION OF, and an INHERITS child, hold their parent's NOT NULL under its name
    (orders_id_not_null), which RENAME CONSTRAINT on the parent renames in them too: as PARTITION OF and INHERITS under
    the new name make them."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(any_db_url, schema, out, TREE)
    renamed = TREE.replace("  orders:\n", "  purchases:\n    renamed_from: orders\n").replace("parent: orders", "parent: purchases")
    renamed = renamed.replace("  ledger:\n", "  journal:\n    renamed_from: ledger\n").replace("inherits: [ledger]", "inherits: [journal]")
    _step(any_db_url, schema, out, renamed)
    with psycopg.connect(any_db_url) as conn:
        names = conn.execute(TREE_NAMES).fetchall()
    fresh = renamed.replace("    renamed_from: orders\n", "").replace("    renamed_from: ledger\n", "")
    assert names == _created(any_db_url, fresh, tmp_path / "scratch", TREE_NAMES)


def test_a_renamed_parent_with_a_partition_of_its_own_names_keeps_its_not_nulls(any_db_url, tmp_path):
    """A partition attached with NOT NULL names of its own (orders_2025_id_not_null) lacks the parent's: RENAME
    CONSTRAINT on the parent would fail there ('constraint "orders_id_not_null" for table "orders_2025" does not
    exist'), so the parent's and its other partitions' keep theirs, as Postgres's RENAME leaves them; the key is
    renamed (no partition inherits its name)."""
    own = ("  orders_2025:\n    partition_of: {parent: orders, bound: \"FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')\"}\n"
           "    columns:\n      id: {type: bigint, nullable: false, not_null: {name: orders_2025_id_not_null}}\n"
           "      d: {type: date, nullable: false, not_null: {name: orders_2025_d_not_null}}\n")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(any_db_url, schema, out, TREE + own)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO orders VALUES (1, '2024-05-01'), (2, '2025-05-01')")
    renamed = (TREE + own).replace("  orders:\n", "  purchases:\n    renamed_from: orders\n").replace("parent: orders", "parent: purchases")
    _step(any_db_url, schema, out, renamed)
    with psycopg.connect(any_db_url) as conn:
        names = conn.execute(TREE_NAMES).fetchall()
        assert conn.execute("SELECT count(*) FROM purchases").fetchone() == (2,)
        version = conn.info.server_version
    assert ("purchases", "purchases_pkey", "p") in names
    if version >= 180000:
        assert {("purchases", "orders_id_not_null", "n"), ("orders_2024", "orders_id_not_null", "n"),
                ("orders_2025", "orders_2025_id_not_null", "n")} <= set(names)


PARTED = ("tables:\n  orders:\n    columns:\n      id: {type: bigint, nullable: false}\n      k: integer\n"
          "      d: {type: date, nullable: false}\n    primary_key: {columns: [id, d]}\n"
          "    unique:\n      - {columns: [k, d]}\n    indexes:\n      orders_k_idx: {columns: [k, {expression: (k + 1)}]}\n"
          "    partition_by: {strategy: range, key: d}\n"
          "  orders_2024:\n    partition_of: {parent: orders, bound: \"FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\"}\n")
INDEX_NAMES = ("SELECT x.relname FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid "
               "WHERE i.indrelid = 'purchases_2024'::regclass ORDER BY 1")


def test_a_renamed_partitions_copies_of_its_parents_keys_and_indexes_are_named_after_it(any_db_url, tmp_path):
    """A partition's copies of its parent's keys and indexes are named after it (orders_2024_pkey,
    orders_2024_k_d_key, orders_2024_k_expr_idx), which its RENAME keeps: `diff` then found them missing under the new
    name (`primary key orders_2024_pkey is not in schema.yaml`). Renamed as PARTITION OF under the new name makes them."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(any_db_url, schema, out, PARTED)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO orders VALUES (1, 1, '2024-05-01'), (2, NULL, '2024-06-01')")
    renamed = PARTED.replace("  orders_2024:\n", "  purchases_2024:\n    renamed_from: orders_2024\n")
    _step(any_db_url, schema, out, renamed)  # diff clean
    with psycopg.connect(any_db_url) as conn:
        names = conn.execute(INDEX_NAMES).fetchall()
        assert conn.execute("SELECT count(*) FROM purchases_2024").fetchone() == (2,)
    assert names == _created(any_db_url, renamed.replace("    renamed_from: orders_2024\n", ""), tmp_path / "scratch",
                             INDEX_NAMES)
    assert [n for (n,) in names if n.startswith("orders")] == []




ATTACHED = ("CREATE TABLE orders (id bigint NOT NULL, d date NOT NULL, PRIMARY KEY (id, d)) PARTITION BY RANGE (d); "
            "CREATE TABLE orders_2025 (id bigint NOT NULL, d date NOT NULL); "
            "ALTER TABLE orders ATTACH PARTITION orders_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01'); "
            "INSERT INTO orders VALUES (1, '2025-05-01'), (2, '2025-06-01')")


def test_a_renamed_partition_attached_with_not_null_names_of_its_own(any_db_url, tmp_path):
    """A partition made on its own, then attached, holds on 18 NOT NULLs of its own name (orders_2025_id_not_null),
    inherited too, which Postgres cannot rename. Renamed by renamed_from: with them named after its new name,
    generate wrote RENAME CONSTRAINT orders_2025_id_not_null TO purchases_2025_id_not_null and Postgres refused it
    ('cannot rename inherited constraint'); then refused at the line; now it keeps their names and says so at the line
    (compare.not_null_renames.inherited_left: schema.yaml names them as a fresh build does, after the new name): the
    rename applies over the rows, `diff` takes those default names as the ones kept, and the table is what inspect
    writes with the names kept (16, 15: no such rows)."""
    from conftest import inspected_after
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    text = inspected_after(any_db_url, ATTACHED)
    schema.write_text(text)
    assert generate(str(schema), out).status == "written"
    kept = text.replace("  orders_2025:\n", "  purchases_2025:\n    renamed_from: orders_2025\n")
    renamed = kept.replace("name: orders_2025_", "name: purchases_2025_")
    if renamed != kept:  # (18)
        schema.write_text(renamed)
        said = [n for n in generate(str(schema), out, dry_run=True).notices if "keeps its name orders_2025_id" in n]
        line = renamed.splitlines().index("      id: {type: bigint, nullable: false, not_null: {name: purchases_2025_id_not_null}}")
        assert said and said[0].startswith(f"warning: {schema}:{line + 1}:"), said
        assert "of public.purchases_2025 keeps its name orders_2025_id_not_null (a new build names it purchases_" in said[0]
    _step(any_db_url, schema, out, renamed)
    with psycopg.connect(any_db_url) as conn:
        assert conn.execute("SELECT id FROM purchases_2025 ORDER BY id").fetchall() == [(1,), (2,)]
        names = conn.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'purchases_2025'::regclass "
                             "AND contype = 'n' ORDER BY 1").fetchall()
    assert names == ([("orders_2025_d_not_null",), ("orders_2025_id_not_null",)] if renamed != kept else [])
    assert inspected_after(any_db_url, "SELECT 1").split("tables:", 1)[1] == kept.split("tables:", 1)[1].replace(
        "    renamed_from: orders_2025\n", "")


FK_TREE = ("tables:\n  p:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
           "  orders:\n    columns:\n      id: {type: bigint, nullable: false}\n      d: {type: date, nullable: false}\n"
           "      pid: bigint\n    primary_key: {columns: [id, d]}\n"
           "    foreign_keys:\n      - {columns: [pid], references: {table: p, columns: [id]}}\n"
           "    partition_by: {strategy: range, key: d}\n"
           "  orders_2024:\n    partition_of: {parent: orders, bound: \"FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\"}\n"
           "  orders_2025:\n    partition_of: {parent: orders, bound: \"FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')\"}\n"
           "    partition_by: {strategy: range, key: id}\n"
           "  orders_2025_a:\n    partition_of: {parent: orders_2025, bound: FOR VALUES FROM (0) TO (100)}\n")


def test_a_renamed_parents_foreign_key_is_renamed_in_its_partitions(any_db_url, tmp_path):
    """A partitioned table's foreign key has a clone in each partition, at any depth, under its name (orders_pid_fkey):
    the parent renamed, its key was renamed after it but the clones kept the old name, where PARTITION OF under the new
    name gives them purchases_pid_fkey. Renamed so: pg_constraint's names equal a fresh build's, over the rows."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(any_db_url, schema, out, FK_TREE)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO p VALUES (1); INSERT INTO orders VALUES (1, '2024-05-01', 1), (2, '2025-05-01', NULL)")
    renamed = FK_TREE.replace("  orders:\n", "  purchases:\n    renamed_from: orders\n").replace("parent: orders,", "parent: purchases,")
    _step(any_db_url, schema, out, renamed)
    with psycopg.connect(any_db_url) as conn:
        names = conn.execute(TREE_NAMES).fetchall()
        assert conn.execute("SELECT count(*) FROM purchases").fetchone() == (2,)
    fresh = _created(any_db_url, renamed.replace("    renamed_from: orders\n", ""), tmp_path / "scratch", TREE_NAMES)
    assert names == fresh
    assert ("orders_2025_a", "purchases_pid_fkey", "f") in names


KEYED = FK_TREE + ("  c:\n    columns:\n      id: {type: bigint, primary_key: true}\n      pid: bigint\n"
                   "    foreign_keys:\n      - {columns: [pid], references: {table: p, columns: [id]}}\n"
                   "  d:\n    columns:\n      id: {type: bigint, primary_key: true}\n      pid: bigint\n"
                   "    foreign_keys:\n      - {name: d_named_fk, columns: [pid], references: {table: p, columns: [id]}}\n"
                   "  e:\n    columns:\n      id: {type: bigint, primary_key: true}\n      pid: bigint\n"
                   "    foreign_keys:\n      - {columns: [pid], references: {table: p, columns: [id]}}\n")
KEYS_OF = ("SELECT conrelid::regclass::text, conname, oid::bigint FROM pg_constraint WHERE contype = 'f' "
           "AND connamespace = 'public'::regnamespace ORDER BY 1, 2")


def test_a_renamed_columns_foreign_keys_are_kept(any_db_url, tmp_path):
    """RENAME COLUMN keeps a foreign key on the column, or on the column it references: generate dropped and added it
    again (DROP CONSTRAINT c_pid_fkey, ADD FOREIGN KEY (parent_id) ...: a scan of the table to validate it). Kept now
    (pg_constraint's oid the same), the unnamed ones renamed after the column as a fresh build names them, a
    partitioned table's clones too; one whose definition changes with the rename (e's, ON DELETE CASCADE) is added
    again once, not beside the old; a later migration dropping the keys finds them by those names."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(any_db_url, schema, out, KEYED)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO p VALUES (1), (2); INSERT INTO orders VALUES (1, '2024-05-01', 1), (2, '2025-05-01', 2);"
                     "INSERT INTO c VALUES (1, 1), (2, NULL); INSERT INTO d VALUES (1, 2); INSERT INTO e VALUES (1, 1)")
        before = conn.execute(KEYS_OF).fetchall()
    renamed = KEYED.replace("  p:\n    columns:\n      id: {", "  p:\n    columns:\n      pkid: {renamed_from: id, ", 1)
    renamed = renamed.replace("      pid: bigint\n", "      parent_id: {type: bigint, renamed_from: pid}\n").replace(
        "columns: [pid], references: {table: p, columns: [id]}", "columns: [parent_id], references: {table: p, columns: [pkid]}")
    renamed = "references: {table: p, columns: [pkid]}, on_delete: cascade}".join(  # (e's, the last)
        renamed.rsplit("references: {table: p, columns: [pkid]}}", 1))
    _step(any_db_url, schema, out, renamed)
    with psycopg.connect(any_db_url) as conn:
        after = conn.execute(KEYS_OF).fetchall()
        assert conn.execute("SELECT count(*) FROM orders").fetchone() == (2,)
        assert conn.execute("SELECT * FROM c ORDER BY id").fetchall() == [(1, 1), (2, None)]
    kept = {(t, oid) for t, _, oid in before if t != "e"}
    assert kept == {(t, oid) for t, _, oid in after if t != "e"}
    assert [n for t, n, _ in after if t == "e"] == ["e_parent_id_fkey"] and after != before
    fresh = renamed.replace("renamed_from: id, ", "").replace(", renamed_from: pid", "")
    assert [r[:2] for r in after] == [r[:2] for r in _created(any_db_url, fresh, tmp_path / "scratch", KEYS_OF)]
    _step(any_db_url, schema, out, fresh.replace("    foreign_keys:\n      - {columns: [parent_id], references: {table: p, "
                                                 "columns: [pkid]}}\n", ""))
    with psycopg.connect(any_db_url) as conn:
        assert [r[:2] for r in conn.execute(KEYS_OF).fetchall()] == [("d", "d_named_fk"), ("e", "e_parent_id_fkey")]


PAIRED = ("tables:\n  p:\n    columns:\n      x: {type: integer, nullable: false}\n      y: {type: integer, nullable: false}\n"
          "    primary_key: {columns: [x, y]}\n"
          "  c:\n    columns:\n      id: {type: bigint, primary_key: true}\n      a: integer\n      b: integer\n"
          "      z: integer\n      w: integer\n"
          "    unique:\n      - {columns: [a, b]}\n      - {columns: [z, w]}\n"
          "    exclude:\n      - {using: btree, elements: [{name: a, with: '='}, {name: b, with: '='}]}\n"
          "    foreign_keys:\n      - {columns: [a, b], references: {table: p, columns: [x, y]}}\n")


def test_two_columns_of_one_unnamed_key_renamed_in_one_migration(any_db_url, tmp_path):
    """a -> a2 and b -> b2 in one migration under an unnamed UNIQUE, EXCLUDE and foreign key over (a, b): Postgres
    keeps c_a_b_key, c_a_b_excl and c_a_b_fkey; each rename's DO block looked for c_a_b2_fkey, c_a2_b_fkey (one
    column at a time), so the database kept c_a_b_fkey while state.json recorded it unnamed (c_a2_b2_fkey) and the
    later DROP CONSTRAINT IF EXISTS c_a2_b2_fkey missed it. Renamed once now to a fresh build's names, z2's renamed_from: z left from the
    earlier migration counting for nothing (c_z2_w_key -> c_z2_w2_key, not c_z_w_key); the later migration dropping
    the keys leaves the table as a fresh build of it."""
    _step(any_db_url, tmp_path / "schema.yaml", str(tmp_path / "generated"), PAIRED)
    earlier = PAIRED.replace("      z: integer\n", "      z2: {type: integer, renamed_from: z}\n").replace("[z, w]", "[z2, w]")
    renamed = earlier.replace("      a: integer\n      b: integer\n", "      a2: {type: integer, renamed_from: a}\n"
                              "      b2: {type: integer, renamed_from: b}\n").replace("      w: integer\n",
                              "      w2: {type: integer, renamed_from: w}\n").replace("[a, b]", "[a2, b2]").replace(
                              "name: a,", "name: a2,").replace("name: b,", "name: b2,").replace("[z2, w]", "[z2, w2]")
    fresh = renamed.replace(", renamed_from: a", "").replace(", renamed_from: b", "").replace(
        ", renamed_from: w", "").replace(", renamed_from: z", "")
    names = _renamed_then_changed(any_db_url, tmp_path, (earlier, renamed, fresh, fresh.split("    unique:\n")[0]),
                                  "INSERT INTO p VALUES (1, 2); INSERT INTO c VALUES (1, 1, 2, 3, 4), (2, NULL, NULL, NULL, NULL)", "c")
    assert [n for n in names if n[1] in "ufx"] == [("c_a2_b2_excl", "x"), ("c_a2_b2_fkey", "f"), ("c_a2_b2_key", "u"),
                                                   ("c_z2_w2_key", "u")]


SPLIT = ("tables:\n  c:\n    columns:\n      id: {type: bigint, nullable: false}\n      a: integer\n      b: integer\n"
         "      d: {type: date, nullable: false}\n    unique:\n      - {columns: [a, d], include: [b]}\n"
         "    indexes:\n      c_b_idx: {columns: [b, {expression: (a + 1)}]}\n      c_b_hash: {columns: [b], method: hash}\n"
         "      c_b_again: {columns: [b], where: b > 0}\n    partition_by: {strategy: range, key: d}\n"
         "  c_2024:\n    partition_of: {parent: c, bound: \"FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\"}\n"
         "  c_2025:\n    partition_of: {parent: c, bound: \"FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')\"}\n"
         "    partition_by: {strategy: range, key: d}\n"
         "  c_2025_a_partition_named_long_enough_to_be_cut_by_postgres:\n"
         "    partition_of: {parent: c_2025, bound: \"FOR VALUES FROM ('2025-01-01') TO ('2025-07-01')\"}\n")
EXCLUDED = "    exclude:\n      - {using: btree, elements: [{name: a, with: '='}, {name: d, with: '='}]}\n"
COPY_NAMES = ("SELECT 'constraint', conrelid::regclass::text, conname FROM pg_constraint WHERE connamespace = "
              "'public'::regnamespace AND contype <> 'n' UNION ALL SELECT 'index', i.indrelid::regclass::text, x.relname "
              "FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid WHERE x.relnamespace = 'public'::regnamespace "
              "ORDER BY 1, 2, 3")


def test_a_renamed_columns_copies_in_partitions_are_named_after_it(any_db_url, tmp_path):
    """A partitioned table's UNIQUE, index (and on 17+ EXCLUDE) over a and b have copies in each partition, at any depth,
    which Postgres names over the columns (c_2024_a_d_b_key, c_2024_b_expr_idx, c_2024_a_d_excl, a second and third
    index over b c_2024_b_idx and c_2024_b_idx1, the long partition's cut to 63 bytes); RENAME COLUMN keeps those names, where a fresh build names them over a2 and b2, and `diff` found
    drift right after the migration. Renamed so: pg_constraint's and the indexes' names equal a fresh build's, over the rows."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    with psycopg.connect(any_db_url) as conn:  # (an EXCLUDE on a partitioned table: 17+)
        first = SPLIT if conn.info.server_version < 170000 else SPLIT.replace("    indexes:\n", EXCLUDED + "    indexes:\n")
    _step(any_db_url, schema, out, first)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO c VALUES (1, 1, 2, '2024-05-01'), (2, 3, 4, '2025-05-01'), (3, NULL, NULL, '2024-06-01')")
    renamed = first.replace("      a: integer\n      b: integer\n", "      a2: {type: integer, renamed_from: a}\n"
                            "      b2: {type: integer, renamed_from: b}\n").replace("[a, d], include: [b]", "[a2, d], include: [b2]")
    renamed = renamed.replace("name: a,", "name: a2,").replace("[b, {expression: (a + 1)}]", "[b2, {expression: (a2 + 1)}]")
    renamed = renamed.replace("columns: [b]", "columns: [b2]").replace("where: b > 0", "where: b2 > 0")
    _step(any_db_url, schema, out, renamed)  # diff clean
    with psycopg.connect(any_db_url) as conn:
        names = conn.execute(COPY_NAMES).fetchall()
        assert conn.execute("SELECT id, a2, b2, d::text FROM c ORDER BY id").fetchall() == [
            (1, 1, 2, "2024-05-01"), (2, 3, 4, "2025-05-01"), (3, None, None, "2024-06-01")]
    fresh = renamed.replace(", renamed_from: a", "").replace(", renamed_from: b", "")
    assert names == _created(any_db_url, fresh, tmp_path / "scratch", COPY_NAMES)
    assert ("constraint", "c_2024", "c_2024_a2_d_b2_key") in names and ("index", "c_2025", "c_2025_b2_expr_idx") in names
    assert (("constraint", "c_2024", "c_2024_a2_d_excl") in names) == (first != SPLIT)
    assert ("index", "c_2024", "c_2024_b2_idx1") in names


HISTORY = ("CREATE TABLE p (id int NOT NULL, a int NOT NULL, b int, PRIMARY KEY (id, a), UNIQUE (a, b)) PARTITION BY LIST (a); "
           "CREATE INDEX p_a_b_idx ON p (a, b); CREATE TABLE p0 PARTITION OF p FOR VALUES IN (1); ALTER TABLE p0 RENAME TO p1; "
           "CREATE INDEX p_b_idx ON p (b); ALTER TABLE p RENAME COLUMN b TO c; INSERT INTO p VALUES (1, 1, 1), (2, 1, NULL)")


def test_a_renamed_partitions_keys_left_unnamed_and_indexes_under_copy_names(any_db_url, tmp_path):
    """A partition's copies of its parent's keys under names of an older table or column (p0_pkey, p0_a_b_key), as inspect
    writes them, then left unnamed on the partition in schema.yaml, and an index copy renamed to the name Postgres gives
    it (q1_a_c_idx, renamed_from: p0_a_b_idx), with the parent and the partition renamed: the keys kept their old names
    (the rename skipped them as inherited) and a fresh build of that schema.yaml drifted (`unique constraint on q1 is
    missing`: the catalog leaves a copy under Postgres's name out); an index the partition keeps under its old copy's
    name (p1_b_idx) was renamed after the new table (q1_b_idx). Now pg_constraint's and the indexes' names equal a
    fresh build's, over the rows, and diff is clean on both."""
    from conftest import inspected_after
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    text = inspected_after(any_db_url, HISTORY)
    assert "name: p0_pkey" in text and "name: p0_a_b_key" in text and "      p1_b_idx: {columns: [c]}" in text
    schema.write_text(text)
    assert generate(str(schema), out).status == "written"
    renamed = text.replace(", name: p0_pkey}", "}").replace(", name: p0_a_b_key}", "}").replace(
        "      p0_a_b_idx: {", "      q1_a_c_idx: {renamed_from: p0_a_b_idx, ").replace("  p:\n", "  q:\n    renamed_from: p\n")
    renamed = renamed.replace("  p1:\n", "  q1:\n    renamed_from: p1\n").replace("parent: p,", "parent: q,")
    _step(any_db_url, schema, out, renamed)
    with psycopg.connect(any_db_url) as conn:
        names = conn.execute(COPY_NAMES).fetchall()
        assert conn.execute("SELECT id, a, c FROM q1 ORDER BY id").fetchall() == [(1, 1, 1), (2, 1, None)]
    fresh = renamed.replace("    renamed_from: p\n", "").replace("    renamed_from: p1\n", "").replace("renamed_from: p0_a_b_idx, ", "")
    assert names == _created(any_db_url, fresh, tmp_path / "scratch", COPY_NAMES)
    assert {("constraint", "q1", "q1_pkey"), ("constraint", "q1", "q1_a_c_key"), ("index", "q1", "q1_a_c_idx"),
            ("index", "q1", "p1_b_idx")} <= set(names)
