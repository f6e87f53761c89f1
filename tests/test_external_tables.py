"""`external_tables:`: an `-n public` project whose foreign keys reference a table of a schema it does not cover
(Supabase's `profiles.id REFERENCES auth.users`): inspect wrote the keys, and generate refused its own schema.yaml
("references auth.users, which schema.yaml does not declare"). inspect now lists the table under external_tables,
generate -> apply to a database where the platform made auth.users rebuilds the keys, diff is clean. The oracle is
SQL of its own over pg_constraint."""

from __future__ import annotations

import psycopg
import pytest
import yaml
from catalog_oracle import sibling_database

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

PLATFORM = """
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text UNIQUE);
CREATE TABLE auth."Sessions" (id bigint PRIMARY KEY, user_id uuid REFERENCES auth.users);
"""
PUBLIC = """
CREATE TABLE profiles (id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE, username text);
CREATE TABLE todos (id bigint PRIMARY KEY, owner uuid NOT NULL REFERENCES auth.users, owner_email text,
                    session bigint REFERENCES auth."Sessions" ON DELETE SET NULL,
                    FOREIGN KEY (owner_email) REFERENCES auth.users (email) DEFERRABLE);
"""
KEYS = """SELECT conrelid::regclass::text, conname, confrelid::regclass::text, pg_get_constraintdef(oid)
          FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY 1, 2"""


def _keys(url: str) -> list:
    with psycopg.connect(url) as conn:
        return conn.execute(KEYS).fetchall()


@pytest.mark.default_on("pg16")  # (no branch of its code path is a major's: spread over the majors, every major under -m slow)
def test_foreign_keys_to_another_schemas_table(any_db_url, tmp_path):
    db_url = any_db_url
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(PLATFORM + PUBLIC)
    original = _keys(db_url)
    assert sorted(r[2] for r in original) == ['auth."Sessions"', "auth.users", "auth.users", "auth.users"]
    found = inspect_database(db_url, ("public",))
    doc = yaml.safe_load(found.yaml)
    # (schema.yaml's spelling: a part quoted only where it holds a dot, a double quote or a parenthesis)
    assert doc["external_tables"] == ["auth.Sessions", "auth.users"] and set(doc["tables"]) == {"profiles", "todos"}
    schema = tmp_path / "schema.yaml"
    schema.write_text(found.yaml, encoding="utf-8")
    assert check_drift(str(schema), db_url).differences == ()
    out = str(tmp_path / "generated")
    assert generate(str(schema), out).status == "written"
    with sibling_database(db_url) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute(PLATFORM)
            apply_files(conn, Layout(out).migrations())
        assert _keys(other) == original
        drift = check_drift(str(schema), other)
        assert drift.differences == () and not drift.unmanaged
        assert inspect_database(other, ("public",)).yaml.split("\n", 2)[2] == found.yaml.split("\n", 2)[2]


VIEWS = """
CREATE TABLE profiles (id uuid PRIMARY KEY, username text);
CREATE VIEW emails AS SELECT u.id, u.email, p.username FROM auth.users u JOIN profiles p ON p.id = u.id;
CREATE VIEW sessions AS SELECT s.id, s.user_id FROM auth."Sessions" s;
CREATE VIEW catalog_names AS SELECT relname FROM pg_catalog.pg_class;
"""


def test_views_over_another_schemas_table(db_url, tmp_path):
    """A view in public over auth.users, with no foreign key to it (`-n public`): inspect lists what the views read of
    a schema not read under external_tables (Postgres's own relations aside), generate's notice that the view could
    not be built from schema.yaml alone says it is listed there; without the key, the notice names external_tables:
    as the way to declare it (it said "a foreign table or another object schemac does not manage?"). The migration
    applies where the platform made auth, and diff is clean."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(PLATFORM + VIEWS)
    found = inspect_database(db_url, ("public",))
    assert yaml.safe_load(found.yaml)["external_tables"] == ["auth.Sessions", "auth.users"]
    schema = tmp_path / "schema.yaml"
    schema.write_text(found.yaml, encoding="utf-8")
    out = str(tmp_path / "generated")
    r = generate(str(schema), out)
    assert r.status == "written"
    reads = {n.split(": it reads ")[1].split(",")[0]: n for n in r.notices if ": it reads " in n}
    assert sorted(reads) == ["auth.Sessions", "auth.users"], r.notices  # (the server's words: neither quoted nor folded)
    for name, notice in reads.items():
        assert f"which external_tables: lists: the migration creates the view, and applies only to a database that " \
               f"has {name} already" in notice, notice
    with sibling_database(db_url) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute(PLATFORM)
            apply_files(conn, Layout(out).migrations())
        drift = check_drift(str(schema), other)
        assert drift.differences == () and not drift.unmanaged
    schema.write_text("\n".join(line for line in found.yaml.splitlines() if not line.startswith("external_tables")),
                      encoding="utf-8")
    r = generate(str(schema), str(tmp_path / "again"))
    assert r.status == "written"
    notice = next(n for n in r.notices if ": it reads auth.users" in n)
    assert "it reads auth.users, which schema.yaml does not declare: the migration creates the view" in notice, notice
    assert "is declared so under external_tables: (`external_tables: [auth.users]`)" in notice, notice
