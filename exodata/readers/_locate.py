"""Shared helpers for the export readers: find where a parsed value sits in the text, and refuse hostile input.

The parsers the readers build on (Biopython's Medline parser, rispy, bibtexparser, lxml, json) hand back values
without their offsets.  Every value a reader emits must still be a :class:`~exodata.model.Located` slice of the
seed text, so these helpers search for the value *inside the part of the text it came from* (a tag line, a
record, an element), never in the whole file, so that a string repeated in several records gets its own span.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from exodata.model import Located, RawRecord

#: Largest text an export reader will look at, in characters (the decoder already refuses files over 64 MiB;
#: this keeps the slower pure-Python parsers, bibtexparser and rispy, well under a minute on any input).
MAX_EXPORT_CHARS = 32 * 1024 * 1024

#: Deepest nesting of XML elements or JSON arrays/objects a reader accepts; real exports stay under 20.
MAX_NESTING = 100

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def refusal(text: str) -> str | None:
    """Why ``text`` must not be parsed at all (too large, or binary), or None when it may be."""
    if len(text) > MAX_EXPORT_CHARS:
        return f"text is {len(text)} characters, over the {MAX_EXPORT_CHARS}-character limit for export files"
    head = text[:65536]
    if "\x00" in head:
        return f"binary content: NUL character at offset {head.index(chr(0))}; not a text export"
    controls = len(_CONTROL.findall(head))
    if controls > max(8, len(head) // 100):
        return f"binary content: {controls} control characters in the first {len(head)} characters"
    return None


def refused_record(fmt: str, text: str, reason: str) -> RawRecord:
    """One quarantined record standing for a whole text that could not be read."""
    return RawRecord(format=fmt, index=0, span=(0, len(text)), quarantine=reason)


def first_chars(text: str, count: int = 600) -> str:
    """The first ``count`` characters of ``text`` after leading white space and a byte-order mark."""
    return text[:count + 4096].lstrip("\ufeff \t\r\n")[:count]


def line_number(text: str, offset: int) -> int:
    """1-based line number of ``offset`` in ``text``."""
    return text.count("\n", 0, max(0, offset)) + 1


def _flexible(value: str) -> re.Pattern[str] | None:
    """A pattern matching ``value`` with any run of white space where it has one (continuation lines)."""
    words = value.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(word) for word in words))


def locate(text: str, value: str, start: int = 0, end: int | None = None) -> Located | None:
    """``value`` as found in ``text[start:end]``: exactly, else with white-space runs matched loosely.

    The span is of the characters as written; ``None`` when the value is not there.
    """
    end = len(text) if end is None else end
    if not value:
        return None
    at = text.find(value, start, end)
    if at >= 0:
        return Located.of(text, at, at + len(value))
    pattern = _flexible(value)
    if pattern is None:
        return None
    found = pattern.search(text, start, end)
    if found is None:
        return None
    return Located.of(text, found.start(), found.end())


@dataclass(frozen=True, slots=True)
class TagEntry:
    """One tagged field of a line-oriented export (MEDLINE, RIS): the tag and its value with continuations."""

    tag: str
    value: Located
    line: int


def iter_located(record: RawRecord) -> Iterator[tuple[str, Located]]:
    """Every Located value of ``record`` with a label saying where it sits (for checks and tests)."""
    for name, value in record.fields.items():
        yield name, value
    for i, link in enumerate(record.links):
        yield f"links[{i}]", link
    for i, author in enumerate(record.authors):
        yield f"authors[{i}]", author.name
    for i, affiliation in enumerate(record.affiliations):
        yield f"affiliations[{i}]", affiliation
    for i, keyword in enumerate(record.keywords):
        yield f"keywords[{i}]", keyword
    for i, funder in enumerate(record.funders):
        yield f"funders[{i}]", funder


def span_errors(text: str, record: RawRecord) -> list[str]:
    """Where ``record`` breaks ``text[start:end] == located.text`` (empty when every span holds)."""
    errors = []
    for label, value in iter_located(record):
        if not (0 <= value.start <= value.end <= len(text)) or text[value.start:value.end] != value.text:
            errors.append(f"{label}: {value.text!r} is not text[{value.start}:{value.end}]")
    for i, author in enumerate(record.authors):
        for position in author.affiliations:
            if not 1 <= position <= len(record.affiliations):
                errors.append(f"authors[{i}] points at affiliation {position} of {len(record.affiliations)}")
    return errors


def add_affiliation(record: RawRecord, value: Located) -> int:
    """The 1-based position of ``value`` in the record's distinct affiliations, adding it when new."""
    wanted = " ".join(value.value.split())
    for position, known in enumerate(record.affiliations, start=1):
        if " ".join(known.value.split()) == wanted:
            return position
    record.affiliations.append(value)
    return len(record.affiliations)


def strip_terminal_period(value: Located) -> Located:
    """The value without the single period MEDLINE and PubMed XML append to titles (kept when it ends '...')."""
    if value.decoded is not None:
        if value.decoded.endswith(".") and not value.decoded.endswith("..") and value.text.endswith("."):
            return Located(value.text[:-1], value.start, value.end - 1, value.decoded[:-1])
        return value
    if value.text.endswith(".") and not value.text.endswith(".."):
        return value.sub(0, len(value.text) - 1)
    return value


_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|21\d\d)(?!\d)")


def year_in(value: Located | None) -> Located | None:
    """The first plausible four-digit year inside ``value`` ('2022 Aug 13' -> '2022'), located."""
    if value is None:
        return None
    found = _YEAR.search(value.text)
    if found is None:
        return None
    return value.sub(found.start(), found.end())


_ELOCATOR = re.compile(r"^[A-Za-z]{0,3}\d{1,12}[A-Za-z]?$")


def looks_like_elocator(value: str) -> bool:
    """True for article numbers and e-locators ('e0123', '114415', 'S12'), not for publisher PIIs."""
    return bool(_ELOCATOR.match(value.strip()))


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
