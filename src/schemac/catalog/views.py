"""views.sql rows -> View: the query as Postgres deparses it, options, columns, what it reads."""

from __future__ import annotations

from operator import attrgetter
from typing import Any, Callable, Optional, Sequence

from schemac.catalog.kindrows import statistics
from schemac.compare.view_binds import calls_qualified
from schemac.model import Dependency, Index, Rule, Trigger, View, ViewColumn
from schemac.model.frozen import made as made_by
from schemac.pg.indexdef import collation_from_sql
from schemac.pg.redeparse import deparse_kept, hidden_names_kept
from schemac.pg.views import cycle_marks_spelled, repeated_keys_numbered



def view_definition(text: str) -> str:
    """pg_get_viewdef's text as schema.yaml keeps a query: without the blank space around it and its `;`, and
    CYCLE's mark values as constants the grammar takes (pg.views.cycle_marks_spelled), repeated GROUP BY and ORDER BY
    keys as the output columns they stand for (pg.views.repeated_keys_numbered): both made again as they were; so
    are arrays cast whole, negated constants and the unseen names of set operations' and sublinks' columns
    (pg.redeparse)."""
    text = hidden_names_kept(deparse_kept(text.strip().rstrip(";").rstrip()))  # type: ignore[arg-type]
    return repeated_keys_numbered(cycle_marks_spelled(text))


def _one(made: dict, cls: type, *fields: Any) -> Any:
    """One object per distinct value (in `made`): views repeat the columns and dependencies of what they
    read, and the model is immutable. (Made by made_by: cls(...) sets each field through object.__setattr__, ~3x
    the time, and they are made by the 10,000 at 1,000 views.)"""
    key = (cls, *fields)
    obj = made.get(key)
    if obj is None:
        obj = made[key] = made_by(cls)(*fields)
    return obj


def build_view(row: dict[str, Any], indexes: list[Index], canonical: Callable[[str], str],
               triggers: Sequence[Trigger] = (), made: Optional[dict] = None, rules: Sequence[Rule] = (),
               **more: Any) -> View:
    """A views.sql row as a View; `canonical` spells a format_type() type as the loader does. `made`: the
    objects already made for other views (shared); `more`: its grants, owner, and the major that deparsed it."""
    made = {} if made is None else made
    options = dict(o.partition("=")[::2] for o in row["options"] or ())
    definition = view_definition(row["definition"])
    output, comments = _columns(row["columns"], canonical, made)
    check = options.get("check_option")
    depends = _depends(row["depends"], canonical)
    # (made_by: View(...) would set its 40 fields one by one through object.__setattr__, ~2x the time)
    return made_by(View)(
        name=row["view_name"], query=definition, schema=row["schema_name"], materialized=row["materialized"],
        security_barrier=_flag(options.get("security_barrier")), security_invoker=_flag(options.get("security_invoker")),
        spelled=tuple(f"{k}={options[k]}" for k in ("security_barrier", "security_invoker")
                      if options.get(k) is not None and options[k] not in ("true", "false")) if options else (),
        check_option=check.lower() if check else None,  # type: ignore[arg-type]
        with_data=row["populated"] or not row["materialized"], indexes=_by_name(indexes), triggers=_by_name(triggers),
        rules=_by_name(rules), parameters=tuple(row["parameters"] or ()), toast_table=row["toast_table"],
        comment=row["comment"], cluster_on=row["cluster_on"], columns=comments, definition=definition, output=output,
        depends=depends,
        statistics=tuple(statistics(s, row["schema_name"]) for s in row["statistics"]) if row.get("statistics") else (),
        used_outside=tuple(row.get("used_outside") or ()),
        older_calls=_older_calls(row.get("own_path_deparses"), depends),
        written_aliases=tuple(row["written_aliases"]) if row.get("written_aliases") is not None else None, **more)


# `made`'s keys (beside those of _one, the class first): of an output column's values as its row holds them (views.sql's),
# so that a column met again (most are: 444 distinct of 11,474 at 1,000 views) is one look-up, without its type spelled
# again or its model key made (the object is _one's still: one per distinct model value).
_RAW_OUTPUT = object()


def _by_name(objects: Sequence[Any]) -> tuple:
    return tuple(sorted(objects, key=attrgetter("name"))) if objects else ()


def _columns(columns: list[list[Optional[str]]], canonical: Callable[[str], str],
             made: dict) -> tuple[tuple[ViewColumn, ...], tuple[ViewColumn, ...]]:
    """(output, columns) of a view: every column as Postgres computed it, and those with a comment, a default or a
    materialized view's setting (statistics, storage, compression), as schema.yaml gives them. Each column is
    views.sql's array [name, type, collation, comment, default, statistics, storage, compression], or [name, type,
    collation] of a view that can have none of the five others (views.sql's columns)."""
    output, comments = [], []
    for name, type_text, collation, *more in columns:
        raw = (_RAW_OUTPUT, name, type_text, collation)
        column = made.get(raw)
        if column is None:  # (storage: None)
            column = made[raw] = _one(made, ViewColumn, name, canonical(type_text),  # type: ignore[arg-type]
                                      None, None, None, None, collation_from_sql(collation))
        output.append(column)
        if not more:
            continue
        comment, default, stats, storage, compression = more
        if comment is not None or default is not None or stats is not None or storage is not None \
                or compression is not None:
            comments.append(ViewColumn(name, comment=comment, default=default,  # type: ignore[arg-type]
                                       statistics=None if stats is None else int(stats), storage=storage,
                                       compression=compression))
    return tuple(output), tuple(comments)


def _depends(depends: list[list[Optional[str]]], canonical: Callable[[str], str]) -> tuple[Dependency, ...]:
    """What a view reads, each once (a column's type spelled by `canonical`), sorted by (kind, schema, name, column,
    type), no column or type first. Each is views.sql's array [kind, schema, name, column, type]. Most are met once (a
    view's table's columns), so each view makes its own: a memo of every view's by value (build_view's `made`) cost a
    tuple and a look-up per read for nothing (_built_views 35 -> 27 ms of CPU at 1,000 views of 12 reads). The sort
    key stands for the value (no name nor type is empty, so `column or ""` is None's alone): a read listed twice (a
    relation read whole and by a system column) is one."""
    found: dict[tuple, tuple] = {}
    for kind, schema, name, column, type_text in depends:
        if kind == "column":
            type_text = canonical(type_text)  # type: ignore[arg-type]
        found[(kind, schema, name, column or "", type_text or "")] = (kind, schema, name, column, type_text)
    make = made_by(Dependency)
    return tuple([make(*found[key]) for key in sorted(found)])


def _older_calls(deparses: Optional[list[list[str]]], depends: tuple[Dependency, ...]) -> tuple[tuple[str, str], ...]:
    """The (schema, name) of each function a view calls (operator it applies) that its deparse under a search_path of
    the function's schema alone (views.sql's own_path_deparses: [schema, deparse] each) still prints qualified
    (`OPERATOR(s.op)`): bound to an older overload than the one the name takes (compare.view_binds)."""
    if not deparses:
        return ()
    texts = dict(deparses)
    return tuple(sorted({(d.schema, d.name) for d in depends if d.kind in ("function", "operator")
                         and d.schema in texts and calls_qualified(texts[d.schema], d.schema, d.name)}))


def _flag(value: Optional[str]) -> Optional[bool]:
    """A boolean reloption as reloptions keeps it ("true", "on", "1"...), None where it is not set."""
    return None if value is None else value.lower() in ("true", "on", "1", "yes", "t", "y")
