"""SQL-standard bodies compared by Postgres's print where `generate` has not recorded it for the database's body
(fix57e, after fix56a's commands/body_prints.py): `rebuild-state` records the prints as `generate` does."""

from __future__ import annotations

import psycopg
from sqlx_project import apply_all
from test_functions import _PRINTED_ONLY, _changed_after

from schemac.commands.diff import check_drift
from schemac.migrations.state import read_state


def test_rebuild_state_records_the_prints_generate_records(tmp_path, any_db_url, schemac):
    """`schemac rebuild-state` recorded the migrations' functions as the replay read them, their bodies Postgres's
    prints and no print of schema.yaml's text: `diff` (schema.yaml is never the record's after it) compared the
    hand-written bodies by the normal forms, and those with a subquery, a CTE, a join or a parameter beside a table
    drifted until the next `generate`. It now prints schema.yaml's bodies in the replayed database and records them
    as `generate` does; another column or table is still a change."""
    (tmp_path / "schema.yaml").write_text(_PRINTED_ONLY)
    out = str(tmp_path / "generated")
    assert schemac("generate").returncode == 0
    apply_all(any_db_url, out)
    r = schemac("rebuild-state", "--dev-url", any_db_url)
    assert r.returncode == 0, r.stderr
    assert check_drift(str(tmp_path / "schema.yaml"), any_db_url, out_dir=out).differences == ()
    nested = next(f for f in read_state(f"{out}/state.json").schema.functions if f.name == "nested")
    assert nested.body == \
        "BEGIN ATOMIC SELECT sum(s.count) + (SELECT max(c) FROM tm) FROM (SELECT count(c) FROM tm) s; END"
    with psycopg.connect(any_db_url) as conn:  # (the text as written, Postgres's print of it beside it)
        print_lines = conn.execute("SELECT pg_get_function_sqlbody('nested'::regproc)").fetchone()[0].splitlines()
    assert print_lines[3:] == nested.printed.splitlines()[3:] and "::numeric" in nested.printed  # (its derived table)
    assert _changed_after(tmp_path / "schema.yaml", any_db_url,
                          "joined() RETURNS bigint LANGUAGE sql STABLE "  # (another column)
                          "BEGIN ATOMIC SELECT count(o.id) FROM tm JOIN other o ON o.id = tm.id WHERE c > 0; END",
                          "within() RETURNS bigint LANGUAGE sql STABLE "  # (another table)
                          "BEGIN ATOMIC SELECT count(c) FROM tm WHERE c IN (SELECT id FROM tm); END",
                          out_dir=out) == {"joined()", "within()"}
