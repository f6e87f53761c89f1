"""pg.loaded answers the loader's questions of an expression (an error? kept verbatim? which columns? a plain column?)
without sqlglot for pg.readable's forms: its answers are pg.expressions' (sqlglot's) for every form with every keyword
of Postgres and of sqlglot as its name and for every expression of a recorded form in tests/fixtures and in a schema
of gen_schema.py's shape, and loading such a schema imports no sqlglot."""

import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import yaml

from schemac.pg import expressions, loaded
from schemac.pg.dialect import DIALECT
from schemac.pg.readable import FORMS, NOT_COLUMNS, _form, _placeholder, form_reading
from schemac.pg.sqllex import LexError, tokens
from test_readable import _texts

FIXTURES = Path(__file__).parent / "fixtures"
# Each form's length in tokens (one token a part: 1, 3, 4, 5, 6, 8, 9 or 12), first part and last part.
FORM_ENDS = {(len(p), p[0], p[-1]) for p in (f.split() for f in FORMS)}
LONGEST_FORM = max(n for n, _, _ in FORM_ENDS)

# gen_schema.py's tables (/work/shared/bench) as `inspect` writes them: every kind of column, default, CHECK and index
# the generator makes.
BENCH = """\
tables:
  account_00000:
    columns:
      id: {type: bigint, primary_key: true, identity: always}
      currency: {type: character varying(100), nullable: false}
      created_at: {type: timestamp with time zone, nullable: false, default: now()}
      total: numeric(12,2)
      ref_uuid: {type: uuid, nullable: false, default: gen_random_uuid()}
      attributes: jsonb
      description: {type: text, nullable: false}
      sku: character varying(32)
      is_archived: {type: boolean, nullable: false, default: 'false'}
    unique:
      - {columns: [ref_uuid]}
    checks:
      account_00000_total_check: (total >= (0)::numeric)
    indexes:
      account_00000_total_partial_idx: {columns: [total], where: (NOT is_archived)}
  account_00030:
    columns:
      id: {type: bigint, primary_key: true, identity: always}
      email: {type: character varying(128), nullable: false}
      payload: {type: jsonb, default: "'{}'::jsonb"}
      rank: {type: integer, default: '0'}
      version: {type: integer, default: '1'}
      balance: {type: 'numeric(14,2)', default: '0'}
      due_date: date
      closed_at: timestamp with time zone
      account_00000_id: {type: bigint, nullable: false}
    unique:
      - {columns: [email, balance]}
    checks:
      account_00030_email_check: (char_length((email)::text) > 0)
    foreign_keys:
      - columns: [account_00000_id]
        references: {table: account_00000, columns: [id]}
        on_delete: restrict
    indexes:
      account_00030_balance_partial_idx: {columns: [balance], where: '(balance > (0)::numeric)'}
      account_00030_email_version_idx: {columns: [email, version]}
      account_00030_due_date_desc_idx:
        columns: [{name: due_date, order: desc}]
"""


def _answers(module, text: str):
    try:
        module.check_expression(text)
    except module.ExpressionError as e:
        return ("refused", str(e))
    return (module.is_verbatim(text), module.checked_columns(text), module.referenced_columns(text),
            module.plain_column(text), module.index_element_words(text))


def _fast_route_agrees(text: str) -> bool:
    """Whether pg.loaded takes its own route for `text` (asserting its answers are sqlglot's)."""
    if form_reading(text) is None:
        return False
    assert _answers(loaded, text) == _answers(expressions, text), text
    assert _answers(loaded, text)[0] is False, text
    return True


@pytest.mark.parametrize("every", [pytest.param(12, id="every-twelfth-word"),
                                   pytest.param(1, id="every-word", marks=pytest.mark.slow)])
def test_every_form_with_every_keyword_answers_as_sqlglot(db_url, every):
    """The default run takes every twelfth keyword and each of NOT_COLUMNS (2.4 s of CPU, 3.7 s at every sixth); -m slow
    all of them."""
    with psycopg.connect(db_url) as conn:
        postgres_words = {r[0] for r in conn.execute("SELECT word FROM pg_get_keywords()")}
    sqlglot_words = {k.lower() for k in (*DIALECT.tokenizer_class.KEYWORDS, *DIALECT.parser_class.NO_PAREN_FUNCTION_PARSERS)
                     if re.fullmatch(r"[A-Za-z_]\w*", k)}
    words = set(sorted(postgres_words | sqlglot_words)[::every]) | NOT_COLUMNS | {"price", "is_active", "x1"}
    not_columns, taken = set(), 0
    for form in FORMS:
        for word in words:
            for name in (word, f'"{word.upper()} x"', f'"{word}"'):
                for text in _texts(form, name):
                    found = _form(text)  # (form, its name, the column that name is)
                    if found is not None and found[1] is not None and expressions.referenced_columns(text) != found[2]:
                        not_columns.add(found[1])
                    taken += _fast_route_agrees(text)
    # NOT_COLUMNS is exactly the names some form reads that sqlglot does not read there as a column.
    assert not_columns == NOT_COLUMNS, " ".join(sorted(not_columns))
    assert taken > 100_000 // every, taken
    assert all(_fast_route_agrees(t) for f in FORMS for t in _texts(f, "price"))


def _scalars(node):
    if isinstance(node, yaml.ScalarNode):
        yield node.value
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(key)
            yield from _scalars(value)


def _windows(text: str):
    """Every run of tokens of an SQL file that may be of a form, as written: as long as some form (up to LONGEST_FORM),
    its first and last tokens that form's first and last parts (readable._form's part of a token: one token a part).
    A text of no such run is of no form; reading each one (~370,000 runs of 1 to 12 tokens) was most of the test."""
    try:
        found = tokens(text)
    except LexError:
        return
    parts = [_placeholder(t.kind, t.text) for t in found]
    for i, first in enumerate(found):
        for n, last in enumerate(found[i:i + LONGEST_FORM], 1):
            if (n, parts[i], parts[i + n - 1]) in FORM_ENDS:
                yield text[first.start:last.start + len(last.text)]


def test_every_fixture_expression_answers_as_sqlglot():
    texts = set(_scalars(yaml.compose(BENCH)))
    for path in sorted(FIXTURES.rglob("*.yaml")):
        try:
            texts.update(s.strip() for doc in yaml.compose_all(path.read_text()) for s in _scalars(doc))
        except (yaml.YAMLError, RecursionError):
            continue  # (hostile documents PyYAML refuses, or nests past Python's stack)
    for path in sorted(FIXTURES.rglob("*.sql")):
        for statement in path.read_text().split(";"):
            texts.update(_windows(statement))
    fast = {t for t in texts if _fast_route_agrees(t)}
    assert {"now()", "gen_random_uuid()", "false", "'{}'::jsonb", "0", "1", "(total >= (0)::numeric)",
            "(char_length((email)::text) > 0)", "(NOT is_archived)", "(balance > (0)::numeric)"} <= fast
    assert len(fast) > 300, len(fast)


def test_loading_a_bench_schema_imports_no_sqlglot(tmp_path):
    """A schema of gen_schema.py's shape loads without sqlglot; one whose CHECK is of no recorded form imports it."""
    code = ("import sys; from schemac.schemafile.load import load_file; s = load_file(sys.argv[1]); "
            "print(len(s.tables), 'sqlglot' in sys.modules)")
    (tmp_path / "schema.yaml").write_text(BENCH)
    (tmp_path / "other.yaml").write_text(BENCH.replace("(total >= (0)::numeric)", "(total >= 0 AND total < 10)"))
    for name, imported in (("schema.yaml", "False"), ("other.yaml", "True")):
        r = subprocess.run([sys.executable, "-c", code, str(tmp_path / name)], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 and r.stdout.split() == ["2", imported], (name, r.stdout, r.stderr[-2000:])
