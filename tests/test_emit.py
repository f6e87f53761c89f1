"""schemafile/emit.py writes what PyYAML writes, byte for byte (issue 15: `inspect` without PyYAML's
per-event emitter). Documents of the writer's shapes, from the fixtures and generated with awkward
scalars: quotes, YAML indicators, booleans and numbers as text, unicode, long lines that PyYAML folds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from schemac.schemafile import writer
from schemac.schemafile.load import load_file

HERE = Path(__file__).parent
FIXTURES = [HERE / "fixtures" / "everything.yaml", HERE / "fixtures" / "objects.yaml", HERE / "fixtures" / "views.yaml",
            HERE.parent / "schema.yaml"]
EMITTER = writer._EMITTER
Flow, FlowList = writer._Flow, writer._FlowList


def same(doc) -> None:
    assert EMITTER.dump(doc) == EMITTER.pyyaml(doc)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_documents(path, monkeypatch):
    seen = []
    monkeypatch.setattr(EMITTER, "dump", lambda doc: seen.append(doc) or "")
    writer.dump_schema(load_file(str(path)))
    monkeypatch.undo()
    same(seen[0])


AWKWARD = ["", " ", "a", "a b", "Off", "NULL", "Null", "Yes", "TRUE", "y", "n", "_", "a  b", "a.", "x(1)", "e5", "E",
           "inf", "nan", "NaN", "a_1", "character varying(255)", "timestamp with time zone", " lead", "trail ", "true", "false", "yes", "no", "on", "null", "~", "0", "1.5", "0x1F",
           "1e5", "2001-01-01", "-", "- a", "-a", "?", "? a", ":", "a: b", "a:b", "#", "a #b", "a#b", "&x", "*x", "!x",
           "|", ">", "%", "@", "`", "'", "''", "it's", '"', 'say "hi"', "a'b\"c", "\\", "a\\'b", "[x]", "{x}", "a, b",
           "a,b", "now()", "'{}'::jsonb", "(x >= (0)::numeric)", "lower(email)", "é", "名前", "emoji😀", "a\tb",
           "a\nb", "\x85", "\u2028", "\ufeff", "\x7f", "x" * 130, ("word " * 30).strip(), "'" + "y " * 70 + "'",
           "character varying(100)", "timestamp with time zone", "CURRENT_USER"]
scalars = st.one_of(st.sampled_from(AWKWARD), st.text(max_size=12), st.booleans(), st.integers(-5, 10 ** 12))
names = st.one_of(st.sampled_from(AWKWARD), st.from_regex(r"\A[a-z_][a-z0-9_]{0,20}\Z"), st.text(min_size=1, max_size=8))
flows = st.recursive(scalars, lambda c: st.one_of(st.builds(FlowList, st.lists(c, min_size=1, max_size=4)),
                                                   st.builds(Flow, st.dictionaries(names, c, min_size=1, max_size=5))),
                     max_leaves=12)
block = st.recursive(flows, lambda c: st.one_of(st.lists(c, min_size=1, max_size=3),
                                                st.dictionaries(names, c, min_size=1, max_size=4)), max_leaves=20)
tables = st.dictionaries(names, st.dictionaries(st.sampled_from(["columns", "checks", "indexes", "unique", "comment"]),
                                                block, min_size=1, max_size=4), min_size=1, max_size=4)
documents = st.one_of(
    st.builds(lambda t: {"tables": t}, tables),
    st.builds(lambda e, t: {"extensions": e, "schemas": FlowList(["audit"]), "tables": t},
              st.lists(st.one_of(names, st.builds(Flow, st.dictionaries(names, scalars, min_size=1, max_size=2))),
                       min_size=1, max_size=3), tables),
    st.dictionaries(names, block, min_size=1, max_size=3),
)


# Drawing a document is most of an example's time (hypothesis's draws of the nested strategies, not the writers):
# the default run takes 6, the same on every run (SCHEMAC_EMIT_EXAMPLES=n draws n afresh), `-m slow` 300 more, afresh.
@settings(max_examples=int(os.environ.get("SCHEMAC_EMIT_EXAMPLES", "6")), deadline=None,
          derandomize="SCHEMAC_EMIT_EXAMPLES" not in os.environ)
@given(documents)
def test_generated_documents(doc):
    same(doc)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(documents)
def test_generated_documents_300(doc):
    same(doc)


def test_shared_collection_is_left_to_pyyaml():
    shared = FlowList(["a", "b"])
    same({"tables": {"t": {"indexes": {"i": Flow({"columns": shared}), "j": Flow({"columns": shared})}}}})


def test_a_block_keeping_its_final_blank_lines_before_more_keys():
    """A function body ending in blank lines (|+) written by PyYAML alone ends that part's document (`...`);
    in the whole document PyYAML writes no end there (migra's case `everything` wrote schema.yaml that
    did not load)."""
    body = writer._Block("\n declare\n  BEGIN\n    select 1;\n  END;\n\n")
    doc = {"functions": {"f": {"body": body}}, "tables": {"t": {"columns": {"a": "int"}}},
           "views": {"v": {"query": body}}}
    same(doc)
    assert "\n...\n" not in EMITTER.dump(doc)[:-4]
    same({"functions": {"f": {"body": body}}})  # the last part keeps it, as PyYAML does


def test_a_kept_trailing_break_does_not_end_the_document():
    """A `|+` body (a function whose text ends with blank lines) written by PyYAML alone ends its part with
    `...`; followed by other keys, that would end the document there (migra's privileges case)."""
    body = writer._Block("\n begin\n end;\n\n")
    same({"functions": {"f": {"body": body}}, "tables": {"t": {"columns": {"a": "text"}}}})
    same({"tables": {"t": {"comment": body}, "u": {"columns": {"a": "text"}}}})
    same({"functions": {"f": {"body": body}}})


def test_every_awkward_text_reads_back_as_itself():
    """What inspect writes loads back as the same text, in a plain scalar and in a body's block alike: U+0085 (NEL),
    a line break to YAML, was written raw in a quoted scalar and read back as a space ('chef\\x85s' -> 'chef s')."""
    for text in AWKWARD + ["chef\x85s choice", "SELECT 'a\x85'\nFROM t", "\x85\n", "a\u2028\x85b"]:
        for shape in (str, writer._Block):
            assert yaml.safe_load(EMITTER.dump({"k": shape(text)}))["k"] == text, repr(text)
