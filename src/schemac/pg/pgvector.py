"""pgvector's column types (`vector(1536)`, `halfvec(768)`, `sparsevec(30000)`), for type changes.

pgvector checks every value against the column's dimensions (its typmod): `ALTER COLUMN ... TYPE vector(4)` over a
vector(3) casts each value with `CAST(e AS vector(4))`, which refuses it ("expected 4 dimensions, not 3"), so the
migration failed on the first row that holds one. `generate` asks for `using:` instead (`plan.hazards`), as it does for
a PostGIS SRID changed: the embeddings computed again (NULL until then) or, to keep some dimensions, `subvector`. The
dimensions dropped (`vector(3)` to `vector`) keep every value: no hazard."""

from __future__ import annotations

import re
from typing import Optional

from schemac.pg import postgis
from schemac.pg.postgis import NO, YES

_TYPE = re.compile(r"^(?:(?P<schema>[a-z_][a-z0-9_$]*|\"(?:[^\"]|\"\")+\")\.)?(?P<kind>vector|halfvec|sparsevec)"
                   r"(?:\((?P<dims>\d+)\))?$")


def _vector(canonical: str) -> Optional[tuple[str, str, Optional[int]]]:
    """(schema prefix, kind, dimensions or None) of the pgvector type `canonical` names, or None."""
    m = _TYPE.match(canonical)
    if m is None:
        return None
    return (m.group("schema") + "." if m.group("schema") else "", m.group("kind"),
            int(m.group("dims")) if m.group("dims") else None)


def fits(old_type: str, new_type: str) -> Optional[str]:
    """NO when `new_type` has other dimensions than `old_type` (each non-NULL value is refused), YES when it is the
    same kind with the same dimensions or none; None otherwise (either not a pgvector type, or another kind:
    halfvec rounds, a value of no dimensions may have others)."""
    if old_type.endswith("[]") and new_type.endswith("[]"):  # element by element
        return fits(old_type[:-2], new_type[:-2])
    old, new = _vector(old_type), _vector(new_type)
    if old is None or new is None:
        return None
    if old[2] is not None and new[2] is not None and old[2] != new[2]:
        return NO
    return YES if old[1] == new[1] and (new[2] is None or new[2] == old[2]) else None


def refusal(column: str, old_type: str, new_type: str) -> Optional[str]:
    """Why PostgreSQL refuses every existing value when `column` goes from `old_type` to `new_type`, with the
    `using:` to write; None unless both are pgvector types of other dimensions."""
    if fits(old_type, new_type) != NO:
        return None
    old, new = _vector(old_type.removesuffix("[]")), _vector(new_type.removesuffix("[]"))
    assert old is not None and new is not None
    head = (f"pgvector refuses every existing value of {old_type} as {new_type} (dimensions {old[2]} to {new[2]}); "
            "add `using:` to the column: an SQL expression that computes each value anew, e.g. using: \"NULL\" (the "
            "embeddings computed again after the migration)")
    if new_type.endswith("[]") or new[2] > old[2] or old[1] == "sparsevec" or new[1] == "sparsevec":  # type: ignore
        return head
    return f"{head}, or \"{new[0]}subvector({column}, 1, {new[2]})::{new_type}\" to keep the first {new[2]} dimensions"


def values_refused(column: str, old_type: str, new_type: str) -> Optional[str]:
    """Why PostGIS (an SRID, shape or dimensions) or pgvector (dimensions) refuses every existing value when `column`
    goes from `old_type` to `new_type`, with the `using:` to write; None where neither does."""
    return postgis.refusal(column, old_type, new_type) or refusal(column, old_type, new_type)
