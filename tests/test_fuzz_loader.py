"""Fuzzing the loader: whatever schema.yaml holds, schemac ends in a model or one located error line.

Every generated document goes through ``load_text`` in-process. It must either return a Schema, which
then survives the rest of the pipeline (diff against an empty database, plan, render, the recorded
state's JSON round trip, diff against itself), or raise ``SchemaFileError`` whose text is one line
``schema.yaml:LINE:COL: message``. Any other exception, a hang (per-document alarm) or a message
spanning lines is a bug.

Default run: 50 examples per strategy (a smoke test), the same on every run (derandomized:
a failure CI finds is the code's, not the draw's; SCHEMAC_FUZZ_EXAMPLES=n draws n afresh). ``-m slow``: at
least 10 000, drawn afresh.
Memory is checked separately: hostile documents (anchor bombs, alias floods, deep nesting, huge
files) run in a subprocess under ``RLIMIT_AS``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from conftest import one_of_each_class
from sqlglot import exp

from schemac.pg.dialect import DIALECT
from schemac.compare.differ import diff
from schemac.errors import SchemaFileError
from schemac.schemafile.load import load_text, read_schema_text
from schemac.schemafile.namespaces_hint import namespaces_hint, public_only
from schemac.model import Schema
from schemac.plan.planner import plan, render_sql
from schemac.migrations.state import State, schema_from_json

HERE = Path(__file__).parent
ROOT = HERE.parent
HOSTILE = HERE / "fixtures" / "hostile"
MESSAGE = re.compile(r"^schema\.yaml:\d+:\d+: [^\n]+$")
PER_DOCUMENT_SECONDS = 20

# Profiles: the default run stays quick, the slow one is the real fuzz campaign.
_COMMON = dict(deadline=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
settings.register_profile("schemac-fuzz", max_examples=int(os.environ.get("SCHEMAC_FUZZ_EXAMPLES", 50)),
                          derandomize="SCHEMAC_FUZZ_EXAMPLES" not in os.environ, **_COMMON)
settings.register_profile("schemac-fuzz-slow", max_examples=int(os.environ.get("SCHEMAC_SLOW_FUZZ_EXAMPLES", 12_000)),
                          derandomize=False, **_COMMON)
FUZZ = settings(settings.get_profile("schemac-fuzz"))
SLOW = settings(settings.get_profile("schemac-fuzz-slow"))


# -- the oracle ---------------------------------------------------------------------------------

class Hang(Exception):
    pass


@contextmanager
def alarm(seconds: int):
    def on_alarm(signum, frame):
        raise Hang(f"document took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def check_document(text: str):
    """The property: a Schema that survives the pipeline, or one located error line. Returns the outcome."""
    with alarm(PER_DOCUMENT_SECONDS):
        hints = []  # `diff` starts its catalog read on this guess (schemafile.namespaces_hint): never raises
        try:
            schema = load_text(text, "schema.yaml", lambda root: hints.append(namespaces_hint(root)))
        except SchemaFileError as e:
            message = str(e)
            assert MESSAGE.match(message), f"not one located line: {message!r}"
            assert message.isprintable(), f"control or invisible characters in the message: {message!r}"
            return e
        assert isinstance(schema, Schema)
        assert hints in ([], [None], [schema.namespaces]), "the schemas guessed from the tree are not the model's"
        assert not public_only(text) or schema.namespaces == ("public",), "the text names schemas it was not seen to"
        changes = diff(Schema(), schema)
        sql = render_sql(plan(changes))
        assert isinstance(sql, str)
        assert "\x00" not in sql
        assert diff(schema, schema) == [], "a schema differs from itself"
        # What generate records must read back as the same schema (state.json is what the next diff uses).
        state = State("0" * 64, "1_x.sql", schema)
        back = schema_from_json(json.loads(state.dumps()))
        assert back == schema
        assert diff(back, schema) == []
        return schema


# -- corpus of valid documents ---------------------------------------------------------------------

def _readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"## schema.yaml reference\s+```yaml\n(.*?)```", text, re.S)
    return m.group(1) if m else ""


SMALL = """\
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      name: {type: text, nullable: false, default: "'x'", comment: hello}
    unique:
      - columns: [name]
    checks:
      name_len: length(name) < 100
    indexes:
      t_name: {columns: [{name: name, order: desc, nulls: last}], where: "id > 0", include: [id]}
"""

CORPUS = [text for text in (
    (HERE / "fixtures" / "everything.yaml").read_text(encoding="utf-8"),
    (ROOT / "schema.yaml").read_text(encoding="utf-8"),
    _readme_example(),
    SMALL,
) if text.strip()]
CORPUS_DATA = [yaml.safe_load(text) for text in CORPUS]


# -- strategies ----------------------------------------------------------------------------------

HOSTILE_NAMES = [
    "a\"b", "x; DROP TABLE y; --", "Order", "select", "user", "naïve", "名前", "emoji😀", "with space", "a\tb",
    "a\nb", "a\rb", "\u2028", "\u202e", "\ufeff", "\x1b[31mred", "", " ", "a" * 63, "a" * 64, "é" * 32, "$$", "/*",
    "--", "\\", "'", "''", "\"", "%s", "%(x)s", "{}", "on", "no", "NULL", "null", "~", "0x10", "1e5", "-", "?",
    ":", "*x", "&x", "!x", "#", "@", "`", "|", ">", "\x00", "\x7f", "\x85", "\ud7ff", "\U0010ffff",
]
HOSTILE_SQL = [
    "now()", "0", "'x'", "1; DROP TABLE t", "'a'; DROP TABLE t; --'", "-- c", "/* c */ 1", "1 /*", "$$x$$",
    "$$it's$$", "$a$ $$ $a$", "'\\'", "E'\\''", "'a''b'", "\"a\"", "(SELECT 1)", "DROP TABLE t", "x IN (SELECT 1)",
    "pg_sleep(10)", "lower(name)", "name", "id > 0", "CASE WHEN true THEN 1 END", "ARRAY[1,2]", "'{}'::jsonb",
    "interval '1 day'", "1e999999", "9" * 400, "((((((((((1))))))))))", "(" * 300 + "1" + ")" * 300, "NULL",
    "COPY t TO PROGRAM 'x'", "1 \\; 2", "U&'\\0041'", "B'101'", "current_user", "COMMIT", "BEGIN", "SET role x",
    "a BETWEEN 0 AND 1", "t.a > 0", "\"t\".\"a\"", "x::regclass", "nextval('s')", "$1", "?", ":x", "@x", "{x}",
    "1 + ", "'unterminated", "\"unterminated", "$$unterminated", "/* unterminated", "\x00", "é > 0", "1 -- c\n",
]
TYPES = ["integer", "int4", "text", "varchar(100)", "decimal(3,2)", "numeric(1000,2)", "timestamptz", "uuid",
         "jsonb", "text[]", "integer[][]", "bit varying(8)", "serial", "int; DROP TABLE x", "varchar((", "", " ",
         "foo", "\"My Type\"", "schema.type", "varchar(99999999999999999999)", "numeric(-1)", "char(0)",
         "double precision", "float(24)", "float(99)", "time(3) with time zone", "interval", "interval day",
         "regclass", "oid", "int4range", "tsvector", "geometry(Point, 4326)", "int[3]", "text[][][]", "bit(0)"]

BIG_NUMBERS = [str(10 ** 400), "-" + "9" * 200, "1e999999", "0x" + "f" * 100, "0o777", "0b101", ".inf", "-.nan",
               "1_000_000", "+12", "0.10", "1:20:30", "2001-12-14t21:59:43.10-05:00"]

# sqlglot knows every dialect's functions and types: its builders are part of the attack surface.
SQLGLOT_FUNCTIONS = sorted(set(DIALECT.parser_class.FUNCTIONS) | set(DIALECT.parser_class.FUNCTION_PARSERS))
SQLGLOT_TYPES = sorted(t.name for t in exp.DataType.Type)
ARGUMENTS = ["", "1", "a", "'x'", "NULL", "*", "ARRAY[1]", "DISTINCT a", "1, 2", "a, b, c", "'x', 'y', 'z', 'w'",
             "a ORDER BY b", "1 AS x"]
function_calls = st.builds(lambda f, args: f"{f}({', '.join(args)})", st.sampled_from(SQLGLOT_FUNCTIONS),
                           st.lists(st.sampled_from(ARGUMENTS), max_size=3))
OPENERS = [("ARRAY[", "]"), ("(", ")"), ("lower(", ")"), ("TIME(", ")"), ("a[", "]"), ("STRUCT(", ")"),
           ("CASE WHEN true THEN ", " END"), ("NOT ", ""), ("VARCHAR[", "]"), ("coalesce(", ", 1)")]
nested_expressions = st.lists(st.sampled_from(OPENERS), min_size=1, max_size=60).map(
    lambda ops: "".join(o for o, _ in ops) + "1" + "".join(c for _, c in reversed(ops)))
foreign_types = st.builds(lambda t, suffix: t.lower() + suffix, st.sampled_from(SQLGLOT_TYPES + SQLGLOT_FUNCTIONS[:200]),
                          st.sampled_from(["", "[]", "(1)", "(a)", "(1,2,3)", "<int>", " unsigned", "()", "(now())",
                                           " DEFAULT 1", " COLLATE \"C\"", "(1)[]"]))

unicode_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
control_text = st.text(alphabet=st.sampled_from(list("\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u2028\u2029\u202e\ufeff\t\n\r ;'\"$-/*")), max_size=8)
names = st.one_of(st.sampled_from(HOSTILE_NAMES), st.from_regex(r"\A[a-z_][a-z0-9_]{0,10}\Z"), unicode_text,
                  control_text)
sql_snippets = st.one_of(st.sampled_from(HOSTILE_SQL), unicode_text, control_text,
                         st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE_SQL), st.sampled_from(HOSTILE_SQL)),
                         function_calls, nested_expressions)
types = st.one_of(st.sampled_from(TYPES), foreign_types)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10 ** 400), max_value=10 ** 400),
    st.floats(allow_nan=True, allow_infinity=True), names, sql_snippets, types,
)
data_trees = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=5),
                               st.dictionaries(st.one_of(names, st.integers(), st.booleans(), st.none()), children,
                                               max_size=5)),
    max_leaves=40,
)


VALID_NAMES = ["id", "name", "Order", "select", "user", "naïve", "名前", "emoji😀", "with space", 'a"b', "a'b",
               "x; DROP TABLE y; --", "$$", "/*", "--", "\\", "e" * 63, "é" * 31, "MixedCase", "on", "null"]
VALID_TYPES = ["integer", "int4", "bigint", "text", "varchar(100)", "decimal(3,2)", "numeric", "timestamptz", "uuid",
               "jsonb", "text[]", "boolean", "date", "interval", "bytea", "bit varying(8)", "double precision"]
VALID_DEFAULTS = ["now()", "0", "-1", "'x'", "$$it's$$", "'a;b -- c /* d */ $$'", "'\\'", "E'\\''", "NULL",
                  "'{}'::jsonb", "lower('A')", "(1 + 2) * 3", "'\"quoted\"'", "U&'\\0041'", "interval '1 day'",
                  "$t$ ; $t$"]


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def column_expressions(column: str) -> list[str]:
    q = quote_ident(column)
    return [f"{q} IS NOT NULL", f"length({q}::text) < 10", f"{q}::text <> ';--/*$$'''",
            f"{q} IS DISTINCT FROM NULL AND true"]


@st.composite
def schema_like(draw):
    """Documents shaped like schema.yaml, from legal and hostile parts, with a per-document hostility level.

    Low levels give valid schemas with awkward names and literals (they exercise the whole pipeline);
    high levels reach every rejection path of the loader.
    """
    level = draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3, 5, 8, 10]))

    def pick(valid, hostile):
        return draw(hostile) if draw(st.integers(0, 9)) < level else draw(valid)

    plain = st.one_of(st.from_regex(r"\A[a-z_][a-z0-9_]{0,10}\Z"), st.sampled_from(VALID_NAMES))
    tables = {}
    for _ in range(draw(st.integers(0, 3))):
        cols: dict = {}
        col_names = list(dict.fromkeys(pick(st.lists(plain, min_size=1, max_size=4, unique=True),
                                            st.lists(names, max_size=4))))
        for cname in col_names:
            if draw(st.booleans()):
                cols[cname] = pick(st.sampled_from(VALID_TYPES), types)
                continue
            col: dict = {"type": pick(st.sampled_from(VALID_TYPES), st.one_of(types, scalars))}
            for key, valid, hostile in (
                    ("nullable", st.booleans(), scalars),
                    ("default", st.sampled_from(VALID_DEFAULTS), sql_snippets),
                    ("primary_key", st.booleans(), scalars),
                    ("unique", st.booleans(), scalars),
                    ("comment", unicode_text, st.one_of(control_text, sql_snippets, scalars)),
                    ("renamed_from", plain, names)):
                if draw(st.integers(0, 4)) == 0:
                    col[key] = pick(valid, hostile)
            if level and draw(st.integers(0, 20)) < level:
                col[draw(names)] = draw(scalars)
            cols[cname] = col
        table: dict = {"columns": cols}
        some_col = st.sampled_from(col_names) if col_names else names
        some_cols = st.lists(some_col, min_size=1, max_size=3, unique=True)
        hostile_cols = st.lists(st.one_of(some_col, names), max_size=3)
        col_exprs = (st.sampled_from(col_names).flatmap(lambda c: st.sampled_from(column_expressions(c)))
                     if col_names else st.just("true"))
        if draw(st.integers(0, 3)) == 0:
            table["schema"] = pick(plain, names)
        if draw(st.integers(0, 3)) == 0:
            table["comment"] = pick(unicode_text, st.one_of(control_text, sql_snippets, scalars))
        if draw(st.integers(0, 3)) == 0:
            table["primary_key"] = {"columns": pick(some_cols, hostile_cols)}
        if draw(st.integers(0, 3)) == 0:
            table["unique"] = [{"columns": pick(some_cols, hostile_cols),
                                **({"name": pick(plain, names)} if draw(st.booleans()) else {})}]
        if draw(st.integers(0, 2)) == 0:
            table["checks"] = {pick(plain, names): pick(col_exprs, sql_snippets) for _ in range(draw(st.integers(1, 3)))}
        if draw(st.integers(0, 2)) == 0:
            idx = {}
            for _ in range(draw(st.integers(1, 2))):
                element = st.one_of(
                    some_col,
                    st.fixed_dictionaries({"name": some_col},
                                          optional={"order": st.sampled_from(["asc", "desc", "DESC"]),
                                                    "nulls": st.sampled_from(["first", "last"])}),
                    st.fixed_dictionaries({"expression": col_exprs}),
                )
                hostile_element = st.one_of(names, st.fixed_dictionaries(
                    {"name": names}, optional={"order": st.sampled_from(["up", ""]), "nulls": scalars}),
                    st.fixed_dictionaries({"expression": sql_snippets}), data_trees)
                body: dict = {"columns": pick(st.lists(element, min_size=1, max_size=3),
                                              st.lists(st.one_of(element, hostile_element), max_size=3))}
                for key, valid, hostile in (
                        ("unique", st.booleans(), scalars),
                        ("method", st.sampled_from(["btree", "btree", "hash", "gin"]), st.sampled_from(["x", "BTREE", ""])),
                        ("where", col_exprs, sql_snippets),
                        ("include", some_cols, hostile_cols)):
                    if draw(st.integers(0, 3)) == 0:
                        body[key] = pick(valid, hostile)
                idx[pick(plain, names)] = body
            table["indexes"] = idx
        tables[pick(plain, names)] = table
    return yaml.safe_dump({"tables": tables}, allow_unicode=draw(st.booleans()),
                          default_flow_style=draw(st.sampled_from([False, None, True])), sort_keys=False)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


def _reaches(node, target) -> bool:
    """Whether `target` is `node` or inside it (by identity; shared parts are walked once)."""
    todo, seen = [node], set()
    while todo:
        n = todo.pop()
        if n is target:
            return True
        if id(n) in seen:
            continue
        seen.add(id(n))
        todo.extend(n.values() if isinstance(n, dict) else n if isinstance(n, list) else ())
    return False


def _get(node, path):
    for p in path:
        node = node[p]
    return node


@st.composite
def mutated_data(draw):
    """A valid schema.yaml, parsed, mutated in its structure (delete, rename, retype, nest, share), dumped again."""
    import copy

    doc = copy.deepcopy(draw(st.sampled_from(CORPUS_DATA)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _get(doc, path[:-1])
        key = path[-1]
        op = draw(st.sampled_from(["delete", "rename", "retype", "nest", "share", "wrap_list", "hostile_name",
                                   "hostile_sql", "big_number"]))
        if op == "delete":
            del parent[key]
        elif op == "rename" and isinstance(parent, dict):
            value = parent.pop(key)
            parent[draw(st.one_of(names, st.integers(), st.booleans()))] = value
        elif op == "retype":
            parent[key] = draw(data_trees)
        elif op == "nest":
            depth = draw(st.integers(1, 80))
            value = parent[key]
            for _ in range(depth):
                value = draw(st.sampled_from([lambda v: [v], lambda v: {"k": v}]))(value)
            parent[key] = value
        elif op == "share":
            # the same object in two places: yaml.dump writes an anchor and an alias
            target = draw(st.sampled_from(paths))[:-1]
            other = _get(doc, target)
            if _reaches(parent[key], other):
                continue  # inside itself (also through an earlier share): a cycle, which no YAML text can spell
            if isinstance(other, dict):
                other[draw(names)] = parent[key]
            elif isinstance(other, list):
                other.append(parent[key])
        elif op == "wrap_list":
            parent[key] = [parent[key]] * draw(st.integers(0, 3))
        elif op == "hostile_name" and isinstance(parent, dict):
            value = parent.pop(key)
            parent[draw(names)] = value
        elif op == "hostile_sql":
            parent[key] = draw(sql_snippets)
        elif op == "big_number":
            parent[key] = draw(st.sampled_from(BIG_NUMBERS))
    try:
        return yaml.dump(doc, allow_unicode=draw(st.booleans()), default_flow_style=draw(st.sampled_from([False, None])),
                         sort_keys=False, Dumper=yaml.SafeDumper)
    except yaml.YAMLError:
        return yaml.safe_dump({"unrepresentable": True})


SNIPPETS = ["&a ", "*a", "&a [x, x, x]", "[*a, *a, *a]", "<<: ", "!!python/object/apply:os.system ['true']",
            "!!str ", "!!binary ", "!!set ", "!!omap ", "? ", "{", "}", "[", "]", ": ", "- ", "'", "\"", "# ", "\t",
            "\r\n", "\r", "\x85", "\u2028", "\ufeff", "%YAML 1.1\n---\n", "---\n", "...\n", "|\n  ", ">-\n  ",
            "\\x00", "\"\\0\"", "\"\\e\"", "\"\\u202e\"", "\"\\N\"", "\"\\L\"", "9" * 500, "1e999", ".nan", "~",
            "yes", "on", "no", "0o17", "2001-01-01", "é", "😀", "名", "\x7f", "\x1b", "&b *b", "*undefined"]


@st.composite
def mutated_text(draw):
    """A valid schema.yaml with its text mutated: lines deleted, duplicated (duplicate keys), swapped, spliced."""
    lines = draw(st.sampled_from(CORPUS)).split("\n")
    for _ in range(draw(st.integers(1, 5))):
        if not lines:
            lines = [""]
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "replace_char", "delete_char",
                                   "indent", "dedent", "crlf"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op in ("insert", "replace_char", "delete_char"):
            line = lines[i]
            pos = draw(st.integers(0, len(line)))
            snippet = draw(st.one_of(st.sampled_from(SNIPPETS), unicode_text, control_text))
            if op == "insert":
                lines[i] = line[:pos] + snippet + line[pos:]
            elif op == "replace_char":
                lines[i] = line[:pos] + snippet + line[pos + 1:]
            else:
                lines[i] = line[:pos] + line[pos + 1:]
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i][2:]
        else:
            return "\r\n".join(lines)
    return "\n".join(lines)


raw_text = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.sampled_from(list("abc:- \n\t{}[],'\"&*!|>#%@`?~0123.\\")), max_size=200),
    st.lists(st.sampled_from(SNIPPETS + ["tables:\n", "  t:\n", "    columns:\n", "      a: text\n", "  "]),
             max_size=30).map("".join),
)
arbitrary_yaml = data_trees.flatmap(lambda d: st.sampled_from([
    yaml.safe_dump(d, allow_unicode=True), yaml.safe_dump(d, default_flow_style=True),
    yaml.safe_dump({"tables": d}), yaml.safe_dump({"tables": {"t": d}}),
    yaml.safe_dump({"tables": {"t": {"columns": d}}}),
]))

documents = st.one_of(schema_like(), mutated_data(), mutated_text(), raw_text, arbitrary_yaml)


# -- the default run --------------------------------------------------------------------------------

@FUZZ
@given(schema_like())
def test_schema_shaped_documents(text):
    check_document(text)


@FUZZ
@given(mutated_data())
def test_structural_mutations_of_valid_schemas(text):
    check_document(text)


@FUZZ
@given(mutated_text())
def test_text_mutations_of_valid_schemas(text):
    check_document(text)


@FUZZ
@given(st.one_of(raw_text, arbitrary_yaml))
def test_arbitrary_documents(text):
    check_document(text)


# -- the campaign --------------------------------------------------------------------------------------

@pytest.mark.slow
@SLOW
@given(documents)
def test_fuzz_campaign(text):
    check_document(text)


# -- the corpus itself, and every regression the fuzzer found ---------------------------------------

@pytest.mark.parametrize("index", range(len(CORPUS)))
def test_corpus_documents_load(index):
    assert isinstance(check_document(CORPUS[index]), Schema)


def _hostile_fixtures():
    return sorted(HOSTILE.glob("*.yaml")) if HOSTILE.exists() else []


@pytest.mark.parametrize("path", _hostile_fixtures(), ids=lambda p: p.name)
def test_hostile_fixture(path, capsys):
    """Each fixture's first line says what must happen: `# expect: error <fragment>`, `# expect: ok`, or
    `# expect: warning <fragment>` (read, with a warning line holding it, every warning one printable line)."""
    text = read_schema_text(str(path))  # exactly as the CLI reads it (BOM, CRLF, UTF-8 check)
    first = re.split(r"\r?\n", text, maxsplit=1)[0]
    m = re.match(r"^# expect: (ok|error|warning)(?: (.*))?$", first)
    assert m, f"{path.name}: first line must be '# expect: ok', '# expect: error FRAGMENT' or " \
              "'# expect: warning FRAGMENT'"
    outcome = check_document(text)
    if m.group(1) in ("ok", "warning"):
        assert isinstance(outcome, Schema), outcome
        if m.group(1) == "warning":
            warned = capsys.readouterr().err.splitlines()
            assert any(m.group(2) in line for line in warned), warned
            assert all(line.startswith("schemac: warning: schema.yaml:") and line.isprintable() for line in warned)
    else:
        assert isinstance(outcome, SchemaFileError), "expected a located error"
        if m.group(2):
            assert m.group(2) in str(outcome), str(outcome)


# Regressions found by fuzzing (each was a traceback, a multi-line message, or SQL Postgres rejects).
REGRESSIONS = [
    # a name with a line break made a two-line error message; Postgres holds such names: read, with a warning
    ("newline-in-table-name", 'tables:\n  "a\\nb": {columns: {}}\n', "ok", None),
    ("newline-in-unknown-key", 'tables:\n  t:\n    "col\\nums": {}\n', "error", "col\\nums"),
    ("escape-sequence-in-name", 'tables:\n  "\\e[31mred": {columns: {a: text}}\n', "ok", None),
    ("bidi-override-in-name", 'tables:\n  "a\\u202eb": {columns: {a: text}}\n', "ok", None),
    ("tab-in-column-name", 'tables:\n  t: {columns: {"a\\tb": text}}\n', "ok", None),
    ("nul-in-name", 'tables:\n  "a\\0b": {columns: {a: text}}\n', "error", "NUL"),
    # NUL can come in through a YAML escape; PostgreSQL text cannot hold it
    ("nul-in-comment", 'tables:\n  t:\n    comment: "a\\0b"\n    columns: {a: text}\n', "error", "NUL"),
    ("nul-in-default", "tables:\n  t:\n    columns: {a: {type: text, default: \"'a\\0'\"}}\n", "error", "NUL"),
    ("nul-in-type", 'tables:\n  t:\n    columns: {a: "int\\0"}\n', "error", "NUL"),
    # unicode that is fine: names and comments outside ASCII
    ("unicode-ok", "tables:\n  名前:\n    comment: \"it's -- /* $$ ; \\\\ \\t tab\"\n    columns: {naïve: text, "
     "\"emoji😀\": integer}\n", "ok", None),
    # Postgres limits: 1600 columns, 32 index keys
    ("too-many-index-columns", "tables:\n  t:\n    columns: {a: text}\n    indexes:\n      i: {columns: ["
     + ", ".join(["a"] * 33) + "]}\n", "error", "at most 32"),
    ("too-many-columns", "tables:\n  t:\n    columns:\n" + "".join(f"      c{i}: text\n" for i in range(1601)),
     "error", "at most 1600"),
    ("reader-error-location", "tables:\n  t:\n    columns: {a: text}\n    comment: \"\x07\"\n", "error", None),
]


@pytest.mark.parametrize("case_id,text,expect,fragment", REGRESSIONS, ids=[r[0] for r in REGRESSIONS])
def test_fuzz_regressions(case_id, text, expect, fragment):
    outcome = check_document(text)
    if expect == "ok":
        assert isinstance(outcome, Schema), outcome
    else:
        assert isinstance(outcome, SchemaFileError), f"{case_id}: accepted"
        if fragment:
            assert fragment in str(outcome), str(outcome)


def test_reader_error_points_at_the_character():
    """A character YAML forbids (here BEL) is reported at its own line, not at 1:1."""
    text = "tables:\n  t:\n    columns: {a: text}\n    comment: \"\x07\"\n"
    with pytest.raises(SchemaFileError) as e:
        load_text(text, "schema.yaml")
    assert str(e.value).startswith("schema.yaml:4:"), str(e.value)


# -- bounded memory and time ------------------------------------------------------------------------

def _bomb(levels: int, width: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def _bomb_in_index(levels: int, width: int) -> str:
    """A bomb the walker would expand: index columns that are aliases of ever-larger lists."""
    lines = ["tables:", "  t:", "    columns: {a: text}", "    indexes:"]
    lines.append("      i0: {columns: &c0 [" + ", ".join(["a"] * width) + "]}")
    for i in range(1, levels):
        lines.append(f"      i{i}: {{columns: &c{i} [" + ", ".join([f"*c{i - 1}"] * width) + "]}")
    return "\n".join(lines) + "\n"


def _many_tables(count: int) -> str:
    return "tables:\n" + "".join(f"  t{i}: {{columns: {{a: text, b: integer}}, checks: {{c{i}: a > 'x'}}}}\n"
                                  for i in range(count))


def _long_expression(terms: int) -> str:
    return "tables:\n  t:\n    columns: {a: integer}\n    checks:\n      c: '" + " + ".join(["a"] * terms) + " > 0'\n"


MEMORY_CASES = {
    "billion-laughs": _bomb(9, 10) + "tables:\n  t: {columns: {a: text}}\n",
    "bomb-in-index-columns": _bomb_in_index(8, 10),
    "alias-flood": "x: &x a\ntables:\n  t:\n    columns:\n      a: {type: text, comment: [" + ", ".join(["*x"] * 20_000) + "]}\n",
    "deep-flow": "tables: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "deep-flow-mappings": "tables: " + "{a: " * 50_000 + "b" + "}" * 50_000 + "\n",
    "deep-block": "tables:\n" + "".join("  " * i + "- \n" for i in range(1, 3000)),
    "many-tables": _many_tables(3000),
    "many-tables-1000": _many_tables(1000),
    "huge-scalar": "tables:\n  t:\n    comment: '" + "x" * 12_000_000 + "'\n    columns: {a: text}\n",
    "too-large": "# " + "x" * (17 * 1024 * 1024) + "\n",
    "long-expression": _long_expression(20_000),
    "long-expression-5000": _long_expression(5_000),
    "deep-expression": "tables:\n  t:\n    columns: {a: integer}\n    checks:\n      c: '" + "(" * 5000 + "a" + ")" * 5000 + " > 0'\n",
}

_MEMORY_RUNNER = textwrap.dedent("""
    import json, os, resource, signal, sys, time, traceback
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from schemac.errors import SchemaFileError
    from schemac.schemafile.load import load_text
    from schemac.compare.differ import diff
    from schemac.model import Schema
    from schemac.plan.planner import plan, render_sql

    def run(path):
        text = open(path, encoding="utf-8").read()
        start = time.monotonic()
        try:
            schema = load_text(text, "schema.yaml")
            render_sql(plan(diff(Schema(), schema)))
            outcome = "ok"
        except SchemaFileError as e:
            outcome = "error: " + str(e)[:300]
        print(json.dumps({"outcome": outcome, "seconds": time.monotonic() - start,
                          "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))

    # One document a line of stdin, each in a child forked from this process (the interpreter and schemac already
    # loaded, under the same limit): its stdout and stderr to PATH.out and PATH.err, its exit status a line here (a
    # child still running after 120 s ends by SIGALRM: -14).
    for line in sys.stdin:
        path = line.rstrip("\\n")
        pid = os.fork()
        if pid == 0:
            signal.alarm(120)
            code = 0
            with open(path + ".out", "w") as out, open(path + ".err", "w") as err:
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                try:
                    run(path)
                except BaseException:
                    traceback.print_exc()
                    code = 1
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)
        print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
""")
MEMORY_LIMIT = 1024 * 1024 * 1024  # 1 GiB of address space for the whole interpreter


@pytest.fixture(scope="module")
def memory_runner():
    """A process under MEMORY_LIMIT that loads each document given in a child of its own (a fork: ten interpreters'
    start-up and imports were most of these cases' time): (exit status, stdout, stderr) of a document's run."""
    runner = subprocess.Popen([sys.executable, "-c", _MEMORY_RUNNER, str(MEMORY_LIMIT)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)

    def run(path: Path) -> subprocess.CompletedProcess:
        runner.stdin.write(f"{path}\n")
        runner.stdin.flush()
        status = runner.stdout.readline()
        assert status, f"the memory runner ended (status {runner.poll()})"
        out, err = (Path(f"{path}.{end}").read_text(encoding="utf-8") for end in ("out", "err"))
        return subprocess.CompletedProcess([str(path)], int(status), out, err)

    try:
        yield run
    finally:
        runner.stdin.close()
        runner.wait(timeout=60)


# The largest of a class under -m slow only (conftest.one_of_each_class): the default run loads, diffs, plans and renders
# the same document a quarter or a third its size (the whole of each, linear in it: 20,000 terms 2.9 s of CPU, 5,000
# 0.6 s; 3,000 tables 0.9 s, 1,000 0.3 s; session 48).
LARGEST_UNDER_SLOW = {"long-expression": "long-expression-5000", "many-tables": "many-tables-1000"}


@pytest.mark.parametrize("case", one_of_each_class(sorted(MEMORY_CASES), LARGEST_UNDER_SLOW))
def test_hostile_documents_in_bounded_memory_and_time(tmp_path, case, memory_runner):
    path = tmp_path / "schema.yaml"
    path.write_text(MEMORY_CASES[case], encoding="utf-8")
    r = memory_runner(path)
    assert r.returncode == 0, f"{case}: {r.stderr[-2000:]}"
    result = json.loads(r.stdout)
    assert result["seconds"] < 60, result
    if result["outcome"] != "ok":
        assert re.match(r"^error: schema\.yaml:\d+:\d+: ", result["outcome"]), result


@pytest.mark.parametrize("case", ["billion-laughs", "bomb-in-index-columns", "alias-flood", "deep-flow"])
def test_cli_on_hostile_documents(schemac, tmp_path, case):
    """Through the real CLI: exit 2, one line, no traceback."""
    (tmp_path / "schema.yaml").write_text(MEMORY_CASES[case], encoding="utf-8")
    r = schemac("generate", "--dry-run")
    assert r.returncode == 2, (r.stdout[-500:], r.stderr[-2000:])
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and re.match(r"^schemac: error: schema\.yaml:\d+:\d+: ", lines[0]), r.stderr[-2000:]


def test_the_default_runs_draws_are_the_same_whatever_the_process_loaded_before(tmp_path, monkeypatch):
    """A derandomized draw is the same on every run: hypothesis mixes constants of the local modules loaded so far into
    its draws, and which of schemac's modules a pytest-xdist worker has loaded when a test runs depends on the tests it
    ran before (worksteal: a different order each run). The default run draws without them (tests/conftest.py)."""
    import importlib
    import sys

    @settings(max_examples=60, derandomize=True, deadline=None, database=None)
    @given(st.text(max_size=8), st.integers())
    def draw(text, number):
        seen.append((text, number))

    seen: list = []
    draw()
    first, seen = seen, []
    (tmp_path / "constants47.py").write_text("WORDS = [" + ", ".join(f"'word{n}'" for n in range(200)) + "]\n"
                                             "NUMBERS = [" + ", ".join(str(10 ** 9 + n) for n in range(200)) + "]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("constants47")  # a module of the project's own loaded between the two runs
    try:
        draw()
    finally:
        sys.modules.pop("constants47", None)
    assert seen == first
