# scratch (fix57i): not committed
import os
import psycopg
import pytest
from catalog_oracle import sibling_database
from schemac.commands.generate import generate
from schemac.commands.inspect import inspect_database

CASE = os.environ.get("ZZ_CASE", "/work/rwfiles/fix57i/case.sql")


def test_show(db_url, tmp_path):
    text = open(CASE).read()
    old, new = text.split("-- new:")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "g")
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute(old)
    schema.write_text(inspect_database(db_url).yaml)
    generate(str(schema), out, name="old")
    with sibling_database(db_url) as b:
        with psycopg.connect(b, autocommit=True) as c:
            c.execute(new)
        schema.write_text(inspect_database(b).yaml)
    r = generate(str(schema), out, name="new", allow_destructive=bool(os.environ.get("ZZ_DESTR")))
    print("STATUS", r.status, r.message)
    print(r.sql)
    if r.status == "written" and os.environ.get("ZZ_APPLY"):
        with psycopg.connect(db_url, autocommit=True) as c:
            c.execute(r.sql)
            for q in os.environ["ZZ_APPLY"].split(";"):
                print(q, c.execute(q).fetchall())
