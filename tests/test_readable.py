"""pg.readable decides without sqlglot that sqlglot reads an expression (so `inspect` imports none): each recorded form,
with every keyword of Postgres (pg_get_keywords() of the test server) and of sqlglot as its name, is what
pg.expressions reads as one expression and does not keep verbatim, unless pg.readable declines it."""

import re
import sys
import subprocess

import psycopg
import pytest

from schemac.pg.dialect import DIALECT
from schemac.pg.expressions import ExpressionError, check_expression, is_verbatim
from schemac.pg.readable import FORMS, NOT_NAMES, surely_read

_VALUES = (("0", "'x'"), ("12.50", "'{\"a\": 1} it''s'"))  # (numbers and strings: any text of theirs reads alike)


def _read(text: str) -> bool:
    try:
        check_expression(text)
    except ExpressionError:
        return False
    return not is_verbatim(text)


def _texts(form: str, name: str):
    for number, string in _VALUES:
        yield " ".join(name if p == "I" else number if p == "N" else string if p == "S" else p for p in form.split())


@pytest.mark.parametrize("every", [pytest.param(12, id="every-twelfth-word"),
                                   pytest.param(1, id="every-word", marks=pytest.mark.slow)])
def test_every_recorded_form_with_every_keyword_as_its_name(db_url, every):
    """The default run takes every twelfth keyword and each of NOT_NAMES and of the forms' own words that are keywords
    (1.1 s of CPU, 2.7 s at every sixth; ~32,000 sqlglot parses for every word); -m slow all of them."""
    with psycopg.connect(db_url) as conn:
        postgres_words = {r[0] for r in conn.execute("SELECT word FROM pg_get_keywords()")}
    assert {"select", "name", "text", "zone"} <= postgres_words
    sqlglot_words = {k.lower() for k in (*DIALECT.tokenizer_class.KEYWORDS, *DIALECT.parser_class.NO_PAREN_FUNCTION_PARSERS)
                     if re.fullmatch(r"[A-Za-z_]\w*", k)}
    words = postgres_words | sqlglot_words
    names = set(sorted(words)[::every]) | words & (NOT_NAMES | {w.lower() for f in FORMS for w in f.split()}) | {
        "price", "is_active", "x1"}
    assert all(f.split().count("I") <= 1 for f in FORMS)
    declined = set()
    for form in FORMS:
        for word in names:
            for name in (word, f'"{word.upper()} x"'):
                for text in _texts(form, name):
                    if surely_read(text):
                        assert _read(text), text
                    else:
                        declined.add(name)
    # Declined are only the words recorded (a form's own word where that form has I stands beside them).
    assert declined <= NOT_NAMES | {w for f in FORMS for w in f.split()}, declined - NOT_NAMES
    assert all(surely_read(t) for f in FORMS for t in _texts(f, "price"))


def test_what_it_declines():
    for text in ("(NOT table)", "(NOT select)", "x -- c", "(a > b)", "'a\\'::text", "E'x'::text", "(price > 1e3)",
                 "'1 day'::interval", "(NOT is_active) AND true", "now(1)", "(char_length((x)::text) > -1)"):
        assert not surely_read(text), text
    assert surely_read("(char_length((name)::text) > 0)") and surely_read('(NOT "Is Active")') and surely_read("(NOT date)")


def test_known_spellings_need_no_parse_to_be_known():
    """knowntypes.unknown_type takes pg.types' known spellings as known without sqlglot's parse: the parse says so."""
    from schemac.pg.casts import BUILTIN_TYPES
    from schemac.pg.typeparse import is_user_defined
    from schemac.pg.types import _KNOWN, is_known_spelling

    spellings = [*_KNOWN, "character varying(20)", "character(3)", "bit(4)", "numeric(10,2)", "interval(2)",
                 "timestamp(3) with time zone", "time(0) without time zone"]
    for t in (*spellings, *(s + "[]" for s in spellings)):
        assert is_known_spelling(t) and (not is_user_defined(t) or t.removesuffix("[]") in BUILTIN_TYPES), t
    assert not is_known_spelling("public.mood") and not is_known_spelling("geometry(Point,4326)")


def test_inspect_imports_no_sqlglot(db_url, tmp_path):
    """`inspect` of a database whose expressions are all of recorded forms never imports sqlglot; one kept verbatim
    still warns, at its line (which imports it)."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL DEFAULT '',"
                     " price numeric CHECK (price >= 0), is_active boolean DEFAULT true, doc jsonb DEFAULT '{}',"
                     " made timestamptz DEFAULT now(), net cidr, CHECK (char_length(name) > 0))")
        conn.execute("CREATE INDEX ON t (lower(name)) WHERE (NOT is_active)")
    code = "import sys; sys.argv[0] = 'schemac'; from schemac.cli import main; main()"

    def inspected() -> tuple[subprocess.CompletedProcess, set[str]]:
        r = subprocess.run([sys.executable, "-X", "importtime", "-c", code, "inspect", "--database-url", db_url,
                            "--output", "schema.yaml", "--force"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        return r, {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}

    r, modules = inspected()
    assert r.returncode == 0 and "schemac.schemafile.writer" in modules, r.stderr[-2000:]
    assert not {m for m in modules if m == "sqlglot" or m.startswith("sqlglot.")}
    assert "kept verbatim" not in r.stderr
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE t ADD CONSTRAINT t_rounded CHECK (price::numeric(5,-2) < 2000)")
    r, modules = inspected()
    assert r.returncode == 0 and "sqlglot" in modules
    assert [line for line in r.stderr.splitlines() if "kept verbatim" in line] == [
        "schemac: warning: schema.yaml:16:18: check 't_rounded': sqlglot cannot read this expression; "
        "kept verbatim and compared as text"]
