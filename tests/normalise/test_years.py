"""One year rule for every stage: a four-digit number within the schema's YEAR_RANGE, else no year.

Readers locate the year-shaped number of a date field, the normaliser keeps it only when it is a year and
reports it otherwise, and the composite parsers use the same test: no stage yields a year the checks reject.
"""

from __future__ import annotations

import pytest

from exodata.ingest import formats
from exodata.ingest.model import Located, RawRecord
from exodata.ingest.normalise import normalise_record, parse_published_line, year_of
from exodata.ingest.readers._locate import year_in
from exodata.ingest.years import is_year, year_span
from exodata.metadata import TABLES
from exodata.metadata.tables import YEAR_RANGE

FIRST, LAST = YEAR_RANGE


def test_the_rule_is_the_schema_bounds():
    year = TABLES["publications"].field("year")
    assert (year.minimum, year.maximum) == YEAR_RANGE
    assert [is_year(n) for n in (FIRST - 1, FIRST, LAST, LAST + 1)] == [False, True, True, False]


@pytest.mark.parametrize(("text", "year"), [
    ("2022 Aug 13", 2022), ("Hindawi Limited 2020-01-01", 2020), (f"{FIRST}", FIRST), (f"{LAST}", LAST),
    (f"{FIRST - 1}", None), (f"{LAST + 1}", None), ("vol 12345", None), ("", None), (None, None),
    (f"{LAST + 1} reprinted 2001", 2001),  # the first number that is a year
])
def test_year_of(text, year):
    assert year_of(text) == year


def test_a_date_field_locates_its_year_else_the_number_that_is_none():
    assert year_span("Spring 2020") == (7, 11)
    assert year_span(f"c. {FIRST - 1}") == (3, 7)  # located, so that the normaliser can say where it is
    assert year_span("12345 n.d.") is None
    value = Located("x 1999 y", 10, 18)
    assert year_in(value) == Located("1999", 12, 16)


def _normalised(field: str, text: str) -> tuple[object, list[tuple[str, int]]]:
    raw = RawRecord(format="ris")
    raw.set(field, Located(text, 100, 100 + len(text)))
    record = normalise_record(raw)
    return record.get("year"), [(problem.message, problem.offset) for problem in record.problems]


@pytest.mark.parametrize("number", [FIRST - 1, LAST + 1, 1500, 9999])
def test_a_year_field_outside_the_range_is_null_and_a_located_problem(number):
    year, problems = _normalised("year", str(number))
    assert year is None
    assert problems == [(f"year '{number}' is not a year from {FIRST} to {LAST}; left empty", 100)]


@pytest.mark.parametrize("number", [FIRST - 1, LAST + 1])
def test_a_citation_line_year_outside_the_range_is_null_and_a_located_problem(number):
    year, problems = _normalised("citation", f"{number};33(6):757-760")
    assert year is None
    assert problems == [(f"year '{number}' is not a year from {FIRST} to {LAST}; left empty", 100)]


@pytest.mark.parametrize("number", [FIRST - 1, LAST + 1])
def test_a_published_line_ending_in_a_number_that_is_no_year_is_all_publisher(number):
    parts = parse_published_line(f"Wiley {number}")
    assert set(parts) == {"publisher"} and parts["publisher"].text == f"Wiley {number}"


@pytest.mark.parametrize("number", [FIRST, LAST])
def test_years_at_the_bounds_are_kept(number):
    for field, text in (("year", str(number)), ("citation", f"{number};1:1"), ("published", f"Wiley {number}")):
        assert _normalised(field, text) == (number, []), field


@pytest.mark.parametrize("name", formats.names(formats.EXPORT))
def test_every_export_reader_hands_an_out_of_range_year_to_the_normaliser(name):
    """Whatever the format, a record dated outside the range compiles without a year, with the problem."""
    number = FIRST - 1
    text = _RECORDS[name].replace("{year}", str(number))
    records = formats.reader(name).read(text)
    assert len(records) == 1 and records[0].quarantine is None, records
    record = normalise_record(records[0])
    assert record.get("year") is None and record.get("title") == "A title"
    problem = next(p for p in record.problems if "not a year" in p.message)
    assert text[problem.offset:problem.offset + 4] == str(number)


_RECORDS = {
    "medline": "PMID- 1\nOWN - NLM\nDP  - {year} Aug 13\nTI  - A title\n\n",
    "ris": "TY  - JOUR\nTI  - A title\nPY  - {year}\nER  - \n",
    "bibtex": "@article{k,\n  title = {A title},\n  year = {{year}}\n}\n",
    "csl_json": '[{"type": "article-journal", "title": "A title", "issued": {"date-parts": [[{year}]]}}]',
    "pubmed_xml": ("<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><Journal>"
                   "<JournalIssue><PubDate><Year>{year}</Year></PubDate></JournalIssue></Journal>"
                   "<ArticleTitle>A title</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
                   "</PubmedArticleSet>"),
    "jats_xml": ('<article dtd-version="1.3"><front><article-meta><title-group><article-title>A title'
                 "</article-title></title-group><pub-date><year>{year}</year></pub-date></article-meta></front>"
                 "</article>"),
    "europepmc_json": ('{"resultList": {"result": [{"id": "1", "source": "MED", "title": "A title", '
                       '"pubYear": "{year}"}]}}'),
}


@pytest.mark.parametrize("number", [FIRST - 1, 1500, LAST + 1])
def test_a_page_citation_year_outside_the_range_is_null_and_a_located_problem(number):
    """A scraped page's citation line is found by its shape; the year rule is the normaliser's, as for exports."""
    from tests.conftest import REPO

    page = (REPO / "tests" / "data" / "pages" / "wprim_column0.txt").read_text(encoding="utf-8")
    assert " 2022;12(11):10591-10597" in page
    text = page.replace(" 2022;12(11):10591-10597", f" {number};12(11):10591-10597")
    records = formats.reader("wprim_page").read(text)
    record = normalise_record(records[0])
    assert record.get("year") is None and record.get("volume") == "12" and record.get("issue") == "11"
    problem = next(p for p in record.problems if "not a year" in p.message)
    assert text[problem.offset:problem.offset + 4] == str(number)
