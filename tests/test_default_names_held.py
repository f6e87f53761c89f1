"""An unnamed key whose default name another constraint or index of its table (or a relation of its schema) holds:
Postgres numbers it (a CHECK named blocks_creator_id_fkey beside an unnamed foreign key on creator_id: the key is
blocks_creator_id_fkey1), schemac took the default for it, and a later migration dropping the key wrote
DROP CONSTRAINT IF EXISTS blocks_creator_id_fkey: it dropped the CHECK, then failed. Postgres's number depends on
what the schema held when the key was made, so schema.yaml names one of them: the loader refuses at the key's line
(exit 2). What inspect writes of such a table names the numbered key (it reads its name), so it loads and rebuilds
the same names. Oracles: the refusal's one line and exit status, pg_constraint/pg_class names of the database."""

from __future__ import annotations

import os

import psycopg
import pytest

from catalog_oracle import sibling_database
from conftest import inspected_after, rows_of
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

USERS = "tables:\n  users:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
BLOCKS = ("  blocks:\n    columns:\n      id: {type: integer, primary_key: true}\n      code: {type: integer}\n"
          "      creator_id: {type: bigint, nullable: false}\n")
FK = "      - {columns: [creator_id], references: {table: users, columns: [id]}}\n"
CASES = {  # schema.yaml, the refused key's line, the name it says is held
    "check-holds-fk": (USERS + BLOCKS + "    checks:\n      blocks_creator_id_fkey: creator_id > 0\n"
                       "    foreign_keys:\n" + FK, 13, "blocks_creator_id_fkey"),
    "named-fk-holds-fk": (USERS + BLOCKS + "    foreign_keys:\n"
                          + FK.replace("}}\n", "}, name: blocks_creator_id_fkey}\n").replace("users", "blocks") + FK,
                          12, "blocks_creator_id_fkey"),
    "index-holds-unique": (USERS + BLOCKS + "    unique:\n      - {columns: [code]}\n"
                           "    indexes:\n      blocks_code_key: {columns: [id]}\n", 11, "blocks_code_key"),
    "other-tables-key-holds-pk": (USERS.replace("primary_key: true}", "unique: true}\n    primary_key: {columns: [id], "
                                                "name: blocks_pkey}") + BLOCKS, 8, "blocks_pkey"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_unnamed_keys_held_default_name_is_refused_at_its_line(schemac, tmp_path, case):
    text, line, held = CASES[case]
    (tmp_path / "schema.yaml").write_text(text)
    r = schemac("generate", "--name", "x")
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    assert f"schema.yaml:{line}:" in r.stderr and f"its default name {held} is held by" in r.stderr, r.stderr
    written = tmp_path / "generated" / "migrations"
    assert not os.path.exists(written) or not os.listdir(written)


NUMBERED = ("CREATE TABLE users (id bigint PRIMARY KEY);"
            "CREATE TABLE blocks (id integer PRIMARY KEY, code integer, creator_id bigint NOT NULL REFERENCES users,"
            " CONSTRAINT blocks_creator_id_fkey CHECK (creator_id > 0));"
            "CREATE INDEX blocks_code_key ON blocks (id); ALTER TABLE blocks ADD UNIQUE (code);")
NAMES = ("SELECT conname, contype FROM pg_constraint WHERE conrelid = 'blocks'::regclass AND contype <> 'n' "
         "UNION ALL SELECT indexrelid::regclass::text, 'i' FROM pg_index WHERE indrelid = 'blocks'::regclass "
         "ORDER BY 1, 2")


def test_what_inspect_writes_of_numbered_keys_loads_and_rebuilds_their_names(any_db_url, tmp_path):
    """Postgres numbered both (the CHECK held the foreign key's name, the index the UNIQUE's): inspect names them,
    so the refusal does not meet them; the migration built from that file names them alike, and dropping the
    foreign key later leaves the CHECK."""
    text = inspected_after(any_db_url, NUMBERED)
    numbered = rows_of(any_db_url, NAMES)
    assert ("blocks_creator_id_fkey1", "f") in numbered and ("blocks_code_key1", "u") in numbered, numbered
    assert "name: blocks_creator_id_fkey1" in text and "name: blocks_code_key1" in text, text
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(text)
    assert generate(str(schema), out, name="built").status == "written"
    fk = ("    foreign_keys:\n      - columns: [creator_id]\n        references: {table: users, columns: [id]}\n"
          "        name: blocks_creator_id_fkey1\n")
    assert fk in text
    with sibling_database(any_db_url) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            apply_files(conn, Layout(out).migrations(), record=False)
            conn.execute("INSERT INTO users VALUES (1); INSERT INTO blocks VALUES (1, 10, 1), (2, 20, 1)")
        assert rows_of(other, NAMES) == numbered
        built = len(Layout(out).migrations())
        schema.write_text(text.replace(fk, ""))
        assert generate(str(schema), out, name="fk_dropped", allow_destructive=True).status == "written"
        with psycopg.connect(other, autocommit=True) as conn:
            apply_files(conn, Layout(out).migrations()[built:], record=False)
        assert rows_of(other, NAMES) == [n for n in numbered if n != ("blocks_creator_id_fkey1", "f")]
        assert ("blocks_creator_id_fkey", "c") in rows_of(other, NAMES)
        assert rows_of(other, "SELECT * FROM blocks ORDER BY id") == [(1, 10, 1), (2, 20, 1)]


def test_a_state_recorded_before_drops_the_numbered_key_not_the_check(any_db_url, tmp_path):
    """state.json recorded the foreign key unnamed (an earlier schemac took such a schema.yaml; here its record is
    made so by hand: the loader refuses it now), the database named it blocks_creator_id_fkey1: dropping it dropped
    the CHECK blocks_creator_id_fkey (DROP CONSTRAINT IF EXISTS blocks_creator_id_fkey) and kept the key. Now the
    drop finds the key by what it is: the CHECK stays, the key goes, the rows stay."""
    import json

    held = CASES["check-holds-fk"][0]
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(held.replace("[id]}}\n", "[id]}, name: blocks_creator_id_fkey1}\n"))
    assert generate(str(schema), out, name="built").status == "written"
    state = json.loads(open(os.path.join(out, "state.json")).read())
    for t in state["tables"]:
        for fk in t.get("foreign_keys", ()):
            assert fk.pop("name") == "blocks_creator_id_fkey1"
    open(os.path.join(out, "state.json"), "w").write(json.dumps(state))
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations(), record=False)
        conn.execute("INSERT INTO users VALUES (1); INSERT INTO blocks VALUES (1, 10, 1), (2, 20, 1)")
    before = rows_of(any_db_url, NAMES)
    assert ("blocks_creator_id_fkey", "c") in before and ("blocks_creator_id_fkey1", "f") in before, before
    schema.write_text(held.split("    foreign_keys:")[0])
    result = generate(str(schema), out, name="fk_dropped", allow_destructive=True)
    assert result.status == "written", result.message
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:], record=False)
    assert rows_of(any_db_url, NAMES) == [n for n in before if n != ("blocks_creator_id_fkey1", "f")]
    assert rows_of(any_db_url, "SELECT * FROM blocks ORDER BY id") == [(1, 10, 1), (2, 20, 1)]


OLD = ("CREATE TABLE users (id bigint PRIMARY KEY); CREATE TABLE blocks (id integer, code integer, creator_id bigint "
       "NOT NULL, CONSTRAINT blocks_pkey CHECK (id > 0), CONSTRAINT blocks_code_key CHECK (code > 0), "
       "CONSTRAINT blocks_creator_id_fkey CHECK (creator_id > 0)); CREATE INDEX blocks_code_excl ON blocks (id);"
       "INSERT INTO users VALUES (1); INSERT INTO blocks VALUES (1, 10, 1), (2, 20, 1);")
OLD_YAML = ("tables:\n  users:\n    columns:\n      id: {type: bigint, primary_key: true}\n  blocks:\n    columns:\n"
            "      id: {type: integer}\n      code: {type: integer}\n      creator_id: {type: bigint, nullable: false}\n"
            "    indexes:\n      blocks_code_excl: {columns: [id]}\n    checks:\n      blocks_pkey: id > 0\n"
            "      blocks_code_key: code > 0\n      blocks_creator_id_fkey: creator_id > 0\n")
HELD = {  # the key Postgres numbers (added unnamed after its holder), its schema.yaml entry, what drops with it
    "primary-key": ("ALTER TABLE blocks ADD PRIMARY KEY (id)", "blocks_pkey1",
                    "    primary_key: {columns: [id], name: blocks_pkey1}\n", ()),
    "unique": ("ALTER TABLE blocks ADD UNIQUE (code)", "blocks_code_key1",
               "    unique:\n      - {columns: [code], name: blocks_code_key1}\n", ()),
    "exclude-index-holds": ("ALTER TABLE blocks ADD EXCLUDE USING btree (code WITH =)", "blocks_code_excl1",
                            "    exclude:\n      - {elements: [{name: code, with: '='}], using: btree, "
                            "name: blocks_code_excl1}\n", ()),
    "unique-and-its-check": ("ALTER TABLE blocks ADD UNIQUE (code)", "blocks_code_key1",
                             "    unique:\n      - {columns: [code], name: blocks_code_key1}\n", ("blocks_code_key",)),
    "fk-and-its-check": ("ALTER TABLE blocks ADD FOREIGN KEY (creator_id) REFERENCES users", "blocks_creator_id_fkey1",
                         "    foreign_keys:\n      - {columns: [creator_id], references: {table: users, columns: [id]}, "
                         "name: blocks_creator_id_fkey1}\n", ("blocks_creator_id_fkey",)),
}
DEFINITIONS = ("SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
               "WHERE conrelid = 'blocks'::regclass AND contype <> 'n' ORDER BY 1")


def _built_recording_it_unnamed(schema, out: str, entry: str, numbered: str) -> None:
    """The first migration of OLD_YAML with `entry` (the key named `numbered`), its state.json then recording the key
    unnamed, as an earlier schemac took it (the loader refuses it unnamed now)."""
    import json

    schema.write_text(OLD_YAML + entry)
    assert generate(str(schema), out, name="built").status == "written"
    state = json.loads(open(os.path.join(out, "state.json")).read())
    table = next(t for t in state["tables"] if t["name"] == "blocks")
    keys = [k for v in table.values() for k in ([v] if isinstance(v, dict) else v if isinstance(v, list) else ())
            if isinstance(k, dict) and k.get("name") == numbered]
    assert len(keys) == 1 and keys[0].pop("name") == numbered, table
    open(os.path.join(out, "state.json"), "w").write(json.dumps(state))


@pytest.mark.parametrize("case", [pytest.param(c, marks=() if c in ("unique", "fk-and-its-check") else pytest.mark.slow)
                                  for c in HELD])
def test_a_recorded_unnamed_key_is_dropped_by_what_it_is_not_by_its_held_name(any_db_url, tmp_path, case):
    """state.json recorded a primary key, UNIQUE, EXCLUDE or foreign key unnamed whose default name a CHECK or index
    of its table holds (an earlier schemac took such a schema.yaml; made here by hand) and Postgres numbered the key
    (added after its holder, through SQL). Dropping it wrote DROP CONSTRAINT <its default name>: that dropped the
    CHECK and kept the key (UNIQUE), or failed (the index not a constraint; the primary key's DROP NOT NULL; the CHECK
    dropped in the same migration, after). Now the drop finds the key by what it is: pg_constraint keeps exactly the
    others (names, kinds, definitions), the rows stay."""
    add, numbered, entry, dropped_too = HELD[case]
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(OLD + add)
    before = rows_of(any_db_url, DEFINITIONS)
    assert numbered in [n for n, _, _ in before], before
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _built_recording_it_unnamed(schema, out, entry, numbered)
    text = OLD_YAML
    for check in dropped_too:
        text = "".join(line for line in text.splitlines(True) if not line.startswith(f"      {check}:"))
    schema.write_text(text)
    result = generate(str(schema), out, name="dropped", allow_destructive=True)
    assert result.status == "written", result.message
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:], record=False)
    assert rows_of(any_db_url, DEFINITIONS) == [r for r in before if r[0] != numbered and r[0] not in dropped_too]
    assert rows_of(any_db_url, "SELECT * FROM blocks ORDER BY id") == [(1, 10, 1), (2, 20, 1)]


COMMENTED = ("SELECT conname, contype, convalidated, obj_description(oid, 'pg_constraint'), "
             "obj_description(conindid, 'pg_class') FROM pg_constraint "
             "WHERE conrelid = 'blocks'::regclass AND contype <> 'n' ORDER BY 1")
AFTER_HOLDER = {  # the key Postgres numbers, its schema.yaml entry (named: the CHECK holds its default), then unnamed
    "unique-comment": ("ALTER TABLE blocks ADD UNIQUE (code)", "blocks_code_key1",
                       "    unique:\n      - {columns: [code], name: blocks_code_key1}\n",
                       "    unique:\n      - {columns: [code], comment: the code}\n", "blocks_code_key"),
    "fk-validated": ("ALTER TABLE blocks ADD FOREIGN KEY (creator_id) REFERENCES users NOT VALID",
                     "blocks_creator_id_fkey1", "    foreign_keys:\n      - {columns: [creator_id], references: "
                     "{table: users, columns: [id]}, name: blocks_creator_id_fkey1, not_valid: true}\n",
                     "    foreign_keys:\n      - {columns: [creator_id], references: {table: users, columns: [id]}}\n",
                     "blocks_creator_id_fkey"),
    "pk-index-comment": ("ALTER TABLE blocks ADD PRIMARY KEY (id)", "blocks_pkey1",
                         "    primary_key: {columns: [id], name: blocks_pkey1}\n",
                         "    primary_key: {columns: [id], index_comment: the key's index}\n", "blocks_pkey"),
}
KEY_AFTER = {"unique-comment": ("u", True, "the code", None), "fk-validated": ("f", True, None, None),
             "pk-index-comment": ("p", True, None, "the key's index")}


@pytest.mark.parametrize("case", [pytest.param(c, marks=() if c == "fk-validated" else pytest.mark.slow)
                                  for c in AFTER_HOLDER])
def test_a_recorded_unnamed_keys_comments_and_validation_find_it_when_its_holder_is_dropped(any_db_url, tmp_path, case):
    """state.json recorded a UNIQUE, a NOT VALID foreign key or a primary key unnamed, Postgres numbered it (a CHECK
    held its default name); schema.yaml drops the CHECK, so it may leave the key unnamed, and gives it a comment,
    validates it or comments its index. generate wrote COMMENT ON CONSTRAINT blocks_code_key / VALIDATE CONSTRAINT
    blocks_creator_id_fkey / COMMENT ON INDEX blocks_pkey after the CHECK's drop: 'does not exist', rolled back. Now
    each finds the key by what it is (plan.held_names): pg_constraint keeps the key under its name, commented,
    validated or its index commented, the CHECK gone, rows kept."""
    add, numbered, entry, unnamed, holder = AFTER_HOLDER[case]
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(OLD + add)
    before = rows_of(any_db_url, COMMENTED)
    assert (holder, "c", True, None, None) in before and numbered in [r[0] for r in before], before
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _built_recording_it_unnamed(schema, out, entry, numbered)
    schema.write_text("".join(line for line in OLD_YAML.splitlines(True) if not line.startswith(f"      {holder}:"))
                      + unnamed)
    result = generate(str(schema), out, name="after_holder", allow_destructive=True)
    assert result.status == "written", result.message
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:], record=False)
    key = (numbered, *KEY_AFTER[case])
    assert rows_of(any_db_url, COMMENTED) == [key if r[0] == numbered else r for r in before if r[0] != holder]
    assert rows_of(any_db_url, "SELECT * FROM blocks ORDER BY id") == [(1, 10, 1), (2, 20, 1)]


def test_a_named_key_left_unnamed_takes_its_default_after_its_holder_is_dropped(any_db_url, tmp_path):
    """The UNIQUE Postgres numbered blocks_code_key1 (the CHECK blocks_code_key held its default), recorded under that
    name; schema.yaml drops the CHECK and leaves the UNIQUE unnamed, so the migration renames it blocks_code_key, as a
    fresh build names it. The RENAME ran before the CHECK's drop: 'constraint "blocks_code_key" ... already exists'.
    Now after (plan.dependencies): pg_constraint and the key's index hold blocks_code_key, the CHECK gone, rows kept."""
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(OLD + "ALTER TABLE blocks ADD UNIQUE (code)")
    before = rows_of(any_db_url, DEFINITIONS)
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(OLD_YAML + "    unique:\n      - {columns: [code], name: blocks_code_key1}\n")
    assert generate(str(schema), out, name="built").status == "written"
    schema.write_text("".join(line for line in OLD_YAML.splitlines(True) if not line.startswith("      blocks_code_key:"))
                      + "    unique:\n      - {columns: [code]}\n")
    result = generate(str(schema), out, name="unnamed", allow_destructive=True)
    assert result.status == "written", result.message
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:], record=False)
    assert rows_of(any_db_url, DEFINITIONS) == sorted(
        ("blocks_code_key", *r[1:]) if r[0] == "blocks_code_key1" else r for r in before if r[0] != "blocks_code_key")
    assert ("blocks_code_key", "i") in rows_of(any_db_url, NAMES)
    assert rows_of(any_db_url, "SELECT * FROM blocks ORDER BY id") == [(1, 10, 1), (2, 20, 1)]


def test_a_recorded_unnamed_foreign_key_made_not_enforced_after_its_holder_is_dropped(db_url, tmp_path):
    """18 (NOT ENFORCED): the foreign key recorded unnamed, Postgres's blocks_creator_id_fkey1; schema.yaml drops the
    CHECK blocks_creator_id_fkey and says enforced: false. ALTER CONSTRAINT blocks_creator_id_fkey NOT ENFORCED ran after
    the CHECK's drop: 'does not exist'. Now it finds the key by what it is: pg_constraint.conenforced false on it."""
    fk = "    foreign_keys:\n      - {columns: [creator_id], references: {table: users, columns: [id]}%s}\n"
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(OLD + "ALTER TABLE blocks ADD FOREIGN KEY (creator_id) REFERENCES users")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _built_recording_it_unnamed(schema, out, fk % ", name: blocks_creator_id_fkey1", "blocks_creator_id_fkey1")
    schema.write_text("".join(line for line in OLD_YAML.splitlines(True)
                              if not line.startswith("      blocks_creator_id_fkey:")) + fk % ", enforced: false")
    result = generate(str(schema), out, name="not_enforced", allow_destructive=True)
    assert result.status == "written", result.message
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:], record=False)
    assert rows_of(db_url, "SELECT conname, contype, conenforced FROM pg_constraint WHERE conrelid = 'blocks'::regclass "
                           "AND contype IN ('c', 'f') ORDER BY 1") == [
        ("blocks_code_key", "c", True), ("blocks_creator_id_fkey1", "f", False), ("blocks_pkey", "c", True)]
    assert rows_of(db_url, "SELECT * FROM blocks ORDER BY id") == [(1, 10, 1), (2, 20, 1)]


ELSEWHERE = ("CREATE TABLE u (id integer, b integer); CREATE INDEX blocks_pkey ON u (b); CREATE SEQUENCE blocks_code_key;"
             "CREATE TABLE blocks (id integer PRIMARY KEY, code integer UNIQUE); INSERT INTO blocks VALUES (1, 10), (2, 20)")
ELSEWHERE_YAML = ("tables:\n  u:\n    columns:\n      id: integer\n      b: integer\n    indexes:\n"
                  "      blocks_pkey: {columns: [b]}\n  blocks:\n    columns:\n      id: {type: integer, nullable: false}\n"
                  "      code: {type: integer, nullable: false}\n@keys\nsequences:\n  blocks_code_key: {}\n")
ELSEWHERE_KEYS = ("    primary_key: {columns: [id], name: blocks_pkey1}\n"
                  "    unique:\n      - {columns: [code], name: blocks_code_key1}")
KEYS_NOW = {"dropped": ("", []),
            "remade": ("    primary_key: {columns: [id, code], name: bp}\n    unique:\n      - {columns: [code, id], name: bu}",
                       [("bp", "p", "PRIMARY KEY (id, code)"), ("bu", "u", "UNIQUE (code, id)")])}


@pytest.mark.parametrize("case", [pytest.param("dropped"), pytest.param("remade", marks=pytest.mark.slow)])
def test_a_recorded_unnamed_key_whose_name_another_relation_of_the_schema_holds_is_dropped_by_what_it_is(
        any_db_url, tmp_path, case):
    """Another table's index holds blocks_pkey, a sequence blocks_code_key: Postgres numbered blocks' primary key and
    UNIQUE (blocks_pkey1, blocks_code_key1), recorded unnamed (an earlier schemac's state; made here by hand). Dropping
    them (or making them again named) wrote DROP CONSTRAINT blocks_pkey: 'does not exist', rolled back. Now each is
    found by what it is (compare.held_relations): pg_constraint holds what schema.yaml says, the rows stay."""
    import json

    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(ELSEWHERE)
    keys = "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'blocks'::regclass " \
           "AND contype IN ('p', 'u') ORDER BY 1"
    assert [r[:2] for r in rows_of(any_db_url, keys)] == [("blocks_code_key1", "u"), ("blocks_pkey1", "p")]
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(ELSEWHERE_YAML.replace("@keys", ELSEWHERE_KEYS))
    assert generate(str(schema), out, name="built").status == "written"
    state = json.loads(open(os.path.join(out, "state.json")).read())
    table = next(t for t in state["tables"] if t["name"] == "blocks")
    assert table["primary_key"].pop("name") == "blocks_pkey1" and table["uniques"][0].pop("name") == "blocks_code_key1"
    open(os.path.join(out, "state.json"), "w").write(json.dumps(state))
    entry, after = KEYS_NOW[case]
    schema.write_text(ELSEWHERE_YAML.replace("@keys\n", entry + "\n" if entry else ""))
    result = generate(str(schema), out, name=case, allow_destructive=True)
    assert result.status == "written", result.message
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        apply_files(conn, Layout(out).migrations()[1:], record=False)
    assert rows_of(any_db_url, keys) == after
    assert rows_of(any_db_url, "SELECT * FROM blocks ORDER BY id") == [(1, 10), (2, 20)]
    assert rows_of(any_db_url, "SELECT relname FROM pg_class WHERE relname IN ('blocks_pkey', 'blocks_code_key') "
                               "ORDER BY 1") == [("blocks_code_key",), ("blocks_pkey",)]
