"""pg.types settles format_type()'s spellings of the common built-in types without sqlglot (the catalog's
types on `schemac diff`'s fast path): each must be what sqlglot's parse makes of it (pg.typeparse)."""

import random
import subprocess
import sys

import pytest

from schemac.pg import types
from schemac.pg.typeparse import parsed_type

WITH_MODIFIERS = ["character varying(1)", "character varying(255)", "character(1)", "character(12)", "bit(3)",
                  "numeric(12,2)", "numeric(5,0)", "numeric(1000,10)", "numeric(5,10)", "timestamp(0) with time zone",
                  "timestamp(6) without time zone", "time(3) with time zone", "time(0) without time zone",
                  "interval(2)"]
SPELLINGS = sorted(types._KNOWN) + WITH_MODIFIERS


@pytest.mark.parametrize("text", SPELLINGS)
def test_known_spellings_are_the_parsers(text):
    assert types._KNOWN_WITH_MODIFIERS.fullmatch(text) or text in types._KNOWN  # taken without a parse...
    assert types.canonical_type(text) == parsed_type(text) == text  # ...as the parser reads it
    assert types.canonical_type(text + "[]") == parsed_type(text + "[]") == text + "[]"


@pytest.mark.parametrize("text", ["character", "int4", "varchar(10)", "timestamptz", "numeric(12, 2)", "CHARACTER VARYING",
                                  "timestamp(7) with time zone", "character varying(0)", "serial"])
def test_other_spellings_still_go_through_the_parser(text):
    assert not types._KNOWN_WITH_MODIFIERS.fullmatch(text) and text not in types._KNOWN
    try:
        expected = parsed_type(text)
    except types.TypeSyntaxError:
        with pytest.raises(types.TypeSyntaxError):
            types.canonical_type(text)
        return
    assert types.canonical_type(text) == expected


@pytest.mark.parametrize("text, canonical", [("numeric(5,-2)", "numeric(5,-2)"), ("NUMERIC ( 5 , -2 )", "numeric(5,-2)"),
                                             ("decimal(1000,-1000)[]", "numeric(1000,-1000)[]"),
                                             ("numeric(4,- 3)[][]", "numeric(4,-3)[][]")])
def test_a_negative_scale_is_kept_as_format_type_spells_it(text, canonical):
    """PostgreSQL 15+ (tests/fixtures/kinds/numeric_scales.sql applies them); sqlglot cannot parse them."""
    assert types.canonical_type(text) == canonical
    assert types.build_type(canonical).sql(dialect="postgres") == canonical


@pytest.mark.parametrize("text", ["numeric(0,-2)", "numeric(1001,-2)", "numeric(5,-1001)"])
def test_a_negative_scale_out_of_range_is_an_error(text):
    with pytest.raises(types.TypeSyntaxError, match="between"):
        types.canonical_type(text)


# -- a user's type by one word: pg.typetext.plain_type, no sqlglot ----------------------------------------------------

WORDS = ["mood", "tm", "Mood", "MOOD", "my_type", "t1", "_x", "a$b", "citext", "ltree", "halfvec", "sparsevec",
         "raster", "box2d", "box3d", "isbn", "lo", "seg", "circle", "box", "line", "lseg", "path", "polygon", "macaddr8",
         "pg_lsn", "jsonpath", "txid_snapshot", "tsvector", "int2vector", "uint", "tinyint", "datetime", "string",
         "cube", "hstore", "geometry", "geography", "vector", "bpchar", "regclass", "serial", "serial4", "bigserial8",
         "float8"]
MODIFIERS = ["", "(3)", "(03)", "(0)", "(1536)", "(3,4)", "(a)", "(Point,4326)", "(point,4326)", "(PointZM,4326)",
             "(MultiPolygonZ)", "(Geometry)", "(Geometry,0)", "(Point,0)", "(select)", "(int)", "(null)", "(true)",
             "(-1)", "(+1)", "(Point,-1)", "(3, 4)", "( 3)", "(x_1,2)", "(1e3)", "(Point)", "(geometry)", "()",
             "(a.b)"]
ARRAYS = ["", "[]", "[][]", "[3]", " []", "[ ]"]
OTHERS = ['"Mood"', '"Mood"[]', 'public."my type"[]', "public.mood", "app.mood[]", "ref.kind", '"mood"', '"Name"',
          'app."T"(3)', '"text"', '"char"', "character varying(3)[]", "character varying", "double precision", "int4[]",
          "timestamp(3) with time zone", "bit varying(5)", "interval day to second", "setof tm", "mood mood", "mood.",
          "mood[]x", "1mood", "café", " mood", "mood ", "geometry(Point,4326)[3]"]


def _parse(text: str) -> str:
    try:
        return parsed_type(text)
    except types.TypeSyntaxError as e:
        return f"error: {e}"


def test_plain_type_is_the_parsers_answer_without_sqlglot():
    """plain_type answers a word sqlglot's tokenizer does not know (or a Postgres type of its own it spells as
    written), modifiers of numbers and words and one []: whatever sqlglot makes of it (pg.typeparse), spelled the
    same, or no answer (the parse then, as before). Every word of the tokenizer is tried too, and made-up words."""
    from schemac.pg.names import TOKENIZER_WORDS
    from schemac.pg.typetext import plain_type

    rng = random.Random(57)  # words of no list: a name is a name
    letters = "abcdefghijklmnopqrstuvwxyz_0123456789"
    made = ["".join(rng.choice(letters[:27 if i == 0 else 37]) for i in range(rng.randint(1, 9))) for _ in range(400)]
    words = WORDS + sorted(TOKENIZER_WORDS) + [w.upper() for w in WORDS[:12]] + made
    spellings = [w + m + a for w in words for m in MODIFIERS for a in ARRAYS if w in WORDS or w.lower() in WORDS
                 or m in ("", "(3)", "(Point,4326)")] + OTHERS
    answered, wrong = [], []
    for text in spellings:
        fast = plain_type(text)
        if fast is None:
            continue
        answered.append(text)
        if fast != _parse(text) or types.canonical_type(text) != fast:
            wrong.append((text, fast, _parse(text)))
    assert wrong == []
    # the spellings format_type() prints for a user's or an extension's type by one word are answered
    expected = {"mood", "mood[]", "tm", "Mood", "MOOD[]", "citext[]", "ltree", "halfvec(3)", "sparsevec(1536)[]",
                "geometry(Point,4326)", "geometry(PointZM,4326)[]", "geography(Point,4326)", "geometry", "geography[]",
                "vector(3)", "vector(1536)[]", "vector", "hstore", "cube[]", "bpchar", "regclass[]", "box2d",
                "circle", "tsvector[]"}
    assert expected <= set(answered)
    assert len(answered) > 2000, len(answered)
    # ...and none where the parse refuses or reads another type: a serial, sqlglot's own words, other forms
    assert not {"serial", "float8", "int4[]", "tinyint", "vector(3,4)", "vector(a)", "mood(select)", "mood(-1)",
                "mood[][]", "mood[3]", "hstore(3)", '"Mood"', "public.mood", "mood ", "a$b"} & set(answered)


def test_the_fast_paths_types_import_no_sqlglot():
    """What format_type() prints for an enum, a domain, a composite or a row type column (`mood`, `"Mood"[]`,
    `app.kind`), an extension's types, a SETOF function's result (pg.routines): spelled with no sqlglot imported
    (`schemac diff`'s fast path, tests/test_fast_path.py)."""
    code = ("import sys\nfrom schemac.pg.types import canonical_type\nfrom schemac.pg.routines import result_type\n"
            "print([canonical_type(t) for t in sys.argv[1:]], result_type('SETOF tm'), 'sqlglot' in sys.modules)\n")
    spelled = ["mood", "mood[]", '"Mood"[]', "app.kind", 'public."my type"', "citext", "vector(3)",
               "geometry(Point,4326)[]", "halfvec(16)", "tm", "character varying(3)[]"]
    r = subprocess.run([sys.executable, "-c", code, *spelled], capture_output=True, text=True, timeout=60, check=True)
    assert r.stdout.strip() == repr(["mood", "mood[]", '"Mood"[]', "app.kind", '"my type"', "citext", "vector(3)",
                                     "geometry(Point,4326)[]", "halfvec(16)", "tm", "character varying(3)[]"]) + \
        " SETOF tm False"


@pytest.mark.parametrize("text, canonical", [('"mood"', "mood"), ('"mood"[]', "mood[]"), ('"mood" [ ]', "mood[]"),
                                             ('"citext"', "citext"), ('"geometry"', "geometry"), ('"int4"', "integer"),
                                             ('"text"[]', "text[]"), ('"char"', '"char"'), ('"Mood"', '"Mood"'),
                                             ('"integer"', '"integer"'), ('"range"', '"range"')])
def test_a_quoted_name_that_reads_the_same_bare_is_the_bare_names_type(text, canonical):
    """Postgres reads `"mood"` as `mood` (and `"int4"` as int4, pg_catalog's): format_type() prints it bare, so a
    schema.yaml writing `"mood"` was a drift forever (type is mood, expected "mood"). `"char"` (the one-byte type),
    `"integer"` (no type of pg_catalog's: a user's), `"Mood"` stay quoted."""
    assert types.canonical_type(text) == canonical
