"""ALTER FUNCTION ... COST/ROWS/SET and COMMENT ON made on an extension's own objects after its script ran: which of
those schema.yaml gives (Extension.settings, Extension.comments) the database does not hold. Only the objects
schema.yaml lists are compared (Postgres keeps no record of what the script made: the catalog reader lists what was
changed since, and an object left out may hold the script's own), and of a routine's settings only the cost and rows
it gives."""

from __future__ import annotations

from typing import Optional

from schemac.model import Extension, MemberSetting


def member_settings_differ(old: Optional[Extension], new: Extension) -> bool:
    """Whether the settings or comments schema.yaml gives the extension's own objects are not the database's (old:
    None, none yet)."""
    return bool(changed_member_settings(old, new) or changed_member_comments(old, new)) or new.detached != (
        old.detached if old is not None else ())


def held_settings(old: Optional[Extension]) -> dict[str, MemberSetting]:
    return {m.on: m for m in (old.settings if old is not None else ())}


def changed_member_settings(old: Optional[Extension], new: Extension) -> list[MemberSetting]:
    have = held_settings(old)
    return [m for m in new.settings if (held := have.get(m.on)) is None or m.config != held.config
            or (m.cost is not None and m.cost != held.cost) or (m.rows is not None and m.rows != held.rows)]


def changed_member_comments(old: Optional[Extension], new: Extension) -> list[tuple[str, str]]:
    have = dict(old.comments if old is not None else ())
    return [(on, text) for on, text in new.comments if have.get(on) != text]


def _setting_text(m: MemberSetting) -> str:
    parts = [f"COST {m.cost:g}" if m.cost is not None else "", f"ROWS {m.rows:g}" if m.rows is not None else "",
             *(f"SET {c}" for c in m.config)]
    return f"ALTER {m.on} " + (" ".join(p for p in parts if p) or "RESET ALL")


def member_settings_text(old: Extension, new: Extension) -> tuple[str, str]:
    """(what schema.yaml says, what the database holds) of the objects whose settings or comments differ, for the
    drift report."""
    have, held = held_settings(old), dict(old.comments)
    settings, comments = changed_member_settings(old, new), changed_member_comments(old, new)
    detached, kept = set(new.detached) - set(old.detached), set(old.detached) - set(new.detached)
    want = [_setting_text(m) for m in settings] + [f"COMMENT ON {on} IS {text!r}" for on, text in comments] + [
        f"{on} detached" for on in sorted(detached)] + [f"{on} the extension's own" for on in sorted(kept)]
    now = [_setting_text(have[m.on]) if m.on in have else f"{m.on} as its script made it" for m in settings] + [
        f"COMMENT ON {on} IS {held[on]!r}" if on in held else f"{on}: its script's comment, or none"
        for on, _ in comments] + [f"{on} the extension's own" for on in sorted(detached)] + [
        f"{on} detached" for on in sorted(kept)]
    return "; ".join(want), "; ".join(now)
