"""`schemac diff`'s exit status is what CI trusts (0 in sync, 1 drift, 2 error): a plain `diff`, in every --format,
reports the drift and exits 1 whatever a migration of it would be; `diff --sql` alone may refuse to print a script
Postgres would refuse (exit 2 with the reason, as `generate` writes none)."""

from __future__ import annotations

import json

import psycopg
import pytest
import yaml

from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database
from schemac.errors import SchemacError

PARTITIONED = ("CREATE TABLE m (id int NOT NULL, v text) PARTITION BY RANGE (id); "
               "CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10); INSERT INTO m VALUES (1, 'a'), (2, 'b')")
RETYPED = """tables:
  m:
    partition_by: {strategy: range, key: id}
    columns:
      id: {type: bigint, nullable: false}
      v: text
  m1:
    partition_of: {parent: m, bound: FOR VALUES FROM (0) TO (10)}
    columns:
      id: {type: bigint, nullable: false}
      v: text
"""


def test_a_drift_no_plan_can_migrate_is_still_drift(any_db_url, schemac, tmp_path):
    """A partitioned table's key column retyped in schema.yaml: Postgres cannot retype it ('cannot alter column "id"
    because it is part of the partition key'), so the plan refuses it. A plain `diff` built that plan (its --sql
    script) even unasked and exited 2 (an error) where the database has drifted: it exits 1 and names the column in
    every format; `diff --sql` says why there is no script (exit 2). Nothing was run: the catalog's type is kept."""
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(PARTITIONED)
    (tmp_path / "schema.yaml").write_text(RETYPED)
    for fmt in ("text", "json", "github", "sarif"):
        r = schemac("diff", "--database-url", any_db_url, "--format", fmt, cwd=tmp_path)
        assert r.returncode == 1, (fmt, r.stdout, r.stderr)
        assert r.stderr == "" and "id" in r.stdout, (fmt, r.stderr)
    r = schemac("diff", "--database-url", any_db_url, "--format", "json", cwd=tmp_path)
    assert [(d["kind"], d["object"]["path"]) for d in json.loads(r.stdout)["differences"]] == \
        [("column_type_changed", "public.m.id")], r.stdout
    r = schemac("diff", "--database-url", any_db_url, "--sql", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == "", (r.stdout, r.stderr)
    assert "partition key" in r.stderr and "no --sql script" in r.stderr, r.stderr
    with psycopg.connect(any_db_url) as conn:
        assert conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                            "WHERE attrelid = 'm'::regclass AND attname = 'id'").fetchone() == ("integer",)
        assert conn.execute("SELECT * FROM m ORDER BY id").fetchall() == [(1, "a"), (2, "b")]


def test_diff_sql_refuses_a_drop_what_is_not_managed_uses(any_db_url, schemac, tmp_path):
    """A view of a schema schema.yaml does not cover reads public.profiles.username (inspect -n public writes it as
    the table's `used_outside:`); schema.yaml drops the column. `generate` refuses that drop (exit 2, whatever
    --allow-destructive says: Postgres refuses it); `diff --sql` printed `ALTER TABLE profiles DROP COLUMN username`
    under a `-- DESTRUCTIVE:` mark and exited 1, a script that fails ('cannot drop column username of table profiles
    because other objects depend on it', checked here). Both refuse it now, in the same words (commands.refusals);
    a plain `diff` reports the drift (exit 1)."""
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA api; CREATE TABLE profiles (id int PRIMARY KEY, username text, bio text); "
                     "CREATE VIEW api.names AS SELECT username FROM public.profiles; "
                     "INSERT INTO profiles VALUES (1, 'ann', 'x')")
    found = inspect_database(any_db_url, ("public",))
    doc = yaml.safe_load(found.yaml)
    assert doc["tables"]["profiles"]["used_outside"] == ["view api.names (username)"], found.yaml
    out = str(tmp_path / "generated")
    (tmp_path / "schema.yaml").write_text(found.yaml, encoding="utf-8")
    assert generate(str(tmp_path / "schema.yaml"), out).status == "written"  # (the state generate compares with)
    del doc["tables"]["profiles"]["columns"]["username"]
    (tmp_path / "schema.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    r = schemac("diff", "--database-url", any_db_url, cwd=tmp_path)
    assert r.returncode == 1 and "username" in r.stdout, (r.stdout, r.stderr)
    r = schemac("diff", "--database-url", any_db_url, "--sql", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == "", (r.stdout, r.stderr)
    assert "no --sql script: " in r.stderr and "would drop column username while view api.names" in r.stderr, r.stderr
    with pytest.raises(SchemacError) as refused:
        generate(str(tmp_path / "schema.yaml"), out, allow_destructive=True)
    said = r.stderr.split("no --sql script: ", 1)[1].strip()
    assert said.startswith("schema.yaml:2:3: ") and str(refused.value).endswith(said), (said, str(refused.value))
    with psycopg.connect(any_db_url) as conn:
        with pytest.raises(psycopg.errors.DependentObjectsStillExist):
            conn.execute("ALTER TABLE profiles DROP COLUMN username")
        conn.rollback()
        assert conn.execute("SELECT * FROM profiles").fetchall() == [(1, "ann", "x")]
    # a column the view does not read: marked, not refused
    doc["tables"]["profiles"]["columns"] = {"id": doc["tables"]["profiles"]["columns"]["id"],
                                            "username": "text"}
    (tmp_path / "schema.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    r = schemac("diff", "--database-url", any_db_url, "--sql", cwd=tmp_path)
    assert r.returncode == 1 and "-- DESTRUCTIVE:" in r.stdout and "DROP COLUMN bio" in r.stdout, (r.stdout, r.stderr)
