"""An EXCLUDE, a key WITHOUT OVERLAPS (18) or a unique index of a materialized view added over rows: the migration fails
where two rows conflict under it (or, WITHOUT OVERLAPS, one holds an empty period), and `generate`, which never sees the
rows, warns at its line naming the query that lists them (plan.new_keys, beside tests/test_new_key_warning.py's keys).
The oracles are Postgres's: the migration fails over such rows, the query the warning names lists them, and the
migration applies once they are gone. A key the rows already keep is not warned of."""

import re

import psycopg
import pytest

from conftest import each_case_on_one_major
from test_new_key_warning import OLD as KEYED, assert_unwarned

OLD = KEYED.replace("      b: text\n", "      p: int4range\n")  # (t: id, a, p)
MV = "materialized_views:\n  mv:\n    query: SELECT a FROM t\n"
FUNCTION = ("functions:\n  f:\n    returns: setof integer\n    language: plpgsql\n    volatility: stable\n"
            "    body: begin return query select a from t; end\n")
ROWS = ("INSERT INTO t VALUES (1, 1, '[1,5)'), (2, 1, '[3,8)'), (3, 2, '[1,5)'), (4, 1, '[10,12)'), (-1, 1, '[1,5)'), "
        "(5, NULL, '[1,5)'), (6, NULL, '[2,5)'), (7, 3, 'empty')")
# Each case: schema.yaml's tables' tail and what follows (A, B), the warning's subject (line:column, what, holder), the
# rows the named query lists (without their ctids), the SQL making the rows apply, stepwise (the migration still fails
# before the last step: an empty period is refused on its own).
CASES = {
    "exclusion": (
        "", "    exclude:\n      - {name: t_x, elements: [{expression: 'point(a, a)', with: '~='}, "
        "{name: p, with: '&&'}], where: id > 0}\n",
        "8:9: exclusion constraint t_x of public.t is added over the rows the table holds: the migration fails where "
        "two of them conflict under it", [(("(1,1)", "[1,5)"), ("(1,1)", "[3,8)"))],
        ["UPDATE t SET p = '[5,8)' WHERE id = 2"]),
    "without-overlaps": (
        "", "    unique:\n      - {columns: [a, p], without_overlaps: true, name: t_wo}\n"
        "extensions:\n  - {name: btree_gist}\n",
        "8:9: key t_wo of public.t is added over the rows the table holds: the migration fails where two of them hold "
        "the same key over overlapping periods, or one an empty period",
        [((1, "[1,5)"), (1, "[1,5)")), ((1, "[1,5)"), (1, "[3,8)")), ((1, "[3,8)"), (1, "[1,5)")),
         ((3, "empty"), (None, None))],
        ["UPDATE t SET p = '[5,8)' WHERE id = 2", "DELETE FROM t WHERE id = -1",
         "UPDATE t SET p = '[1,2)' WHERE id = 7"]),
    "matview-kept": (
        MV, MV + "    indexes:\n      mv_a: {columns: [a], unique: true}\n",
        "11:7: unique index mv_a of public.mv is added over the rows the materialized view holds: the migration fails "
        "where two of them hold the same key", [(1, 4)], ["DELETE FROM t WHERE a = 1", "REFRESH MATERIALIZED VIEW mv"]),
    "matview-new": (
        "", MV + "    indexes:\n      mv_a: {columns: [a], unique: true}\n",
        "11:7: unique index mv_a of public.mv is added over the rows the materialized view holds: the migration fails "
        "where two of them hold the same key", [(1, 4)], ["DELETE FROM t WHERE a = 1"]),
    "matview-filled": (  # (kept unpopulated, populated by its REFRESH after the index: the rows are its query's)
        MV + "    with_data: false\n", MV + "    indexes:\n      mv_a: {columns: [a], unique: true}\n",
        "11:7: unique index mv_a of public.mv is added over the rows the materialized view holds: the migration fails "
        "where two of them hold the same key", [(1, 4)], ["DELETE FROM t WHERE a = 1"]),
    "matview-through-a-function": (  # (a new one reading t's rows through a kept function its query calls)
        FUNCTION, FUNCTION + MV.replace("SELECT a FROM t", "SELECT f AS a FROM f()")
        + "    indexes:\n      mv_a: {columns: [a], unique: true}\n",
        "17:7: unique index mv_a of public.mv is added over the rows the materialized view holds: the migration fails "
        "where two of them hold the same key", [(1, 4)], ["DELETE FROM t WHERE a = 1"]),
    "matview-emptied": (  # (new, unpopulated, read by a new populated one: made populated, emptied after: plan.populate)
        "", MV + "    with_data: false\n    indexes:\n      mv_a: {columns: [a], unique: true}\n"
        "  mv2:\n    query: SELECT count(*) AS n FROM mv\n",
        "12:7: unique index mv_a of public.mv is added over the rows the materialized view holds: the migration fails "
        "where two of them hold the same key", [(1, 4)], ["DELETE FROM t WHERE a = 1"]),
    "matview-remade": (
        MV, MV.replace("SELECT a", "SELECT a, id") + "    indexes:\n      mv_a: {columns: [a], unique: true}\n",
        "11:7: unique index mv_a of public.mv is added over the rows the materialized view holds: the migration fails "
        "where two of them hold the same key", [(1, 4)], ["DELETE FROM t WHERE a = 1"]),
}
# (the without-overlaps case reads id -1 too, under no predicate, and is refused row 7's empty period once the pairs are
# gone; an EXCLUDE's && meets no empty period)
ON_18 = {"without-overlaps"}


@pytest.mark.parametrize("major_db,case", [p for p in each_case_on_one_major(
    [pytest.param(k, id=k) for k in CASES], able=lambda c: ("pg18",) if c.id in ON_18 else ("pg18", "pg16", "pg15"))
    if p.values[1] not in ON_18 or p.values[0] == "pg18"], indirect=["major_db"])
def test_a_key_added_over_conflicting_rows_is_warned_naming_the_query_that_lists_them(major_db, tmp_path, case):
    from schemac.commands.generate import generate
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout
    from sqlx_project import generated_and_applied

    old, new, what, found, steps = CASES[case]
    generated_and_applied(tmp_path, major_db, OLD % old)
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute(ROWS)
        if "materialized_views" in old and "with_data: false" not in old:
            conn.execute("REFRESH MATERIALIZED VIEW mv")
    before = {m.path for m in Layout(out).migrations()}
    schema.write_text(OLD % new, encoding="utf-8")
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    (warning,) = [n for n in result.notices if n.startswith("warning: ")]
    assert warning.startswith(f"warning: {schema}:{what} (find them with `"), warning
    query = re.search(r"find them with `([^`]*)`", warning).group(1)
    added = [m for m in Layout(out).migrations() if m.path not in before]
    with psycopg.connect(major_db, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.IntegrityError):
            apply_files(conn, added, record=False)
        assert _listed(conn.execute(query).fetchall()) == found
        for n, step in enumerate(steps):
            conn.execute(step)
            if n < len(steps) - 1:
                with pytest.raises(psycopg.errors.IntegrityError):
                    apply_files(conn, added, record=False)
        assert conn.execute(query).fetchall() == []
        apply_files(conn, added, record=False)


def _listed(rows: list[tuple]) -> list:
    """The query's rows without their ctids: (a, p) pairs for a conflict query, the periods as Postgres prints them; the
    duplicates' rows as they are."""
    if not rows or len(rows[0]) == 2:
        return rows
    half = len(rows[0]) // 2
    text = [tuple(None if v is None else v if isinstance(v, int) else str(v).replace(" ", "") for v in r) for r in rows]
    return sorted((r[1:half], r[half + 1:]) for r in text)


@pytest.mark.parametrize("old,new", [
    # an EXCLUDE whose `=` columns a UNIQUE the table keeps covers
    ("    unique:\n      - {columns: [a], name: t_a}\n",
     "    unique:\n      - {columns: [a], name: t_a}\n    exclude:\n"
     "      - {name: t_x, elements: [{name: a, with: '='}, {name: p, with: '&&'}]}\n"),
    # an EXCLUDE over more elements than one the table keeps
    ("    exclude:\n      - {name: t_p, elements: [{name: p, with: '&&'}]}\n",
     "    exclude:\n      - {name: t_p, elements: [{name: p, with: '&&'}]}\n"
     "      - {name: t_x, elements: [{name: a, with: '='}, {name: p, with: '&&'}]}\n"),
    # a materialized view made with its unique index over a table the migration makes (no row), or left unpopulated
    ("", "  u:\n    columns: {a: integer}\nmaterialized_views:\n  mv:\n    query: SELECT a FROM u\n    indexes:\n"
     "      mv_a: {columns: [a], unique: true}\n"),
    ("", MV + "    with_data: false\n    indexes:\n      mv_a: {columns: [a], unique: true}\n"),
    # a new one whose rows hold no row of the database: a composite type it selects of, a sequence it numbers by (the
    # rows its query computes alone are the throwaway build's too)
    ("composite_types:\n  pair: {attributes: {x: integer, y: integer}}\nsequences:\n  s: {}\n",
     "composite_types:\n  pair: {attributes: {x: integer, y: integer}}\nsequences:\n  s: {}\nmaterialized_views:\n"
     "  mv:\n    query: SELECT (ROW(g, 1)::pair).x AS a, nextval('s') AS n FROM generate_series(1, 3) g\n"
     "    indexes:\n      mv_a: {columns: [a], unique: true}\n      mv_n: {columns: [n], unique: true}\n"),
    # a new one over a table the migration makes, calling a function whose body reads no relation holding rows
    ("", "  u:\n    columns: {a: integer}\nfunctions:\n  twice:\n    arguments: x integer\n"
     "    returns: integer\n    language: plpgsql\n    body: begin return x * 2; end\nmaterialized_views:\n  mv:\n"
     "    query: SELECT twice(a) AS a FROM u\n    indexes:\n      mv_a: {columns: [a], unique: true}\n"),
    # a kept one left unpopulated, under its name or renamed
    (MV + "    with_data: false\n", MV + "    with_data: false\n    indexes:\n      mv_a: {columns: [a], unique: true}\n"),
    (MV + "    with_data: false\n", MV.replace("  mv:", "  mv2:") + "    renamed_from: mv\n    with_data: false\n"
     "    indexes:\n      mv_a: {columns: [a], unique: true}\n"),
])
def test_a_key_the_rows_already_keep_or_no_row_meets_is_not_warned(tmp_path, old, new):
    assert_unwarned(tmp_path, OLD % old, OLD % new)


@pytest.mark.parametrize("major_db", ["pg15"], indirect=True)  # (ICU: Debian's 15 build has it, not 18's or 16's)
def test_an_exclude_element_of_its_own_collation_is_compared_under_it(major_db, tmp_path):
    """EXCLUDE USING btree (email COLLATE ci WITH =): ci ignores letter case, so 'Ann@x' and 'ann@x' conflict; the
    query the warning names compares the element under its own collation, not its column's, and lists them."""
    from schemac.commands.generate import generate
    from schemac.migrations.apply import apply_files
    from schemac.migrations.layout import Layout
    from sqlx_project import generated_and_applied

    schema_text = ("collations:\n  ci: {provider: icu, locale: und-u-ks-level2, deterministic: false}\ntables:\n  u:\n"
                   "    columns: {id: integer, email: text}\n%s")
    generated_and_applied(tmp_path, major_db, schema_text % "")
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    before = {m.path for m in Layout(out).migrations()}
    schema.write_text(schema_text % "    exclude:\n      - {name: u_x, using: btree, elements: [{name: email, "
                      "collation: ci, with: '='}]}\n", encoding="utf-8")
    result = generate(str(schema), out)
    (warning,) = [n for n in result.notices if n.startswith("warning: ")]
    query = re.search(r"find them with `([^`]*)`", warning).group(1)
    added = [m for m in Layout(out).migrations() if m.path not in before]
    with psycopg.connect(major_db, autocommit=True) as conn:
        conn.execute("INSERT INTO u VALUES (1, 'Ann@x'), (2, 'ann@x'), (3, 'Bob@x')")
        with pytest.raises(psycopg.errors.IntegrityError):
            apply_files(conn, added, record=False)
        assert [r[1:] for r in conn.execute(query).fetchall()] == [("Ann@x", "(0,2)", "ann@x")]
        conn.execute("DELETE FROM u WHERE id = 2")
        assert conn.execute(query).fetchall() == []
        apply_files(conn, added, record=False)
