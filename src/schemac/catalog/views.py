"""views.sql rows -> View: the query as Postgres deparses it, options, columns, what it reads."""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from schemac.catalog.kindrows import statistics
from schemac.model import Dependency, Index, Rule, Trigger, View, ViewColumn
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
    read, and the model is immutable."""
    key = (cls, *fields)
    obj = made.get(key)
    if obj is None:
        obj = made[key] = cls(*fields)
    return obj


def build_view(row: dict[str, Any], indexes: list[Index], canonical: Callable[[str], str],
               triggers: Sequence[Trigger] = (), made: Optional[dict] = None, rules: Sequence[Rule] = (),
               **more: Any) -> View:
    """A views.sql row as a View; `canonical` spells a format_type() type as the loader does. `made`: the
    objects already made for other views (shared); `more`: its grants, owner, and the major that deparsed it."""
    made = {} if made is None else made
    options = dict(o.partition("=")[::2] for o in row["options"] or ())
    definition = view_definition(row["definition"])
    output = tuple(_one(made, ViewColumn, c["name"], canonical(c["type"]), None, None, None, None,  # (storage: None)
                        collation_from_sql(c.get("collation"))) for c in row["columns"])
    comments = tuple(ViewColumn(c["name"], comment=c["comment"], default=c.get("default"), statistics=c.get("statistics"),
                                storage=c.get("storage"), compression=c.get("compression"))
                     for c in row["columns"] if c["comment"] is not None
                     or any(c.get(k) is not None for k in ("default", "statistics", "storage", "compression")))
    read = sorted({(d["kind"], d["schema"], d["name"], d["column"], canonical(d["type"]) if d["kind"] == "column" else d["type"])
                   for d in row["depends"]}, key=lambda k: (k[0], k[1], k[2], k[3] or "", k[4] or ""))
    depends = [_one(made, Dependency, *k) for k in read]
    check = options.get("check_option")
    return View(name=row["view_name"], query=definition, schema=row["schema_name"], materialized=row["materialized"],
                security_barrier=_flag(options.get("security_barrier")), security_invoker=_flag(options.get("security_invoker")),
                spelled=tuple(f"{k}={options[k]}" for k in ("security_barrier", "security_invoker")
                              if options.get(k) is not None and options[k] not in ("true", "false")),
                check_option=check.lower() if check else None,  # type: ignore[arg-type]
                with_data=row["populated"] or not row["materialized"], indexes=tuple(sorted(indexes, key=lambda i: i.name)),
                triggers=tuple(sorted(triggers, key=lambda t: t.name)), rules=tuple(sorted(rules, key=lambda r: r.name)),
                parameters=tuple(row["parameters"] or ()), toast_table=row["toast_table"], comment=row["comment"],
                cluster_on=row["cluster_on"],
                columns=comments, definition=definition, output=output, depends=tuple(depends),
                statistics=tuple(statistics(s, row["schema_name"]) for s in row.get("statistics") or ()),
                used_outside=tuple(row.get("used_outside") or ()), **more)


def _flag(value: Optional[str]) -> Optional[bool]:
    """A boolean reloption as reloptions keeps it ("true", "on", "1"...), None where it is not set."""
    return None if value is None else value.lower() in ("true", "on", "1", "yes", "t", "y")
