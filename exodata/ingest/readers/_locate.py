"""Where a parsed value sits in the seed text: the span search every export reader shares.

The parsers the readers build on (Biopython's Medline parser, rispy, bibtexparser, lxml, json) hand back values
without their offsets.  Every value a reader emits must still be a :class:`~exodata.ingest.model.Located` slice of the
seed text, so these helpers search for the value *inside the part of the text it came from* (a tag line, a
record, an element), never in the whole file, so that a string repeated in several records gets its own span.
The XML readers find their spans from the markup instead (:mod:`exodata.ingest.readers._xml`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from exodata.ingest.model import Located, Problem, RawRecord
from exodata.ingest.years import year_span


def first_chars(text: str, count: int = 600) -> str:
    """The first ``count`` characters of ``text`` after leading white space and a byte-order mark."""
    return text[:count + 4096].lstrip("\ufeff \t\r\n")[:count]


def line_number(text: str, offset: int) -> int:
    """1-based line number of ``offset`` in ``text``."""
    return text.count("\n", 0, max(0, offset)) + 1


_SPACE_RUN = re.compile(r"\s+")
#: A line break and the six-space indent of a MEDLINE continuation line.
_CONTINUATION = "\n      "


def _match_words(text: str, words: list[str], at: int, end: int) -> int:
    """End of ``words`` written from ``at`` with a run of white space between each two, or -1.

    The words hold no white space, so each run is the whole run of white space before the next word: the
    match at ``at`` is unique and found without backtracking.
    """
    position = at + len(words[0])
    for word in words[1:]:
        gap = _SPACE_RUN.match(text, position, end)
        if gap is None or not text.startswith(word, gap.end(), end):
            return -1
        position = gap.end() + len(word)
    return position


def locate(text: str, value: str, start: int = 0, end: int | None = None) -> Located | None:
    """``value`` as found in ``text[start:end]``: exactly, else with white-space runs matched loosely.

    The span is of the characters as written; ``None`` when the value is not there.  The loose search is the
    leftmost match of the value's words joined by runs of white space (what a MEDLINE continuation line or a
    re-wrapped RIS value looks like).  It is a scan with ``str.find`` from each occurrence of the first word
    rather than a regular expression built from the value: parsers hand back thousands of distinct values
    per file, and compiling a pattern for each was most of a reader's time.
    """
    end = len(text) if end is None else end
    if not value:
        return None
    at = text.find(value, start, end)
    if at >= 0:
        return Located.of(text, at, at + len(value))
    part = text[start:end]
    if _CONTINUATION in part and not value[0].isspace() and part.replace(_CONTINUATION, " ") == value:
        # A MEDLINE value wrapped over continuation lines, as Biopython joins them: the case below (the two
        # texts split into the same words, as swapping white space for a space keeps the words), found
        # without splitting both texts, which was a tenth of the MEDLINE reader (docs/benchmarks.md).
        return Located.of(text, start + len(part) - len(part.lstrip()), start + len(part.rstrip()))
    words = value.split()
    if not words:
        return None
    if part.split() == words:  # the usual case: the whole part is the value, wrapped differently
        return Located.of(text, start + len(part) - len(part.lstrip()), start + len(part.rstrip()))
    at = text.find(words[0], start, end)
    while at >= 0:
        stop = _match_words(text, words, at, end)
        if stop >= 0:
            return Located.of(text, at, stop)
        at = text.find(words[0], at + 1, end)
    return None


def iter_located(record: RawRecord) -> Iterator[tuple[str, Located]]:
    """Every Located value of ``record`` with a label saying where it sits (for checks and tests)."""
    yield from record.fields.items()
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
    for i, term in enumerate(record.publication_types):
        yield from _term_values(f"publication_types[{i}]", term)
    for i, heading in enumerate(record.subject_headings):
        yield f"subject_headings[{i}]", heading.written
        if heading.descriptor is not None:
            yield from _term_values(f"subject_headings[{i}].descriptor", heading.descriptor)
        for j, qualifier in enumerate(heading.qualifiers):
            yield from _term_values(f"subject_headings[{i}].qualifiers[{j}]", qualifier)


def _term_values(label: str, term) -> Iterator[tuple[str, Located]]:
    yield label, term.name
    if term.id is not None:
        yield f"{label}.id", term.id


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


def year_in(value: Located | None) -> Located | None:
    """The year of a date field ('2022 Aug 13' -> '2022'), located: see :func:`exodata.ingest.years.year_span`."""
    if value is None:
        return None
    span = year_span(value.text)
    return None if span is None else value.sub(*span)


_ELOCATOR = re.compile(r"^[A-Za-z]{0,3}\d{1,12}[A-Za-z]?$")


def looks_like_elocator(value: str) -> bool:
    """True for article numbers and e-locators ('e0123', '114415', 'S12'), not for publisher PIIs."""
    return bool(_ELOCATOR.match(value.strip()))


#: One tag line as the line scanners of MEDLINE and RIS keep it: [tag, value start, value end, line number].
TagRow = list


def located_values(text: str, entries: list[TagRow], values: list[str], problems: list) -> list[Located]:
    """A parser's ``values`` of one tag, each located inside its own tag line (``entries``, same order).

    When the parser and the line scan disagree on how many values there are, the scanned lines are used as
    written and a Problem says so; a value not found inside its line falls back to the whole line too.

    ``entries`` are the scanners' own ``[tag, value start, value end, line]`` rows, not objects per
    line: making a tag-entry object and a Located for every tag line was a large share of the RIS reader's time
    (docs/benchmarks.md), and only the lines of the tags a reader asks for need a Located.  (Problem is imported
    at module level: an import statement here ran once per tag asked of each record.)
    """
    if len(values) != len(entries):
        if entries:
            tag, value_start, _, line = entries[0]
            problems.append(Problem(f"{tag}: the parser read {len(values)} value(s) where the record "
                                    f"has {len(entries)} {tag} line(s); the lines are used as written",
                                    value_start, line))
        return [Located(text[value_start:value_end], value_start, value_end)
                for _, value_start, value_end, _ in entries]
    located = []
    for (_, value_start, value_end, _), value in zip(entries, values):
        written = text[value_start:value_end]
        value = value.strip() if isinstance(value, str) else ""
        if value == written:
            located.append(Located(written, value_start, value_end))  # the usual case: the whole line
            continue
        found = locate(text, value, value_start, value_end) if value else None
        located.append(found if found is not None else Located(written, value_start, value_end))
    return located
