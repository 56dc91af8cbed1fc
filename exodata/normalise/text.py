"""Generic text cleaning shared by every normaliser.

The data model's string convention (trimmed, Unicode NFC, inner white-space runs collapsed, never "") lives
here once, so every column that is not "as written" gets exactly the same treatment.
"""

from __future__ import annotations

import re
import unicodedata

# Any run of Unicode white space (including NBSP, tabs and the newlines plus indentation of continuation
# lines), and the zero-width characters that page captures leave behind.
_SPACE_RUN = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")


def clean_text(value: str | None) -> str | None:
    """``value`` trimmed, NFC-normalised, with inner white-space runs collapsed to one space; None if blank.

    Idempotent: ``clean_text(clean_text(x)) == clean_text(x)``.
    """
    if value is None:
        return None
    text = unicodedata.normalize("NFC", value)
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACE_RUN.sub(" ", text).strip()
    return text or None


def strip_trailing_separators(value: str | None, separators: str = ";,") -> str | None:
    """A cleaned keyword or funder: :func:`clean_text` without trailing list separators (``;``, ``,``)."""
    text = clean_text(value)
    if text is None:
        return None
    return clean_text(text.rstrip(separators + " "))


_NUMBERING = re.compile(r"^[\s\u00a0]*\d{1,3}[.)][\s\u00a0]*(?=\S)")


def numbering_length(value: str) -> int:
    """How many leading characters of an affiliation are its list number (``1.`` plus NBSP/space), or 0."""
    found = _NUMBERING.match(value)
    return found.end() if found else 0
