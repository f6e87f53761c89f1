"""Values stored through a text search configuration that a migration changes in place: its mappings altered (ALTER
TEXT SEARCH CONFIGURATION ... ALTER MAPPING), or a dictionary it maps to given other options (ALTER TEXT SEARCH
DICTIONARY) or another template (textsearch_ddl makes it anew and points each configuration mapping to it at the new
one). The configurations keep their OIDs, so an index over `to_tsvector('cfg'::regconfig, ...)` and a STORED generated
column over it stay, holding what the old mapping made of their rows (the index then answers `@@` with the old
lexemes); so do those calling a function whose body names the configuration, directly or through other functions
(MusicBrainz's GIN indexes over `mb_simple_tsvector(name)`, whose SQL body reads `to_tsvector('musicbrainz.mb_simple',
...)`: probe55a). generate says so, as compare.stale_values does for a re-bodied IMMUTABLE function, naming each and
the statement that computes it anew; it runs none itself."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.stale_values import (generated_warnings, index_warnings, made_anew, matview_calls, refresh_warning,
                                          tainted, views_made)
from schemac.model import Function, Schema, TextSearchConfig, TextSearchDictionary
from schemac.pg.lazy import lazy
from schemac.pg.names import qualified
from schemac.pg.named_refs import named_refs
from schemac.pg.sqllex import LexError, tokens
from schemac.pg.types import name_parts

called_functions = lazy("schemac.pg.calls", "called_functions")


def _changed_configs(changes: list[Change], desired: Schema) -> dict[tuple[str, str], str]:
    """(schema, name) of each configuration whose lexemes the migration changes in place -> why."""
    dictionaries = {}
    for c in changes:
        old, new = c.old, c.new
        if c.kind == "alter_text_search_dictionary" and isinstance(old, TextSearchDictionary) and \
                isinstance(new, TextSearchDictionary) and (old.template, old.options) != (new.template, new.options):
            dictionaries[(new.schema, new.name)] = "its template" if old.template != new.template else "its options"
    out = {(c.new.schema, c.new.name): "whose mappings change" for c in changes  # type: ignore[union-attr]
           if c.kind == "alter_text_search_config" and isinstance(c.old, TextSearchConfig)
           and isinstance(c.new, TextSearchConfig) and (c.old.parser, c.old.mappings) != (c.new.parser, c.new.mappings)}
    for cfg in desired.text_search_configs:
        used = sorted({tuple(name_parts(d)) for m in cfg.mappings for d in m.dictionaries} & set(dictionaries))
        if used and (cfg.schema, cfg.name) not in out:
            out[(cfg.schema, cfg.name)] = f"whose dictionary {qualified(*used[0])} changes {dictionaries[used[0]]}"
    return out


def _named_in_body(f: Function, configs: dict[tuple[str, str], str]) -> list[tuple[str, str]]:
    """The configurations of `configs` a string of `f`'s body names (`to_tsvector('app.cfg', ...)`, in any language:
    a name without its schema is taken for each configuration of that name, a warning too many costing less than one
    missed)."""
    try:
        strings = [t.text[1:-1].replace("''", "'") for t in tokens(f.body) if t.kind == "string" and t.text[:1] == "'"]
    except LexError:
        return []
    named = {tuple(name_parts(s)) for s in strings if s and len(s) < 128}
    return sorted(k for k in configs if k in named or (k[1],) in named)


def retemplated_dictionary_notices(changes: list[Change], desired: Schema) -> list[str]:
    """One notice per index, STORED generated column and materialized view naming a configuration the migration
    changes, or calling a managed function whose body names one (over any number of calls); none for what the
    migration creates (or refreshes) anew."""
    configs = _changed_configs(changes, desired)
    if not configs:
        return []
    naming = {(f.schema, f.name): names for f in desired.functions if (names := _named_in_body(f, configs))}
    reaching = tainted(set(naming), desired) if naming else {}
    made = made_anew(changes)

    def why(*texts, called: frozenset = frozenset()) -> str:
        named = {(k[1], k[2]) for t in texts if t for k in named_refs(t) if k[0] == "text search config"} & set(configs)
        called = called.union(*(called_functions(t) for t in texts if t))
        roots = frozenset().union(*(reaching.get(f, frozenset()) for f in called))
        named |= {k for f in roots for k in naming[f]}
        if not named:
            return ""
        through = f", by {', '.join(sorted(qualified(*f) for f in roots))}" if roots else ""
        return "is computed through text search configuration " + "; ".join(
            f"{qualified(*k)}, {configs[k]}" for k in sorted(named)) + f"{through}, and keeps what the old one made"

    out = []
    for t in desired.tables:
        if (t.schema, t.name) not in made:
            out += index_warnings(t.schema, t.name, t.indexes, made, why)
            out += generated_warnings(t, why, lambda col: "an UPDATE of its row")
    remade = views_made(changes)
    for v in desired.views:  # (a materialized view's rows, as compare.stale_values has them)
        if v.materialized and (v.schema, v.name) not in remade and (w := why(v.query, called=matview_calls(v))):
            out.append(refresh_warning(v, w))
    return out
