"""pg.names quotes identifiers without sqlglot (so that `schemac diff`'s fast path never imports it): its
keywords and its quoting must stay what sqlglot's Postgres tokenizer and generator do."""

import re

import pytest
from sqlglot import exp
from sqlglot.dialects.postgres import Postgres

from schemac.pg import names
from schemac.pg.dialect import DIALECT
from schemac.pg.idents import ident

NAMES = ["a", "order", "Order", "user_id", "_x", "x1", "1x", "a b", 'we"ird', '""', "café", "é", "a$b", "select",
         "table", "geometry", "vector", "interval", "text", "json", "t" * 63, "x-y", "a.b", "UPPER", "mixedCase",
         "with space ", "tab\there", "end", "default", "cstring", "all", "analyse"]


def test_keywords_are_the_tokenizers():
    assert names._KEYWORDS == {k.lower() for k in Postgres.Tokenizer.KEYWORDS if k.isalpha() or "_" in k}
    assert names.TOKENIZER_WORDS == {k.lower() for k in Postgres.Tokenizer.KEYWORDS if re.fullmatch(r"\w+", k)}


@pytest.mark.parametrize("name", NAMES)
def test_quote_ident_prints_what_the_tree_prints(name):
    assert names.quote_ident(name) == ident(name).sql(dialect=DIALECT)
    assert names.quoted(name) == exp.Identifier(this=name, quoted=True).sql(dialect=DIALECT)


def test_format_type_ident_quotes_like_format_type():
    assert names.format_type_ident("geometry") == "geometry"
    assert names.format_type_ident("order") == '"order"'
    assert names.format_type_ident('My"Type') == '"My""Type"'
    assert names.format_type_ident("Mood") == '"Mood"'
