"""Normalise: raw located values in, clean values (still carrying their seed spans) out.

:func:`normalise_record` is the stage's entry point; the small functions it is built from are exported
too, each separately testable and idempotent: ``clean_text``, ``normalise_doi``, ``doi_from_link``,
``pmid_from_link``, ``pmcid_from_link``, ``parse_citation_line``, ``split_pages``, ``parse_published_line``,
``language_code``, ``country_code``, ``split_author_name``, ``split_medline_heading`` (and its inverse
``format_medline_heading``).
"""

from __future__ import annotations

from exodata.ingest.normalise.citations import parse_citation_line, parse_published_line, split_pages
from exodata.ingest.normalise.countries import country_code, country_in_text
from exodata.ingest.normalise.ids import (
    doi_from_link,
    normalise_doi,
    normalise_pmcid,
    normalise_pmid,
    pmcid_from_link,
    pmid_from_link,
)
from exodata.ingest.normalise.languages import language_code
from exodata.ingest.normalise.mesh import format_medline_heading, split_medline_heading
from exodata.ingest.normalise.names import split_author_name, title_case_family
from exodata.ingest.normalise.record import cited_by_count, normalise_record
from exodata.ingest.normalise.text import clean_text, strip_trailing_separators
from exodata.ingest.years import year_of

__all__ = [
    "cited_by_count",
    "clean_text",
    "country_code",
    "country_in_text",
    "doi_from_link",
    "format_medline_heading",
    "language_code",
    "normalise_doi",
    "normalise_pmcid",
    "normalise_pmid",
    "normalise_record",
    "parse_citation_line",
    "parse_published_line",
    "pmcid_from_link",
    "pmid_from_link",
    "split_author_name",
    "split_medline_heading",
    "split_pages",
    "strip_trailing_separators",
    "title_case_family",
    "year_of",
]
