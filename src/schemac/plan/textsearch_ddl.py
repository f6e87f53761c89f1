"""Statements for text search dictionaries (CREATE, ALTER of its options, made anew for another template, DROP)
and configurations:
CREATE TEXT SEARCH CONFIGURATION (PARSER = ...), then one
ADD MAPPING per list of dictionaries; a changed mapping is ALTER/ADD/DROP MAPPING in place (indexes and
columns that name the configuration stay). sqlglot parses these only as Commands: they are assembled
from names quoted by pg.names."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from sqlglot import exp

from schemac.compare.changes import Change
from schemac.errors import SchemacError
from schemac.model import TextSearchConfig, TextSearchDictionary
from schemac.pg.names import qualified, quote_ident
from schemac.plan.sql_strings import do_block, literal
from schemac.pg.searchnames import dictionary_options_sql, search_name_sql


def _by_dictionaries(mappings) -> dict[tuple[str, ...], list[str]]:
    """Token types grouped by their list of dictionaries, in the mappings' order: one statement each."""
    out: dict[tuple[str, ...], list[str]] = {}
    for m in mappings:
        out.setdefault(m.dictionaries, []).append(m.token)
    return out


def _alter(c: TextSearchConfig, action: str, tokens: list[str], dicts: tuple[str, ...] = ()) -> exp.Command:
    text = f"TEXT SEARCH CONFIGURATION {qualified(c.schema, c.name)} {action} FOR {', '.join(map(quote_ident, tokens))}"
    return exp.Command(this="ALTER", expression=text + (f" WITH {', '.join(map(search_name_sql, dicts))}" if dicts else ""))


def create_text_search_config(c: TextSearchConfig) -> list[exp.Expression]:
    out: list[exp.Expression] = [exp.Command(this="CREATE", expression=(
        f"TEXT SEARCH CONFIGURATION {qualified(c.schema, c.name)} (PARSER = {search_name_sql(c.parser)})"))]
    return out + [_alter(c, "ADD MAPPING", tokens, dicts) for dicts, tokens in _by_dictionaries(c.mappings).items()]


def alter_text_search_config(old: TextSearchConfig, new: TextSearchConfig) -> list[exp.Expression]:
    if old.parser != new.parser:
        raise SchemacError(f"text search configuration {new.schema}.{new.name}: its parser cannot change in place "
                           f"({old.parser} -> {new.parser}); create a new configuration", new.source)
    before = {m.token: m.dictionaries for m in old.mappings}
    after = {m.token: m.dictionaries for m in new.mappings}
    out: list[exp.Expression] = []
    dropped = [t for t in before if t not in after]
    if dropped:
        out.append(_alter(new, "DROP MAPPING IF EXISTS", dropped))
    changed = [m for m in new.mappings if m.token in before and before[m.token] != m.dictionaries]
    out += [_alter(new, "ALTER MAPPING", tokens, dicts) for dicts, tokens in _by_dictionaries(changed).items()]
    added = [m for m in new.mappings if m.token not in before]
    return out + [_alter(new, "ADD MAPPING", tokens, dicts) for dicts, tokens in _by_dictionaries(added).items()]


def _dictionary(d: TextSearchDictionary, verb: str, options: list[str]) -> exp.Command:
    return exp.Command(this=verb, expression=f"TEXT SEARCH DICTIONARY {qualified(d.schema, d.name)} ({', '.join(options)})")


def dictionary_statements(k: str, old: Optional[TextSearchDictionary], new: Optional[TextSearchDictionary]) -> list:
    """CREATE, DROP, or ALTER of the options (one left out is reset: named alone)."""
    if k == "add_text_search_dictionary":
        return [_dictionary(new, "CREATE", [f"TEMPLATE = {search_name_sql(new.template)}",  # type: ignore[union-attr]
                                            *dictionary_options_sql(new.options)])]  # type: ignore[union-attr]
    if k == "drop_text_search_dictionary":
        return [exp.Command(this="DROP", expression=f"TEXT SEARCH DICTIONARY IF EXISTS {qualified(old.schema, old.name)}")]  # type: ignore
    if old.template != new.template:  # type: ignore[union-attr]
        return retemplated_dictionary(new)  # type: ignore[arg-type]
    kept = {o.split("=", 1)[0] for o in new.options}  # type: ignore[union-attr]
    reset = [quote_ident(n) for n in sorted({o.split("=", 1)[0] for o in old.options} - kept)]  # type: ignore[union-attr]
    return [_dictionary(new, "ALTER", dictionary_options_sql(new.options) + reset)]  # type: ignore[arg-type, union-attr]


def retemplated_dictionary(d: TextSearchDictionary) -> list[exp.Expression]:
    """A template changed (Postgres has no ALTER for it): the dictionary is created anew under a scratch name, every
    configuration mapping to the old one is pointed at it (ALTER MAPPING REPLACE keeps each mapping's place; the
    configurations, and the indexes and generated columns bound to their OIDs, stay), the old one is dropped and the
    new one takes its name, comment and pinned owner. The configurations are found by the server's catalog, as they
    are when the migration runs."""
    scratch = f"{d.name[:40]}_schemac_retemplated"
    target, aside = qualified(d.schema, d.name), qualified(d.schema, scratch)
    body = (f"DECLARE c regconfig; BEGIN FOR c IN SELECT DISTINCT mapcfg::regconfig FROM pg_catalog.pg_ts_config_map "
            f"WHERE mapdict = {literal(target)}::regdictionary LOOP EXECUTE pg_catalog.format("
            f"{literal('ALTER TEXT SEARCH CONFIGURATION %s ALTER MAPPING REPLACE ' + (target + ' WITH ' + aside).replace('%', '%%'))}, c); "
            "END LOOP; END")
    out = [_dictionary(replace(d, name=scratch), "CREATE", [f"TEMPLATE = {search_name_sql(d.template)}",
                                                            *dictionary_options_sql(d.options)]),
           do_block(body), exp.Command(this="DROP", expression=f"TEXT SEARCH DICTIONARY {target}"),
           exp.Command(this="ALTER", expression=f"TEXT SEARCH DICTIONARY {aside} RENAME TO {quote_ident(d.name)}")]
    if d.comment is not None:
        out.append(exp.Command(this="COMMENT", expression=f"ON TEXT SEARCH DICTIONARY {target} IS {literal(d.comment)}"))
    if d.owner:
        out.append(exp.Command(this="ALTER", expression=f"TEXT SEARCH DICTIONARY {target} OWNER TO {quote_ident(d.owner)}"))
    return out


def text_search_statements(change: Change) -> Optional[list[exp.Expression]]:
    """Statements of a text search configuration or dictionary change, else None."""
    k, old, new = change.kind, change.old, change.new
    if k.endswith("_text_search_dictionary"):
        return dictionary_statements(k, old, new)  # type: ignore[arg-type]
    if k == "add_text_search_config":
        return create_text_search_config(new)  # type: ignore[arg-type]
    if k == "drop_text_search_config":
        return [exp.Command(this="DROP", expression=f"TEXT SEARCH CONFIGURATION IF EXISTS {qualified(old.schema, old.name)}")]  # type: ignore
    if k == "alter_text_search_config":
        return alter_text_search_config(old, new)  # type: ignore[arg-type]
    return None
