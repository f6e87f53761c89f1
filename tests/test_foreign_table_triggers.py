"""Triggers on foreign tables on real servers (postgres_fdw; no connection is made): row and statement triggers,
BEFORE and AFTER, with UPDATE OF, WHEN, arguments, a comment, disabled and replica ones (and, on PostgreSQL 16+,
a TRUNCATE one) are read, written as a table's `triggers:` and built by one migration on an EMPTY database (after
the foreign table and the function); then changed (one dropped, one's WHEN changed, one added, one enabled) and
compared with what the edited schema.yaml builds from scratch. Judged by this file's own SQL over pg_trigger
(pg_get_triggerdef, tgenabled, the comment). What Postgres refuses on a foreign table is refused at the trigger (test_foreign_servers'
loader errors)."""

from __future__ import annotations

import psycopg
import pytest
from catalog_oracle import sibling_database
from test_foreign_servers import MAJORS, _migration, inspected
from sqlx_project import apply_all

SOURCE = """\
CREATE EXTENSION postgres_fdw;
CREATE SERVER remote_pg FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'app');
CREATE SCHEMA ext;
CREATE FUNCTION ext.audit() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE FOREIGN TABLE remote_orders (id bigint, note text) SERVER remote_pg OPTIONS (table_name 'orders');
CREATE TRIGGER t_before BEFORE INSERT OR UPDATE ON remote_orders FOR EACH ROW EXECUTE FUNCTION ext.audit();
CREATE TRIGGER t_delete AFTER DELETE ON remote_orders FOR EACH ROW WHEN (OLD.id > 0) EXECUTE FUNCTION ext.audit('a', 'b c');
CREATE TRIGGER t_note AFTER UPDATE OF note ON remote_orders FOR EACH STATEMENT EXECUTE FUNCTION ext.audit();
COMMENT ON TRIGGER t_note ON remote_orders IS 'statement level';
ALTER TABLE remote_orders DISABLE TRIGGER t_before;
ALTER FOREIGN TABLE remote_orders ENABLE REPLICA TRIGGER t_delete;
"""
TRUNCATE = "CREATE TRIGGER t_truncate BEFORE TRUNCATE ON remote_orders FOR EACH STATEMENT EXECUTE FUNCTION ext.audit();\n"
# The oracle: every user trigger on a foreign table, as Postgres deparses it, whether it fires, its comment.
TRIGGERS = """SELECT c.relname, tg.tgname, pg_get_triggerdef(tg.oid), tg.tgenabled, obj_description(tg.oid, 'pg_trigger')
FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid WHERE c.relkind = 'f' AND NOT tg.tgisinternal ORDER BY 1, 2"""


def triggers(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(TRIGGERS).fetchall()


def _major(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.info.server_version // 10000


@pytest.mark.parametrize("major_db", MAJORS, indirect=True)
def test_foreign_table_triggers_round_trip_and_change(tmp_path, major_db, schemac):
    truncate = _major(major_db) >= 16  # TRUNCATE triggers on foreign tables: PostgreSQL 16+
    text = inspected(tmp_path, major_db, SOURCE + (TRUNCATE if truncate else ""), schemac)
    assert len(triggers(major_db)) == 3 + truncate
    assert "        when: (old.id > 0)\n        arguments: [a, b c]\n        enabled: replica\n" in text, text
    r = schemac("generate", "--name", "base")
    assert r.returncode == 0, r.stdout + r.stderr
    sql = _migration(tmp_path, "base")
    assert sql.index("CREATE FUNCTION ext.audit") < sql.index("CREATE TRIGGER t_before") and \
        sql.index("CREATE FOREIGN TABLE remote_orders") < sql.index("CREATE TRIGGER t_before"), sql
    with sibling_database(major_db) as b:  # an empty database
        apply_all(b, str(tmp_path / "generated"))
        assert triggers(b) == triggers(major_db)
        r = schemac("diff", "--database-url", b)
        assert r.returncode == 0, r.stdout + r.stderr
        before = text[text.index("      t_before:"):text.index("\n", text.index("      t_before:")) + 1]
        edited = text.replace(before, "").replace("when: (old.id > 0)", "when: (old.id > 10)")
        edited = edited.replace("      t_note:", "      t_new: {function: ext.audit, timing: before, events: [insert], "
                                "for_each: row, enabled: disabled}\n      t_note:")
        edited = edited.replace("        enabled: replica\n", "")
        assert edited.count("      t_") == 3 + truncate, edited
        (tmp_path / "schema.yaml").write_text(edited)
        r = schemac("generate", "--name", "change")
        assert r.returncode == 0, r.stdout + r.stderr
        apply_all(b, str(tmp_path / "generated"))
        with sibling_database(major_db) as c:  # the edited schema.yaml, by hand
            with psycopg.connect(c, autocommit=True) as conn:
                conn.execute(SOURCE.replace("WHEN (OLD.id > 0)", "WHEN (OLD.id > 10)")
                             .replace("ALTER TABLE remote_orders DISABLE TRIGGER t_before;\n", "")
                             .replace("ALTER FOREIGN TABLE remote_orders ENABLE REPLICA TRIGGER t_delete;\n", "")
                             + "DROP TRIGGER t_before ON remote_orders;\n"
                             "CREATE TRIGGER t_new BEFORE INSERT ON remote_orders FOR EACH ROW EXECUTE FUNCTION ext.audit();\n"
                             "ALTER TABLE remote_orders DISABLE TRIGGER t_new;\n" + (TRUNCATE if truncate else ""))
            assert triggers(b) == triggers(c)
        assert schemac("diff", "--database-url", b).returncode == 0

