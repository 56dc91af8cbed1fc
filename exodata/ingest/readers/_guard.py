"""The guarded read behind every reader's ``read``: accepts, refuse, read each record, and never raise.

A reader hands :func:`read_guarded` its ``accepts``, a ``read_part`` that reads one record, and, for an export,
a ``split`` that finds where its records are.  The guard does the rest the same way for every format:

* text the reader does not accept gives no record (detection decides; there is nothing to quarantine);
* an export too large to parse, or binary (:func:`refusal`), is one quarantined record saying why, and so is a
  text its ``split`` refuses by raising :class:`Refused` (malformed JSON, XML with entity declarations...);
* every part is read on its own: a part the split found broken, or one whose reading raised, comes back as a
  quarantined record saying where (``"<noun> N (line L)"``) and why, and the parts after it are still read;
* a scraped page (its registry kind) is one record, the whole text, and is not refused for size: any failure
  quarantines the page with the error.

So a reader bug or a malformed record never stops a build, and never hides the record it broke on.  The
format's label and kind come from its entry in :mod:`exodata.ingest.formats`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from exodata.ingest import formats
from exodata.ingest.model import RawRecord

#: Largest text an export reader will look at, in characters (the decoder already refuses files over 64 MiB;
#: this bounds the time of the slower pure-Python parsers, bibtexparser and rispy, on any input).
MAX_EXPORT_CHARS = 32 * 1024 * 1024

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class Refused(Exception):
    """The whole text must not be read; the message says why (it becomes the one quarantined record)."""


@dataclass(slots=True)
class Part:
    """One record's stretch ``text[start:end]`` of a seed, as a reader's ``split`` finds it.

    ``content`` is whatever the reader's ``read_part`` needs for it (its tag lines, a parsed element, a JSON
    object); ``broken`` says why it cannot be read at all (stray text, a block the parser gave up on).  The
    guard sets ``index`` (its place in the file), ``line`` (the 1-based line it starts on, unless the split
    knows better) and ``where`` (how messages name it).
    """

    start: int
    end: int
    content: Any = None
    broken: str | None = None
    line: int | None = None
    index: int = 0
    where: str = ""

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


ReadPart = Callable[[str, Part], RawRecord]


def read_guarded(text: str, fmt: str, accepts: Callable[[str], bool], read_part: ReadPart,
                 split: Callable[[str], list[Part]] | None = None, noun: str = "record") -> list[RawRecord]:
    """Every record of ``text`` as the reader of format ``fmt`` reads it; ``[]`` when it does not accept it.

    ``split(text)`` lists the parts of an export (a page is one part, the whole text, and needs none);
    ``noun`` is what messages call one part ('record', 'entry', 'item', 'article').
    """
    entry = formats.entry(fmt)
    if entry.kind == formats.PAGE:
        return _read_page(text, entry, accepts, read_part)
    try:
        if not accepts(text):
            return []
        reason = refusal(text)
        if reason is not None:
            raise Refused(reason)
        parts = split(text)
    except Refused as refused:
        return [_whole_text(fmt, text, str(refused))]
    except Exception as error:  # a reader bug on the whole text: one quarantined record says so
        return [_whole_text(fmt, text, f"{entry.label} could not be read: {type(error).__name__}: {error}")]
    lines = LineIndex(text)
    records = []
    for index, part in enumerate(parts):
        part.index = index
        if part.line is None:
            part.line = lines.line(part.start)
        part.where = f"{noun} {index + 1} (line {part.line})"
        records.append(_read_part(text, fmt, part, read_part))
    return records


def _read_part(text: str, fmt: str, part: Part, read_part: ReadPart) -> RawRecord:
    """The record of one part: read, or quarantined saying where and why."""
    if part.broken is not None:
        return RawRecord(fmt, part.index, part.span, quarantine=f"{part.where}: {part.broken}")
    try:
        return read_part(text, part)
    except Exception as error:  # keep the record, say why it failed
        return RawRecord(fmt, part.index, part.span,
                         quarantine=f"{part.where}: could not be read: {type(error).__name__}: {error}")


def _read_page(text: str, entry: formats.Format, accepts: Callable[[str], bool],
               read_part: ReadPart) -> list[RawRecord]:
    """The one record of a page of this layout, ``[]`` for other text; a failure quarantines the page."""
    try:
        if not accepts(text):
            return []
        return [read_part(text, Part(0, len(text), line=1, where=entry.label))]
    except Exception as error:
        return [_whole_text(entry.name, text, f"{entry.label} could not be read ({type(error).__name__}: {error})")]


def _whole_text(fmt: str, text: str, reason: str) -> RawRecord:
    """One quarantined record standing for a whole text that could not be read."""
    return RawRecord(format=fmt, index=0, span=(0, len(text)), quarantine=reason)


def refusal(text: str) -> str | None:
    """Why export text must not be parsed at all (too large, or binary), or None when it may be."""
    if len(text) > MAX_EXPORT_CHARS:
        return f"text is {len(text)} characters, over the {MAX_EXPORT_CHARS}-character limit for export files"
    head = text[:65536]
    if "\x00" in head:
        return f"binary content: NUL character at offset {head.index(chr(0))}; not a text export"
    controls = len(_CONTROL.findall(head))
    if controls > max(8, len(head) // 100):
        return f"binary content: {controls} control characters in the first {len(head)} characters"
    return None


class LineIndex:
    """1-based line numbers of offsets in one text, by binary search (for files with many records)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [found.end() for found in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, max(0, offset))
