"""Literal blocks (`|`) for every body and query YAML can hold exactly in one: readable in review.

PyYAML writes a text as an escaped double-quoted string ("BEGIN\\n  ...\\nEND ") as soon as a line ends in
a space or the text holds a tab, though a literal block keeps both: its content is every character after
the indentation, up to the line break (YAML 1.1 and 1.2, read so by PyYAML and libyaml alike). What a
literal block cannot hold stays escaped: a carriage return (read back as a plain line break), the other
line breaks and characters YAML does not allow raw (control characters, a byte-order mark).
"""

from __future__ import annotations

import re

import yaml

# Characters written raw in a literal block and read back as themselves: tab, line feed, printable text
# (not the other line breaks, NEL, LS and PS, nor the byte-order mark).
_RAW = re.compile("[\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*\\Z")


def literal_exact(text: str) -> bool:
    """Whether a literal block written by `LiteralDumper` reads back as exactly `text`."""
    return _RAW.match(text) is not None


def hidden(text: str) -> bool:
    """Whether `text` holds a character YAML counts printable, and so writes raw, that a reader does not see: a
    bidirectional override (U+202E reorders what a reviewer reads), a zero-width or line separator character."""
    return not text.isprintable() and any(c >= "\xa0" and not c.isprintable() for c in text)


class LiteralDumper(yaml.SafeDumper):
    """Writes a scalar asked for as `|` in a literal block whenever `literal_exact` says it may; a text holding a
    `hidden` character double-quoted with every character outside ASCII escaped (\\u202e)."""

    def write_double_quoted(self, text, split=True):
        if not hidden(text):
            return super().write_double_quoted(text, split)
        self.allow_unicode = False  # PyYAML escapes what is outside ASCII: the same text read back
        try:
            return super().write_double_quoted(text, split)
        finally:
            self.allow_unicode = True

    def analyze_scalar(self, scalar: str):
        analysis = super().analyze_scalar(scalar)
        event = self.event
        if (not analysis.allow_block and isinstance(event, yaml.ScalarEvent) and event.style == "|"
                and event.value == scalar and literal_exact(scalar)):
            analysis.allow_block = True
        return analysis

    def determine_block_hints(self, text: str) -> str:
        # libyaml refuses a tab where it is still finding the block's indentation: state it when a tab comes first.
        hints = super().determine_block_hints(text)
        return str(self.best_indent) + hints if text[:1] == "\t" else hints
