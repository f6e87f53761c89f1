"""Settings of the applying session that change what a migration stores, or whether it applies, beyond the zone and
styles tests/test_session_settings.py covers: array_nulls, transform_null_equals, the zone a default computed over
the rows is evaluated in, and the throwaway replay's xmloption. Each migration is applied under PGOPTIONS setting
them otherwise (a role's or database's `ALTER ... SET` does the same); plan.session_pin now pins them in the file
that needs them (migrations.replay.PINNED_SESSION for the replay).

Oracle: the rows and Postgres's own print of what the migration stored, read back in a plain session; `diff` after.
"""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

def _migrated(url: str, tmp_path, schemac, old: str, rows: str, new: str) -> None:
    """`old` made and applied, `rows` inserted, then the migration to `new` written (not applied)."""
    (tmp_path / "schema.yaml").write_text(old, encoding="utf-8")
    assert schemac("generate", "--name", "init", "--no-verify").returncode == 0
    assert schemac("apply", "--database-url", url).returncode == 0
    with psycopg.connect(url) as conn:
        conn.execute(rows)
    (tmp_path / "schema.yaml").write_text(new, encoding="utf-8")
    made = schemac("generate", "--name", "changed", "--no-verify", "--allow-destructive")
    assert made.returncode == 0, made.stdout + made.stderr


ARRAYS = """\
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      spans: "tsrange[]"
"""
ARRAYS_TO = ARRAYS.replace('"tsrange[]"', '"tstzrange[]"') + """\
      tags: {type: "text[]", default: "'{a,NULL}'"}
"""


def test_array_nulls_off_reads_no_null_otherwise(any_db_url, tmp_path, schemac):
    """Under `array_nulls = off` an array's unquoted NULL is the string 'NULL': a tsrange[] retyped tstzrange[]
    (through text) failed ('malformed range literal: "NULL"'), and a new column's default `'{a,NULL}'` was stored as
    two strings, `'{a,"NULL"}'` (drift)."""
    _migrated(any_db_url, tmp_path, schemac, ARRAYS,
              "INSERT INTO t VALUES (1, '{NULL,\"[2024-03-01 10:00,2024-03-02 10:00)\"}')", ARRAYS_TO)
    applied = schemac("apply", "--database-url", any_db_url, env={"PGOPTIONS": "-c array_nulls=off"})
    assert applied.returncode == 0, applied.stdout + applied.stderr
    with psycopg.connect(any_db_url, options="-c TimeZone=UTC") as conn:
        row = conn.execute("SELECT spans[1] IS NULL, spans[2]::text, tags, tags[2] IS NULL FROM t").fetchone()
    assert row == (True, '["2024-03-01 10:00:00+00","2024-03-02 10:00:00+00")', ["a", None], True), row
    assert schemac("diff", "--database-url", any_db_url).returncode == 0


NULL_EQUALS = """\
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      n: integer
"""
NULL_EQUALS_TO = NULL_EQUALS + """\
    checks:
      n_none: "n = NULL OR n > 0"
"""


def test_transform_null_equals_on_stores_no_other_expression(db_url, tmp_path, schemac):
    """Under `transform_null_equals = on`, a CHECK's `n = NULL` was stored as `n IS NULL`, and `diff` reported the
    CHECK changed."""
    _migrated(db_url, tmp_path, schemac, NULL_EQUALS, "INSERT INTO t VALUES (1, 2)", NULL_EQUALS_TO)
    applied = schemac("apply", "--database-url", db_url, env={"PGOPTIONS": "-c transform_null_equals=on"})
    assert applied.returncode == 0, applied.stdout + applied.stderr
    with psycopg.connect(db_url) as conn:
        (check,) = conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'n_none'").fetchone()
    assert check == "CHECK (((n = NULL::integer) OR (n > 0)))", check
    r = schemac("diff", "--database-url", db_url)
    assert r.returncode == 0, r.stdout + r.stderr


STAMPED = """\
tables:
  ev:
    columns:
      id: {type: integer, primary_key: true}
"""
STAMPED_TO = STAMPED + """\
      seen: {type: timestamp, nullable: false, default: now()}
      day: {type: date, nullable: false, default: CURRENT_DATE}
"""


def test_a_default_computed_over_the_rows_is_the_replays_zone(db_url, tmp_path, schemac):
    """A column added NOT NULL with `DEFAULT now()` to a `timestamp` (or `CURRENT_DATE` to a date) over rows gives
    them the time, or day, of the zone the migration runs in: by design the default is evaluated as it is applied,
    but in the applying session's zone (UTC+14 under Pacific/Kiritimati) the rows held another time than the same
    file gives where its other constants pin the zone, or the throwaway replay (UTC). The file pins it now (PIN):
    each row holds UTC's time of the migration."""
    _migrated(db_url, tmp_path, schemac, STAMPED, "INSERT INTO ev VALUES (1), (2)", STAMPED_TO)
    before = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    applied = schemac("apply", "--database-url", db_url, env={"PGTZ": "Pacific/Kiritimati"})
    after = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    with psycopg.connect(db_url) as conn:
        rows = conn.execute("SELECT seen, day FROM ev ORDER BY id").fetchall()
    slack = dt.timedelta(seconds=5)  # (the server's clock and this one's)
    for seen, day in rows:
        assert before - slack <= seen <= after + slack and day in (before.date(), after.date()), (rows, before, after)
    assert schemac("diff", "--database-url", db_url).returncode == 0


MARKUP = """\
tables:
  page:
    columns:
      id: {type: integer, primary_key: true}
      body: {type: xml, default: "'<a/><b/>'::xml"}
"""
# (a migration written before plan.session_pin set xmloption, or by hand: no SET LOCAL of it)
HAND_WRITTEN = """CREATE TABLE page (id integer PRIMARY KEY, body xml DEFAULT '<a/><b/>'::xml);\n"""


def test_the_replay_takes_a_fragment_in_a_document_session(any_db_url, tmp_path, schemac):
    """The offline `diff` (and `generate --verify`) replays the migrations in a session of the caller's PGOPTIONS
    (--dev-url's server, a role's SET): under `xmloption = document` a file holding an xml fragment and no SET LOCAL
    of it failed to replay ('invalid XML document'), where `apply` under Postgres's default (content) takes it.
    Only where the server is built with libxml (15 here)."""
    with psycopg.connect(any_db_url) as conn:
        try:
            conn.execute("SELECT 'a'::xml")
        except psycopg.errors.FeatureNotSupported:
            pytest.skip("this server is built without libxml")
    (tmp_path / "schema.yaml").write_text(MARKUP, encoding="utf-8")
    folder = tmp_path / "generated" / "migrations"
    folder.mkdir(parents=True)
    (folder / "20240101000000_init.sql").write_text(HAND_WRITTEN, encoding="utf-8")
    r = schemac("diff", "--dev-url", any_db_url, env={"PGOPTIONS": "-c xmloption=document"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert schemac("apply", "--database-url", any_db_url).returncode == 0
    with psycopg.connect(any_db_url) as conn:
        conn.execute("INSERT INTO page (id) VALUES (1)")
        assert conn.execute("SELECT body::text FROM page").fetchone() == ("<a/><b/>",)


ZONED = """\
tables:
  ev:
    columns:
      id: {type: integer, primary_key: true}
      at: text
"""


def test_a_zone_abbreviation_reads_as_the_replays(db_url, tmp_path, schemac):
    """A timestamp's text naming its zone by an abbreviation reads by the session's timezone_abbreviations: a text
    column retyped timestamptz took '2024-03-01 10:00 IST' as India's (04:30 UTC) under `timezone_abbreviations =
    India`, where Postgres's Default (the replay's, the read's) has Israel's, 08:00 UTC. The file pins it with the
    zone (PIN). Oracle: the same text cast in a Default session."""
    _migrated(db_url, tmp_path, schemac, ZONED, "INSERT INTO ev VALUES (1, '2024-03-01 10:00 IST')",
              ZONED.replace("at: text", "at: timestamptz"))
    applied = schemac("apply", "--database-url", db_url, env={"PGOPTIONS": "-c timezone_abbreviations=India"})
    assert applied.returncode == 0, applied.stdout + applied.stderr
    with psycopg.connect(db_url, options="-c TimeZone=UTC -c timezone_abbreviations=Default") as conn:
        row = conn.execute("SELECT at::text, '2024-03-01 10:00 IST'::timestamptz::text FROM ev").fetchone()
    assert row == ("2024-03-01 08:00:00+00", "2024-03-01 08:00:00+00"), row
