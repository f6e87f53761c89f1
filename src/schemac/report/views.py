"""What a change of a view or materialized view means in a drift report."""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import Change
from schemac.compare.views import compared_as_written
from schemac.model import View
from schemac.pg.lazy import lazy

comparable = lazy("schemac.pg.views", "comparable")

VIEW_CHANGE_KINDS = ("add_view", "drop_view", "alter_view", "replace_view", "refresh_view", "set_view_comment",
                     "set_view_defaults", "set_view_parameters", "rename_view_column")


def describe_view(v: Optional[View]) -> Optional[str]:
    """One line: the kind, options, and the query (as Postgres deparses it, when known) on one line; the overloads it
    `binds`."""
    if v is None:
        return None
    options = [o if on else f"{o}=false" for o, on in (("security_barrier", v.security_barrier),
                                                       ("security_invoker", v.security_invoker)) if on is not None]
    words = [f"{v.what.upper()} {v.qualified_name}"] + ([f"WITH ({', '.join(options)})"] if options else [])
    words.append(f"AS {comparable(v.definition or v.query)}")
    if v.check_option:
        words.append(f"WITH {v.check_option.upper()} CHECK OPTION")
    if v.materialized and not v.with_data:
        words.append("WITH NO DATA")
    if v.binds:  # (the overloads it calls where its query's names would take others: compare.view_binds)
        words.append(f"(calling {', '.join(v.binds)})")
    return " ".join(words)


def view_difference(c: Change, difference: type, file: Optional[str], line: Optional[int]):
    """The Difference of one view change (`difference`: report.describe.Difference)."""
    old, new = c.old, c.new
    v: View = new if new is not None else old  # type: ignore[assignment]
    what, path = v.what, v.qualified_name
    kind = what.replace(" ", "_")
    if c.kind == "add_view":
        return difference(f"missing_{kind}", what, c.schema, "", c.name, describe_view(new), None,
                          f"{what} {path} is missing", file, line)
    if c.kind == "drop_view":
        return difference(f"unexpected_{kind}", what, c.schema, "", c.name, None, describe_view(old),
                          f"{what} {path} is not in schema.yaml", file, line)
    if c.kind == "refresh_view":
        e, a = ("populated" if x.with_data else "not populated (WITH NO DATA)" for x in (new, old))  # type: ignore
        return difference("materialized_view_data_changed", what, c.schema, "", c.name, e, a,
                          f"{what} {path} is {a}, expected {e}", file, line)
    if c.kind == "set_view_comment":
        e, a = _comments(new), _comments(old)  # type: ignore[arg-type]
        return difference("comment_changed", what, c.schema, "", c.name, e, a,
                          f"{what} {path}: comments are {a}, expected {e}", file, line)
    if c.kind == "set_view_defaults":
        e, a = _defaults(new), _defaults(old)  # type: ignore[arg-type]
        return difference("view_defaults_changed", what, c.schema, "", c.name, e, a,
                          f"{what} {path}: column defaults are {a}, expected {e}", file, line)
    if c.kind == "set_view_parameters":
        return parameters_difference(c, difference, what, path, file, line)
    note = " (compared as written: schema.yaml changed since the last `schemac generate`, or Postgres could not " \
           "build the query from schema.yaml alone)" if compared_as_written(old, new) else ""  # type: ignore[arg-type]
    majors = (new.deparsed_by, old.deparsed_by)  # type: ignore[union-attr]
    if not note and None not in majors and majors[0] != majors[1]:
        note = (f" (deparsed by PostgreSQL {majors[0]} for schema.yaml, by {majors[1]} here, which may spell the same "
                f"query otherwise: run `schemac generate --dev-url` on a PostgreSQL {majors[1]} server)")
    return difference(f"{kind}_changed", what, c.schema, "", c.name, describe_view(new), describe_view(old),
                      f"{what} {path} is {describe_view(old)}, expected {describe_view(new)}{note}", file, line)


def _comments(v: View) -> str:
    parts = [f"{v.comment!r}" if v.comment else "none"]
    parts += [f"{c.name}: {c.comment!r}" for c in v.columns if c.comment is not None]
    return "; ".join(parts)


def _defaults(v: View) -> str:
    return "; ".join([f"{c.name}: {c.default}" for c in v.columns if c.default is not None] + [
        f"{c.name}: statistics {c.statistics}" for c in v.columns if c.statistics is not None] + [
        f"{c.name}: storage {c.storage}" for c in v.columns if c.storage is not None]) or "none"


def parameters_difference(c: Change, difference: type, what: str, path: str, file: Optional[str], line: Optional[int]):
    """The Difference of changed storage parameters (WITH (...)) of a table or materialized view."""
    e, a = (", ".join(x.parameters) or "none" for x in (c.new, c.old))  # type: ignore[union-attr]
    return difference("storage_parameters_changed", what, c.schema, c.table, c.name, e, a,
                      f"{what} {path}: storage parameters are {a}, expected {e}", file, line)
