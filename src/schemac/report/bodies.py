"""Why a SQL-standard body a drift report calls changed may differ in spelling only (commands.body_prints)."""

from __future__ import annotations

from typing import Optional

from schemac.compare.changes import Change
from schemac.model.frozen import replace


def unprinted_note(c: Change, major: Optional[int] = None) -> str:
    """The note of an `alter_function` of a SQL-standard body that differs in its body alone, where no print of
    schema.yaml's text by Postgres was at hand (`printed`: none recorded for it, schema.yaml changed since the last
    `generate` or no state.json read; or Postgres could not build it there): the body was compared by schemac's
    reading of both texts (compare.types._same_returned), which does not reach every spelling Postgres prints (a
    CTE modifying data, qualified). Said, with the way out, rather than a bare drift. Likewise where the print at
    hand was made by another major than the database's (`major`, PostgreSQL's: commands.diff reads it with the
    catalog), which the body was compared with first: a print may differ between majors (none of the shapes
    tests/test_body_prints.py prints does between 15, 16 and 18)."""
    new, old = c.new, c.old
    if c.kind != "alter_function" or new is None or old is None or not (new.standard_body and old.standard_body) or \
            new.printed is not None and (major is None or new.printed_by in (None, major)):
        return ""
    from schemac.compare.types import same_function

    if not same_function(replace(old, body=new.body), new):
        return ""
    if new.printed is not None:  # (a print of another major's: the one `generate` could build)
        return (f" (SQL-standard body compared with PostgreSQL {new.printed_by}'s print of it, recorded at `schemac "
                f"generate`, and by schemac's reading of both texts: the database is PostgreSQL {major}, whose print "
                f"of it may differ; `schemac generate` with $SCHEMAC_DEV_URL naming a PostgreSQL {major} server "
                f"records that major's print, then diff again)")
    if new.printed_by is not None:  # (the build failed at generate: not tried again for this text)
        return (" (SQL-standard body compared as written, by schemac's reading of both texts: Postgres could not "
                "build it from schema.yaml alone at `schemac generate` to record its print)")
    return (" (SQL-standard body compared by schemac's reading of both texts, which may not reach Postgres's spelling "
            "of it: no print of it by Postgres is recorded, as schema.yaml changed since the last `schemac generate` "
            "or no state.json was read; run `schemac generate` to record Postgres's print, then diff again)")
