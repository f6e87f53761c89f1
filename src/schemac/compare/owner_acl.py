"""An access list as ALTER ... OWNER TO leaves it (Postgres's aclnewowner), for the differ's grants: what the old
owner held passes to the new one and merges with what that role held already."""

from __future__ import annotations

from typing import Optional

from schemac.model import Privilege
from schemac.model.frozen import replace
from schemac.model.grants import NOTHING, PRIVILEGES, TABLE_ONLY, owner_holds_defaults


def as_owned_by(grants: tuple[Privilege, ...], was: Optional[str], owner: Optional[str],
                kind: Optional[str] = None) -> tuple[Privilege, ...]:
    """An access list as ALTER ... OWNER TO leaves it (aclnewowner): the old owner's entries become the new
    owner's, merged with those the new owner held already (a grantee made owner keeps what it was granted:
    where the old owner held its defaults, so does the new one, and what it held beyond them, a grant option
    or a column's privilege, stays: its entries are then the defaults of `kind` and those, a relation's MAINTAIN
    among them, which PostgreSQL 17 and later give an owner: a list naming no MAINTAIN has it revoked, by REVOKE ALL
    and the list granted again, right on 15 and 16 too); what the new owner had granted is now the owner's grant
    (grantor None)."""
    if was is None or owner is None or was == owner:
        return grants
    defaults = not any(p.grantee == was for p in grants)
    out: dict[tuple, Privilege] = {}
    if defaults and kind is not None and any(p.grantee == owner and p.privilege != NOTHING for p in grants):
        maintain = TABLE_ONLY if kind == "table" else ()
        out = {(owner, (x, None, None)): Privilege(owner, x) for x in PRIVILEGES[kind] + maintain}
    merged = bool(out)  # (else the new owner's entries go: it holds its defaults, as the old one did)
    for p in grants:
        if p.grantee == owner and defaults and not merged or p.grantee in (was, owner) and p.privilege == NOTHING:
            continue
        if p.grantee == was or p.grantor == owner:
            p = replace(p, grantee=owner if p.grantee == was else p.grantee,
                        grantor=None if p.grantor == owner else p.grantor)
        key = (p.grantee, p.key)
        out[key] = replace(p, grantable=p.grantable or out[key].grantable) if key in out else p
    held = tuple(out.values())
    if defaults and kind is not None and owner_holds_defaults([p for p in held if p.grantee == owner], kind):
        held = tuple(p for p in held if p.grantee != owner)  # (it gained nothing beyond them)
    return held if defaults or any(p.grantee == owner for p in held) else held + (Privilege(owner, NOTHING),)
