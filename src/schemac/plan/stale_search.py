"""Values stored through a text search dictionary whose template a migration changes (textsearch_ddl makes it
anew and points each configuration mapping to it at the new one): the configurations keep their OIDs, so an index
over `to_tsvector('cfg'::regconfig, ...)` and a STORED generated column over it stay, holding what the old dictionary
made of their rows (the index then answers `@@` with the old lexemes). generate says so, as compare.stale_values does
for a re-bodied IMMUTABLE function, naming each and the statement that computes it anew; it runs none itself."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.stale_values import generated_warnings, index_warnings
from schemac.model import Schema
from schemac.pg.names import qualified
from schemac.pg.types import name_parts
from schemac.pg.named_refs import named_refs


def _retemplated(changes: list[Change]) -> set[tuple[str, str]]:
    return {(c.new.schema, c.new.name) for c in changes if c.kind == "alter_text_search_dictionary"  # type: ignore
            and c.old.template != c.new.template}  # type: ignore[union-attr]


def retemplated_dictionary_notices(changes: list[Change], desired: Schema) -> list[str]:
    """One notice per index and STORED generated column naming a configuration that maps to a dictionary given another
    template; none for what the migration creates anew."""
    dictionaries = _retemplated(changes)
    if not dictionaries:
        return []
    configs = {("text search config", c.schema, c.name): c for c in desired.text_search_configs
               if any(tuple(name_parts(d)) in dictionaries for m in c.mappings for d in m.dictionaries)}
    made = {(c.schema, c.name) for c in changes if c.kind == "add_index"} | \
        {(c.schema, c.table) for c in changes if c.kind == "add_table"}

    def why(*texts) -> str:
        named = sorted(qualified(k[1], k[2]) for t in texts if t for k in named_refs(t) if k in configs)
        return f"is computed through text search configuration {', '.join(named)}, whose dictionary " \
            f"{', '.join(qualified(*d) for d in sorted(dictionaries))} changes its template, and keeps what the old " \
            "one made" if named else ""

    out = []
    for t in desired.tables:
        if (t.schema, t.name) not in made:
            out += index_warnings(t.schema, t.name, t.indexes, made, why)
            out += generated_warnings(t, why, lambda col: "an UPDATE of its row")
    return out
