"""Rules and policies over a function or an operator dropped and created again (compare.readers, one pass
for every reader kind): the migration applies over rows, the catalog holds the new conditions (pg_policy,
pg_rewrite read by SQL of the test's own), and drift reports each reader that was also edited once, as
changed, and the others not at all; a view whose rules call what is re-created stays (its query calls none)."""

from __future__ import annotations

import psycopg

from conftest import migrated_then_described
from schemac.commands.diff import check_drift
from schemac.commands.generate import generate
from schemac.migrations.apply import apply_files
from schemac.migrations.layout import Layout

COMMON = """\
CREATE TABLE t (id int, owner text, a text);
CREATE VIEW v AS SELECT id, owner FROM t;
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
"""
OLD = COMMON + """\
CREATE FUNCTION allowed(who text) RETURNS boolean LANGUAGE sql STABLE AS 'select who = current_user';
CREATE FUNCTION clean(s text) RETURNS text LANGUAGE sql IMMUTABLE AS 'select trim(s)';
CREATE FUNCTION ci_eq(a text, b text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'select lower(a) = lower(b)';
CREATE OPERATOR === (LEFTARG = text, RIGHTARG = text, FUNCTION = ci_eq);
CREATE POLICY edited ON t USING (allowed(owner));
CREATE POLICY kept ON t FOR SELECT USING (clean(owner) = 'x');
CREATE POLICY by_op ON t FOR UPDATE USING (a === 'x');
COMMENT ON POLICY by_op ON t IS 'old words';
CREATE RULE edited_rule AS ON INSERT TO v DO INSTEAD INSERT INTO t VALUES (NEW.id, clean(NEW.owner));
CREATE RULE kept_rule AS ON DELETE TO v DO INSTEAD DELETE FROM t WHERE clean(owner) = clean(OLD.owner);
INSERT INTO t VALUES (1, 'x', 'X');
"""
NEW = COMMON + """\
CREATE FUNCTION allowed(who text) RETURNS integer LANGUAGE sql STABLE AS 'select 1';
CREATE FUNCTION clean(x text) RETURNS text LANGUAGE sql IMMUTABLE AS 'select trim(x)';
CREATE FUNCTION ci_eq(a text, b text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'select lower(a) = lower(b)';
CREATE OPERATOR === (LEFTARG = text, RIGHTARG = text, FUNCTION = ci_eq, HASHES);
CREATE POLICY edited ON t USING (allowed(owner) = 1);
CREATE POLICY kept ON t FOR SELECT USING (clean(owner) = 'x');
CREATE POLICY by_op ON t FOR UPDATE USING (a === 'x');
COMMENT ON POLICY by_op ON t IS 'new words';
CREATE RULE edited_rule AS ON INSERT TO v DO INSTEAD INSERT INTO t VALUES (NEW.id, clean(upper(NEW.owner)));
CREATE RULE kept_rule AS ON DELETE TO v DO INSTEAD DELETE FROM t WHERE clean(owner) = clean(OLD.owner);
"""
# kept and kept_rule are the same, over clean() re-created; every other reader is edited (by_op: its comment).


def _readers(url: str) -> dict:
    """Each policy's condition and comment, each rule's definition: the oracle."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT polname, pg_get_expr(polqual, polrelid), obj_description(p.oid, 'pg_policy') FROM pg_policy p "
            "UNION ALL SELECT rulename, pg_get_ruledef(r.oid), NULL FROM pg_rewrite r "
            "WHERE rulename <> '_RETURN' AND ev_class = 'v'::regclass ORDER BY 1").fetchall()
    return {name: (text, comment) for name, text, comment in rows}


def _oid(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT 'v'::regclass::oid").fetchone()[0]


def test_readers_over_what_is_re_created_are_made_again_and_edits_reported_once(db_url, tmp_path):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    with migrated_then_described(db_url, schema, out, OLD, NEW) as (other, old_files):
        expected = _readers(other)

    drift = check_drift(str(schema), db_url)
    readers = sorted((d.kind, d.name) for d in drift.differences if d.object_type in ("policy", "rule"))
    assert readers == [("comment_changed", "by_op"), ("policy_changed", "edited"), ("rule_changed", "edited_rule")], \
        drift.render("text")
    others = sorted((d.kind, d.name) for d in drift.differences if d.object_type not in ("policy", "rule"))
    assert others == [("function_changed", "allowed(text)"), ("function_changed", "clean(text)"),
                      ("operator_changed", "===(text, text)")], drift.render("text")

    view = _oid(db_url)
    result = generate(str(schema), out, name="new")
    assert result.status == "written", result.message
    with psycopg.connect(db_url, autocommit=True) as conn:
        apply_files(conn, [m for m in Layout(out).migrations() if m.path not in old_files], record=False)
    assert _readers(db_url) == expected, result.sql
    assert _oid(db_url) == view, "the view under the rules was re-created: " + result.sql  # its query calls none
    assert check_drift(str(schema), db_url).differences == ()

