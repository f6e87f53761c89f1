"""The recorded state: the model as of the last generated migration, as reviewable JSON.

`generate` diffs schema.yaml against this record (not against a database), so a migration only
ever contains what changed in schema.yaml since the previous one. The record is keyed by
schema.yaml's hash and keeps source lines, so it can also stand in for a fresh parse: `schemac diff`
reads it instead of schema.yaml when the hash matches (see :func:`compiled_model`), which is ~35x
faster than YAML for a large schema. So the record holds the whole compiled model: every field of
every model object (renamed_from hints and sources included), encoded and decoded generically from
the dataclasses, so a field added to the model is recorded without touching this file.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import re
import types
import typing
from dataclasses import MISSING, fields, is_dataclass, replace
from schemac.model.frozen import frozen
from typing import Any, Iterable, Iterator, Optional, Union

import msgspec

from schemac import __version__
from schemac.pg.collector import GCPause
from schemac.errors import SchemacError
from schemac.migrations import statejson
from schemac.migrations.statejson import encoded, recorded_fields
from schemac import model
from schemac.model import Schema
from schemac.pg.extension_opclasses import spell_extension_classes
from schemac.pg.extension_types import qualify_extension_types

from schemac.migrations.record import DOC_KEYS, FORMAT, compiled_model, parts, stands_in
from schemac.migrations.decoder import _Decoder


def schema_to_json(schema: Schema) -> list:
    """The tables, as recorded under "tables"."""
    return [encoded(t) for t in schema.tables]


def schema_fields_to_json(schema: Schema) -> dict:
    """The whole model as the top-level keys of the record: "tables", and "enums", "sequences"...
    when there are any."""
    return encoded(schema)


def _schema_fields(schema: Schema) -> dict:
    """schema_fields_to_json(schema), its values left as model objects (statejson.dumps writes them)."""
    out = {}
    for name in recorded_fields(Schema):
        value = getattr(schema, name)
        if value is not None and not (isinstance(value, tuple) and not value):
            out[name] = value
    return out


def schema_from_json(data: Union[list, dict], source_file: Optional[str] = None, rebase_sources: bool = False) -> Schema:
    """The model from a record: its "tables" list, or the whole document (whose own keys, "format",
    "schema_sha256"..., are left aside; any other key must be a field of the model), its values JSON values or
    JSON text (msgspec.Raw: record.parts).

    Most fields are decoded by msgspec, straight into the model's dataclasses (in C: ~2.5x faster than _Decoder,
    the `diff` fast path's largest part, and with no tree of JSON values in between); the others, and any msgspec
    turns down, by _Decoder (see _typed_fields).

    With rebase_sources, every source names `source_file` instead of the file the record names."""
    decoder = _Decoder(source_file if rebase_sources else None)
    doc = {"tables": data} if isinstance(data, list) else {k: v for k, v in data.items() if k not in DOC_KEYS}
    converters, hints, typed = decoder.plan(Schema).converters, _schema_hints(), _typed_fields()
    values = {}
    for name, value in doc.items():
        conv = converters[name]  # KeyError: a field this model does not have
        if name in typed and value is not None:
            try:
                values[name] = (msgspec.json.decode(value, type=hints[name], dec_hook=decoder.hook)
                                if isinstance(value, msgspec.Raw) else msgspec.convert(value, hints[name], dec_hook=decoder.hook))
                continue
            except msgspec.ValidationError:
                pass  # (a required field the record left out: _Decoder's, which puts in () or None)
        if isinstance(value, msgspec.Raw):
            value = msgspec.json.decode(value)
        values[name] = value if conv is None or value is None else conv(value)
    return _assembled(values, source_file)


def _assembled(values: dict, source_file: Optional[str]) -> Schema:
    """The Schema of the decoded `values` of its fields, its extensions' classes and types spelled as the loader's."""
    schema = spell_extension_classes(qualify_extension_types(Schema(**values)))
    return schema if source_file is None else replace(schema, source_file=source_file)


def compiled_schema(data: bytes, schema_sha256: str, source_file: str) -> Optional[tuple[Schema, Any]]:
    """`diff`'s fast path: the model of the record `data` (state.json's bytes), its sources naming `source_file`, and
    the record's normal forms; None where compiled_model takes no record. Decoded in one pass, the fields msgspec
    decodes (_typed_fields) straight into the model, the others left as JSON text: not first split into its keys
    (record.parts), a second scan of the whole record (at 1,000 tables with views: ~6 ms; the one pass ~3.5 ms less
    in all). A record the pass turns down (a field left out that _Decoder puts back, a key the model lacks) is read
    as compiled_model and schema_from_json read it. KeyError, TypeError, ValueError...: as schema_from_json's."""
    if schema_sha256.encode("ascii") not in data[:4096]:  # (compiled_model's first test, before any parse)
        return None
    decoder = _Decoder(source_file)
    try:
        record = msgspec.json.decode(data, type=_record_type(), dec_hook=decoder.hook)
    except msgspec.ValidationError:
        doc = compiled_model(data, schema_sha256, lazy=True)
        return None if doc is None else (schema_from_json(doc, source_file, rebase_sources=True), doc.get("normal_forms"))
    except (ValueError, RecursionError):  # not JSON, or too deep: as compiled_model
        return None
    head = {k: msgspec.json.decode(v) for k in DOC_KEYS if (v := getattr(record, k)) is not msgspec.UNSET}
    if not stands_in({**head, "tables": record.tables}, schema_sha256):
        return None
    typed, converters, values = _typed_fields(), decoder.plan(Schema).converters, {}
    for name in recorded_fields(Schema):
        value = getattr(record, name)
        if value is msgspec.UNSET:
            continue
        if name not in typed:
            value = msgspec.json.decode(value)
            conv = converters[name]
            value = value if conv is None or value is None else conv(value)
        values[name] = value
    return _assembled(values, source_file), head.get("normal_forms")


@functools.lru_cache(maxsize=None)
def _record_type() -> type:
    """The whole record as one msgspec type: the record's own keys and the fields _typed_fields leaves to _Decoder as
    JSON text (msgspec.Raw), the others as the model's type hints; any other key refused, as schema_from_json does."""
    hints, typed = _schema_hints(), _typed_fields()
    keys = [(k, msgspec.Raw, msgspec.UNSET) for k in DOC_KEYS]
    keys += [(n, hints[n] if n in typed else msgspec.Raw, msgspec.UNSET) for n in recorded_fields(Schema)]
    return msgspec.defstruct("Record", keys, forbid_unknown_fields=True)


# msgspec fills a field the record leaves out with the dataclass's default; the record leaves out None and (), and
# _Decoder puts those back. The two agree but for a tuple field whose default is not () (or an Optional one whose
# default is not None): a field of Schema whose objects hold one is _Decoder's, unless the list is never empty, so
# never left out: Postgres has no trigger without an event nor a policy without a role (PUBLIC is one), and the
# loader refuses both empty. (A publication may publish nothing: Publication.publish.)
_NEVER_EMPTY = frozenset({("Trigger", "events"), ("Policy", "roles")})


@functools.lru_cache(maxsize=None)
def _schema_hints() -> dict[str, Any]:
    _annotations_evaluated()
    return typing.get_type_hints(Schema)


def _annotations_evaluated() -> None:
    """The model classes' annotations (text: their modules postpone them) evaluated in place, each distinct text
    compiled once: msgspec evaluates every one of a class it first decodes as typing does, a compile() each (~600
    for the record's classes, 3 of the fast path's 8 ms of msgspec's type information at 1,000 tables with views).
    As typing's own evaluation (get_type_hints: the module's names, then the class's, then builtins), so a text
    naming something of the class's own namespace that the module lacks, or that does not evaluate, is left as it is
    (msgspec evaluates it then). dataclasses' fields keep their text (Field.type: what _typed_fields reads)."""
    import sys

    codes: dict[str, Any] = {}
    for cls in {k for c in vars(model).values() if isinstance(c, type) and is_dataclass(c) for k in c.__mro__}:
        own, names = cls.__dict__.get("__annotations__"), vars(sys.modules[cls.__module__])
        for name, text in (own or {}).items():
            if not isinstance(text, str):
                continue
            code = codes.get(text) or codes.setdefault(text, compile(text, "<annotation>", "eval"))
            if any(n not in names and n in cls.__dict__ for n in code.co_names):
                continue
            try:
                own[name] = eval(code, names)  # noqa: S307 (the model's own annotations)
            except Exception:  # (left to msgspec, which reports it as before)
                continue


@functools.lru_cache(maxsize=None)
def _typed_fields() -> frozenset[str]:
    """The fields of Schema msgspec decodes as _Decoder would: those that reach no class with a field msgspec would
    default otherwise. Read from the annotations' text (the model's modules postpone them), not get_type_hints: that
    evaluated ~400 annotations, 8 ms of a 1,000-table `diff`. tests/test_fast_path.py holds it to the type hints."""
    classes = {n: c for n, c in vars(model).items() if isinstance(c, type) and is_dataclass(c)}
    refers = {n: {m for f in fields(c) for m in _NAMES.findall(str(f.type)) if m in classes} for n, c in classes.items()}
    wrong = {n for n, c in classes.items() if any(_defaulted_otherwise(c, f) for f in fields(c))}
    while True:
        reaching = {n for n in classes if n not in wrong and refers[n] & wrong}
        if not reaching:
            break
        wrong |= reaching
    types = {f.name: str(f.type) for f in fields(Schema)}
    return frozenset(name for name in recorded_fields(Schema) if not set(_NAMES.findall(types[name])) & wrong)


_NAMES = re.compile(r"[A-Za-z_]\w*")


def _defaulted_otherwise(cls: type, f: Any) -> bool:
    """Whether msgspec would give `f` its default where the record leaves it out for being () or None."""
    text = str(f.type)
    empty = () if text.startswith("tuple[") else None if text.startswith("Optional[") else MISSING
    default = f.default if f.default_factory is MISSING else f.default_factory()
    return (empty is not MISSING and default is not MISSING and default != empty and f.name != "source_file"
            and (cls.__name__, f.name) not in _NEVER_EMPTY)


@frozen
class State:
    schema_sha256: str  # of the schema.yaml recorded; "" when rebuilt from the migrations (no schema.yaml's)
    migration: str  # file name of the migration that brought the database to this state
    schema: Schema
    # SHA-384 (hex) of that file's bytes when the state was recorded: `generate` refuses to plan on top of
    # a last migration that was edited since (older records have none).
    migration_sha384: Optional[str] = None

    def dumps(self) -> str:
        return statejson.dumps(self._document()) + "\n"  # json.dumps(doc, indent=2, ensure_ascii=False)'s text

    def write(self, path: str, schema_part: Optional[Iterator[str]] = None) -> None:
        """Record the state at `path` (atomically), the text of dumps() written as it is made; with
        `schema_part`, the text of its keys from "namespaces" on, written meanwhile (migrations/childwork.py)."""
        if schema_part is not None:
            pieces = itertools.chain(("{",), statejson.members(self._head(), 0), schema_part, (statejson.closing(), "\n"))
            write_atomic(path, pieces)
            return
        doc = self._document()
        try:
            write_atomic(path, itertools.chain(statejson.pieces(doc), ("\n",)))
        except statejson.Unusual:
            write_atomic(path, statejson.dumps(doc) + "\n")

    def _head(self) -> dict:
        return {
            "format": FORMAT,
            "comment": "Written by `schemac generate`: the schema as of the last migration. Do not edit.",
            "schemac": __version__,
            "schema_sha256": self.schema_sha256,
            "migration": self.migration,
            **({"migration_sha384": self.migration_sha384} if self.migration_sha384 else {}),
        }

    def _document(self) -> dict:
        return {**self._head(), **schema_document(self.schema)}


def schema_document(schema: Schema) -> dict:
    """The keys of state.json that the schema alone makes, after the head's."""
    doc = {
        # Derived, for `schemac diff`: the schemas to introspect, known from the first lines.
        "namespaces": list(schema.namespaces),
        "tables": [],
    }
    doc.update(_schema_fields(schema))  # "tables" first, then enums, sequences... if any
    # Derived, for `schemac diff`: how the differ reads each expression (see normalize.remember).
    doc["normal_forms"] = normal_forms(schema)
    return doc


def normal_forms(schema: Schema) -> dict:
    """The normal forms of every expression the differ compares by meaning: defaults, generated columns, checks (of
    tables and domains), index keys and predicates (normalize.recorded_forms), on its migration's path (searched)."""
    from schemac.compare.normalize import recorded_forms, schema_searched

    texts: set[str] = set()
    for t in schema.tables:
        texts.update(x for c in t.columns for x in (c.default, c.generated) if x is not None)
        texts.update(c.expression for c in t.checks)
        for i in t.indexes:
            texts.update(e.expression for e in i.elements if e.expression is not None)
            if i.where is not None:
                texts.add(i.where)
    for d in schema.domains:
        texts.update(c.expression for c in d.checks)
        if d.default is not None:
            texts.add(d.default)
    with schema_searched(schema):
        return recorded_forms(texts)


def read_state(path: str, source_file: Optional[str] = None) -> Optional[State]:
    with GCPause():  # ~10^5 objects and no garbage cycles: at 1,000 tables 0.39 -> 0.14 s of CPU
        return _read_state(path, source_file)


def _read_state(path: str, source_file: Optional[str]) -> Optional[State]:
    try:
        with open(path, "rb") as f:
            doc = parts(f.read())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError) as e:
        raise SchemacError(f"{path}: cannot read the recorded state ({e}); restore it from version control") from None
    try:
        if doc.get("format") != FORMAT:
            raise SchemacError(f"{path}: state format {doc.get('format')!r} is not supported by this schemac")
        return State(doc["schema_sha256"], doc["migration"], schema_from_json(doc, source_file),
                     doc.get("migration_sha384"))
    except (KeyError, TypeError, IndexError, AttributeError, ValueError) as e:
        raise SchemacError(f"{path}: the recorded state is malformed ({e!r}); restore it from version control") from None


def file_sha384(path: str) -> Optional[str]:
    """SHA-384 (hex) of the file's bytes, as State.migration_sha384 records it; None if it cannot be read."""
    import hashlib

    try:
        with open(path, "rb") as f:
            return hashlib.sha384(f.read()).hexdigest()
    except OSError:
        return None


def write_atomic(path: str, text: Union[str, Iterable[str]]) -> None:
    """Write via a temp file + rename, so a crash never leaves half a file behind. `text`: the text, or
    its pieces in order (an error while they are made leaves the file as it was)."""
    directory = os.path.dirname(path) or "."
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            if isinstance(text, str):
                f.write(text)
            else:
                for piece in text:
                    f.write(piece)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.replace(tmp, path)
