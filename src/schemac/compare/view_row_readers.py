"""A table's members and a domain's CHECKs selecting a view's column as a field of its row type, `(vone()).old` (a
function's result of the view's row type, a column of it), as Postgres prints them after the view's RENAME COLUMN
(`(vone()).new`: a FieldSelect holds the column by its number). compare.views finds those renames (a view whose
columns change only by name), but after the tables and domains are compared: without this each CHECK, index,
EXCLUDE, generated column and statistics was dropped and made again, each default, trigger WHEN and policy set again,
each domain CHECK dropped and added, for nothing."""

from __future__ import annotations

from typing import Optional

from schemac.compare.attribute_readers import both_keys, fields_followed
from schemac.compare.changes import Change
from schemac.compare.moves import views_moved
from schemac.compare.view_renames import net_by_relation
from schemac.compare.views import diff_views
from schemac.model import Schema, View
from schemac.model.frozen import replace


def readers_after_view_renames(current: Schema, desired: Schema, cur_tables: dict, others: list[Change],
                               stand_ins: dict) -> Schema:
    """`cur_tables` (key -> current table, updated) with their members as they print after the RENAME COLUMNs of
    views compare.views makes (diff_views over `others`, the changes known so far, and `stand_ins`, as differ gives
    them it later; a view it makes again instead renames nothing here: its readers are made again around it), and
    `current` with its domains' CHECKs so. SQL-standard bodies are left to compare.body_renames, policies' and rules'
    subqueries reading the view's columns to view_renames.members_after_view_renames."""
    moved = views_moved(current, desired)
    if not _renamed_outputs(current, desired, moved):  # (most diffs: no view's columns renamed)
        return current
    schema = replace(current, tables=tuple(cur_tables.values()))
    renames = [(c.schema, c.name, a, b) for c in diff_views(schema, desired, others, stand_ins)
               if c.kind in ("rename_view_column", "alter_view") for a, b in c.column_renames]
    if not renames:
        return current
    after = fields_followed(schema, both_keys(net_by_relation(renames), moved), moved)
    cur_tables.update((t.key, t) for t in after.tables)
    return replace(current, domains=after.domains)


def _renamed_outputs(current: Schema, desired: Schema, moved: dict) -> bool:
    """Whether a view of `desired` (one `moved` by its old key) may be one of `current` with columns renamed: as many
    output columns, another name for one; or one known by its query as written only, its query changed."""
    back = {new: old for old, new in moved.items()}
    cur = {v.key: v for v in current.views}
    for v in desired.views:
        old: Optional[View] = cur.get(back.get(v.key, v.key))
        if old is None:
            continue
        if old.output and v.output:
            if len(old.output) == len(v.output) and [c.name for c in old.output] != [c.name for c in v.output]:
                return True
        elif old.query != v.query:
            return True
    return False
