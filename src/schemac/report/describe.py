"""Drift reports: Changes (database -> schema.yaml) as Differences, the one shape every report format renders
(:mod:`text`, :mod:`json`, :mod:`github`, :mod:`sarif` in this package).

A change that would *add* something means the database is *missing* it; one that would *drop*
something means the database has it *unexpectedly*.
"""

from __future__ import annotations

from schemac.model.frozen import frozen, replace
from typing import Optional

from schemac.compare.unique_pk_copies import COPIES_RETAKEN
from schemac.compare.changes import COLLATION_ASIDE, DEFINITION_REMADE, NAMED_AS_DEFAULT, Change
from schemac.model import INDEXED_KEY_TYPES, index_comment, nullabilities
from schemac.report.database_objects import DATABASE_OBJECT_KINDS, database_object_difference, member_settings_difference
from schemac.report.bodies import unprinted_note
from schemac.report.invalid import invalid_difference
from schemac.report.table_marks import MARK_KINDS, marks_difference
from schemac.report.views import VIEW_CHANGE_KINDS, parameters_difference, view_difference
from schemac.report.security import SECURITY, SKIP, security_difference
from schemac.report.definitions import _ENABLED_WORDS, calling, describe


@frozen
class Difference:
    kind: str
    object_type: str
    schema: str
    table: str
    name: Optional[str]
    expected: Optional[str]
    actual: Optional[str]
    message: str
    file: Optional[str]
    line: Optional[int]
    category: Optional[str] = None  # "security" (report/security.py), else plain drift

    @property
    def path(self) -> str:
        base = ".".join(p for p in (self.schema, self.table) if p)
        return f"{base}.{self.name}" if self.name and base else self.name or base

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "object": {"type": self.object_type, "schema": self.schema, "table": self.table or None,
                       "name": self.name, "path": self.path},
            "expected": self.expected, "actual": self.actual,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            **({"category": self.category} if self.category else {}),
        }


def _difference(c: Change, major: Optional[int] = None) -> Optional[Difference]:
    src = c.source
    file, line = (src.file, src.line) if src else (None, None)
    kind_of = c.object_kind
    exp_, act = c.new, c.old
    k = c.kind
    name = c.name
    secured = member_settings_difference(c, Difference, file, line) or security_difference(c, lambda *a: Difference(*a, file, line, SECURITY))
    if secured is not None:
        return None if secured is SKIP else secured  # type: ignore[return-value]
    if k in VIEW_CHANGE_KINDS:
        return view_difference(c, Difference, file, line)
    if k in DATABASE_OBJECT_KINDS:
        return database_object_difference(c, Difference, file, line)
    if k == "add_schema":
        return Difference("missing_schema", "schema", c.schema, "", None, c.schema, None,
                          f"schema {c.schema} is missing", file, line)
    if k == "drop_schema":
        return Difference("unexpected_schema", "schema", c.schema, "", None, None, c.schema, f"schema {c.schema} " + (
            "exists, which schema.yaml says is absent" if c.schema == "public" else "is not in schema.yaml"), file, line)
    if k in ("add_table", "drop_table"):
        missing = k == "add_table"
        t = exp_ if missing else act
        return Difference("missing_table" if missing else "unexpected_table", "table", c.schema, c.table, None,
                          describe(t) if missing else None, None if missing else describe(t),
                          f"table {c.schema}.{c.table} is {'missing' if missing else 'not in schema.yaml'}", file, line)
    if k == "add_column":
        return Difference("missing_column", "column", c.schema, c.table, name, describe(exp_), None,
                          f"column {name} is missing (expected {describe(exp_)})", file, line)
    if k == "drop_column":
        return Difference("unexpected_column", "column", c.schema, c.table, name, None, describe(act),
                          f"column {name} ({describe(act)}) is not in schema.yaml", file, line)
    if k == "alter_column_type":
        e, a = exp_.type_text, act.type_text  # type: ignore[union-attr]
        return Difference("column_type_changed", "column", c.schema, c.table, name, e, a,
                          f"column {name}: type is {a}, expected {e}", file, line)
    if k in ("alter_not_null", "alter_sequence") and c.cause == NAMED_AS_DEFAULT:
        return None  # an unnamed NOT NULL (an identity's sequence) meets one of any name in a database, as a key does
    if k in ("set_not_null", "drop_not_null", "alter_not_null"):
        e, a = nullabilities(exp_, act)  # type: ignore[arg-type]
        return Difference("column_nullability_changed", "column", c.schema, c.table, name, e, a,
                          f"column {name}: is {a}, expected {e}", file, line)
    if k in ("set_default", "drop_default"):
        e, a = (x.default and x.default + calling(x) for x in (exp_, act))  # type: ignore[union-attr]
        return Difference("column_default_changed", "column", c.schema, c.table, name, e, a,
                          f"column {name}: default is {a or 'none'}, expected {e or 'none'}", file, line)
    if k in ("set_table_comment", "set_column_comment"):
        e, a = getattr(exp_, "comment", None), getattr(act, "comment", None)
        what = "table" if k == "set_table_comment" else f"column {name}"
        return Difference("comment_changed", "table" if k == "set_table_comment" else "column", c.schema, c.table,
                          name, e, a, f"{what}: comment is {_q(a)}, expected {_q(e)}", file, line)
    if k == "rename_constraint" and getattr(exp_, "name", None) is None:
        return None  # an unnamed key meets one of any name in a database (DESIGN: matched by definition)
    if k == "rename_constraint":  # a named one of the same definition under another name (definition_keys.renamed_key)
        return Difference("pending_rename", "constraint", c.schema, c.table, name, name, act.name,  # type: ignore[union-attr]
                          f"constraint {act.name} is named so, expected {name}", file, line)  # type: ignore[union-attr]
    if k == "add_trigger" and act is not None and act.name != name:  # type: ignore[union-attr]  (made again under its
        k = "rename_trigger"  # new name around its table's ATTACH or INHERIT: compare.table_triggers.trigger_made_again)
    if k in ("rename_table", "rename_column", "rename_index", "rename_trigger", "rename_view", "rename_type"):
        what = kind_of if k == "rename_type" else k.split("_", 1)[1]
        old_name, new_name = (f"{act.schema}.{act.name}", f"{c.schema}.{c.table or name}") if k in ("rename_table",
            "rename_view", "rename_type") and act.schema != c.schema else (getattr(act, "name", None), name or c.table)  # type: ignore
        return Difference("pending_rename", what, c.schema, c.table, name, new_name, old_name,
                          f"{what} {old_name} is still named {old_name}, expected {new_name}" + (
                              " (renamed_from in schema.yaml)" if getattr(exp_, "renamed_from", None) or k not in ("rename_index", "rename_trigger")
                              else " (the same definition)"), file, line)
    if k == "set_index_comment" and isinstance(exp_ if exp_ is not None else act, INDEXED_KEY_TYPES):
        e, a = (index_comment(x) if x is not None else None for x in (exp_, act))  # type: ignore[arg-type]
        return Difference("comment_changed", "index", c.schema, c.table, name, e, a,
                          f"the index of {kind_of} {getattr(exp_, 'name', None) or _columns_of(exp_)}: comment is "
                          f"{_q(a)}, expected {_q(e)}", file, line)
    if k in ("set_index_comment", "set_constraint_comment", "set_type_comment", "set_trigger_comment",
             "set_rule_comment", "set_policy_comment", "set_statistics_comment"):
        e, a = getattr(exp_, "comment", None), getattr(act, "comment", None)
        return Difference("comment_changed", kind_of, c.schema, c.table, name, e, a,
                          f"{kind_of} {name or _columns_of(exp_)}: comment is {_q(a)}, expected {_q(e)}", file, line)
    if k in ("alter_identity", "drop_identity", "alter_generated"):
        attr = "generated" if k == "alter_generated" else "identity"
        e, a = describe(getattr(exp_, attr)), describe(getattr(act, attr))
        return Difference(f"column_{attr}_changed", "column", c.schema, c.table, name, e, a,
                          f"column {name}: {attr} is {a or 'none'}, expected {e or 'none'}", file, line)
    if k == "validate_constraint":
        return Difference("constraint_not_valid", kind_of, c.schema, c.table, name, "VALID", "NOT VALID",
                          f"{kind_of} {name} is NOT VALID (existing rows were never checked)", file, line)
    if k == "set_logging":
        e, a = ("UNLOGGED" if x.unlogged else "LOGGED" for x in (exp_, act))  # type: ignore[union-attr]
        return Difference("table_logging_changed", "table", c.schema, c.table, None, e, a,
                          f"table {c.schema}.{c.table} is {a}, expected {e}", file, line)
    if k == "set_cluster_on":
        e, a = (f"CLUSTER ON {x.cluster_on}" if x.cluster_on else "none" for x in (exp_, act))  # type: ignore[union-attr]
        return Difference("table_cluster_on_changed", "table", c.schema, c.table, None, e, a,
                          f"table {c.schema}.{c.table}: the index CLUSTER uses is {a}, expected {e}", file, line)
    if k in MARK_KINDS:
        return marks_difference(c, Difference, exp_, act, file, line)
    if k == "set_table_parameters":
        return parameters_difference(c, Difference, "table", f"{c.schema}.{c.table}", file, line)
    if k in ("set_of", "drop_of"):  # CREATE TABLE ... OF type
        e, a = (f"OF {x.of}" if x is not None and x.of else "not a typed table" for x in (exp_, act))  # type: ignore
        return Difference("typed_table_changed", "table", c.schema, c.table, None, e, a, f"table {c.schema}.{c.table} is {a}, expected {e}", file, line)
    if k in ("add_inherit", "drop_inherit"):
        missing = k == "add_inherit"
        shown = f"INHERITS {name}"
        return Difference("inheritance_changed", "table", c.schema, c.table, None, shown if missing else None,
                          None if missing else shown, f"table {c.schema}.{c.table} "
                          f"{'does not inherit from' if missing else 'inherits from'} {name}"
                          f"{'' if missing else ', which schema.yaml does not say'}", file, line)
    if k in ("attach_partition", "detach_partition", "alter_partitioning"):
        if k == "detach_partition" and exp_ is not None and exp_.partition_of is not None:  # type: ignore
            return None  # reported once, by the paired attach
        attr = "partition_by" if k == "alter_partitioning" else "partition_of"
        e, a = describe(getattr(exp_, attr)), describe(getattr(act, attr))
        return Difference("partitioning_changed", "table", c.schema, c.table, None, e, a,
                          f"table {c.schema}.{c.table}: {attr.replace('_', ' ')} is {a or 'none'}, expected "
                          f"{e or 'none'}", file, line)
    if k in ("add_extension", "alter_extension", "add_enum", "add_domain", "add_sequence", "drop_extension",
             "drop_enum", "drop_domain", "drop_sequence", "rename_enum_value", "add_enum_value", "alter_enum", "alter_domain", "alter_sequence", "set_sequence_owner",
             "add_function", "drop_function", "alter_function", "add_aggregate", "drop_aggregate", "alter_aggregate", "add_operator", "drop_operator", "alter_operator",
             "add_composite_type", "drop_composite_type", "add_operator_class", "drop_operator_class", "add_operator_family", "drop_operator_family",
             "alter_composite_type", "add_range_type", "drop_range_type", "alter_range_type", "add_collation",
             "drop_collation", "alter_collation", "add_text_search_config", "drop_text_search_config",
             "alter_text_search_config", "add_text_search_dictionary", "drop_text_search_dictionary",
             "alter_text_search_dictionary"):
        verb, _, kind = k.partition("_")
        kind = {"enum_value": "enum"}.get(kind, kind)
        if verb == "add" and act is None:
            return Difference(f"missing_{kind}", kind.replace("_", " "), c.schema, "", name, describe(exp_), None,
                              f"{kind.replace('_', ' ')} {c.path} is missing", file, line)
        if verb == "drop":
            return Difference(f"unexpected_{kind}", kind.replace("_", " "), c.schema, "", name, None, describe(act),
                              f"{kind.replace('_', ' ')} {c.path} is not in schema.yaml", file, line)
        if k == "set_sequence_owner" and act is None:
            return None  # part of the missing sequence
        return Difference(f"{kind if kind != 'sequence_owner' else 'sequence'}_changed", kind_of, c.schema, "",
                          name, describe(exp_), describe(act), f"{kind_of} {c.path} is {describe(act)}, expected "
                          f"{describe(exp_)}{unprinted_note(c, major)}", file, line)
    if k in ("add_constraint", "add_index", "add_foreign_key", "enforce_foreign_key", "set_index_parameters"):
        k = "add_index" if k == "set_index_parameters" else k
        label = "index" if k == "add_index" else kind_of
        shown = name or _columns_of(exp_) or describe(exp_)
        if not getattr(act, "valid", True):  # (an index, or a key's)
            return invalid_difference(c, Difference, file, line)
        if act is None:
            return Difference(f"missing_{'index' if k == 'add_index' else 'constraint'}", label, c.schema, c.table,
                              name, describe(exp_), None, f"{label} {name or describe(exp_)} is missing", file, line)
        return Difference(f"{'index' if k == 'add_index' else 'constraint'}_changed", label, c.schema, c.table,
                          name or getattr(act, "name", None), describe(exp_), describe(act),
                          f"{label} {shown} is {describe(act)}, expected {describe(exp_)}", file, line)
    if k in ("add_trigger", "drop_trigger", "alter_trigger", "set_trigger_enabled"):
        if k == "add_trigger" and act is None:  # (with the one it replaces, around an ATTACH: changed)
            return Difference("missing_trigger", "trigger", c.schema, c.table, name, describe(exp_), None,
                              f"trigger {name} is missing", file, line)
        if k == "drop_trigger":
            return Difference("unexpected_trigger", "trigger", c.schema, c.table, name, None, describe(act),
                              f"trigger {name} is not in schema.yaml", file, line)
        if k == "set_trigger_enabled":
            e, a = exp_.enabled, act.enabled  # type: ignore[union-attr]
            return Difference("trigger_state_changed", "trigger", c.schema, c.table, name, e, a,
                              f"trigger {name} is {_ENABLED_WORDS[a]}, expected {_ENABLED_WORDS[e]}", file, line)
        return Difference("trigger_changed", "trigger", c.schema, c.table, name, describe(exp_), describe(act),
                          f"trigger {name} is {describe(act)}, expected {describe(exp_)}", file, line)
    if k in ("add_rule", "drop_rule", "alter_rule", "add_statistics", "drop_statistics", "alter_statistics"):
        what = k.split("_", 1)[1]
        if k.startswith("drop_") and exp_ is not None:
            return None  # a statistics object created again: its add_ reports it as changed
        kind = f"{what}_changed" if exp_ is not None and act is not None else \
            ("missing_" if k.startswith("add_") else "unexpected_") + what
        return Difference(kind, what, c.schema, c.table, name, describe(exp_), describe(act),
                          f"{what} {name} " + {"missing": "is missing", "unexpected": "is not in schema.yaml"}.get(
                              kind.split("_")[0], f"is {describe(act)}, expected {describe(exp_)}"), file, line)
    if k in ("drop_constraint", "drop_index", "drop_foreign_key"):
        if exp_ is not None:
            return None  # the paired add_* reports the replacement as one "changed" difference
        label = "index" if k == "drop_index" else kind_of
        return Difference(f"unexpected_{'index' if k == 'drop_index' else 'constraint'}", label, c.schema, c.table,
                          name, None, describe(act), f"{label} {name or describe(act)} is not in schema.yaml",
                          file, line)
    raise ValueError(f"unknown change kind {k}")


def _copies_retaken(changes: list[Change]) -> list[Difference]:
    """One difference per key `differences` finds made again for its copies (COPIES_RETAKEN)."""
    out = []
    for c in changes:
        src = c.source
        message = (f"{c.object_kind} {c.path}: its copies in the partitions are not a fresh build's (the database "
                   f"holds a copy beside a partition's UNIQUE of its columns, or misses one): made again, its ADD "
                   f"takes the partitions' UNIQUEs as its copies")
        out.append(Difference("constraint_copies_changed", c.object_kind, c.schema, c.table, c.name, describe(c.new),
                              describe(c.old), message, src.file if src else None, src.line if src else None))
    return out


def _columns_of(obj: object) -> str:
    """How to point at a constraint schema.yaml leaves unnamed: its columns, "(owner_id)"."""
    columns = getattr(obj, "columns", None)
    return f"({', '.join(columns)})" if columns else ""


def _q(s: Optional[str]) -> str:
    return "none" if s is None else repr(s)


def differences(changes: list[Change], major: Optional[int] = None) -> list[Difference]:
    # A missing table is one difference, not one more per index and comment it would bring along; an
    # unexpected table is one too, not one more per foreign key its DROP takes along.
    whole = {(c.schema, c.table) for c in changes if c.kind in ("add_table", "drop_table") and c.cause is None}
    # A partitioned table's key made again to take the partitions' UNIQUEs as its copies: the database holds copies
    # (or UNIQUEs beside them) a fresh build does not, drift of its own (compare.unique_pk_copies)
    retaken = [c for c in changes if c.cause == COPIES_RETAKEN and c.kind == "drop_constraint"]
    # A collation or range type made again (its definition changed): its CREATE read as the change, against the old one
    remade = {(c.kind[5:], c.schema, c.name): c.old for c in changes if c.cause == DEFINITION_REMADE and c.kind[:5] == "drop_"}
    changes = [replace(c, old=remade[(c.kind[4:], c.schema, c.name)]) if remade and (c.kind[4:], c.schema, c.name) in remade
               and c.kind[:4] == "add_" else c for c in changes
               if (c.cause is None and not c.aside_only or c.cause == COLLATION_ASIDE and c.kind == "alter_collation")
               and (c.kind in ("add_table", "drop_table") or (c.schema, c.table) not in whole)]
    out = [d for d in (_difference(c, major) for c in changes) if d is not None] + _copies_retaken(retaken)
    return sorted(out, key=lambda d: (d.schema, d.table, d.line or 0))

