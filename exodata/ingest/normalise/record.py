"""One raw record in, one clean record out: the normalising stage.

:func:`normalise_record` applies the small normalisers of this package field by field and keeps, for every
value, the span of seed text it came from (the sub-span when a composite field such as a citation line is
split).  Values given explicitly by the record win over values derived from a composite field (an explicit
``year`` beats the year of the citation line).  What cannot be normalised becomes a null plus a
:class:`~exodata.ingest.model.Problem` that says what and where, never a guess.
"""

from __future__ import annotations

import re

from exodata.ingest import formats
from exodata.ingest.model import Affiliation, Author, Located, Problem, RawRecord, Record, Value
from exodata.ingest.normalise.citations import parse_citation_line, parse_published_line, split_pages
from exodata.ingest.normalise.countries import _country_in_clean_text, country_code
from exodata.ingest.normalise.ids import (
    doi_from_link,
    normalise_doi,
    normalise_pmcid,
    normalise_pmid,
    pmcid_from_link,
    pmid_from_link,
)
from exodata.ingest.normalise.languages import language_code
from exodata.ingest.normalise.mesh import publication_type, subject_heading
from exodata.ingest.normalise.names import split_author_name
from exodata.ingest.normalise.text import clean_text, numbering_length, strip_trailing_separators
from exodata.ingest.years import year_of
from exodata.metadata.tables import YEAR_RANGE

_TEXT_FIELDS = ("title", "title_vernacular", "journal", "publisher", "abstract", "volume", "issue",
                "first_page", "last_page")
_COUNT = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)|\d+")


def _span(loc: Located, piece: Located | None = None) -> tuple[int, int]:
    """The seed span of ``piece`` inside ``loc`` (the whole span when the value was decoded)."""
    if piece is None or loc.decoded is not None:
        return loc.start, loc.end
    return loc.start + piece.start, loc.start + piece.end


def cited_by_count(value: str | None) -> int | None:
    """N of ``Cited by N articles.`` (or of a bare number), or None."""
    if not value:
        return None
    found = _COUNT.search(value)
    return int(found.group(0).replace(",", "")) if found else None


class _Builder:
    """Collects values for one record: explicit values override derived ones, never the reverse."""

    def __init__(self, raw: RawRecord):
        self.raw = raw
        self.record = Record(format=raw.format, index=raw.index, problems=list(raw.problems))
        self.explicit: set[str] = set()

    def put(self, name: str, value, span: tuple[int, int], explicit: bool) -> None:
        if value is None or (name in self.explicit and not explicit):
            return
        if explicit or name not in self.record.fields:
            self.record.fields[name] = Value(value, span[0], span[1])
            if explicit:
                self.explicit.add(name)

    def problem(self, message: str, loc: Located, piece: Located | None = None) -> None:
        """Note what is wrong with the value at ``loc`` (at ``piece`` of it, when a part is meant)."""
        self.record.problems.append(Problem(message, offset=_span(loc, piece)[0]))

    def year(self, written: str, loc: Located, piece: Located | None, explicit: bool) -> None:
        """The year ``written`` holds, with its span; a number that is no year is left empty and reported
        (never kept for the checks to reject)."""
        year = year_of(written)
        if year is None:
            self.problem(f"year {clean_text(written)!r} is not a year from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}; "
                         "left empty", loc, piece)
        self.put("year", year, _span(loc, piece), explicit)


def _scalar_fields(b: _Builder) -> None:
    raw = b.raw
    for name, loc in raw.fields.items():
        text = loc.value
        if name in _TEXT_FIELDS:
            b.put(name, clean_text(text), _span(loc), True)
        elif name == "year":
            b.year(text, loc, None, True)
        elif name == "pages":
            first, last = split_pages(text)
            if first is None:
                b.problem(f"pages {clean_text(text)!r} is not a page range or article number", loc)
            b.put("first_page", first and first.text, _span(loc, first), False)
            b.put("last_page", last and last.text, _span(loc, last), False)
        elif name == "citation":
            parts = parse_citation_line(text)
            if not parts:
                b.problem(f"citation line {clean_text(text)!r} is not in the form 2021;33(6):757-760", loc)
            for part, piece in parts.items():
                if part == "year":
                    b.year(piece.text, loc, piece, False)
                else:
                    b.put(part, piece.text, _span(loc, piece), False)
        elif name == "published":
            for part, piece in parse_published_line(text).items():
                if part == "year":
                    b.year(piece.text, loc, piece, False)
                else:
                    b.put(part, clean_text(piece.text), _span(loc, piece), False)
        elif name == "doi":
            doi = normalise_doi(text) or doi_from_link(text)
            if doi is None:
                b.problem(f"DOI {clean_text(text)!r} does not match 10.NNNN/suffix; left empty", loc)
            b.put("doi", doi, _span(loc), True)
        elif name == "pmid":
            b.put("pmid", normalise_pmid(text) or pmid_from_link(text), _span(loc), True)
        elif name == "pmcid":
            b.put("pmcid", normalise_pmcid(text) or pmcid_from_link(text), _span(loc), True)
        elif name == "language":
            code = language_code(text)
            if code is None:
                b.problem(f"language {clean_text(text)!r} has no known ISO 639-1 code; left empty "
                          "(add an alias in exodata/ingest/normalise/languages.py if it is a language)", loc)
            b.put("language", code, _span(loc), True)
        elif name == "country":
            code = country_code(text)
            if code is None:
                b.problem(f"country {clean_text(text)!r} is not a country name exodata knows; left empty "
                          "(add an alias in exodata/ingest/normalise/countries.py if it is one)", loc)
            b.put("country", code, _span(loc), True)
        elif name == "cited_by_count":
            b.put("cited_by_count", cited_by_count(text), _span(loc), True)
    for link in raw.links:
        b.put("doi", doi_from_link(link.value), _span(link), False)
        b.put("pmid", pmid_from_link(link.value), _span(link), False)
        b.put("pmcid", pmcid_from_link(link.value), _span(link), False)


def _affiliations(b: _Builder) -> dict[int, int]:
    """Clean, de-duplicated affiliations; returns raw position → record position."""
    positions: dict[int, int] = {}
    seen: dict[str, int] = {}
    for raw_position, loc in enumerate(b.raw.affiliations, start=1):
        if loc.decoded is None:  # drop the list number ("1." plus NBSP) from the value and its span
            loc = loc.sub(numbering_length(loc.text), len(loc.text))
            text = clean_text(loc.text)
        else:
            text = clean_text(loc.decoded[numbering_length(loc.decoded):])
        if text is None:
            continue
        if text in seen:
            positions[raw_position] = seen[text]
            continue
        position = len(b.record.affiliations) + 1
        seen[text] = positions[raw_position] = position
        start, end = _span(loc)
        b.record.affiliations.append(Affiliation(position, text, _country_in_clean_text(text), start, end))
    return positions


def _authors(b: _Builder, affiliation_positions: dict[int, int]) -> None:
    family_first = formats.family_first(b.raw.format)
    for raw_author in b.raw.authors:
        loc = raw_author.name
        family, given = split_author_name(loc.value, family_first=family_first)
        written = clean_text(loc.text)
        if written is None or (family is None and given is None):
            b.problem("an author entry is blank; skipped", loc)
            continue
        links = []
        for marker in raw_author.affiliations:
            mapped = affiliation_positions.get(marker)
            if mapped is None:
                b.problem(f"author {written!r} points at affiliation {marker}, which the record does not list",
                          loc)
            elif mapped not in links:
                links.append(mapped)
        position = len(b.record.authors) + 1
        b.record.authors.append(Author(position, family, given, written, loc.start, loc.end, links))


def _listed(locs: list[Located]) -> list[Value]:
    values = []
    for loc in locs:
        text = strip_trailing_separators(loc.value)
        if text is not None:
            values.append(Value(text, loc.start, loc.end))
    return values


def normalise_record(raw: RawRecord) -> Record:
    """The clean :class:`Record` of ``raw``: every value normalised, every value with its seed span."""
    builder = _Builder(raw)
    _scalar_fields(builder)
    _authors(builder, _affiliations(builder))
    builder.record.keywords = _listed(raw.keywords)
    builder.record.funders = _listed(raw.funders)
    _indexing(builder)
    return builder.record


def _indexing(b: _Builder) -> None:
    """The record's publication types and MeSH headings, numbered from 1 in record order (blank ones and
    headings without a descriptor left out)."""
    record, problems = b.record, b.record.problems
    for raw in b.raw.publication_types:
        found = publication_type(len(record.publication_types) + 1, raw, problems)
        if found is not None:
            record.publication_types.append(found)
    for raw in b.raw.subject_headings:
        found = subject_heading(len(record.subject_headings) + 1, raw, problems)
        if found is not None:
            record.subject_headings.append(found)
