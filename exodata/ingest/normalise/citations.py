"""Composite bibliographic fields: citation lines, page ranges, 'Published' lines.

Each parser returns :class:`~exodata.ingest.model.Located` parts whose offsets are relative to the string it
was given, so the normaliser can turn them into spans of the seed text (a value's provenance is the sub-span it
came from).
Values are kept as written (``3603-18`` stays first ``3603``, last ``18``: the gold keeps pages as given).
"""

from __future__ import annotations

import re

from exodata.ingest.model import Located
from exodata.ingest.years import is_year

#: Longest composite value parsed; longer text is no citation or 'Published' line (and keeps parsing linear).
MAX_COMPOSITE_CHARS = 2000

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_PAGES = re.compile(
    rf"^(?:pp?\.?\s*)?(?P<first>[A-Za-z]?\d+[A-Za-z]?|[A-Za-z]+\d*)"
    rf"(?:\s*[{_DASHES}]\s*(?P<last>[A-Za-z]?\d+[A-Za-z]?))?\s*\.?$"
)


def split_pages(value: str | None) -> tuple[Located | None, Located | None]:
    """First and last page of ``757-760`` / ``e0123`` / ``971189`` / ``3603-18`` (kept as written).

    An e-locator or article number is a first page with no last page.  Text that is no page range gives
    (None, None) rather than a guess.
    """
    if not value or len(value) > MAX_COMPOSITE_CHARS:
        return None, None
    lead = len(value) - len(value.lstrip())
    found = _PAGES.match(value.strip())
    if found is None:
        return None, None

    def piece(group: str) -> Located | None:
        if found.group(group) is None:
            return None
        return Located(found.group(group), lead + found.start(group), lead + found.end(group))

    return piece("first"), piece("last")


_CITATION = re.compile(
    r"^\s*(?P<year>\d{4})(?!\d)"  # 2021
    r"(?:[^;:()\d]*(?:\d{1,2}(?:\s*[-\u2013]\s*\d{1,2})?)?[^;:()\d]*?)?"  # ' Aug 13' / ' Jan-Feb'
    r"\s*(?:;\s*(?P<volume>[^\s;:()]+(?:\s+Suppl\.?\s*\d*)?)?\s*(?:\((?P<issue>[^()]*)\))?)?"  # ;33(6)
    r"\s*(?::\s*(?P<pages>[^\s;.,]+(?:\s*[-\u2013]\s*[^\s;.,]+)?))?"  # :757-760
    r"(?=[\s.,;]|$)"  # anything after the page range ('757-760, 765', ' [Chinese]') is ignored
)


def parse_citation_line(value: str | None) -> dict[str, Located]:
    """The parts of a citation line such as ``2021;33(6):757-760`` or ``2022 Aug 13;17:3603-3618``.

    Returns a dict with any of ``year``, ``volume``, ``issue``, ``first_page``, ``last_page``; an empty dict
    when the text does not start with four digits (which the normaliser keeps as the year only if they are
    one: :func:`exodata.ingest.years.is_year`).  Text after the page range is ignored.
    """
    if not value or len(value) > MAX_COMPOSITE_CHARS:
        return {}
    found = _CITATION.match(value)
    if found is None:
        return {}
    parts: dict[str, Located] = {}
    for name in ("year", "volume", "issue"):
        if found.group(name) is not None and found.group(name).strip():
            text = found.group(name).strip()
            start = found.start(name) + found.group(name).index(text)
            parts[name] = Located(text, start, start + len(text))
    if found.group("pages"):
        first, last = split_pages(found.group("pages"))
        offset = found.start("pages")
        if first is not None:
            parts["first_page"] = Located(first.text, offset + first.start, offset + first.end)
        if last is not None:
            parts["last_page"] = Located(last.text, offset + last.start, offset + last.end)
    return parts


#: A date at the very end of a 'Published' line: ``2020``, ``2020-01-01``, ``[2020]`` (anchored, so linear).
_DATE_AT_END = re.compile(r"(?<!\d)(?P<year>\d{4})(?:[-/.]\d{1,2}){0,2}\]?$")


def parse_published_line(value: str | None) -> dict[str, Located]:
    """Publisher and year of a 'Published' line (``John Wiley and Sons Inc. 2020``,
    ``Hindawi Limited 2020-01-01``).  A line without a trailing date is all publisher; one that is only a
    date is all year."""
    if not value or not value.strip() or len(value) > MAX_COMPOSITE_CHARS:
        return {}
    core = value.rstrip().rstrip(".").rstrip()
    found = _DATE_AT_END.search(core)
    if found is None or not is_year(int(found.group("year"))):  # a number that is no year is the publisher's
        text = value.strip().rstrip(",;:").strip()
        start = value.index(text)
        return {"publisher": Located(text, start, start + len(text))} if text else {}
    parts = {"year": Located(found.group("year"), found.start("year"), found.end("year"))}
    before = core[:found.start()].rstrip("[")
    if before.endswith("c") and (len(before) == 1 or before[-2] in " \t,;:"):
        before = before[:-1]  # 'c2019' (copyright year)
    publisher = before.rstrip(" \t\r\n,;:").strip()
    if publisher:
        start = before.index(publisher)
        parts["publisher"] = Located(publisher, start, start + len(publisher))
    return parts
