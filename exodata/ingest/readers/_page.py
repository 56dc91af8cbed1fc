"""What every scraped-page reader shares: the page's non-blank lines, located."""

from __future__ import annotations

import re

from exodata.ingest.model import Located

_LINE = re.compile(r"[^\r\n]+")


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
