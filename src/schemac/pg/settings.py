"""A routine's `SET name = value` as pg_proc.proconfig keeps it: the name in the setting's own spelling
(`timezone` is TimeZone), a list setting's items joined by ", " (`public,pg_temp` is `public, pg_temp`).
schema.yaml's spelling compared as text with proconfig's was a difference right after the migration."""

from __future__ import annotations

from schemac.pg.indexdef import top_level_items
from schemac.pg.names import quote_ident

# The settings whose value is a list of names (Postgres's GUC_LIST_QUOTE ones, as pg_dump's
# variable_is_guc_list_quote lists them): proconfig holds them joined by ", ", each name quoted where it needs it.
LIST_SETTINGS = frozenset({"search_path", "temp_tablespaces", "session_preload_libraries", "shared_preload_libraries",
                           "local_preload_libraries", "unix_socket_directories"})

# The settings a SET names in mixed case (guc_tables.c): proconfig stores them so, whatever case SET used.
_MIXED_CASE = {n.lower(): n for n in ("DateStyle", "IntervalStyle", "TimeZone")}


def config_entry(name: str, value: str) -> str:
    """proconfig's `name=value` for `SET name = value` as schema.yaml writes it."""
    name = _MIXED_CASE.get(name.lower(), name.lower() if "." not in name else name)
    if name in LIST_SETTINGS:
        value = ", ".join(_item(i) for i in list_items(value))
    return f"{name}={value}"


def list_items(value: str) -> list[str]:
    """A list setting's items, split at the commas outside quotes: a quoted name may hold one (`"my,schema"`, split
    at every comma, was two names, `"my` and `schema"`). An empty value is one empty item (`SET search_path = ''`)."""
    return top_level_items(value) or [""]


def _item(item: str) -> str:
    """A list setting's item as proconfig holds it: a name, quoted where it needs it. Written as SQL spells it in a
    SET, a string literal (`''`, Supabase's `SET search_path = ''`; `'private'`), which proconfig never holds (its
    names are bare or in double quotes), is the name it spells: read as a name, `''` made a schema named `''` the
    path. An empty item (`search_path: ''` in YAML) is the empty name, `""`, as proconfig holds it."""
    if not item or len(item) >= 2 and item[0] == item[-1] == "'":
        return quote_ident(item[1:-1].replace("''", "'"))  # (quote_ident('') is "")
    return item
