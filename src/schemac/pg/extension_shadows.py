"""The names an extension gives functions (and aggregates) of its own that pg_catalog holds too, over the extension's
types: citext's replace(citext, citext, citext), case-insensitive, beside pg_catalog's replace(text, text, text). A
bare call over such a type calls the extension's where its schema is on the path, and pg_catalog's (the argument cast
to text) where it is not, as under 17+'s `pg_catalog, pg_temp` (compare.restricted_path): other values, silently.

Measured on 18 and 15 (every extension their builds ship, each made in a schema of its own: its pg_proc members by
pg_depend 'e' whose name pg_catalog has). Left out: pgcrypto's gen_random_uuid(), of pg_catalog's own signature,
which pg_catalog's always wins, and adminpack's, made in pg_catalog."""

from __future__ import annotations

EXTENSION_SHADOWS: dict[str, frozenset[str]] = {
    "citext": frozenset("""max min regexp_match regexp_matches regexp_replace regexp_split_to_array
regexp_split_to_table replace split_part strpos texticlike texticnlike texticregexeq texticregexne translate""".split()),
    "intarray": frozenset({"querytree"}),
    "postgis": frozenset({"box", "path", "point", "polygon", "text"}),
    "vector": frozenset({"avg", "sum"}),
}
