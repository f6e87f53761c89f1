"""The reading rules every kind of object shares: names, expressions, choices, column lists.

Each family module (tables, columns, constraints, indexes, types, sequences, extensions) adds the
methods of its kinds to :class:`FieldReader`; :mod:`schemac.schemafile.load` puts them together.
"""

from __future__ import annotations

import os
import unicodedata
from typing import Callable, Optional

from yaml.nodes import Node

from schemac.errors import SchemaFileError, printable
from schemac.model import SequenceOptions
from schemac.model.collnames import from_yaml, ref_parts
from schemac.pg.loaded import ExpressionError, check_expression, is_verbatim
from schemac.pg.names import joined_reference, plain_parts, reference_part, reference_parts, split_reference
from schemac.pg.verbatim import WARNING as VERBATIM_WARNING, refused_as_error
from schemac.pg.names import MAX_IDENTIFIER_BYTES
from schemac.pg.types import TypeSyntaxError, canonical_type
from schemac.pg.noop_casts import named_casts
from schemac.schemafile.walker import Walker

MAX_INDEX_COLUMNS = 32  # PostgreSQL's INDEX_MAX_KEYS: key and INCLUDE columns of an index or constraint
# Bidirectional controls reorder what a reviewer sees ("Trojan Source"); line/paragraph separators split lines.
_BIDI_AND_SEPARATORS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")
SEQUENCE_OPTION_KEYS = {"type": False, "start": False, "increment": False, "min_value": False, "max_value": False,
                        "cache": False, "cycle": False}


def _invisible(c: str) -> bool:
    return unicodedata.category(c) == "Cc" or c in _BIDI_AND_SEPARATORS


class FieldReader:
    """A strict reader of one schema file: every error names its file, line and column."""

    def __init__(self, path: str):
        self.path = os.fspath(path)
        self.w = Walker(self.path)
        self._names: set[str] = set()  # names identifier() found good (its checks are of the text alone)
        self.collation_schemas: frozenset[str] = frozenset()  # where `x.y` names schema x's collation y
        self.warnings: list[str] = []  # one line each, file:line:column first (kept_verbatim)
        self.source_text = ""  # the file's text where it holds a '#' (Loader.load): comment_trap looks at its lines
        self._source_lines: Optional[list[str]] = None
        # (name, type's first word) of every cast of a name the expressions read so far hold (noop_casts.named_casts)
        self.cast_pairs: list[tuple[str, str]] = []

    def external_names(self, node: Node, key: str, kind: str, declaring: str, objects: list,
                       spelled_without: str = "") -> tuple[str, ...]:
        """`external_functions:` or `external_tables:` (`key`): objects of `kind` the database has that schema.yaml
        does not declare, `name` (in public) or `schema.name`, each once and none of `objects` (what `declaring`
        declares); as `schema.name`."""
        out: dict[str, int] = {}
        for item in self.w.sequence(node, key):
            text = self.w.string(item, f"external {kind}")
            spelled = plain_reference(text)
            if spelled is None:
                raise self.fail(item, f"external {kind} must name a {kind}, `name` or `schema.name`{spelled_without}, "
                                      f"not {text!r}")
            qualified = joined_reference(*split_reference(spelled))
            if qualified in out:
                raise self.fail(item, f"{key} lists {qualified} twice (first at line {out[qualified]})")
            declared = next((o for o in objects if joined_reference(o.schema, o.name) == qualified), None)
            if declared is not None:
                raise self.fail(item, f"{key} lists {qualified}, which {declaring}: declares (line "
                                      f"{declared.source.line if declared.source else '?'}): leave one out")
            out[qualified] = self.w.src(item).line
        return tuple(out)

    def collation(self, node: Node, what: str) -> str:
        """A `collation:` value as the model names it (model.collnames): `x.y` is qualified when x is
        one of collation_schemas, else one name (pg_catalog's hold dots: en_US.utf8)."""
        ref = from_yaml(self.w.string(node, what), self.collation_schemas)
        schema, name = ref_parts(ref)
        for part in (schema, name) if schema is not None else (ref,):
            self.name_text(node, part, what)
        return ref

    def fail(self, node: Node, message: str) -> SchemaFileError:
        return self.w.fail(node, message)

    def identifier(self, node: Node, what: str) -> str:
        return self.name_text(node, self.w.string(node, what), what)

    def name_text(self, node: Node, name: str, what: str) -> str:
        """`name` (read from `node`), checked as an identifier."""
        if name in self._names:
            return name
        if not name:
            raise self.fail(node, f"{what} is empty")
        if "\x00" in name:
            raise self.fail(node, f"{what} contains a NUL character")
        # (printable ASCII holds none: the per-character look-up is for the rest)
        bad = None if name.isascii() and name.isprintable() else next((c for c in name if _invisible(c)), None)
        if bad is not None:
            # Postgres holds such a name (inspect writes it): a warning, the name printed escaped (errors.printable)
            self.warnings.append(f"{self.w.src(node)}: {what} '{printable(name)}' holds the control character "
                                 f"U+{ord(bad):04X}; it is kept, quoted in SQL and printed escaped")
        size = len(name.encode("utf-8"))
        if size > MAX_IDENTIFIER_BYTES:
            raise self.fail(node, f"{what} '{name[:20]}…' is {size} bytes; Postgres identifiers are at most "
                                  f"{MAX_IDENTIFIER_BYTES} bytes")
        self._names.add(name)
        return name

    # pg.loaded answers pg.readable's forms without sqlglot (the writer imports the modules of this reader: its specs
    # sit beside their reading; `inspect` imports no sqlglot); pg.policies (sqlglot) at the first condition read.
    def expression(self, node: Node, what: str) -> str:
        return self._checked(node, what, check_expression, is_verbatim)

    def condition(self, node: Node, what: str) -> str:
        """A condition that may hold subqueries (a policy's USING or WITH CHECK, a rule's WHERE: EXISTS
        (SELECT 1 FROM ...)), where a default's or a check's expression may not."""
        from schemac.pg.policies import check_policy_expression, is_verbatim_policy

        return self._checked(node, what, check_policy_expression, is_verbatim_policy)

    def _checked(self, node: Node, what: str, check: Callable[[str], object], kept_as_written: Callable[[str], bool]) -> str:
        text = self.w.text(node, what).strip()
        try:
            check(text)
        except ExpressionError as e:
            raise self.fail(node, f"{what} {e}") from None
        if kept_as_written(text):
            self.kept_verbatim(node, what)
        if self.source_text and getattr(node, "style", None) is None:
            self.comment_trap(node, what, text, check, kept_as_written)
        if pairs := named_casts(text):
            self.cast_pairs += pairs
        return text

    def comment_trap(self, node: Node, what: str, text: str, check: Callable[[str], object],
                     kept_as_written: Callable[[str], bool]) -> None:
        """A warning where YAML took the rest of an unquoted expression for a comment (schemafile.comment_trap)."""
        from schemac.schemafile.comment_trap import comment_after, reads_on

        if self._source_lines is None:
            self._source_lines = self.source_text.split("\n")
        line, column = self.w.position(node)
        comment = comment_after(self._source_lines, line, column, node.value)
        if comment is not None and reads_on(text, comment, check, kept_as_written):
            self.warnings.append(f"{self.w.src(node)}: {what} ends at {text!r}: YAML read the rest of the line, "
                                 f"{comment!r}, as a comment (` #` starts one); quote the expression")

    def kept_verbatim(self, node: Node, what: str) -> None:
        """An expression sqlglot cannot read, kept as written (pg.verbatim): a warning at its line, or, under
        SCHEMAC_VERBATIM=error, the loader's error."""
        if refused_as_error():
            raise self.fail(node, f"{what}: {VERBATIM_WARNING.split(';')[0]} (SCHEMAC_VERBATIM=error refuses it)")
        self.warnings.append(f"{self.w.src(node)}: {what}: {VERBATIM_WARNING}")

    def object_name(self, f: dict, key_node: Node, label: str) -> str:
        """The key names the object, unless a name: key does (two schemas may hold objects of one name,
        and a mapping cannot have the same key twice)."""
        return self.identifier(f["name"][1] if "name" in f else key_node, label)

    def overload_once(self, seen: dict, obj, key_node: Node, kind: str) -> None:
        """An overload (schema, name, argument types: an aggregate, an operator) declared twice is an error at
        the second; `seen` holds the lines of those read so far."""
        identity = (obj.schema, obj.name, obj.identity)
        if identity in seen:
            raise self.fail(key_node, f"{kind} {obj.schema}.{obj.signature} is declared twice (first at line "
                                      f"{seen[identity]})")
        seen[identity] = key_node.start_mark.line + 1

    def opt_bool(self, f: dict, key: str, what: str, default: bool = False) -> bool:
        return self.w.boolean(f[key][1], f"{key} of {what}") if key in f else default

    def opt_string(self, f: dict, key: str, what: str) -> Optional[str]:
        return self.w.string(f[key][1], f"{key} of {what}") if key in f else None

    def choice(self, f: dict, key: str, allowed: tuple[str, ...], what: str, words: bool = False) -> Optional[str]:
        """One of `allowed`, in any letter case as SQL's key words are; `words`: a choice of several words
        (`set null`) may be written with a space between them as SQL spells it, or with an _ as inspect writes it."""
        if key not in f:
            return None
        node = f[key][1]
        value = self.w.string(node, f"{key} of {what}").lower()
        value = value.replace(" ", "_") if words else value
        if value not in allowed:
            raise self.fail(node, f"{key} of {what} must be one of {', '.join(allowed)}, not '{value}'")
        return value

    def renamed_from(self, f: dict, what: str, name: str) -> Optional[str]:
        if "renamed_from" not in f:
            return None
        old = self.identifier(f["renamed_from"][1], f"renamed_from of {what}")
        if old == name:
            raise self.fail(f["renamed_from"][1], f"renamed_from of {what} is its own name")
        return old

    def moved_from(self, f: dict, what: str, schema: str, name: str) -> Optional[str]:
        """A table's or sequence's `renamed_from`: its old name, or `schema.name` of one moved from another schema
        (ALTER ... SET SCHEMA). A name holding a dot is read as a name of this schema first (compare.moves.old_key)."""
        if "renamed_from" not in f:
            return None
        node = f["renamed_from"][1]
        text = self.w.string(node, f"renamed_from of {what}")
        old_schema, dot, old_name = text.rpartition(".")
        if dot and len(text.encode("utf-8")) > MAX_IDENTIFIER_BYTES:  # no name: schema.name, each an identifier
            self.name_text(node, old_schema, f"schema of renamed_from of {what}")
            self.name_text(node, old_name, f"renamed_from of {what}")
        else:
            self.renamed_from(f, what, name)
        if dot and (old_schema, old_name) == (schema, name):
            raise self.fail(node, f"renamed_from of {what} is its own name")
        return text

    def column_list(self, node: Node, what: str, known) -> tuple[str, ...]:
        items = self.w.sequence(node, f"columns of {what}")
        if not items:
            raise self.fail(node, f"columns of {what} is empty")
        if len(items) > MAX_INDEX_COLUMNS:
            raise self.fail(node, f"columns of {what} lists {len(items)} columns; PostgreSQL allows at most "
                                  f"{MAX_INDEX_COLUMNS}")
        cols: list[str] = []
        for item in items:
            col = known(self.identifier(item, f"column of {what}"), item, what)
            if col in cols:
                raise self.fail(item, f"{what} lists column '{col}' twice")
            cols.append(col)
        return tuple(cols)

    def opt_columns(self, f: dict, key: str, what: str, known) -> tuple[str, ...]:
        return self.column_list(f[key][1], f"{key} of {what}", known) if key in f else ()

    def sequence_options(self, f: dict, what: str) -> SequenceOptions:
        ints = {}
        for key in ("start", "increment", "min_value", "max_value", "cache"):
            if key in f:
                n = self.w.scalar(f[key][1], f"{key} of {what}")
                if n.tag != "tag:yaml.org,2002:int":
                    raise self.fail(n, f"{key} of {what} must be an integer, not {n.value!r}")
                try:
                    value = int(n.value.replace("_", ""), 0)
                except ValueError:
                    value = int(n.value.replace("_", ""), 10)
                if not -(2 ** 63) <= value < 2 ** 63:
                    raise self.fail(n, f"{key} of {what} is out of the bigint range")
                ints[key] = value
        if ints.get("increment") == 0:
            raise self.fail(f["increment"][1], f"increment of {what} cannot be 0")
        type_ = None
        if "type" in f:  # AS int4 or AS INTEGER: Postgres's own names for them, as a column's type
            node = f["type"][1]
            text = self.w.string(node, f"type of {what}")
            try:
                type_ = canonical_type(text)
            except TypeSyntaxError:
                type_ = text
            if type_ not in ("smallint", "integer", "bigint"):
                raise self.fail(node, f"type of {what} must be one of smallint, integer, bigint, not '{text}'")
        return SequenceOptions(type_, ints.get("start"), ints.get("increment"), ints.get("min_value"),
                               ints.get("max_value"), ints.get("cache"), self.opt_bool(f, "cycle", what))


def plain_reference(text: str) -> Optional[str]:
    """`name` or `schema.name` of a function (without arguments), a table or an operator class, as schema.yaml
    spells it (each part bare, a part holding a dot, a double quote or a parenthesis, or with a blank at an end,
    quoted: fn-x."touch.v", fn-x."touch(v)"), or None where it is not one: a bare part takes any characters Postgres
    allows in a quoted name ("My Schema".handle_row is `My Schema.handle_row`) but the dot that separates the parts,
    the parentheses of an argument list and blanks at its ends. A needlessly quoted part is written bare ("ops".abs_ops
    is ops.abs_ops)."""
    parts = plain_parts(text)
    if parts is None or len(parts) > 2:
        return None
    return ".".join(reference_part(p) for p in parts)


def bare_in(spelled: str, schemas: tuple[str, ...]) -> str:
    """A plain_reference's spelling, its name alone where its schema is one of `schemas` (as the catalog writes
    them: public's functions bare)."""
    schema, name = split_reference(spelled, schemas[0])
    return reference_part(name) if schema in schemas else spelled


def operator_reference(text: str) -> tuple[Optional[str], str]:
    """(qualifier, symbol) of `op` or `schema.op`: the qualifier as schema.yaml spells it ("op.s"), "" where bare,
    None where it is not a schema's name."""
    qualifier, _, symbol = text.rpartition(".") if "." in text.lstrip(".") else ("", "", text)
    if not qualifier:
        return "", symbol
    spelled = plain_reference(qualifier)
    return (spelled if spelled is not None and len(reference_parts(spelled) or ()) == 1 else None), symbol
