"""An unquoted expression that YAML cut short: ` #` starts a comment, so `k: j #>> '{a,b}' <> ''` loads as the
expression `j`, and `default: a # 3` as `a`, silently (Postgres's #>>, #>, #- and # are operators). The loader warns
where a plain scalar of an expression is followed on its line by a comment that reads as the rest of the expression:
one glued to its `#` by an operator's character (`#>> '{a}'`, `#- '{a}'`) or beginning with a number or a string
(`# 3`, `# 'x'`), with which the expression and the comment are one expression sqlglot reads. An ordinary trailing
comment (`default: 0  # counter start`, `# (unused)`, `#----`) is none of these."""

from __future__ import annotations

import re
from typing import Callable, Optional

from schemac.pg.exprerrors import ExpressionError

_COMMENT = re.compile(r"[ \t]+(#.*)$")


def comment_after(lines: list[str], line: int, column: int, value: str) -> Optional[str]:
    """The comment (from its `#`) that follows the plain scalar `value` written at (line, column), 0-based, on the same
    line; None where there is none, or where the scalar spans lines (its value is not its text then)."""
    if line >= len(lines):
        return None
    text = lines[line]
    end = column + len(value)
    if text[column:end] != value:
        return None
    m = _COMMENT.match(text, end)
    return m.group(1).rstrip() if m else None


def reads_on(value: str, comment: str, check: Callable[[str], object], verbatim: Callable[[str], bool]) -> bool:
    """Whether `comment` reads as the rest of the expression `value` (the module's rule)."""
    glued, spaced = comment[1:2], comment[1:].lstrip()[:1]
    if not ((glued and not glued.isspace() and not glued.isalnum() and glued not in "#!_")
            or spaced.isdigit() or spaced == "'"):
        return False
    whole = f"{value} {comment}"
    try:
        check(whole)
    except ExpressionError:
        return False
    return not verbatim(whole)
