"""The identifier character classes of pg.sqllex (which migrations.sqltext splits files with), written as what they exclude (cheap to compile),
accept exactly the characters of the classes Postgres's lexer documents ([A-Za-z_\\200-\\377] and, in a
later position, also [0-9$]; dollar-quote tags without $), spelled as ranges here."""

import re

from schemac.pg import sqllex

SPELLED = {
    sqllex.IDENT_START: r"[A-Za-z_\u0080-\U0010ffff]",
    sqllex.IDENT_PART: r"[A-Za-z0-9_$\u0080-\U0010ffff]",
    sqllex.TAG_PART: r"[A-Za-z0-9_\u0080-\U0010ffff]",
}
CODE_POINTS = list(range(0, 0x800)) + list(range(0x800, 0x110000, 101)) + [0xD7FF, 0xD800, 0xDFFF, 0xE000,
                                                                       0xFFFF, 0x10000, 0x10FFFF]


def test_each_class_accepts_the_same_characters_as_its_ranges():
    for ours, spelled in SPELLED.items():
        a, b = re.compile(ours), re.compile(spelled)
        differ = [hex(cp) for cp in CODE_POINTS if bool(a.fullmatch(chr(cp))) != bool(b.fullmatch(chr(cp)))]
        assert not differ, (ours, differ[:10])


def test_words_and_dollar_tags():
    assert sqllex.WORD.match("émile$2 x").group(0) == "émile$2"
    assert sqllex.WORD.match("2x") is None and sqllex.WORD.match("$x") is None
    assert sqllex.DOLLAR.match("$body_1$ ...").group(0) == "$body_1$"
    assert sqllex.DOLLAR.match("$$").group(0) == "$$"
    assert sqllex.DOLLAR.match("$a$b$").group(0) == "$a$"
    assert sqllex.DOLLAR.match("$1$") is None and sqllex.DOLLAR.match("$a b$") is None
