"""`schemac diff`'s fast path: the compiled model in generated/state.json stands in for schema.yaml.

When state.json was recorded from schema.yaml's exact text (same SHA-256, same schemac), `diff`
decodes it instead of parsing YAML (docs/benchmarks-catalog.md). It is only a cache: every report,
exit status and error must be byte for byte what parsing schema.yaml gives (`--out` pointing at a
directory without a record forces that slow path). Real server, through the `db_url` fixture.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import fields, is_dataclass, replace

import msgspec
import psycopg
import pytest
from sqlx_project import apply_all

from schemac import __version__
from schemac.commands.diff import check_drift
from schemac.schemafile.load import load_file, load_text
from schemac import model as model_module
from schemac.migrations.record import compiled_model, read_record
from schemac.migrations.state import State, _Decoder, compiled_schema, schema_from_json

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

SCHEMA = """\
# fast path fixture: a bit of everything diff compares
tables:
  orders:
    comment: Customer orders
    columns:
      id: {type: bigint, primary_key: true}
      customer_id: {type: bigint, nullable: false}
      status: {type: varchar(20), nullable: false, default: "'pending'"}
      amount: {type: "numeric(12,2)", nullable: false, default: "0"}
      email: {type: varchar(255), comment: contact address}
      placed_at: {type: timestamptz, nullable: false, default: now()}
      deleted_at: timestamptz
      tags: "text[]"
    unique:
      - columns: [customer_id, placed_at]
      - columns: [email]
        name: orders_email_key
    checks:
      orders_amount_check: amount >= 0 AND amount <= 1000000
      orders_status_check: status IN ('pending', 'active', 'closed')
    indexes:
      idx_orders_placed: {columns: [{name: placed_at, order: desc}]}
      idx_orders_open: {columns: [status], where: "status <> 'closed'"}
      idx_orders_email: {columns: [{expression: lower(email)}], unique: true}
      idx_orders_customer: {columns: [customer_id, {name: amount, order: desc, nulls: last}], include: [status]}
  order_lines:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
      order_id: {type: bigint, nullable: false}
      quantity: {type: integer, nullable: false, default: "1"}
      note: {type: text, renamed_from: remark}
    checks:
      order_lines_quantity_check: quantity BETWEEN 1 AND 999
    indexes:
      idx_order_lines_order: {columns: [order_id]}
  ledger:
    schema: Sales Data
    columns:
      entry: {type: bigint, primary_key: true}
      amount: {type: "numeric(10,2)", nullable: false}
"""


def run_both(schemac, project, *args: str):
    """The same `schemac diff` with the record (fast) and with an empty --out (slow)."""
    fast = schemac("diff", *args, cwd=project)
    slow = schemac("diff", *args, "--out", "no-record-here", cwd=project)
    return fast, slow


def assert_same(fast, slow) -> None:
    assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, slow.stderr)


@pytest.fixture
def project(tmp_path, schemac, db_url):
    """A project whose schema.yaml was generated and applied to db_url: (dir, url)."""
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    r = schemac("generate", "--name", "init", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    apply_all(db_url, tmp_path / "generated")
    return tmp_path, db_url


def paths(project_dir):
    schema = str(project_dir / "schema.yaml")
    return schema, str(project_dir / "generated")


def test_in_sync_same_output_every_format(project, schemac):
    project_dir, url = project
    schema, out = paths(project_dir)
    assert check_drift(schema, url, out_dir=out).desired_from == "state.json"  # the record is used...
    assert check_drift(schema, url).desired_from == "schema.yaml"
    for fmt in ("json", "text", "github"):
        fast, slow = run_both(schemac, project_dir, "--database-url", url, "--format", fmt, "--sql")
        assert fast.returncode == 0, fast.stdout + fast.stderr
        assert_same(fast, slow)
    doc = json.loads(schemac("diff", "--database-url", url, "--format", "json", cwd=project_dir).stdout)
    assert doc["in_sync"] is True


def test_drifted_database_same_report(project, schemac):
    project_dir, url = project
    with psycopg.connect(url, autocommit=True) as conn:
        for stmt in ("DROP INDEX idx_orders_open",
                     "CREATE INDEX idx_orders_open ON orders (status) WHERE status <> 'active'",
                     "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new'",
                     "ALTER TABLE orders ADD COLUMN extra int",
                     "ALTER TABLE orders DROP CONSTRAINT orders_amount_check",
                     "ALTER TABLE order_lines ALTER COLUMN quantity DROP NOT NULL",
                     "COMMENT ON TABLE orders IS 'changed'",
                     'DROP TABLE "Sales Data".ledger',
                     "CREATE TABLE stray (id int)"):
            conn.execute(stmt)
    schema, out = paths(project_dir)
    fast_result = check_drift(schema, url, out_dir=out)
    assert fast_result.desired_from == "state.json"
    assert fast_result == replace(check_drift(schema, url), desired_from="state.json")
    for fmt in ("json", "text", "github"):
        fast, slow = run_both(schemac, project_dir, "--database-url", url, "--format", fmt, "--sql")
        assert fast.returncode == 1, fast.stdout + fast.stderr
        assert_same(fast, slow)
    doc = json.loads(schemac("diff", "--database-url", url, "--format", "json", cwd=project_dir).stdout)
    found = {(d["kind"], d["object"]["path"]) for d in doc["differences"]}
    assert found >= {("index_changed", "public.orders.idx_orders_open"),
                     ("column_default_changed", "public.orders.status"),
                     ("unexpected_column", "public.orders.extra"),
                     ("missing_constraint", "public.orders.orders_amount_check"),
                     ("column_nullability_changed", "public.order_lines.quantity"),
                     ("comment_changed", "public.orders"),
                     ("missing_table", "Sales Data.ledger"),
                     ("unexpected_table", "public.stray")}, found
    # differences point at their line of schema.yaml (as the slow path's identical output says too)
    assert {d["file"] for d in doc["differences"]} <= {"schema.yaml", None}
    status_line = SCHEMA.splitlines().index("""      status: {type: varchar(20), nullable: false, default: "'pending'"}""") + 1
    assert [d["line"] for d in doc["differences"] if d["object"]["path"] == "public.orders.status"] == [status_line]
    # the SQL --sql printed removes every difference once applied (the unexpected table goes too)
    fixed = schemac("diff", "--database-url", url, "--format", "json", "--sql", cwd=project_dir)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(fixed.stdout)
    after = schemac("diff", "--database-url", url, "--format", "json", cwd=project_dir)
    assert after.returncode == 0, after.stdout + fixed.stdout


def test_schema_yaml_edited_after_generate_takes_the_yaml_path(project, schemac):
    project_dir, url = project
    text = "# edited\n" + SCHEMA.replace("      deleted_at: timestamptz\n",
                                         "      deleted_at: timestamptz\n      shipped_at: timestamptz\n")
    text = text.replace("  ledger:\n    schema: Sales Data\n", "  ledger:\n    schema: archive\n")  # other namespaces
    (project_dir / "schema.yaml").write_text(text, encoding="utf-8")
    shipped_line = text.splitlines().index("      shipped_at: timestamptz") + 1
    schema, out = paths(project_dir)
    result = check_drift(schema, url, out_dir=out)
    assert result.desired_from == "schema.yaml"
    fast, slow = run_both(schemac, project_dir, "--database-url", url, "--format", "json")
    assert fast.returncode == 1
    assert_same(fast, slow)
    doc = json.loads(fast.stdout)
    missing = [d for d in doc["differences"] if d["kind"] == "missing_column"]
    assert [(d["object"]["name"], d["line"]) for d in missing] == [("shipped_at", shipped_line)]
    assert {d["object"]["path"] for d in doc["differences"] if d["kind"] == "missing_table"} == {"archive.ledger"}
    # the catalog read started on state.json's namespaces was redone for schema.yaml's: the same queries
    assert doc["target"]["catalog_queries"] == json.loads(slow.stdout)["target"]["catalog_queries"]


def test_error_in_schema_yaml_same_message_both_ways(project, schemac):
    project_dir, url = project
    (project_dir / "schema.yaml").write_text(SCHEMA.replace("nullable: false, default: \"1\"",
                                                            "nullable: flase, default: \"1\""), encoding="utf-8")
    fast, slow = run_both(schemac, project_dir, "--database-url", url)
    assert fast.returncode == 2 and fast.stderr.startswith("schemac: error: schema.yaml:")
    assert_same(fast, slow)
    # A broken schema.yaml is still reported before an unreachable database (the catalog read now
    # starts first, on a worker thread)...
    fast, slow = run_both(schemac, project_dir, "--database-url", "postgresql://u:pw@127.0.0.1:1/x")
    assert fast.returncode == 2 and "nullable" in fast.stderr and "127.0.0.1" not in fast.stderr
    assert_same(fast, slow)
    # ...and with a good schema.yaml, the database's error is the same both ways too.
    (project_dir / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    fast, slow = run_both(schemac, project_dir, "--database-url", "postgresql://u:pw@127.0.0.1:1/x",
                          "--connect-timeout", "3")
    assert fast.returncode == 2 and "cannot connect" in fast.stderr and "pw" not in fast.stderr
    assert_same(fast, slow)
    # ...and a missing schema.yaml, whatever the record says.
    os.unlink(project_dir / "schema.yaml")
    fast, slow = run_both(schemac, project_dir, "--database-url", url)
    assert fast.returncode == 2 and "no such file" in fast.stderr
    assert_same(fast, slow)


def test_schema_path_spelled_differently_reports_that_path(project, schemac):
    """Sources in the record name schema.yaml as generate was given it; diff reports the path it was given."""
    project_dir, url = project
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP INDEX idx_orders_placed")
    for spelling in ("./schema.yaml", str(project_dir / "schema.yaml")):
        fast, slow = run_both(schemac, project_dir, "--database-url", url, "--schema", spelling, "--format", "github")
        assert fast.returncode == 1 and f"file={spelling.replace(':', '%3A')},line=" in fast.stdout
        assert_same(fast, slow)


def test_unusable_records_fall_back_silently(project, schemac):
    project_dir, url = project
    state_path = project_dir / "generated" / "state.json"
    good = state_path.read_text(encoding="utf-8")
    expected = schemac("diff", "--database-url", url, "--format", "json", "--out", "none", cwd=project_dir)
    doc = json.loads(good)
    variants = {
        "other version": json.dumps({**doc, "schemac": "0.0.0-other"}),
        "no version (older schemac)": json.dumps({k: v for k, v in doc.items() if k != "schemac"}),
        "other format": json.dumps({**doc, "format": 99}),
        "truncated": good[: len(good) // 2],
        "not json": "\x00\xff garbage",
        "unknown field": json.dumps({**doc, "tables": [{**doc["tables"][0], "bogus": 1}] + doc["tables"][1:]}),
        "wrong shape": json.dumps({**doc, "tables": [{"columns": 3}]}),
        "wrong namespaces hint": json.dumps({**doc, "namespaces": ["nowhere"]}, indent=2),
    }
    for label, text in variants.items():
        state_path.write_text(text, encoding="utf-8")
        r = schemac("diff", "--database-url", url, "--format", "json", cwd=project_dir)
        assert (r.returncode, r.stdout, r.stderr) == (0, expected.stdout, expected.stderr), label
    state_path.unlink()
    state_path.mkdir()  # not even a file
    r = schemac("diff", "--database-url", url, "--format", "json", cwd=project_dir)
    assert (r.returncode, r.stdout) == (0, expected.stdout)


def test_the_record_is_trusted_when_the_hash_matches(project, schemac):
    """Proof that the CLI really reads the record: one edited by hand (which state.json says not to
    do) with schema.yaml's hash is believed. Any edit of schema.yaml itself changes the hash."""
    project_dir, url = project
    state_path = project_dir / "generated" / "state.json"
    doc = json.loads(state_path.read_text(encoding="utf-8"))
    doc["tables"] = [t for t in doc["tables"] if t["name"] != "order_lines"]
    state_path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    r = schemac("diff", "--database-url", url, "--format", "json", cwd=project_dir)
    assert r.returncode == 1 and [d["kind"] for d in json.loads(r.stdout)["differences"]] == ["unexpected_table"]


# -- the record holds the whole compiled model ---------------------------------------------------

def deep_equal(a, b, path="schema") -> None:
    """Equality including what == ignores (sources, renamed_from, source_file), and exact types."""
    assert type(a) is type(b), (path, type(a), type(b))
    if is_dataclass(a):
        for f in fields(a):
            deep_equal(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, tuple):
        assert len(a) == len(b), path
        for n, (x, y) in enumerate(zip(a, b)):
            deep_equal(x, y, f"{path}[{n}]")
    else:
        assert a == b, (path, a, b)


def test_msgspec_decodes_the_tables_and_decoder_what_it_would_fill_in_wrongly():
    """_typed_fields reads the annotations' text; the oracle here walks the evaluated type hints."""
    import typing
    from dataclasses import MISSING

    from schemac.migrations.state import _NEVER_EMPTY, _typed_fields

    def agrees(hint, seen) -> bool:
        if not is_dataclass(hint):
            return all(agrees(arg, seen) for arg in typing.get_args(hint))
        if hint in seen:
            return True
        seen.add(hint)
        hints = typing.get_type_hints(hint)
        for f in fields(hint):
            h = hints[f.name]
            empty = () if typing.get_origin(h) is tuple else None if type(None) in typing.get_args(h) else MISSING
            default = f.default if f.default_factory is MISSING else f.default_factory()
            if f.name != "source_file" and empty is not MISSING and default is not MISSING and default != empty \
                    and (hint.__name__, f.name) not in _NEVER_EMPTY:
                return False
            if not agrees(h, seen):
                return False
        return True

    hints = typing.get_type_hints(model_module.Schema)
    expected = {f.name for f in fields(model_module.Schema) if f.name != "source_file" and agrees(hints[f.name], set())}
    assert _typed_fields() == expected
    assert {"tables", "views", "enums", "functions"} <= _typed_fields() and "publications" not in _typed_fields()
    classes = [c for c in vars(model_module).values() if isinstance(c, type) and is_dataclass(c)]
    assert all(isinstance(f.type, str) for c in classes for f in fields(c))  # (postponed: the text is there)


def test_a_required_field_the_record_leaves_out_is_put_back_as_the_decoder_does():
    """An enum without values (Postgres has them) is recorded without `values`, a field with no default: msgspec
    turns it down, _Decoder puts () back."""
    from schemac.migrations.record import parts
    from schemac.model import Enum

    text = json.dumps({"format": 1, "enums": [{"name": "e", "source": "s.yaml:2:3"}]}).encode()
    for doc in (json.loads(text), parts(text)):
        assert schema_from_json(doc).enums == (Enum("e", ()),)


def test_one_pass_reads_a_record_as_the_two_steps_did():
    """compiled_schema (diff's fast path: the record decoded in one pass) answers as compiled_model then
    schema_from_json did, record by record: the model, None (a record not to use), or the same error (the caller
    then parses schema.yaml): another version, format or hash, not JSON, cut short, no tables, a key the model lacks,
    a field msgspec turns down (an enum recorded without values: _Decoder puts () back), a wrong shape, nulls."""
    sha = "a" * 64
    good = json.loads(State(sha, "1_x.sql", load_text(SCHEMA, "schema.yaml")).dumps())
    enum = {"name": "e", "source": "s.yaml:2:3"}
    variants = {
        "good": good, "other version": {**good, "schemac": "0.0.0-other"}, "other format": {**good, "format": 99},
        "other hash": {**good, "schema_sha256": "b" * 64}, "no tables": {k: v for k, v in good.items() if k != "tables"},
        "no normal forms": {k: v for k, v in good.items() if k != "normal_forms"},
        "unknown key": {**good, "bogus": 1}, "unknown field": {**good, "tables": [{**good["tables"][0], "bogus": 1}]},
        "enum without values": {**good, "enums": [enum]}, "wrong shape": {**good, "tables": [{"columns": 3}]},
        "null tables": {**good, "tables": None}, "null enums": {**good, "enums": None},
        "not a list": {**good, "views": {"a": 1}}, "publications": {**good, "publications": [{"name": "p"}]},
    }
    texts = {k: json.dumps(v, indent=2).encode() for k, v in variants.items()}
    texts.update({"not json": b"\x00\xff " + sha.encode(), "cut short": texts["good"][: len(texts["good"]) // 2],
                  "a list": json.dumps([sha]).encode()})

    def answer(read):
        try:
            return read()
        except (KeyError, TypeError, IndexError, AttributeError, ValueError) as e:
            return type(e)

    for label, text in texts.items():
        def two_steps():
            doc = compiled_model(text, sha, lazy=True)
            return None if doc is None else (schema_from_json(doc, "s.yaml", rebase_sources=True), doc.get("normal_forms"))
        old, new = answer(two_steps), answer(lambda: compiled_schema(text, sha, "s.yaml"))
        assert (old is None or isinstance(old, type)) == (new is None or isinstance(new, type)), label
        if isinstance(old, tuple):
            deep_equal(new[0], old[0])
            assert new[1] == (msgspec.json.decode(old[1]) if isinstance(old[1], msgspec.Raw) else old[1]), label
        else:
            assert new == old, label
    assert compiled_schema(texts["good"], sha, "s.yaml") is not None
    assert compiled_schema(texts["enum without values"], sha, "s.yaml")[0].enums[0].values == ()


def test_the_model_annotations_msgspec_reads_are_evaluated_once_each_as_typing_does():
    """_annotations_evaluated (state._schema_hints) evaluates the model classes' postponed annotations in place, each
    distinct text compiled once, so that msgspec finds types, not text to compile one by one: every one, to what
    typing.get_type_hints gives (asked before, in a process of its own: the classes are the process's), while the
    dataclasses' fields keep their text (what _typed_fields reads)."""
    import subprocess

    probe = (
        "import typing, dataclasses\n"
        "from schemac import model\n"
        "from schemac.migrations.state import _schema_hints, _typed_fields\n"
        "classes = {k for c in vars(model).values() if isinstance(c, type) and dataclasses.is_dataclass(c)"
        " for k in c.__mro__ if '__annotations__' in k.__dict__}\n"
        "before = {c: typing.get_type_hints(c) for c in classes}\n"
        "texts = sum(isinstance(v, str) for c in classes for v in c.__dict__['__annotations__'].values())\n"
        "typed = _typed_fields()\n"
        "_schema_hints()\n"
        "left = [(c.__name__, n) for c in classes for n, v in c.__dict__['__annotations__'].items() if isinstance(v, str)]\n"
        "assert left == [], left\n"
        "assert all(c.__dict__['__annotations__'][n] == h for c, hs in before.items() for n, h in hs.items()"
        " if n in c.__dict__['__annotations__'])\n"
        "assert {c: typing.get_type_hints(c) for c in classes} == before\n"
        "assert all(isinstance(f.type, str) for c in classes if dataclasses.is_dataclass(c) for f in dataclasses.fields(c))\n"
        "assert _typed_fields.__wrapped__() == typed\n"
        "print(len(classes), texts)\n")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": os.path.join(ROOT, "src")})
    assert r.returncode == 0, r.stderr
    classes, texts = map(int, r.stdout.split())
    assert classes > 50 and texts > 500


def _source_as_written(file, v):
    """_Decoder.source's rule, spelled out the long way (what its one-match shortcut must agree with)."""
    from schemac.model import Source

    name, line, column = v.rsplit(":", 2)
    if not (line.isdecimal() and column.isdecimal()):
        int(line), int(column)
    return Source.recorded(v) if file is None or name == file else Source(file, int(line), int(column))


@pytest.mark.parametrize("file", [None, "schema.yaml", "a:5", "dir/s.yaml"])
def test_a_recorded_source_is_decoded_as_its_text_says(file):
    """msgspec's dec_hook takes the common source (this file, ASCII line and column) in one regex match; every
    other text goes the long way. Both give what the long way gives, or the same ValueError."""
    from schemac.model import Source

    texts = ["schema.yaml:12:3", "a:5:12:3", "a:12:3", "dir/s.yaml:1:1", "other.yaml:7:9", "x:y:schema.yaml:2:4",
             "schema.yaml:١٢:3", "schema.yaml: 12:3", "schema.yaml:+12:3", "schema.yaml:1_2:3", "schema.yaml:12:3\n",
             "schema.yaml\n:12:3", "schema.yaml:12", "schema.yaml:x:3", "schema.yaml::3", ":1:2"]
    decoder = _Decoder(file)
    for v in texts:
        try:
            expected = _source_as_written(file, v)
        except ValueError:
            with pytest.raises(ValueError):
                decoder.hook(Source, v)
            continue
        got = decoder.hook(Source, v)
        assert type(got) is Source and got == expected and decoder.source(v) == expected, v
    with pytest.raises(NotImplementedError):
        decoder.hook(str, "schema.yaml:1:1")


def test_every_model_class_can_be_recorded():
    """The record is decoded generically from the model's type hints: a field of a type the decoder
    cannot rebuild (say a dict) must fail here, not silently in someone's CI."""
    decoder = _Decoder()
    classes = [c for c in vars(model_module).values() if isinstance(c, type) and is_dataclass(c)]
    assert model_module.Schema in classes and model_module.Table in classes
    for cls in classes:
        plan = decoder.plan(cls)
        assert set(plan.converters) == {f.name for f in fields(cls)} - {"source_file"}


def sources(obj):
    """Every Source in a model."""
    if is_dataclass(obj):
        for f in fields(obj):
            value = getattr(obj, f.name)
            if f.name == "source" and value is not None:
                yield value
            else:
                yield from sources(value)
    elif isinstance(obj, tuple):
        for x in obj:
            yield from sources(x)


def bench_schema(tmp_path) -> str:
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    try:
        import catalog_scale
    finally:
        sys.path.pop(0)
    path = tmp_path / "bench.yaml"
    path.write_text(catalog_scale.synthetic_schema(60, seed=7, distinct=True), encoding="utf-8")
    return str(path)


# What msgspec would fill in wrongly (migrations/state.py decodes that field with _Decoder): a publication that
# publishes nothing, recorded without its `publish`, whose default is every action.
EDGES = """\
tables:
  t:
    columns: {id: {type: integer, primary_key: true}}
publications:
  quiet: {tables: [t], publish: []}
"""


@pytest.mark.parametrize("lazy", [False, True], ids=["parsed", "lazy"])
@pytest.mark.parametrize("which", ["fixture", "everything", "repo", "bench", "edges"])
def test_record_decodes_to_exactly_the_yaml_model(tmp_path, which, lazy):
    """Parsed (JSON values) or lazy (the model's fields left as JSON text, as `diff` reads it), through msgspec or
    _Decoder: exactly the model."""
    if which in ("fixture", "edges"):
        path = tmp_path / "schema.yaml"
        path.write_text(SCHEMA if which == "fixture" else EDGES, encoding="utf-8")
        schema_path = str(path)
    elif which == "bench":
        schema_path = bench_schema(tmp_path)
    else:
        schema_path = os.path.join(HERE, "fixtures", "everything.yaml") if which == "everything" else \
            os.path.join(ROOT, "schema.yaml")
    model = load_file(schema_path)
    text = State("a" * 64, "1_x.sql", model).dumps()
    doc = compiled_model(text.encode("utf-8"), "a" * 64, lazy=lazy)
    assert doc is not None and doc["schemac"] == __version__
    if which == "edges":
        assert model.publications[0].publish == ()
    assert doc["namespaces"] == list(model.namespaces)
    # Sources rebased to the path diff was given; everything else exactly as loaded.
    deep_equal(schema_from_json(doc, schema_path, rebase_sources=True), model)
    if lazy:
        doc = compiled_model(text.encode("utf-8"), "a" * 64, lazy=lazy)  # (Raw parts are read once each)
    back = schema_from_json(doc, "elsewhere/schema.yaml", rebase_sources=True)
    assert back == model and back.source_file == "elsewhere/schema.yaml"
    # diff's own reading, in one pass (compiled_schema): the same model, and the record's normal forms.
    one, forms = compiled_schema(text.encode("utf-8"), "a" * 64, "elsewhere/schema.yaml")
    deep_equal(one, back)
    assert forms == json.loads(text)["normal_forms"]
    assert {s.file for s in sources(back)} <= {"elsewhere/schema.yaml"}
    # generate's own reading of the record (read_state) keeps the recorded file names.
    p = tmp_path / "state.json"
    p.write_text(text, encoding="utf-8")
    assert read_record(str(p)) == text.encode("utf-8")
    if which == "fixture":
        renamed = [c for t in back.tables for c in t.columns if c.renamed_from]
        assert [(c.name, c.renamed_from) for c in renamed] == [("note", "remark")]


def test_in_sync_fast_path_never_imports_sqlglot_nor_reads_code_for_the_fingerprint(project, schemac):
    """A schema.yaml that spells what the database holds as Postgres does (as `inspect` writes it, or as
    state.json remembers its normal forms) needs no parse on the fast path, so no sqlglot (its import was
    an eighth of the fast path at 1,000 tables). The same run with a drifted database does import it with --sql (it
    prints the fix), which shows the check can see the import; without --sql, it plans nothing (no schemac.plan).

    And state.json's normal forms are trusted once their fingerprint (normalize.fingerprint: ~20 modules' text read and
    hashed, ~3.5 ms) says this code made them; an in-sync fast path asks no normal form, so it never works that out.
    A drifted database's (its default's form asked) does, and takes the record's forms in. (One project for both: its
    set-up, inspect and generate were each test's; every interpreter of the two is still started.)"""
    import subprocess

    project_dir, url = project
    adopted = project_dir  # schema.yaml replaced by inspect's, which generate records with no new migration
    assert schemac("inspect", "--database-url", url, "--output", "schema.yaml", "--force", cwd=adopted).returncode == 0
    r = schemac("generate", cwd=adopted)
    assert r.returncode == 0 and "recorded the edited schema.yaml" in r.stdout, r.stdout + r.stderr
    code = "import sys; sys.argv[0] = 'schemac'; from schemac.cli import main; main()"

    def imported(*args: str) -> tuple[int, set[str]]:
        r = subprocess.run([sys.executable, "-X", "importtime", "-c", code, "diff", "--database-url", url, *args],
                           cwd=adopted, capture_output=True, text=True, timeout=120)
        modules = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
        return r.returncode, modules

    fingerprint_code = ("import sys\nfrom schemac.commands.diff import check_drift\nfrom schemac.compare import normalize\n"
                        "r = check_drift('schema.yaml', sys.argv[1], out_dir='generated')\n"
                        "print(r.desired_from, len(r.differences), normalize.fingerprint.cache_info().currsize, "
                        "sorted(k for forms in normalize._by_path.values() for k in forms)[:1])\n")

    def fingerprinted() -> str:
        r = subprocess.run([sys.executable, "-c", fingerprint_code, url], cwd=adopted, capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 0, r.stderr
        return r.stdout.strip()

    code_in_sync, modules = imported()
    assert code_in_sync == 0 and "schemac.compare.differ" in modules
    assert not {m for m in modules if m == "sqlglot" or m.startswith("sqlglot.")}
    assert fingerprinted() == "state.json 0 0 []"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new'")
    code_drift, modules = imported("--sql")
    assert code_drift == 1 and "sqlglot" in modules and "schemac.plan.planner" in modules
    # a plain diff of the same drift plans no script it does not print (commands.drift_script)
    code_drift, modules = imported()
    assert code_drift == 1 and not {m for m in modules if m.startswith("schemac.plan.")}, sorted(modules)
    desired_from, found, computed, forms = fingerprinted().split(" ", 3)
    assert (desired_from, found, computed) == ("state.json", "1", "1") and forms != "[]"  # the record's forms, taken


# Columns and a function result of users' types: format_type() prints them by name (pg.typetext.plain_type,
# named_type), which the fast path spells without sqlglot too.
USER_TYPES = """\
enums:
  mood: {values: [sad, ok, happy]}
  Level: {values: [low, high]}
  kind: {values: [a, b], schema: app}
domains:
  positive: {type: integer, default: "1"}
composite_types:
  pair: {attributes: {a: integer, b: "mood[]"}}
tables:
  tm:
    columns:
      id: {type: integer, primary_key: true}
      m: mood
      ms: "mood[]"
      mq: '"mood"[]'
      lv: '"Level"'
      k: app.kind
      p: positive
      pr: pair
      prs: "pair[]"
functions:
  everything:
    returns: SETOF tm
    language: plpgsql
    body: BEGIN RETURN QUERY SELECT * FROM tm; END
  levels:
    arguments: m mood
    returns: '"Level"'
    language: sql
    body: SELECT 'low'::"Level"
"""


def test_in_sync_fast_path_of_user_types_imports_no_sqlglot(tmp_path, schemac, any_db_url):
    """An enum (also written `"mood"[]`, which Postgres reads as mood[]: that drifted, expected "mood"[]), a quoted
    enum, another schema's enum, a domain and a composite (and arrays of them) as columns, a function returning SETOF
    a table's row type and one taking an enum: `diff` in sync imports no sqlglot (it did for each: pg.types parsed
    every type named by one word); the same database drifted, with --sql, does. format_type()'s spellings are every
    major's (-m slow: 16 and 15)."""
    import subprocess

    url = any_db_url
    (tmp_path / "schema.yaml").write_text(USER_TYPES, encoding="utf-8")
    r = schemac("generate", "--name", "init", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    apply_all(url, tmp_path / "generated")
    code = "import sys; sys.argv[0] = 'schemac'; from schemac.cli import main; main()"

    def imported(*args: str) -> tuple[int, str, set[str]]:
        r = subprocess.run([sys.executable, "-X", "importtime", "-c", code, "diff", "--database-url", url, *args],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
        modules = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
        return r.returncode, r.stdout, modules

    status, report, modules = imported()
    assert status == 0 and "schemac.compare.differ" in modules, report
    assert check_drift(str(tmp_path / "schema.yaml"), url, out_dir=str(tmp_path / "generated")).desired_from == \
        "state.json"
    assert not {m for m in modules if m.split(".")[0] == "sqlglot"}, sorted(m for m in modules if "sqlglot" in m)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ALTER TABLE tm ALTER COLUMN p SET DEFAULT 2")
    status, report, modules = imported("--sql")
    assert status == 1 and "sqlglot" in modules, report  # (the check sees it)


def test_the_schemas_to_read_are_known_before_msgspec_is_imported(tmp_path):
    """`diff` tells its reading child which schemas to read from the record's first lines (record.namespaces_hint)
    before it decodes the record: msgspec (~10 ms of imports) is imported after, while the child may be waiting."""
    import subprocess

    (tmp_path / "state.json").write_text('{\n  "format": 1,\n  "namespaces": ["app", "public"],\n  "tables": []\n}\n')
    code = ("import sys\nfrom schemac.migrations.record import namespaces_hint, read_record\n"
            "print(namespaces_hint(read_record(sys.argv[1])), 'msgspec' in sys.modules)\n"
            "from schemac.migrations.record import parts\nprint(sorted(parts(read_record(sys.argv[1]))), 'msgspec' in sys.modules)\n")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "state.json")], capture_output=True, text=True,
                       timeout=60, check=True)
    assert r.stdout.splitlines() == ["('app', 'public') False", "['format', 'namespaces', 'tables'] True"]
