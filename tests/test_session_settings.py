r"""The catalog read does not depend on the reading session's settings: Postgres prints a stored constant with its
type's output function in the session's style (bytea_output, extra_float_digits, TimeZone, DateStyle, IntervalStyle;
lc_monetary for money) and quotes the deparse by standard_conforming_strings and quote_all_identifiers, and a caller's
PGOPTIONS, or an ALTER DATABASE / ALTER ROLE ... SET, changes that session's. catalog.connection pins them for the read.
Before, `bytea_output = escape` made `'\x01'::bytea` `'\001'::bytea` in a CHECK's array and a view's recorded deparse,
`extra_float_digits = 0` a float8 default `0.30000000000000004` `0.3`, `standard_conforming_strings = off` a default
`'\x0102'::bytea` `'\\x0102'::bytea`, `quote_all_identifiers = on` a view's `id` `"id"`: drift.

Oracle: Postgres itself, asked under those settings, prints the same objects otherwise (so the settings are in force);
`schemac diff` under them says in sync, and `schemac inspect` under them writes the same schema.yaml byte for byte.
"""

from __future__ import annotations

import psycopg
import pytest

SCHEMA = r"""
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      f8: {type: double precision, default: "'0.30000000000000004'"}
      by: {type: bytea, default: "'\x0102'"}
      ba: {type: "bytea[]"}
      iv: {type: interval, default: "'1 day 02:00:00'"}
      d: {type: date, default: "'2024-01-02'"}
      ts: {type: timestamptz, default: "'2024-01-02 03:04:05+00'"}
      m: {type: money, default: "'1.50'"}
    checks:
      k: "ba <> '{\"\\\\x01\"}' AND f8 <> 0.10000000000000002::float8"
views:
  v:
    query: "SELECT id, by || '\x01'::bytea AS z, f8 * 0.30000000000000004::float8 AS x FROM t"
"""
# (bytea_output, extra_float_digits, TimeZone, DateStyle, IntervalStyle, lc_monetary: the only locale every build has;
# standard_conforming_strings off doubles a constant's backslashes, quote_all_identifiers quotes a view's every name)
OPTIONS = ("-c bytea_output=escape -c extra_float_digits=0 -c TimeZone=Asia/Kolkata -c DateStyle=SQL,DMY "
           "-c IntervalStyle=sql_standard -c lc_monetary=C -c standard_conforming_strings=off "
           "-c quote_all_identifiers=on")
PRINTED = ("SELECT array_agg(pg_get_expr(adbin, adrelid) ORDER BY adnum) FROM pg_attrdef WHERE adrelid = 't'::regclass "
           "UNION ALL SELECT ARRAY[pg_get_constraintdef(oid)] FROM pg_constraint WHERE conname = 'k' "
           "UNION ALL SELECT ARRAY[pg_get_viewdef('v'::regclass)]")


def _printed(url: str, options: str = "") -> list:
    with psycopg.connect(url, options=options) as conn:
        return [row[0] for row in conn.execute(PRINTED)]


def test_a_session_of_other_settings_reads_the_same_schema(db_url, tmp_path, schemac):
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    assert schemac("generate", "--name", "init").returncode == 0
    applied = schemac("apply", "--database-url", db_url)
    assert applied.returncode == 0, applied.stderr
    plain = _printed(db_url, "-c bytea_output=hex -c extra_float_digits=1 -c TimeZone=UTC")
    other = _printed(db_url, OPTIONS)
    for a, b, what in zip(plain[0], other[0], ("f8", "by", "iv", "d", "ts")):
        assert a != b, (what, a)  # every one of these defaults prints otherwise under OPTIONS
    assert plain[1] != other[1] and plain[2] != other[2]  # the CHECK's bytea[], the view's bytea and float8
    for env in ({}, {"PGOPTIONS": OPTIONS}):
        r = schemac("diff", "--database-url", db_url, env=env)
        assert r.returncode == 0, (env, r.stdout + r.stderr)
        r = schemac("inspect", "--database-url", db_url, "--output", f"inspected{len(env)}.yaml", env=env)
        assert r.returncode == 0, r.stderr
    assert (tmp_path / "inspected0.yaml").read_text() == (tmp_path / "inspected1.yaml").read_text()


VIEW = """
tables:
  t:
    columns: {id: integer, ts: timestamptz, d: date}
    checks:
      k: "ts > '2024-01-01 00:00' AND d > '2024-01-02'"
views:
  v:
    query: "SELECT id FROM t WHERE ts > '2024-01-01 00:00'::timestamptz AND d > '01/02/2024'::date"
"""


def test_generate_in_another_zone_records_what_the_migration_stores(db_url, tmp_path, schemac):
    """`generate` builds views (and `--verify` replays the migrations) in a throwaway database whose session took the
    caller's PGTZ and PGDATESTYLE (or an embedded server's zone, the machine's): the view's recorded deparse held
    `'2023-12-31 15:00:00+00'` and `'2024-02-01'::date` in Asia/Tokyo under DMY, the replayed CHECK the Tokyo instant,
    and --verify failed, `diff` of the migrated database reported the view. Its statements now run in the zone and
    styles the catalog is read in (migrations.replay.PINNED_SESSION). Oracle: Postgres's own deparse of the view the
    migration made (applied in UTC) is the one state.json records."""
    (tmp_path / "schema.yaml").write_text(VIEW, encoding="utf-8")
    elsewhere = {"PGTZ": "Asia/Tokyo", "PGDATESTYLE": "ISO, DMY"}
    # (--verify replays in a scratch database of the tests' server, its session the caller's zone and styles all the
    # same: an embedded server of its own, an initdb, a start and a stop, was most of the test's time; the embedded
    # replay is test_offline_history's test_offline_replay_in_sync)
    r = schemac("generate", "--name", "init", "--verify", "--dev-url", db_url, env=elsewhere)
    assert r.returncode == 0, r.stdout + r.stderr
    assert schemac("apply", "--database-url", db_url, env={"PGTZ": "UTC"}).returncode == 0
    with psycopg.connect(db_url, options="-c TimeZone=UTC -c DateStyle=ISO,MDY") as conn:
        (made,) = conn.execute("SELECT pg_get_viewdef('v'::regclass)").fetchone()
    assert "'2024-01-01 00:00:00+00'::timestamp with time zone" in made and "'2024-01-02'::date" in made, made
    recorded = (tmp_path / "generated" / "state.json").read_text()
    assert "ts > '2024-01-01 00:00:00+00'::timestamp with time zone AND d > '2024-01-02'::date" in recorded, recorded
    r = schemac("diff", "--database-url", db_url, env=elsewhere)
    assert r.returncode == 0, r.stdout + r.stderr


BYTES = r"""
tables:
  t:
    columns:
      id: integer
      by: {type: bytea, default: '''\x0102'''}
"""


def test_a_dev_server_session_reads_the_migration_as_written(db_url, tmp_path, schemac):
    """`generate --verify --dev-url` replays the migration in a session of the caller's PGOPTIONS: with
    standard_conforming_strings off, a default `'\\x0102'` was read as an escape string (`'\\x013032'::bytea`,
    --verify's drift). PINNED_SESSION turns it on. Oracle: the bytes the applied migration's default gives a row."""
    (tmp_path / "schema.yaml").write_text(BYTES, encoding="utf-8")
    r = schemac("generate", "--name", "init", "--verify", "--dev-url", db_url,
                env={"PGOPTIONS": "-c standard_conforming_strings=off"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert schemac("apply", "--database-url", db_url).returncode == 0
    with psycopg.connect(db_url) as conn:
        conn.execute("INSERT INTO t (id) VALUES (1)")
        assert conn.execute("SELECT by FROM t").fetchone()[0] == b"\x01\x02"


READ = r"""
tables:
  t:
    columns:
      id: integer
      ts: {type: timestamptz, default: "'2024-01-01 00:00'"}
      d: date
      iv: {type: interval, default: "'-1 day 02:00:00'"}
    checks:
      k: "ts >= '2024-01-01 00:00'"
views:
  v:
    query: "SELECT id FROM t WHERE d > '01/02/2024'::date"
"""
APPLIED_ELSEWHERE = {"PGTZ": "Asia/Tokyo", "PGDATESTYLE": "ISO, DMY", "PGOPTIONS": "-c IntervalStyle=sql_standard"}


def test_a_migration_applied_in_another_zone_stores_what_it_says(any_db_url, tmp_path, schemac):
    db_url = any_db_url
    """A migration's constants are read by the applying session (PGTZ, PGDATESTYLE, PGOPTIONS, the server's or the
    role's defaults): applied under Asia/Tokyo, DMY and sql_standard intervals, the default and CHECK
    `'2024-01-01 00:00'` were stored `'2023-12-31 15:00:00+00'`, the default `'-1 day 02:00:00'` -1 day -02:00, the
    view's `'01/02/2024'::date` the 1st of February, and `diff` reported them. The file now sets the zone and styles the catalog is read in first
    (plan.session_pin). Oracle: Postgres's own print, read in UTC,
    of what the migration stored, and the row a default gives."""
    (tmp_path / "schema.yaml").write_text(READ, encoding="utf-8")  # (the view's deparse recorded by the same major)
    assert schemac("generate", "--name", "init", "--dev-url", db_url).returncode == 0
    applied = schemac("apply", "--database-url", db_url, env=APPLIED_ELSEWHERE)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    with psycopg.connect(db_url, options="-c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres") as conn:
        defaults = dict(conn.execute("SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN "
                                     "pg_attribute a ON (a.attrelid, a.attnum) = (d.adrelid, d.adnum) "
                                     "WHERE d.adrelid = 't'::regclass").fetchall())
        (check,) = conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'k'").fetchone()
        (view,) = conn.execute("SELECT pg_get_viewdef('v'::regclass)").fetchone()
        conn.execute("INSERT INTO t (id) VALUES (1)")
        row = conn.execute("SELECT ts::text, iv::text FROM t").fetchone()
    assert defaults == {"ts": "'2024-01-01 00:00:00+00'::timestamp with time zone",
                        "iv": "'-1 days +02:00:00'::interval"}, defaults
    assert check == "CHECK ((ts >= '2024-01-01 00:00:00+00'::timestamp with time zone))", check
    assert "'2024-01-02'::date" in view, view
    assert row == ("2024-01-01 00:00:00+00", "-1 days +02:00:00"), row
    for env in ({}, APPLIED_ELSEWHERE):
        r = schemac("diff", "--database-url", db_url, env=env)
        assert r.returncode == 0, (env, r.stdout + r.stderr)


RETYPED_FROM = """\
tables:
  ev:
    columns:
      id: {type: integer, primary_key: true}
      at: timestamp
      seen: timestamptz
      x: double precision
      b: bytea
"""
RETYPED_TO = RETYPED_FROM.replace("at: timestamp", "at: timestamptz").replace("seen: timestamptz", "seen: text") \
    .replace("x: double precision", "x: text").replace("b: bytea", "b: text")
CONVERTED_ELSEWHERE = {**APPLIED_ELSEWHERE,
                       "PGOPTIONS": APPLIED_ELSEWHERE["PGOPTIONS"] + " -c extra_float_digits=0 -c bytea_output=escape"}


def test_a_column_retyped_in_another_session_converts_as_the_read_does(any_db_url, tmp_path, schemac):
    db_url = any_db_url
    """A retype converts every row's value by the applying session's settings: `timestamp` -> `timestamptz`
    (TypeORM's and Prisma's histories write `USING at AT TIME ZONE 'UTC'`) stored 10:00 as 01:00 UTC under Asia/Tokyo,
    `timestamptz` -> `text` printed the Tokyo time, `double precision` -> `text` 0.1 + 0.2 as '0.3' under
    extra_float_digits=0, `bytea` -> `text` '\\x0102' as '\\001\\002' under bytea_output=escape, where the throwaway
    replay and the catalog read convert in UTC, 1 and hex. The file now sets them first
    (plan.session_pin.retypes_in_session). Oracle: the values read back, and what the same casts give in the read's
    settings."""
    (tmp_path / "schema.yaml").write_text(RETYPED_FROM, encoding="utf-8")
    assert schemac("generate", "--name", "init", "--no-verify").returncode == 0
    assert schemac("apply", "--database-url", db_url).returncode == 0
    with psycopg.connect(db_url, options="-c TimeZone=UTC") as conn:
        conn.execute("INSERT INTO ev VALUES (1, '2024-03-01 10:00:00', '2024-03-01 10:00:00+00', 0.1::float8 + 0.2, "
                     "'\\x0102')")
    (tmp_path / "schema.yaml").write_text(RETYPED_TO, encoding="utf-8")
    made = schemac("generate", "--name", "retyped", "--no-verify", "--allow-destructive")
    assert made.returncode == 0, made.stdout + made.stderr
    applied = schemac("apply", "--database-url", db_url, env=CONVERTED_ELSEWHERE)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    with psycopg.connect(db_url, options="-c TimeZone=UTC -c DateStyle=ISO,MDY -c extra_float_digits=1 "
                                         "-c bytea_output=hex") as conn:
        row = conn.execute("SELECT at::text, seen, x, b FROM ev").fetchone()
        read = conn.execute("SELECT '2024-03-01 10:00:00'::timestamp::timestamptz::text, "
                            "'2024-03-01 10:00:00+00'::timestamptz::text, (0.1::float8 + 0.2)::text, "
                            "'\\x0102'::bytea::text").fetchone()
    assert row == read == ("2024-03-01 10:00:00+00", "2024-03-01 10:00:00+00", "0.30000000000000004", "\\x0102"), \
        (row, read)


DRIFTED = RETYPED_FROM.replace("at: timestamp", "at: timestamptz") + """\
      due: {type: timestamptz, default: "'2024-03-01 10:00'"}
      span: {type: interval, default: "'-1 day 02:00:00'"}
    checks:
      k: "due >= '2024-01-01 00:00'"
"""


def test_diff_sql_run_in_another_session_stores_what_diff_reads(any_db_url, tmp_path, schemac):
    db_url = any_db_url
    """`diff --sql` printed the DDL `generate` writes but none of the SET LOCALs a migration file sets
    (plan.session_pin): run under Asia/Tokyo, DMY and sql_standard intervals, the default `'2024-03-01 10:00'` was
    stored 01:00 UTC, the interval's `'-1 day 02:00:00'` -1 day -02:00, the CHECK's instant the Tokyo one, and the
    `timestamp` column retyped `timestamptz` converted its row's 10:00 as Tokyo's, where `diff` reads them in UTC. The
    script now pins them, in a transaction of its own (SET LOCAL does nothing outside one). Oracle: Postgres's print of
    what the script stored, and the rows, read in UTC; `diff` clean after."""
    (tmp_path / "schema.yaml").write_text(RETYPED_FROM, encoding="utf-8")
    assert schemac("generate", "--name", "init", "--no-verify").returncode == 0
    assert schemac("apply", "--database-url", db_url).returncode == 0
    with psycopg.connect(db_url, options="-c TimeZone=UTC") as conn:
        conn.execute("INSERT INTO ev (id, at) VALUES (1, '2024-03-01 10:00:00')")
    (tmp_path / "schema.yaml").write_text(DRIFTED, encoding="utf-8")
    fix = schemac("diff", "--database-url", db_url, "--sql")
    assert fix.returncode == 1, fix.stdout + fix.stderr
    elsewhere = "-c TimeZone=Asia/Tokyo -c DateStyle=ISO,DMY -c IntervalStyle=sql_standard"
    with psycopg.connect(db_url, options=elsewhere, autocommit=True) as conn:  # (as `psql -f` runs it)
        conn.execute(fix.stdout)
    with psycopg.connect(db_url, options="-c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres") as conn:
        defaults = dict(conn.execute("SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN "
                                     "pg_attribute a ON (a.attrelid, a.attnum) = (d.adrelid, d.adnum) "
                                     "WHERE d.adrelid = 'ev'::regclass").fetchall())
        (check,) = conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'k'").fetchone()
        row = conn.execute("SELECT at::text, due::text, span::text FROM ev").fetchone()
    assert defaults == {"due": "'2024-03-01 10:00:00+00'::timestamp with time zone",
                        "span": "'-1 days +02:00:00'::interval"}, defaults
    assert check == "CHECK ((due >= '2024-01-01 00:00:00+00'::timestamp with time zone))", check
    assert row == ("2024-03-01 10:00:00+00", "2024-03-01 10:00:00+00", "-1 days +02:00:00"), row
    assert schemac("diff", "--database-url", db_url).returncode == 0


RANGED = """\
tables:
  stay:
    columns:
      id: {type: integer, primary_key: true}
      booked: tstzrange
      nights: daterange
"""


def test_a_range_retyped_in_another_session_converts_as_the_read_does(any_db_url, tmp_path, schemac):
    db_url = any_db_url
    """A `tstzrange` or `daterange` column retyped to `text` prints its bounds in the applying session's zone and
    DateStyle: under Asia/Tokyo and SQL, DMY, `'[2024-03-01 10:00+00,2024-03-02 10:00+00)'` was stored
    `'["01/03/2024 19:00:00 JST","02/03/2024 19:00:00 JST")'`, the dates `'[01/03/2024,05/03/2024)'`: the file pinned
    nothing, as it does for a timestamptz (plan.session_pin names Postgres's ranges and multiranges over those types
    now). Oracle: the casts of the same values in the read's settings."""
    (tmp_path / "schema.yaml").write_text(RANGED, encoding="utf-8")
    assert schemac("generate", "--name", "init", "--no-verify").returncode == 0
    assert schemac("apply", "--database-url", db_url).returncode == 0
    with psycopg.connect(db_url, options="-c TimeZone=UTC") as conn:
        conn.execute("INSERT INTO stay VALUES (1, '[2024-03-01 10:00+00,2024-03-02 10:00+00)', '[2024-03-01,2024-03-05)')")
    (tmp_path / "schema.yaml").write_text(RANGED.replace("tstzrange", "text").replace("daterange", "text"),
                                          encoding="utf-8")
    made = schemac("generate", "--name", "retyped", "--no-verify", "--allow-destructive")
    assert made.returncode == 0, made.stdout + made.stderr
    applied = schemac("apply", "--database-url", db_url, env={"PGTZ": "Asia/Tokyo", "PGDATESTYLE": "SQL, DMY"})
    assert applied.returncode == 0, applied.stdout + applied.stderr
    with psycopg.connect(db_url, options="-c TimeZone=UTC -c DateStyle=ISO,MDY") as conn:
        row = conn.execute("SELECT booked, nights FROM stay").fetchone()
        read = conn.execute("SELECT '[2024-03-01 10:00+00,2024-03-02 10:00+00)'::tstzrange::text, "
                            "'[2024-03-01,2024-03-05)'::daterange::text").fetchone()
    assert row == read == ('["2024-03-01 10:00:00+00","2024-03-02 10:00:00+00")', "[2024-03-01,2024-03-05)"), \
        (row, read)


PATHED = """\
schemas: [other]
tables:
  ev:
    columns:
      id: {type: integer, primary_key: true}
      rel: text
      kind: regclass
  u:
    columns: {id: integer}
  other_u:
    name: u
    schema: other
    columns: {id: integer}
"""
PATHED_TO = PATHED.replace("rel: text", "rel: regclass").replace("kind: regclass", "kind: text") + """\
  w:
    columns:
      id: integer
      n: {type: integer, default: "nextval('s')"}
sequences:
  s: {}
"""


def test_diff_sql_run_on_another_search_path_names_what_diff_reads(any_db_url, tmp_path, schemac):
    db_url = any_db_url
    """`diff --sql` left out the search_path a migration file pins (plan.preamble): run where the session's path is
    `other, public` (a role's or database's `SET search_path`), its new table w was made in `other` (drift: public.w
    missing, other.w not in schema.yaml), and the text `'u'` retyped regclass took other.u. The script now pins
    the path in its transaction. Oracle: pg_class's schema of w, the OID each row names, read back; `diff` clean after."""
    (tmp_path / "schema.yaml").write_text(PATHED, encoding="utf-8")
    assert schemac("generate", "--name", "init", "--no-verify").returncode == 0
    assert schemac("apply", "--database-url", db_url).returncode == 0
    with psycopg.connect(db_url) as conn:
        conn.execute("INSERT INTO ev VALUES (1, 'u', 'public.u')")
    (tmp_path / "schema.yaml").write_text(PATHED_TO, encoding="utf-8")
    fix = schemac("diff", "--database-url", db_url, "--sql")
    assert fix.returncode == 1, fix.stdout + fix.stderr
    with psycopg.connect(db_url, options="-c search_path=other,public", autocommit=True) as conn:  # (as `psql -f`)
        conn.execute(fix.stdout)
    with psycopg.connect(db_url) as conn:
        made = conn.execute("SELECT relnamespace::regnamespace::text, relname FROM pg_class "
                            "WHERE relname IN ('w', 's') ORDER BY relname").fetchall()
        row = conn.execute("SELECT rel::oid = 'public.u'::regclass::oid, kind FROM ev").fetchone()
    assert row == (True, "u"), row
    assert made == [("public", "s"), ("public", "w")], made
    assert schemac("diff", "--database-url", db_url).returncode == 0


MARKUP = """\
tables:
  page:
    columns:
      id: {type: integer, primary_key: true}
      body: text
"""
MARKUP_TO = MARKUP.replace("body: text", "body: xml") + """\
      foot: {type: xml, default: "'<hr/>end'"}
"""


def test_xml_made_in_a_document_session_takes_fragments_as_the_replay_does(any_db_url, tmp_path, schemac):
    db_url = any_db_url
    """A text column retyped xml, and a new xml column's default, read their text by the applying session's xmloption:
    under `xmloption = document` (a role's or database's SET) the rows `'abc'` and `'<a/><b/>'` and the default
    `'<hr/>end'` are no documents, and the migration failed ('invalid XML document'), where the throwaway replay,
    in Postgres's default (content), took them. The file now sets content first (plan.session_pin.XML_CONTENT).
    Oracle: the rows' text read back, and a new row's default. Only where the server is built with libxml (15 here)."""
    with psycopg.connect(db_url) as conn:
        try:
            conn.execute("SELECT 'a'::xml")
        except psycopg.errors.FeatureNotSupported:
            pytest.skip("this server is built without libxml")
    (tmp_path / "schema.yaml").write_text(MARKUP, encoding="utf-8")
    assert schemac("generate", "--name", "init", "--no-verify").returncode == 0
    assert schemac("apply", "--database-url", db_url).returncode == 0
    with psycopg.connect(db_url) as conn:
        conn.execute("INSERT INTO page VALUES (1, 'abc'), (2, '<a/><b/>')")
    (tmp_path / "schema.yaml").write_text(MARKUP_TO, encoding="utf-8")
    made = schemac("generate", "--name", "xml", "--no-verify", "--allow-destructive")
    assert made.returncode == 0, made.stdout + made.stderr
    applied = schemac("apply", "--database-url", db_url, env={"PGOPTIONS": "-c xmloption=document"})
    assert applied.returncode == 0, applied.stdout + applied.stderr
    with psycopg.connect(db_url) as conn:
        conn.execute("INSERT INTO page (id) VALUES (3)")
        rows = conn.execute("SELECT id, body::text, foot::text FROM page ORDER BY id").fetchall()
    assert rows == [(1, "abc", "<hr/>end"), (2, "<a/><b/>", "<hr/>end"), (3, None, "<hr/>end")], rows
    assert schemac("diff", "--database-url", db_url).returncode == 0


OWN_TYPES = """\
domains:
  later: {type: timestamptz, checks: {k: "VALUE > '2000-01-01 00:00+00'"}}
composite_types:
  stamp: {attributes: {at: timestamptz, n: double precision}}
range_types:
  tzr: {subtype: timestamptz}
tables:
  ev:
    columns:
      id: {type: integer, primary_key: true}
      due: text
      st: stamp
      span: tzr
"""


def test_a_type_of_the_schemas_own_retyped_in_another_session_converts_as_the_read_does(any_db_url, tmp_path, schemac):
    db_url = any_db_url
    """The types a retype's values are made of were looked for in the column's types and an open domain's base only:
    `text` -> a domain with a CHECK over timestamptz read '2024-03-01 10:00' in the applying session's zone (20:15 the
    day before under Pacific/Chatham), a composite of a timestamptz and a double precision and a range over
    timestamptz -> `text` printed Chatham's time, SQL's day order and '0.3'. plan.session_pin now reads the types
    those of the model's own are made of (Change.made_of). Oracle: the same casts in the read's settings."""
    (tmp_path / "schema.yaml").write_text(OWN_TYPES, encoding="utf-8")
    assert schemac("generate", "--name", "init", "--no-verify").returncode == 0
    assert schemac("apply", "--database-url", db_url).returncode == 0
    values = "'2024-03-01 10:00', ROW('2024-03-01 10:00+00', 0.1::float8 + 0.2), '[2024-03-01 10:00+00,2024-03-02 10:00+00)'"
    with psycopg.connect(db_url, options="-c TimeZone=UTC") as conn:
        conn.execute(f"INSERT INTO ev VALUES (1, {values})")
    (tmp_path / "schema.yaml").write_text(OWN_TYPES.replace("due: text", "due: later").replace("st: stamp", "st: text")
                                          .replace("span: tzr", "span: text"), encoding="utf-8")
    made = schemac("generate", "--name", "retyped", "--no-verify", "--allow-destructive")
    assert made.returncode == 0, made.stdout + made.stderr
    hostile = "-c TimeZone=Pacific/Chatham -c DateStyle=SQL,DMY -c extra_float_digits=0"
    applied = schemac("apply", "--database-url", db_url, env={"PGOPTIONS": hostile})
    assert applied.returncode == 0, applied.stdout + applied.stderr
    with psycopg.connect(db_url, options="-c TimeZone=UTC -c DateStyle=ISO,MDY -c extra_float_digits=1") as conn:
        row = conn.execute("SELECT due::text, st, span FROM ev").fetchone()
        read = conn.execute("SELECT '2024-03-01 10:00'::timestamptz::text, ROW('2024-03-01 10:00+00'::timestamptz, "
                            "0.1::float8 + 0.2)::text, '[2024-03-01 10:00+00,2024-03-02 10:00+00)'::tstzrange::text"
                            ).fetchone()
    assert row == read == ("2024-03-01 10:00:00+00", '("2024-03-01 10:00:00+00",0.30000000000000004)',
                           '["2024-03-01 10:00:00+00","2024-03-02 10:00:00+00")'), (row, read)
