"""Why a SQL-standard body a drift report calls changed may differ in spelling only (commands.body_prints)."""

from __future__ import annotations

from schemac.compare.changes import Change
from schemac.model.frozen import replace


def unprinted_note(c: Change) -> str:
    """The note of an `alter_function` of a SQL-standard body that differs in its body alone, where no print of
    schema.yaml's text by Postgres was at hand (`printed`: none recorded for it, schema.yaml changed since the last
    `generate` or no state.json read; or Postgres could not build it there): the body was compared by schemac's
    reading of both texts (compare.types._same_returned), which does not reach every spelling Postgres prints (a
    CTE modifying data, qualified). Said, with the way out, rather than a bare drift."""
    from schemac.compare.types import same_function

    new, old = c.new, c.old
    if c.kind != "alter_function" or new is None or old is None or not (new.standard_body and old.standard_body) or \
            new.printed is not None or not same_function(replace(old, body=new.body), new):
        return ""
    if new.printed_by is not None:  # (the build failed at generate: not tried again for this text)
        return (" (SQL-standard body compared as written, by schemac's reading of both texts: Postgres could not "
                "build it from schema.yaml alone at `schemac generate` to record its print)")
    return (" (SQL-standard body compared by schemac's reading of both texts, which may not reach Postgres's spelling "
            "of it: no print of it by Postgres is recorded, as schema.yaml changed since the last `schemac generate` "
            "or no state.json was read; run `schemac generate` to record Postgres's print, then diff again)")
