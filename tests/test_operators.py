"""User-defined operators on a real server: a round trip where a CHECK, an index predicate, a generated column,
a trigger's WHEN, a policy and a view use them (with rows: the CHECK enforced), each change applied over rows (RESTRICT/JOIN in
place, another function with what uses the operator around it, the function re-created under it, added,
commented, dropped), inspect's YAML, drift, and the loader's errors. The oracle is SQL over pg_operator and
the rows themselves."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from catalog_oracle import fingerprint
from conftest import MAJORS
from test_aggregates import _one, _step
from test_security import roles  # noqa: F401  (a fixture)
from schemac.commands.diff import check_drift
from schemac.errors import SchemaFileError
from schemac.schemafile.load import load_text

SCHEMA = """\
schemas: [util]
functions:
  ci_eq: {arguments: "a text, b text", returns: boolean, volatility: immutable, body: SELECT lower(a) = lower(b)}
  ci_ne: {arguments: "a text, b text", returns: boolean, volatility: immutable, body: SELECT lower(a) <> lower(b)}
  rev: {arguments: "s text", returns: text, volatility: immutable, body: SELECT reverse(s)}
  stamp:
    returns: trigger
    language: plpgsql
    body: "BEGIN NEW.b := NEW.a; RETURN NEW; END"
  jsonb_subtract:
    arguments: "a jsonb, b jsonb"
    returns: jsonb
    volatility: immutable
    body: "SELECT COALESCE(jsonb_object_agg(key, value), '{}') FROM jsonb_each(a) WHERE NOT b @> jsonb_build_object(key, value)"
operators:
  ===: {left: text, right: text, function: ci_eq, commutator: ===, negator: '!==', comment: equal but for case}
  '!==': {left: text, right: text, function: ci_ne, commutator: '!==', negator: ===, restrict: neqsel, join: neqjoinsel}
  '-': {left: jsonb, right: jsonb, function: jsonb_subtract}
  '|||': {right: text, function: rev}
  '##>': {schema: util, left: integer, right: integer, function: pg_catalog.int4gt}
  '!#': {schema: util, right: integer, function: pg_catalog.int4abs}
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      a: text
      b: text
      doc: {type: jsonb, default: "'{}'::jsonb"}
      rest: {type: jsonb, generated: "doc - '{\\"k\\": 1}'::jsonb"}
    checks:
      same: a === b
      not_palindrome: (||| a) !== 'level'
      ordered: id OPERATOR(util.##>) 0
      absolute: (OPERATOR(util.!#) id) = id
    indexes:
      t_a_idx: {columns: [a], where: "a !== 'skip'"}
    triggers:
      t_stamp: {function: stamp, events: [update], timing: before, for_each: row, when: "NOT (new.a === old.a)"}
    row_level_security: {enabled: true}
    policies:
      mine: {using: "a !== 'secret'"}
      theirs: {using: "b === 'x'"}
views:
  v:
    query: "SELECT id, rest - '{\\"j\\": 2}'::jsonb AS rest FROM t WHERE a === 'X'"
"""


def _operators(url: str) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in fingerprint(url)["operators"]}


def _refused(url: str, sql: str) -> bool:
    """Whether Postgres refuses the INSERT with a CHECK violation."""
    with psycopg.connect(url, autocommit=True) as conn:
        try:
            conn.execute(sql)
        except psycopg.errors.CheckViolation:
            return True
    return False


def _rows(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("""INSERT INTO t (id, a, b, doc) VALUES (1, 'X', 'x', '{"k": 1, "j": 2, "m": 3}'),
                        (2, 'y', 'Y', '{"k": 2}')""")


def _setup(url: str, tmp_path):
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(schema, out, url, SCHEMA)
    _rows(url)
    return schema, out


def _round_trip(url: str, tmp_path, schemac) -> None:
    _setup(url, tmp_path)
    found = _operators(url)
    assert set(found) == {"===(text,text)", "!==(text,text)", "-(jsonb,jsonb)", "|||(NONE,text)",
                          "util.##>(integer,integer)", "util.!#(NONE,integer)"}
    assert found["===(text,text)"] == ("b", "ci_eq(text,text)", "boolean", "===(text,text)", "!==(text,text)",
                                       "-", "-", False, False, "equal but for case")
    assert found["!==(text,text)"][3:7] == ("!==(text,text)", "===(text,text)", "neqsel(internal,oid,internal,integer)",
                                            "neqjoinsel(internal,oid,internal,smallint,internal)")
    assert found["|||(NONE,text)"][0] == "l" and found["util.##>(integer,integer)"][1] == "int4gt(integer,integer)"
    # The CHECKs are enforced through the operators; the generated column and the view compute with them.
    assert _refused(url, "INSERT INTO t (id, a, b) VALUES (3, 'a', 'b')")
    assert _refused(url, "INSERT INTO t (id, a, b) VALUES (3, 'LEVEL', 'level')")
    assert _refused(url, "INSERT INTO t (id, a, b) VALUES (-3, 'a', 'a')")
    assert _one(url, "SELECT rest::text FROM t WHERE id = 1") == ('{"j": 2, "m": 3}',)
    assert _one(url, "SELECT id, rest::text FROM v") == (1, '{"m": 3}')
    with psycopg.connect(url, autocommit=True) as conn:  # the trigger, WHEN a changes but for case: b follows
        conn.execute("UPDATE t SET a = 'Yz', b = 'yz' WHERE id = 2; UPDATE t SET a = 'YZ' WHERE id = 2")
    assert _one(url, "SELECT a, b FROM t WHERE id = 2") == ("YZ", "Yz")
    # inspect writes them back; that schema.yaml diffs clean and loads to the same operators
    r = schemac("inspect", "--database-url", url, "--output", "inspected.yaml")
    assert r.returncode == 0, r.stderr
    written = (tmp_path / "inspected.yaml").read_text()
    assert "operators:\n" in written and "operator (" not in written, written  # none listed as not managed
    d = schemac("diff", "--database-url", url, "--schema", "inspected.yaml", "--out", "nowhere")
    assert d.returncode == 0, d.stdout + d.stderr
    assert {(o.schema, o.signature) for o in load_text(written).operators} == \
        {(o.schema, o.signature) for o in load_text(SCHEMA).operators}


def test_round_trip_with_rows_and_inspect(db_url, tmp_path, schemac):
    _round_trip(db_url, tmp_path, schemac)


@pytest.mark.slow
@pytest.mark.parametrize("any_db_url", MAJORS, indirect=True)
def test_round_trip_on_every_major(any_db_url, tmp_path, schemac):
    _round_trip(any_db_url, tmp_path, schemac)


def _changes(url: str, tmp_path) -> None:
    schema, out = _setup(url, tmp_path)
    oid = _one(url, "SELECT '===(text,text)'::regoperator::oid")[0]

    # In place: RESTRICT and JOIN (ALTER OPERATOR ... SET), a comment.
    text = SCHEMA.replace("negator: '!==', comment: equal but for case",
                          "negator: '!==', restrict: eqsel, join: eqjoinsel, comment: same but for case")
    sql = _step(schema, out, url, text)
    assert "ALTER OPERATOR === (TEXT, TEXT) SET (RESTRICT = eqsel, JOIN = eqjoinsel)" in sql, sql
    assert "DROP OPERATOR" not in sql and _one(url, "SELECT '===(text,text)'::regoperator::oid")[0] == oid
    assert _operators(url)["===(text,text)"][5:] == ("eqsel(internal,oid,internal,integer)",
                                                     "eqjoinsel(internal,oid,internal,smallint,internal)",
                                                     False, False, "same but for case")

    # Another function and HASHES: dropped and created again, the CHECK, the policy and the view
    # that use it around it; its commutator and negator links are made again; the rows stay.
    text = text.replace("  rev:", "  ci_eq_trim: {arguments: \"a text, b text\", returns: boolean, volatility: "
                                   "immutable, body: SELECT lower(btrim(a)) = lower(btrim(b))}\n  rev:").replace(
        "function: ci_eq, commutator", "function: ci_eq_trim, hashes: true, commutator")
    sql = _step(schema, out, url, text)
    for before, after in (("DROP VIEW", "CREATE VIEW"), ("DROP CONSTRAINT same", "ADD CONSTRAINT same"),
                          ("DROP POLICY IF EXISTS theirs", "CREATE POLICY theirs"),
                          ("DROP TRIGGER IF EXISTS t_stamp", "CREATE TRIGGER t_stamp")):
        order = [sql.index(s) for s in (before, "DROP OPERATOR IF EXISTS === (TEXT, TEXT)", "CREATE OPERATOR ===", after)]
        assert order == sorted(order), sql
    found = _operators(url)
    assert found["===(text,text)"][1:5] == ("ci_eq_trim(text,text)", "boolean", "===(text,text)", "!==(text,text)")
    assert found["===(text,text)"][7] is True and found["!==(text,text)"][4] == "===(text,text)"
    assert _one(url, "SELECT count(*) FROM t") == (2,)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO t (id, a, b) VALUES (3, ' Z', 'z ')")  # the new function's meaning
    assert _refused(url, "INSERT INTO t (id, a, b) VALUES (4, 'a', 'b')")

    # The operator's function re-created (a parameter renamed): the operator and what uses it go around it.
    text = text.replace('rev: {arguments: "s text"', 'rev: {arguments: "str text"').replace(
        "SELECT reverse(s)", "SELECT reverse(str)")
    sql = _step(schema, out, url, text)
    order = [sql.index(s) for s in ("DROP CONSTRAINT not_palindrome", "DROP OPERATOR IF EXISTS ||| (NONE, TEXT)",
                                    "DROP FUNCTION", "CREATE FUNCTION", "CREATE OPERATOR |||",
                                    "ADD CONSTRAINT not_palindrome")]
    assert order == sorted(order), sql
    assert _refused(url, "INSERT INTO t (id, a, b) VALUES (5, 'Level', 'level')")

    # The jsonb operator (postgresql-audit's) changes function: the generated column and the view go around it.
    text = text.replace("function: jsonb_subtract}", "function: jsonb_minus}").replace(
        "  jsonb_subtract:", "  jsonb_minus:")
    sql = _step(schema, out, url, text)
    assert "DROP OPERATOR IF EXISTS - (JSONB, JSONB)" in sql and "ADD COLUMN rest" in sql, sql
    assert _one(url, "SELECT id, rest::text FROM v") == (1, '{"m": 3}')

    # Added, then dropped once nothing uses it.
    text = text.replace("  '|||':", "  '<~>': {left: text, right: text, function: ci_ne}\n  '|||':")
    sql = _step(schema, out, url, text)
    assert "CREATE OPERATOR <~> (FUNCTION = ci_ne, LEFTARG = TEXT, RIGHTARG = TEXT)" in sql, sql
    text = text.replace("      ordered: id OPERATOR(util.##>) 0\n", "").replace(
        text[text.index("  '##>':"):text.index("  '!#':")], "")
    sql = _step(schema, out, url, text)
    assert "DROP OPERATOR IF EXISTS util.##> (INT, INT)" in sql and "util.##>" not in str(_operators(url))


@pytest.mark.parametrize("major_db", [pytest.param(m, marks=() if m == MAJORS[1] else pytest.mark.slow, id=m)
                                      for m in MAJORS], indirect=True)
def test_changes_over_rows(major_db, tmp_path):
    _changes(major_db, tmp_path)


def test_drift(db_url, tmp_path, schemac):
    schema, out = _setup(db_url, tmp_path)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("ALTER OPERATOR !== (text, text) SET (RESTRICT = eqsel)")
        conn.execute("CREATE OPERATOR ==== (LEFTARG = text, RIGHTARG = text, FUNCTION = ci_eq)")
        conn.execute("COMMENT ON OPERATOR === (text, text) IS 'other'")
    drift = check_drift(str(schema), db_url, out_dir=out)
    found = {(d.kind, d.name) for d in drift.differences}
    assert found == {("operator_changed", "!==(text, text)"), ("unexpected_operator", "====(text, text)"),
                     ("comment_changed", "===(text, text)")}, drift.render("text")


@pytest.mark.parametrize("text, message", [
    ("operators:\n  ===: {left: text, function: f}\n", "needs the key 'right'"),
    ("operators:\n  a=: {left: text, right: text, function: pg_catalog.texteq}\n", "operator name 'a='"),
    ("operators:\n  =-: {left: text, right: text, function: pg_catalog.texteq}\n", "cannot end in + or -"),
    ("operators:\n  '=--': {left: text, right: text, function: pg_catalog.texteq}\n", "start a comment"),
    ("operators:\n  ===: {left: text, right: text, function: nowhere}\n", "declares no function nowhere"),
    ("operators:\n  ===: {left: text, right: text, function: 'f(text)'}\n", "without arguments"),
    ("operators:\n  ===: {left: text, right: text, function: pg_catalog.texteq, commutator: 'a b'}\n",
     "must be an operator"),
    ("operators:\n  ===: {right: text, function: pg_catalog.texteq, hashes: true}\n", "a prefix operator"),
    ("operators:\n  ===: {left: text, right: text, function: pg_catalog.texteq, merge: true}\n", "merge"),
    ("operators:\n  ===: {left: txet, right: text, function: pg_catalog.texteq}\n", "unknown type 'txet'"),
    ("operators:\n  ===: {left: text, right: text, function: pg_catalog.texteq}\n  x: {name: ===, left: text, "
     "right: text, function: pg_catalog.texteq}\n", "declared twice"),
])
def test_loader_errors(text, message):
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    assert message in str(e.value) and str(e.value).startswith(("schema.yaml:2:", "schema.yaml:3:")), str(e.value)


def test_operators_whose_function_is_not_read_are_listed_not_written(db_url, tmp_path, schemac):
    """`inspect -n public` reads no function of `util`, and a window function is not managed: an operator calling one
    is listed as not managed (schema.yaml could not make its function), one calling Postgres's own or a function
    it reads is written, and that schema.yaml loads and generates."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA util;"
                     "CREATE FUNCTION util.ci_eq(a text, b text) RETURNS boolean LANGUAGE sql IMMUTABLE "
                     "AS 'SELECT lower(a) = lower(b)';"
                     "CREATE FUNCTION c_eq(text, text) RETURNS boolean LANGUAGE internal IMMUTABLE WINDOW AS 'texteq';"
                     "CREATE OPERATOR === (LEFTARG = text, RIGHTARG = text, FUNCTION = util.ci_eq);"
                     "CREATE OPERATOR ==== (LEFTARG = text, RIGHTARG = text, FUNCTION = c_eq);"
                     "CREATE OPERATOR =~= (LEFTARG = text, RIGHTARG = text, FUNCTION = pg_catalog.texteq)")
    r = schemac("inspect", "--database-url", db_url, "-n", "public", "--output", "schema.yaml")
    text = (tmp_path / "schema.yaml").read_text()
    assert r.returncode == 0, r.stderr
    assert "\noperators:\n  =~=: {left: text, right: text, function: pg_catalog.texteq}\n" in text, text
    assert "#   operator (2): public.===(text, text), public.====(text, text)\n" in text, text
    assert schemac("generate", "--name", "base").returncode == 0


OWNED = """\
operators:
  ===: {{left: text, right: text, function: pg_catalog.{eq}, owner: {first}}}
  '!==': {{left: text, right: text, function: pg_catalog.textne{second}}}
"""


def _owners(url: str) -> dict[str, str]:
    """The oracle: each operator of public by symbol, with pg_operator.oprowner's role."""
    with psycopg.connect(url) as conn:
        return dict(conn.execute("SELECT oprname::text, oprowner::regrole::text FROM pg_operator "
                                 "WHERE oprnamespace = 'public'::regnamespace").fetchall())


def test_owner_round_trip_drift_and_change(db_url, roles, tmp_path, schemac):
    """`owner:` pins an operator's owner (ALTER OPERATOR ... OWNER TO after CREATE); inspect writes it where it
    is not the database owner's; another owner is drift; a change of owner is applied, and an operator created
    again (another function) gets its pinned owner back."""
    owner, other = roles["owner"], roles["writer"]
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    me = _one(db_url, "SELECT current_user::regrole::text")[0]
    sql = _step(schema, out, db_url, OWNED.format(eq="texteq", first=owner, second=""))
    assert f"ALTER OPERATOR === (TEXT, TEXT) OWNER TO {owner};" in sql, sql
    assert _owners(db_url) == {"===": owner, "!==": me}
    r = schemac("inspect", "--database-url", db_url, "--output", "inspected.yaml")
    assert r.returncode == 0, r.stderr
    written = (tmp_path / "inspected.yaml").read_text()
    assert {o.name: o.owner for o in load_text(written).operators} == {"===": owner, "!==": None}, written
    d = schemac("diff", "--database-url", db_url, "--schema", "inspected.yaml", "--out", "nowhere")
    assert d.returncode == 0, d.stdout + d.stderr
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f"ALTER OPERATOR === (text, text) OWNER TO {other}")
    drift = check_drift(str(schema), db_url, out_dir=out)
    assert [(d.kind, d.name, d.expected, d.actual) for d in drift.differences] == \
        [("owner_changed", "===(text, text)", owner, other)], drift.render("text")
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f"ALTER OPERATOR === (text, text) OWNER TO {owner}")
    _step(schema, out, db_url, OWNED.format(eq="text_ge", first=owner, second=f", owner: {other}"))
    assert _owners(db_url) == {"===": owner, "!==": other}
    assert _one(db_url, "SELECT oprcode::text FROM pg_operator WHERE oprname = '==='") == ("text_ge",)


def test_an_owner_that_does_not_exist_is_drift_at_its_line(db_url, tmp_path):
    s = uuid.uuid4().hex[:8]
    (tmp_path / "schema.yaml").write_text(f"operators:\n  ===: {{left: text, right: text, function: pg_catalog.texteq, "
                                          f"owner: nobody_{s}}}\n")
    found = check_drift(str(tmp_path / "schema.yaml"), db_url).differences
    assert [(d.name, d.line) for d in found if d.kind == "missing_role"] == [(f"nobody_{s}", 2)], found


def test_a_hand_written_public_function_is_the_bare_one_inspect_reads(db_url, tmp_path):
    """`function: public.ci_eq` (no pg_catalog function hides it) is the function the catalog reader names bare:
    the migration applies and drift is clean, no change planned (the reader keeps `public.name` as written since a
    public function pg_catalog's hides needs it: the pair op-function-in-public-shadowed-by-pg-catalog)."""
    schema, out = tmp_path / "schema.yaml", str(tmp_path / "generated")
    _step(schema, out, db_url, SCHEMA.replace("function: ci_eq,", "function: public.ci_eq,"))
    assert _operators(db_url)["===(text,text)"][1] == "ci_eq(text,text)", _operators(db_url)
