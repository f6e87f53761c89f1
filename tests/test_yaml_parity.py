"""The two YAML composers of schemafile.strict build the same nodes, or the fast one steps aside.

`compose` reads libyaml's events when it can (the fast composer) and falls back to PyYAML's
pure-Python loader for everything else; every error comes from the pure-Python loader. What must hold
is that the fast composer never accepts a document the pure-Python one refuses, and never builds a
different tree: same kinds, tags, values, styles, flow or block, and the same start marks (the
file:line:col of every message). End marks are not compared: nothing reads them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from schemac.errors import SchemaFileError
from schemac.schemafile import strict
from schemac.schemafile.load import load_text
from test_fuzz_loader import CORPUS, SLOW, SNIPPETS, documents

HERE = Path(__file__).parent
FIXTURES = sorted(p for p in (HERE / "fixtures").rglob("*.yaml"))

pytestmark = pytest.mark.skipif(strict._CParser is None, reason="PyYAML without libyaml: one composer only")


def shape(node, seen=None):
    """The node tree as plain data, aliases as references to the first occurrence."""
    if node is None:
        return None
    seen = {} if seen is None else seen
    if id(node) in seen:
        return ("alias", seen[id(node)])
    seen[id(node)] = len(seen)
    mark = (node.start_mark.line, node.start_mark.column)
    if isinstance(node, ScalarNode):
        return ("scalar", node.tag, node.value, node.style, mark)
    if isinstance(node, SequenceNode):
        return ("seq", node.tag, bool(node.flow_style), mark, [shape(n, seen) for n in node.value])
    assert isinstance(node, MappingNode)
    return ("map", node.tag, bool(node.flow_style), mark, [(shape(k, seen), shape(v, seen)) for k, v in node.value])


def fast(text: str):
    """What the fast composer makes of `text` where compose would use it, else strict._REFUSED (and the
    quick pre-check compose uses says what the pattern it stands for says)."""
    assert strict._fast_takes(text) is not bool(strict.not_fast().search(text)), repr(text)
    if not text.endswith("\n") or strict.not_fast().search(text) or len(text) > strict.MAX_BYTES:
        return strict._REFUSED
    return strict._compose_fast(text)


def python(text: str):
    try:
        return ("ok", shape(strict._compose_python(text, "schema.yaml")))
    except SchemaFileError as e:
        return ("error", str(e))


def check_parity(text: str) -> bool:
    """True when the fast composer took the document (and built the same tree)."""
    got = fast(text)
    if got is strict._REFUSED:
        return False
    expected = python(text)
    assert expected[0] == "ok", f"the fast composer accepts what PyYAML refuses: {expected[1]!r}\n{text!r}"
    assert shape(got) == expected[1], f"different trees for {text!r}"
    return True


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(HERE / "fixtures")))
def test_fixtures(path):
    text = path.read_text(encoding="utf-8-sig", errors="surrogateescape")
    check_parity(text)
    # And what compose returns, or the error it raises, is the pure-Python loader's.
    try:
        got = ("ok", shape(strict.compose(text, "schema.yaml")))
    except SchemaFileError as e:
        got = ("error", str(e))
    assert got == python(text)


def test_valid_schemas_take_the_fast_path():
    for text in CORPUS:
        assert check_parity(text if text.endswith("\n") else text + "\n")


def test_without_libyaml_the_same_model(monkeypatch):
    for text in CORPUS:
        with_c = load_text(text)
        monkeypatch.setattr(strict, "_CParser", None)
        assert load_text(text) == with_c
        monkeypatch.undo()


@pytest.mark.parametrize("text", [
    "a: 1\n\tb: 2\n",  # a tab: PyYAML refuses it where libyaml takes it
    "a: x\tb\n",
    "a: |-#\n  x\n",  # block scalar header then '#'
    "a: >#\n", "#|\na: |+12#\n", "a: b|c #d\n", "a: \x7f\n", "a: \x85\u2028\n",
    "a: !'x y\n", "a: !x y\n", "a: ! y\n", "a: !!str 1\n", "!\n",  # explicit tags
    "a: [x?y]\n", "{a? : b}\n",  # '?' inside a flow plain scalar
    "---",  # no last line break: libyaml adds one, marks move
    "a:\n  b: \ufeffc\n",  # a byte order mark inside
    "a: \x1b\n",  # a character YAML forbids
    "a: &x [1]\nb: *x\nc: *y\n",  # an undefined alias
    "a: &x 1\nb: &x 2\n",  # a duplicate anchor
    "--- a\n--- b\n",  # two documents
    "[" * 70 + "]" * 70 + "\n",  # nesting past the limit
    "a: [" + "*x, " * 3 + "]\n",
])
def test_what_the_fast_composer_leaves_to_pyyaml(text):
    check_parity(text)
    try:
        got = ("ok", shape(strict.compose(text, "schema.yaml")))
    except SchemaFileError as e:
        got = ("error", str(e))
    assert got == python(text)


def test_limits_are_the_same():
    deep = "a: " + "[" * strict.MAX_DEPTH + "]" * strict.MAX_DEPTH + "\n"
    assert fast(deep) is strict._REFUSED
    assert python(deep)[0] == "error"
    ok = "a: " + "[" * (strict.MAX_DEPTH - 1) + "]" * (strict.MAX_DEPTH - 1) + "\n"
    assert check_parity(ok)
    many = "a: &x 1\nb: [" + ", ".join(["*x"] * (strict.MAX_ALIASES + 1)) + "]\n"
    assert fast(many) is strict._REFUSED and python(many)[0] == "error"
    assert check_parity("a: &x 1\nb: [" + ", ".join(["*x"] * strict.MAX_ALIASES) + "]\n")


FRAGMENTS = SNIPPETS + ["a", "b", "x:y", "a b", ": ", ":", "- ", "-", "\n", "\n  ", "\n    ", "  ", " ", ",", "?",
                        "&x ", "*x", "!", "|", ">", "|-", ">+2", "? ", "---", "...", "%TAG ! tag:x,2000:\n",
                        "\\", "\\n", "'it''s'", '"q\\"q"', "{a: b}", "[a, b]", "\n  - ", "key: ", "\n- ", "<<",
                        "=", "@", "`", "0.10", "0x1F", "null", "#"]
soup = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=40).map("".join)
# Most fragments soups have a tab or no final line break, which the fast composer leaves alone: these
# are the ones it reads.
readable_soup = soup.map(lambda t: t.replace("\t", " ").replace("\ufeff", "") + "\n")
styled_yaml = st.builds(
    lambda doc, flow, style, width: yaml.safe_dump(doc, default_flow_style=flow, default_style=style, width=width,
                                                   allow_unicode=True),
    st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12)),
                 lambda c: st.one_of(st.lists(c, max_size=4), st.dictionaries(st.text(max_size=6), c, max_size=4)),
                 max_leaves=25),
    st.sampled_from([False, True, None]), st.sampled_from([None, "'", '"', "|", ">"]), st.sampled_from([20, 80]))

# The default run: the same 60 on every run; test_parity_campaign (-m slow) runs the many, drawn afresh.
PARITY = settings(max_examples=60, deadline=None, derandomize=True)


@PARITY
@given(st.one_of(readable_soup, styled_yaml))
def test_parity_on_generated_text(text):
    check_parity(text)


@PARITY
@given(documents)
def test_parity_on_the_fuzzers_documents(text):
    check_parity(text)
    check_parity(text + "\n")


@pytest.mark.slow
@SLOW
@given(st.one_of(readable_soup, styled_yaml, documents, soup))
def test_parity_campaign(text):
    check_parity(text)
    check_parity(text + "\n")


def test_an_ascii_document_compiles_no_pattern_of_code_points():
    """The patterns of what the fast composer leaves to PyYAML hold ranges of code points (~6 ms to compile at each
    start): compiled only for text that is not ASCII (the whole pattern only for these tests), in a fresh process."""
    import subprocess
    import sys

    script = ("from schemac.schemafile import strict\n"
              "strict.compose('a:\\n  b: [1, 2]\\n', 'x.yaml')\n"
              "print(strict.not_fast.cache_info().currsize, strict._not_fast_character.cache_info().currsize)\n"
              "strict.compose('a: \\u00e9\\n', 'x.yaml')\n"
              "print(strict._not_fast_character.cache_info().currsize)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0", "0", "1"]


@pytest.mark.parametrize("path", ["schema.yaml", "dir/my schema:1.yaml", "é/ü.yaml"])
def test_the_fast_composer_s_sources_are_the_marks_text(path, monkeypatch):
    """The walker writes a fast node's source from its line and column (Walker.src): the same text, of the same class,
    as Source(path, line, column) of the pure-Python composer's marks, for every object of the fuzzers' corpus and of
    fixtures (state.json records sources: the model's equality does not compare them)."""
    from schemac.migrations.state import schema_to_json
    from schemac.model import Source

    texts = list(CORPUS) + [f.read_text(encoding="utf-8") for f in FIXTURES if f.name in _SOURCED]
    assert len(texts) > len(CORPUS) + 3
    for text in texts:
        text = text if text.endswith("\n") else text + "\n"
        if strict.compose(text, path) is None or not check_parity(text):
            continue
        made = []
        monkeypatch.setattr(Source, "__new__", lambda cls, *a: made.append(a) or str.__new__(cls, f"{a[0]}:{a[1]}:{a[2]}"))
        fast = load_text(text, path)
        assert made == []  # no constructor per source
        monkeypatch.setattr(strict, "_CParser", None)
        python = load_text(text, path)
        assert made  # the marks' sources
        monkeypatch.undo()
        assert schema_to_json(fast) == schema_to_json(python)
        assert all(type(x) is Source for x in _sources(fast)) and path in str(next(iter(_sources(fast)), path))


_SOURCED = {"everything.yaml", "objects.yaml", "views.yaml", "hostile-but-valid.yaml", "functions.yaml"}


def _sources(obj, seen=None):
    """Every Source in a model (a generator over its dataclasses and tuples)."""
    from dataclasses import fields, is_dataclass

    from schemac.model import Source

    if isinstance(obj, Source):
        yield obj
    elif isinstance(obj, tuple):
        for x in obj:
            yield from _sources(x)
    elif is_dataclass(obj):
        for f in fields(obj):
            yield from _sources(getattr(obj, f.name))
