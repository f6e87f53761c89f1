"""A whole row written qualified by its table's schema, `s.t.*` (`(s.ident(s.src.*)).email` in a CHECK, an index, a
policy), as schema.yaml may spell it: Postgres prints it by the table's own name (`src.*`), so it compares as `t.*`
(compare.rewrite), and a column renamed under it (`renamed_from:`) is followed through it as through `t.*`
(compare.attribute_readers: the whole row picks the overload of `ident`, which also takes another composite of one
argument). Judged on the catalog (the constraint's, indexes' and policy's OIDs, the policy's pg_policy row), the rows,
diff after each migration, not only on schemac's own plan."""

from __future__ import annotations

import psycopg
from sqlx_project import apply_all

from schemac.commands.diff import check_drift
from schemac.commands.generate import generate

BEFORE = """\
schemas: [s]
composite_types:
  other: {schema: s, attributes: {email: integer, z: integer}}
functions:
  ident(s.src): {name: ident, schema: s, arguments: r s.src, returns: s.src, language: sql, volatility: immutable, body: SELECT r}
  ident(s.other): {name: ident, schema: s, arguments: r s.other, returns: s.other, language: sql, volatility: immutable, body: SELECT r}
  same(person): {name: same, arguments: r person, returns: person, language: sql, volatility: immutable, body: SELECT r}
  same(s.other): {name: same, arguments: r s.other, returns: s.other, language: sql, volatility: immutable, body: SELECT r}
tables:
  src:
    schema: s
    columns:
      id: {type: integer, primary_key: true}
      email: text
      n: integer
    checks:
      src_e: (s.ident(s.src.*)).email <> ''
    indexes:
      src_i: {columns: [{expression: (s.ident(s.src.*)).email}]}
      src_w: {columns: [id], where: (s.ident(s.src.*)).n > 0}
    row_level_security: {enabled: true}
    policies:
      src_p: {using: (s.ident(s.src.*)).email IS NOT NULL}
  person:
    columns:
      id: {type: integer, primary_key: true}
      nick: text
    checks:
      person_n: (same(public.person.*)).nick <> ''
"""
AFTER = BEFORE.replace("      email: text\n", "      mail: {type: text, renamed_from: email}\n") \
    .replace("      nick: text\n", "      handle: {type: text, renamed_from: nick}\n") \
    .replace(").email", ").mail").replace(").nick", ").handle")
HELD = ("SELECT 'constraint ' || conname, oid::int, xmin::text FROM pg_constraint WHERE conname IN ('src_e', 'person_n') "
        "UNION ALL SELECT 'index ' || relname, oid::int, xmin::text FROM pg_class WHERE relname IN ('src_i', 'src_w') "
        "UNION ALL SELECT 'policy ' || polname, oid::int, xmin::text FROM pg_policy ORDER BY 1")


def test_a_whole_row_qualified_by_its_schema(any_db_url, tmp_path):
    """Before: diff reported each of them for ever after generate's own migration ('check constraint src_e is CHECK
    (((s.ident(src.*)).email <> ''::text)), expected ... (s.ident(s.src.*)) ...'), and the rename dropped and made
    again the CHECKs and indexes and altered the policy (`s.src.*` of no type told: the overload not picked)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    schema.write_text(BEFORE)
    assert generate(str(schema), out).status == "written"
    apply_all(any_db_url, out)
    drift = check_drift(str(schema), any_db_url, out_dir=out)
    assert drift.differences == (), drift.render("text")
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO s.src VALUES (1, 'a@b', 1), (2, NULL, 0); INSERT INTO person VALUES (1, 'x')")
        held = conn.execute(HELD).fetchall()
    schema.write_text(AFTER)
    result = generate(str(schema), out)
    assert result.status == "written", result.message
    statements = [s for s in result.sql.split(";\n") if s.strip() and not s.lstrip().startswith(("--", "SET LOCAL"))]
    assert [s.strip() for s in statements] == ["ALTER TABLE s.src RENAME COLUMN email TO mail",
                                               "ALTER TABLE person RENAME COLUMN nick TO handle"], result.sql
    apply_all(any_db_url, out)
    with psycopg.connect(any_db_url, autocommit=True) as conn:
        assert conn.execute(HELD).fetchall() == held  # (kept: OIDs, and the policy's row not written)
        assert conn.execute("SELECT id, mail, n FROM s.src ORDER BY id").fetchall() == [(1, "a@b", 1), (2, None, 0)]
        assert conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'src_e'"
                            ).fetchone() == ("CHECK (((s.ident(src.*)).mail <> ''::text))",)
    drift = check_drift(str(schema), any_db_url, out_dir=out)
    assert drift.differences == (), drift.render("text")
