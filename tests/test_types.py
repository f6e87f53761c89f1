"""pg.types settles format_type()'s spellings of the common built-in types without sqlglot (the catalog's
types on `schemac diff`'s fast path): each must be what sqlglot's parse makes of it (pg.typeparse)."""

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
