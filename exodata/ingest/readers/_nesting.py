"""How deep a JSON text nests, found before a recursive parser sees it (the CSL-JSON reader's guard)."""

from __future__ import annotations

import re

#: Deepest nesting of JSON arrays and objects a reader accepts; real exports stay under 20.  (XML depth is bounded
#: by lxml's own limit, which the XML readers report as a broken record.)
MAX_NESTING = 100


def nesting_depth_exceeds(text: str, openers: str, closers: str, limit: int = MAX_NESTING) -> int | None:
    """Offset where nesting of ``openers`` first goes deeper than ``limit`` (JSON strings skipped), or None.

    A linear scan over the structural characters only, so a deliberately deep document is refused before a
    recursive parser sees it.
    """
    depth = 0
    in_string = False
    escaped_until = -1
    structural = re.compile("[" + re.escape('\\"' + openers + closers) + "]")
    for found in structural.finditer(text):
        at = found.start()
        if at < escaped_until:
            continue
        char = found.group()
        if in_string:
            if char == "\\":
                escaped_until = at + 2
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in openers:
            depth += 1
            if depth > limit:
                return at
        elif char in closers:
            depth = max(0, depth - 1)
    return None
