"""The committed migration for Story 24.2, applied to real servers (18, 16, 15)."""

from __future__ import annotations

import glob
import os

import psycopg
import pytest
from sqlx_project import apply_all


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = "test_integration_correlations"

EXPECTED_COLUMNS = [
    ("id", "uuid", True, "gen_random_uuid()"),
    ("test_case_id", "character varying(100)", True, None),
    ("integration_id", "character varying(50)", True, None),
    ("correlation_score", "numeric(3,2)", True, None),
    ("correlation_type", "character varying(20)", True, None),
    ("pattern", "character varying(50)", True, None),
    ("confidence", "numeric(3,2)", True, None),
    ("last_correlated", "timestamp with time zone", True, None),
    ("created_at", "timestamp with time zone", True, "now()"),
    ("updated_at", "timestamp with time zone", True, "now()"),
]


def story_migration() -> str:
    files = glob.glob(os.path.join(ROOT, "generated", "migrations", "*_create_correlation_table.sql"))
    assert len(files) == 1, files
    return files[0]


def apply(url: str) -> None:
    apply_all(url, os.path.join(ROOT, "generated"))


def test_committed_migration_file_follows_sqlx_rules():
    path = story_migration()
    name = os.path.basename(path)
    version = name.split("_", 1)[0]
    assert len(version) == 14 and version.isdigit()
    data = open(path, "rb").read()
    assert b"\r" not in data
    assert b"Story 24.2: Correlation Database Schema" in data.split(b"\n\n", 1)[0]
    assert not data.startswith(b"-- no-transaction")
    assert b"CREATE TABLE IF NOT EXISTS test_integration_correlations" in data
    assert data.count(b"CREATE INDEX IF NOT EXISTS") == 3


@pytest.mark.every_major
def test_migration_applies_twice_and_matches_story(any_db_url):
    sql = open(story_migration(), encoding="utf-8").read()
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute(sql)
        conn.execute(sql)  # idempotent: IF NOT EXISTS everywhere
        cols = conn.execute(
            """SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)
               FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
               WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""",
            (TABLE,),
        ).fetchall()
        assert cols == EXPECTED_COLUMNS
        cons = dict(conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p','u','c')", (TABLE,)).fetchall())
        assert cons == {
            "test_integration_correlations_pkey": "PRIMARY KEY (id)",
            "test_integration_correlations_test_case_id_integration_id_key": "UNIQUE (test_case_id, integration_id)",
            "test_integration_correlations_score_range":
                "CHECK (((correlation_score >= 0.00) AND (correlation_score <= 1.00)))",
            "test_integration_correlations_confidence_range": "CHECK (((confidence >= 0.00) AND (confidence <= 1.00)))",
            "test_integration_correlations_type_valid":
                "CHECK (((correlation_type)::text = ANY ((ARRAY['high'::character varying, "
                "'medium'::character varying, 'low'::character varying])::text[])))",
        }
        idx = dict(conn.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass", (TABLE,)).fetchall())
        assert idx == {
            "test_integration_correlations_pkey":
                "CREATE UNIQUE INDEX test_integration_correlations_pkey ON public.test_integration_correlations "
                "USING btree (id)",
            "test_integration_correlations_test_case_id_integration_id_key":
                "CREATE UNIQUE INDEX test_integration_correlations_test_case_id_integration_id_key ON "
                "public.test_integration_correlations USING btree (test_case_id, integration_id)",
            "idx_correlation_test_case":
                "CREATE INDEX idx_correlation_test_case ON public.test_integration_correlations USING btree (test_case_id)",
            "idx_correlation_integration":
                "CREATE INDEX idx_correlation_integration ON public.test_integration_correlations "
                "USING btree (integration_id)",
            "idx_correlation_score":
                "CREATE INDEX idx_correlation_score ON public.test_integration_correlations "
                "USING btree (correlation_score DESC)",
        }
        comment = conn.execute("SELECT obj_description(%s::regclass, 'pg_class')", (TABLE,)).fetchone()[0]
        assert "Story 24.2" in comment


UPSERT = f"""
INSERT INTO {TABLE} (test_case_id, integration_id, correlation_score, correlation_type, pattern, confidence,
                     last_correlated)
VALUES (%s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (test_case_id, integration_id) DO UPDATE
SET correlation_score = EXCLUDED.correlation_score, correlation_type = EXCLUDED.correlation_type,
    pattern = EXCLUDED.pattern, confidence = EXCLUDED.confidence,
    last_correlated = EXCLUDED.last_correlated, updated_at = now()
"""


def test_upsert_keeps_one_row_and_created_at(db_url):
    apply(db_url)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(UPSERT, ("TC-1", "airbnb", "0.50", "medium", "p", "0.60", "2026-01-01T00:00:00Z"))
        first = conn.execute(f"SELECT id, created_at, updated_at FROM {TABLE}").fetchone()
        conn.execute("SELECT pg_sleep(0.01)")
        conn.execute(UPSERT, ("TC-1", "airbnb", "0.91", "high", "p", "0.95", "2026-02-01T00:00:00Z"))
        rows = conn.execute(
            f"SELECT id, created_at, updated_at, correlation_score::text, correlation_type, "
            f"last_correlated = '2026-02-01T00:00:00Z'::timestamptz FROM {TABLE}").fetchall()
    assert len(rows) == 1
    row = rows[0]
    assert row[0] == first[0] and row[1] == first[1]
    assert row[2] > first[2]
    assert row[3:] == ("0.91", "high", True)


@pytest.mark.parametrize("column,value", [("correlation_score", "1.5"), ("confidence", "-0.1"),
                                          ("correlation_type", "huge")])
def test_checks_reject_out_of_range_values(db_url, column, value):
    apply(db_url)
    values = {"test_case_id": "TC-1", "integration_id": "vrbo", "correlation_score": "0.5",
              "correlation_type": "low", "pattern": "p", "confidence": "0.5", "last_correlated": "2026-01-01"}
    values[column] = value
    with psycopg.connect(db_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute(f"INSERT INTO {TABLE} ({', '.join(values)}) VALUES ({', '.join(['%s'] * len(values))})",
                         list(values.values()))


def test_apply_records_sqlx_checksums(db_url):
    apply(db_url)
    apply(db_url)  # second run: already recorded, nothing re-run
    import hashlib

    path = story_migration()
    with psycopg.connect(db_url) as conn:
        rows = conn.execute("SELECT version, description, success, checksum FROM _sqlx_migrations").fetchall()
    assert rows == [(int(os.path.basename(path)[:14]), "create correlation table", True,
                     hashlib.sha384(open(path, "rb").read()).digest())]
