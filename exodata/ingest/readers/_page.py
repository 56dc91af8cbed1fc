"""What every scraped-page reader shares: located non-blank lines, one record per page, never an exception."""

from __future__ import annotations

import re
from collections.abc import Callable

from exodata.ingest.model import Located, RawRecord

_LINE = re.compile(r"[^\r\n]+")


def read_page(text: str, accepts: Callable[[str], bool], read_one: Callable[[str], RawRecord], fmt: str,
              label: str) -> list[RawRecord]:
    """``[read_one(text)]`` for a page of this layout, ``[]`` for other text; a reader bug becomes a quarantined
    record that says where it broke (a reader never raises)."""
    try:
        if not accepts(text):
            return []
        return [read_one(text)]
    except Exception as error:
        return [RawRecord(format=fmt, index=0, span=(0, len(text)),
                          quarantine=f"{label} could not be read ({type(error).__name__}: {error})")]


def nonblank_lines(text: str) -> list[Located]:
    """Every non-blank line of ``text``, stripped of surrounding white space (NBSP included), located.

    Page captures indent, collapse and wrap lines unpredictably; the page readers work on these lines only.
    """
    found = []
    for match in _LINE.finditer(text):
        line = Located(match.group(), match.start(), match.end()).strip()
        if line.text:
            found.append(line)
    return found
