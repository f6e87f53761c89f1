"""A sequence schema.yaml no longer declares while a column default it keeps still calls it (`nextval('s')`): the
migration's DROP SEQUENCE would fail ("cannot drop sequence s because other objects depend on it"), so generate
refuses at the default's line instead of writing a migration that does not apply. Checked where both sides are known:
a renamed sequence (renamed_from:, or following its table) is no drop, and one dropped to be made again is declared."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.compare.taken_sequences import identity_taken
from schemac.errors import SchemaFileError
from schemac.model import Schema
from schemac.pg.named_refs import named_refs

__all__ = ["dropped_sequence_defaults"]


def dropped_sequence_defaults(desired: Schema, changes: list[Change]) -> None:
    """Raises SchemaFileError (file, line, key) for a column default of schema.yaml calling a sequence this migration
    drops and does not make again."""
    declared = {(q.schema, q.name) for q in desired.sequences}  # (and an identity's, which takes the name again:
    declared |= {(s, n) for _, s, n in identity_taken(changes, {t.key: t for t in desired.tables})}  # compare.taken_sequences)
    dropped = {("sequence", c.schema, c.name) for c in changes
               if c.kind == "drop_sequence" and (c.schema, c.name) not in declared}
    if not dropped:
        return
    for t in desired.tables:
        for col in t.columns:
            if not col.default or "(" not in col.default:
                continue
            hit = sorted(named_refs(col.default) & dropped)
            if hit:
                _, schema, name = hit[0]
                raise SchemaFileError(f"default of column '{col.name}' of table '{t.name}' calls sequence "
                                      f"{schema}.{name}, which schema.yaml no longer declares: the migration would drop "
                                      f"it under the default (Postgres refuses); declare it under sequences:, or change "
                                      f"the default", col.source or t.source)
