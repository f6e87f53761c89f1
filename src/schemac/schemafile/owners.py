"""Which owners `inspect` writes: every object's owner but the database owner's.

The database's owner is taken as the role that will run the migrations (whoever inspects: a read-only
role reads the same schema.yaml): what it owns is what a migration creates, so `owner:` is left out
there (not compared, as before), unless the object's grants name the owner's own privileges (REVOKE INSERT ON t
FROM its owner), or its default privileges for every schema take some of its own from what it creates: a
generated migration knows them as the owner's only by `owner:`. Any other owner
(an `auth` schema owned by `supabase_admin`, tables owned by a service role) is pinned, so that the
rebuilt database has the same owners, and with them the same grantors. A sequence a column owns
follows its table (Postgres moves it with ALTER TABLE ... OWNER TO and refuses to move it alone). The
`public` schema is no migration's: every new database has it, owned by `pg_database_owner`; any other
owner of it is pinned.
"""

from __future__ import annotations

from schemac.model.frozen import replace
from typing import Any, Optional

from schemac.model import Schema

PUBLIC_SCHEMA_OWNER = "pg_database_owner"  # initdb's owner of `public` (PostgreSQL 15 and later)
_OWNED = ("tables", "views", "functions", "aggregates", "enums", "domains", "composite_types", "range_types",
          "publications", "event_triggers", "foreign_servers", "foreign_data_wrappers", "operators", "operator_classes", "operator_families", "collations", "text_search_dictionaries", "text_search_configs")


# The default privileges (`objects:`) that reach each field's objects.
_DEFAULTED = {"tables": "tables", "views": "tables", "sequences": "sequences", "functions": "functions",
              "aggregates": "functions", "enums": "types", "domains": "types", "composite_types": "types",
              "range_types": "types", "namespace_access": "schemas"}


def _cleared(obj: Any, role: Optional[str], reduced: frozenset = frozenset()) -> Any:
    """`obj` without its owner where that is `role`, unless its grants name the owner's own privileges (not
    its defaults: they are the owner's only where schema.yaml pins the owner), or the owner's default
    privileges for every schema take some of its own from what it creates (`reduced`: a migration gives
    them back to the owner it knows)."""
    if obj.owner is None or obj.owner != role or obj.owner in reduced or \
            any(p.grantee == obj.owner for p in getattr(obj, "grants", ())):
        return obj
    return replace(obj, owner=None)


def owners_to_write(schema: Schema, role: Optional[str]) -> Schema:
    """`schema` with owner None wherever inspect leaves it out (see the module's docstring)."""
    reduced = {on: frozenset(d.role for d in schema.default_privileges if d.on == on and d.schema is None
                             and any(p.grantee == d.role for p in d.grants)) for on in set(_DEFAULTED.values())}
    changes: dict[str, tuple] = {field: tuple(_cleared(o, role, reduced.get(_DEFAULTED.get(field, ""), frozenset()))
                                              for o in getattr(schema, field)) for field in _OWNED}
    # a table whose sequences' grants (an identity's, a serial's) name its owner's own: its owner is theirs
    kept = _naming_their_owner(schema)
    changes["tables"] = tuple(t if (t.schema, t.name) in kept else c for t, c in zip(schema.tables, changes["tables"]))
    for field in ("tables", "views"):  # a table's extended statistics, and a materialized view's
        changes[field] = tuple(replace(t, statistics=tuple(_cleared(s, role) for s in t.statistics))
                               if any(s.owner == role for s in t.statistics) else t for t in changes[field])
    changes["sequences"] = tuple(replace(s, owner=None) if s.owned_by is not None else _cleared(s, role, reduced["sequences"])
                                 for s in schema.sequences)
    changes["namespace_access"] = tuple(_cleared(n, PUBLIC_SCHEMA_OWNER if n.name == "public" else role, reduced["schemas"])
                                        for n in schema.namespace_access)
    return replace(schema, **changes)


def _naming_their_owner(schema: Schema) -> set[tuple[str, str]]:
    """The tables whose owner the grants of a sequence of theirs name (REVOKE ALL ON SEQUENCE t_id_seq FROM its
    owner): the sequence follows its table's owner, which schema.yaml must pin for `its_owner: []` to be its own."""
    out = {(s.schema, s.owned_by.rpartition(".")[0]) for s in schema.sequences
           if s.owned_by is not None and s.owner is not None and any(p.grantee == s.owner for p in s.grants)}
    return out | {(t.schema, t.name) for t in schema.tables if t.owner is not None and any(
        p.grantee == t.owner for c in t.columns if c.identity is not None for p in c.identity.grants)}
