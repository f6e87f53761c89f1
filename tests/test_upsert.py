"""schemac.upsert.bulk_upsert on a real PostgreSQL, with the committed migrations applied."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import psycopg
import pytest

from schemac.migrations.apply import apply_files
from schemac.errors import SchemacError
from schemac.schemafile.load import load_file, load_text
from schemac.migrations.layout import Layout
from schemac.upsert import bulk_upsert, plan_upsert, unique_keys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = load_file(os.path.join(ROOT, "schema.yaml")).table("public", "test_integration_correlations")
KEY = ("test_case_id", "integration_id")
COLUMNS = ("test_case_id", "integration_id", "correlation_score", "correlation_type", "pattern", "confidence")
TOUCH = ("last_correlated", "updated_at")
PATTERN = "test_failure_precedes_integration_failure"


def row(case: str, integration: str, score: str, kind: str = "high", confidence: str = "0.90"):
    return (case, integration, Decimal(score), kind, PATTERN, Decimal(confidence))


@pytest.fixture
def conn(db_url):
    with psycopg.connect(db_url) as c:
        apply_files(c, Layout(os.path.join(ROOT, "generated")).migrations())
        yield c


def snapshot(conn):
    return {
        (r[0], r[1]): r[2:]
        for r in conn.execute(
            "SELECT test_case_id, integration_id, id, correlation_score, confidence, correlation_type, "
            "created_at, updated_at, last_correlated FROM test_integration_correlations"
        )
    }


def upsert(conn, rows, **kw):
    return bulk_upsert(conn, TABLE, KEY, COLUMNS, rows, touch=TOUCH, **kw)


@pytest.mark.parametrize("fmt", ["binary", "text"])
def test_insert_then_update_in_place(conn, fmt):
    first = upsert(conn, [row("C1001", "booking-com", "0.91"), row("C1001", "airbnb", "0.42", "medium"),
                          row("C1002", "vrbo", "0.10", "low")], format=fmt)
    assert (first.rows, first.inserted, first.updated) == (3, 3, 0)
    before = snapshot(conn)
    assert before[("C1001", "booking-com")][1] == Decimal("0.91")
    # touched columns are set on insert too, to the transaction's now()
    _, _, _, _, created, updated, correlated = before[("C1002", "vrbo")]
    assert created == updated == correlated

    second = upsert(conn, [row("C1001", "booking-com", "0.55", "medium", "0.60"), row("C1003", "hmbn", "0.99")],
                    format=fmt)
    assert (second.rows, second.inserted, second.updated) == (2, 1, 1)
    after = snapshot(conn)
    assert len(after) == 4
    old, new = before[("C1001", "booking-com")], after[("C1001", "booking-com")]
    assert new[0] == old[0]  # same id: updated in place
    assert (new[1], new[2], new[3]) == (Decimal("0.55"), Decimal("0.60"), "medium")
    assert new[4] == old[4]  # created_at kept
    assert new[5] > old[5] and new[6] > old[6]  # updated_at and last_correlated bumped
    assert after[("C1001", "airbnb")] == before[("C1001", "airbnb")]  # rows not in the batch untouched
    assert second.seconds > 0 and second.rows_per_second > 0


def test_idempotent_rerun(conn):
    batch = [row(f"C{n}", integration, "0.75") for n in range(2000, 2200) for integration in ("airbnb", "hmbn")]
    assert upsert(conn, batch).inserted == 400
    first = snapshot(conn)
    again = upsert(conn, batch)
    assert (again.inserted, again.updated) == (0, 400)
    second = snapshot(conn)
    assert second.keys() == first.keys()
    for k in first:
        # id, values and created_at identical; only the touched timestamps moved
        assert second[k][:5] == first[k][:5]


def test_check_violation_names_the_row_and_writes_nothing(conn):
    upsert(conn, [row("C1", "airbnb", "0.50")])
    before = snapshot(conn)
    bad = [row("C1", "airbnb", "0.60"), row("C2", "vrbo", "0.70"), row("C3", "hmbn", "1.50"), row("C4", "vrbo", "1.70")]
    with pytest.raises(SchemacError) as e:
        upsert(conn, bad)
    message = str(e.value)
    assert message.startswith("test_integration_correlations: row 3 (test_case_id='C3', integration_id='hmbn')")
    assert "violates check test_integration_correlations_score_range" in message
    assert "correlation_score=1.50" in message
    assert snapshot(conn) == before  # nothing written, the update of C1 included
    assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_check_on_another_column_and_type(conn):
    with pytest.raises(SchemacError, match=r"row 2 \(test_case_id='C2', integration_id='vrbo'\) violates check "
                                           r"test_integration_correlations_type_valid .*correlation_type='extreme'"):
        upsert(conn, [row("C1", "vrbo", "0.5"), row("C2", "vrbo", "0.5", kind="extreme")])


def test_bad_value_while_staging_names_row_and_column(conn):
    with pytest.raises(SchemacError, match=r"row 2, column test_case_id: value too long"):
        upsert(conn, [row("C1", "vrbo", "0.5"), row("C" * 101, "vrbo", "0.5")])
    with pytest.raises(SchemacError, match=r"row 1 has 2 values, expected 6"):
        upsert(conn, [("C1", "vrbo")])
    assert snapshot(conn) == {}


def test_other_bad_rows_are_named(conn):
    with pytest.raises(SchemacError, match=r"row 2 \(test_case_id='C2', integration_id='vrbo'\) violates NOT NULL: "
                                           r"pattern=NULL"):
        upsert(conn, [row("C1", "vrbo", "0.5"), ("C2", "vrbo", Decimal("0.5"), "high", None, Decimal("0.5"))])
    # binary COPY needs the Python type psycopg maps to the column's type (Decimal for numeric)
    with pytest.raises(SchemacError, match=r"row 1: .*cannot dump float \(format='text' accepts"):
        upsert(conn, [("C1", "vrbo", 0.5, "high", PATTERN, 0.5)], format="binary")
    assert upsert(conn, [("C1", "vrbo", 0.5, "high", PATTERN, 0.5)]).inserted == 1  # text, the default
    assert upsert(conn, []).rows == 0


def test_duplicate_key_in_one_batch(conn):
    with pytest.raises(SchemacError, match=r"repeats within the batch: \(test_case_id='C7', integration_id='hmbn'\) "
                                           r"appears 2 times"):
        upsert(conn, [row("C7", "hmbn", "0.5"), row("C8", "hmbn", "0.5"), row("C7", "hmbn", "0.6")])
    assert snapshot(conn) == {}


def test_inside_callers_transaction(conn):
    with conn.transaction():
        assert upsert(conn, [row("C1", "vrbo", "0.5")]).inserted == 1
        assert upsert(conn, [row("C1", "vrbo", "0.6")]).updated == 1  # staging table names never collide
    assert snapshot(conn)[("C1", "vrbo")][1] == Decimal("0.6")


def test_last_correlated_supplied_by_the_engine(conn):
    when = dt.datetime(2026, 1, 12, 9, 30, tzinfo=dt.timezone.utc)
    cols = COLUMNS + ("last_correlated",)
    result = bulk_upsert(conn, TABLE, KEY, cols, [row("C1", "hmbn", "0.3", "low") + (when,)], touch=("updated_at",))
    assert result.inserted == 1
    assert snapshot(conn)[("C1", "hmbn")][6] == when


def test_database_without_the_table(db_url):
    with psycopg.connect(db_url, autocommit=True) as c:
        with pytest.raises(SchemacError, match=r'relation "test_integration_correlations" does not exist: the '
                                               r"database does not match schema.yaml"):
            upsert(c, [row("C1", "vrbo", "0.5")])


# -- rejected before any SQL: no connection is needed, so None stands in for one ----------------


@pytest.mark.parametrize("kwargs, message", [
    (dict(columns=COLUMNS + ("correlation_scroe",)), "has no column 'correlation_scroe' (in columns)"),
    (dict(key=("test_case_id",)), "(test_case_id) is not the primary key or a unique constraint"),
    (dict(key=("pattern", "integration_id")), "unique keys: (id), (test_case_id, integration_id)"),
    (dict(key=("test_case_id", "nope")), "has no column 'nope' (in key)"),
    (dict(touch=("updated_at", "stale_at")), "has no column 'stale_at' (in touch)"),
    (dict(touch=("pattern",)), "column 'pattern' is both in columns and in touch"),
    (dict(touch=("last_correlated", "updated_at", "id")), "touch column 'id' is uuid"),
    (dict(touch=()), "column 'last_correlated' of public.test_integration_correlations is NOT NULL without a default"),
    (dict(columns=COLUMNS[1:]), "key column 'test_case_id' must be one of the columns"),
    (dict(columns=COLUMNS + ("pattern",)), "columns lists column 'pattern' twice"),
    (dict(columns="test_case_id"), "must be a sequence of column names"),
    (dict(format="csv"), "COPY format must be 'binary' or 'text'"),
])
def test_rejected_before_any_sql(kwargs, message):
    args = dict(key=KEY, columns=COLUMNS, touch=TOUCH)
    args.update(kwargs)
    with pytest.raises(SchemacError) as e:
        bulk_upsert(None, TABLE, rows=iter(()), **args)  # type: ignore[arg-type]
    assert message in str(e.value)


def test_statements_are_built_from_the_model():
    schema = load_text(
        """
tables:
  Odd Table:
    schema: qa
    columns:
      id: {type: bigint, primary_key: true}
      user: {type: text, nullable: false}
      seen at: {type: timestamptz}
      n: integer
    indexes:
      by_user: {columns: [user], unique: true}
""")
    t = schema.table("qa", "Odd Table")
    assert unique_keys(t) == [("id",), ("user",)]
    p = plan_upsert(t, ("user",), ("user", "id", "n"), touch=("seen at",), stage_name="stage")
    assert p.update == ("n",)  # key and primary key are written on insert only
    assert p.create_stage == 'CREATE TEMPORARY TABLE pg_temp.stage ("user" TEXT, id BIGINT, n INT)'
    assert p.upsert == (
        'WITH written AS (INSERT INTO qa."Odd Table" ("user", id, n, "seen at") '
        'SELECT "user", id, n, NOW() FROM pg_temp.stage ORDER BY "user" ON CONFLICT("user") DO UPDATE SET n = excluded.n, '
        '"seen at" = NOW() RETURNING (xmax = 0) AS inserted) SELECT COUNT(*) FILTER(WHERE inserted), COUNT(*) '
        'FROM written'
    )
    only_key = plan_upsert(t, ("user",), ("user", "id"))
    assert only_key.update == ()
    assert 'ON CONFLICT("user") DO NOTHING' in only_key.upsert  # nothing to update: existing rows stay as they are


def test_any_table_of_the_model_quoted_names_and_do_nothing(db_url):
    from schemac.plan.ddl import create_index, create_schema, create_table, render

    schema = load_text(
        """
tables:
  Odd Table:
    schema: qa
    columns:
      id: {type: bigint, primary_key: true}
      user: {type: text, nullable: false}
      seen at: {type: timestamptz, nullable: false, default: now()}
      n: {type: integer, nullable: false, default: "0"}
    checks:
      n_positive: n >= 0
    indexes:
      by_user: {columns: [user], unique: true}
""")
    t = schema.table("qa", "Odd Table")
    with psycopg.connect(db_url, autocommit=True) as c:
        for stmt in (create_schema("qa"), create_table(t), create_index(t, t.indexes[0])):
            c.execute(render(stmt))
        r = bulk_upsert(c, t, ("id",), ("id", "user", "n"), [(1, "ann", 1), (2, "bob", 2)], touch=("seen at",))
        assert (r.inserted, r.updated) == (2, 0)
        r = bulk_upsert(c, t, ["user"], ["user", "id"], [("ann", 1), ("cy", 3)])  # nothing to update
        assert (r.inserted, r.updated, r.unchanged) == (1, 0, 1)
        r = bulk_upsert(c, t, ("id",), ("id", "user", "n"), [(1, "ann", 5)], format="binary")
        assert (r.inserted, r.updated) == (0, 1)
        assert c.execute('SELECT id, "user", n FROM qa."Odd Table" ORDER BY id').fetchall() == [
            (1, "ann", 5), (2, "bob", 2), (3, "cy", 0)]
        with pytest.raises(SchemacError, match=r"Odd Table: row 2 \(id=2\) violates check n_positive \(n >= 0\): n=-1"):
            bulk_upsert(c, t, ("id",), ("id", "user", "n"), [(1, "ann", 1), (2, "bob", -1)])
        with pytest.raises(SchemacError, match=r"violates unique constraint by_user"):
            bulk_upsert(c, t, ("id",), ("id", "user"), [(9, "ann")])  # 'ann' belongs to id 1
