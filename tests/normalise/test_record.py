"""normalise_record: spans carried along, explicit values beating derived ones, problems instead of guesses."""

from __future__ import annotations

from exodata.ingest.model import Located, RawAuthor, RawRecord
from exodata.ingest.normalise import normalise_record


def _at(text: str, value: str, start: int = 0) -> Located:
    at = text.index(value, start)
    return Located(value, at, at + len(value))


def test_citation_parts_get_their_own_sub_spans():
    text = "From:\n\u00a02021;33(6):757-760\n"
    raw = RawRecord(format="wprim_page")
    raw.set("citation", _at(text, "2021;33(6):757-760"))
    record = normalise_record(raw)
    got = {name: (value.value, text[value.start:value.end]) for name, value in record.fields.items()}
    assert got == {"year": (2021, "2021"), "volume": ("33", "33"), "issue": ("6", "6"),
                   "first_page": ("757", "757"), "last_page": ("760", "760")}


def test_explicit_fields_win_over_derived_ones_whatever_the_order():
    text = "2019 | 2021;33(6):757-760 | 12"
    raw = RawRecord(format="x")
    raw.set("year", _at(text, "2019"))
    raw.set("citation", _at(text, "2021;33(6):757-760"))
    raw.set("volume", _at(text, "12"))
    record = normalise_record(raw)
    assert record.get("year") == 2019 and record.get("volume") == "12" and record.get("issue") == "6"
    assert text[record.fields["volume"].start:record.fields["volume"].end] == "12"


def test_published_line_gives_publisher_and_year():
    text = "Published: Hindawi Limited 2020-01-01"
    raw = RawRecord(format="vufind_page")
    raw.set("published", _at(text, "Hindawi Limited 2020-01-01"))
    record = normalise_record(raw)
    assert record.get("publisher") == "Hindawi Limited" and record.get("year") == 2020
    year = record.fields["year"]
    assert text[year.start:year.end] == "2020"


def test_identifiers_come_from_links_unless_given():
    text = ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7339207/\nhttps://www.ncbi.nlm.nih.gov/pubmed/32492261\n"
            "http://dx.doi.org/10.1111/JCMM.15290\n10.1111/other.1")
    raw = RawRecord(format="vufind_page")
    raw.links = [_at(text, line) for line in text.splitlines()[:3]]
    record = normalise_record(raw)
    assert (record.get("doi"), record.get("pmid"), record.get("pmcid")) == (
        "10.1111/jcmm.15290", 32492261, "PMC7339207")
    raw.set("doi", _at(text, "10.1111/other.1"))
    assert normalise_record(raw).get("doi") == "10.1111/other.1"


def test_unknown_country_and_language_are_problems_not_guesses():
    text = "Atlantis Klingon"
    raw = RawRecord(format="wprim_page")
    raw.set("country", _at(text, "Atlantis"))
    raw.set("language", _at(text, "Klingon"))
    record = normalise_record(raw)
    assert record.get("country") is None and record.get("language") is None
    messages = " ".join(problem.message for problem in record.problems)
    assert "Atlantis" in messages and "Klingon" in messages
    assert {problem.offset for problem in record.problems} == {0, 9}


def test_affiliations_lose_their_numbering_and_repeats():
    text = "1.\u00a0Lanzhou University, Lanzhou, China\n2. Lanzhou University, Lanzhou, China\n3) 兰州大学"
    lines = text.splitlines()
    raw = RawRecord(format="x")
    raw.affiliations = [_at(text, line) for line in lines]
    raw.authors = [RawAuthor(Located("A", 0, 1), [2, 3]), RawAuthor(Located("B", 0, 1), [1])]
    record = normalise_record(raw)
    assert [(a.position, a.text, a.country) for a in record.affiliations] == [
        (1, "Lanzhou University, Lanzhou, China", "CN"), (2, "兰州大学", None)]
    assert text[record.affiliations[0].start:record.affiliations[0].end] == "Lanzhou University, Lanzhou, China"
    assert [a.affiliations for a in record.authors] == [[1, 2], [1]]


def test_author_marker_without_affiliation_is_a_problem():
    raw = RawRecord(format="wprim_page", authors=[RawAuthor(Located("Qian PU", 0, 7), [3])])
    record = normalise_record(raw)
    assert record.authors[0].affiliations == [] and "affiliation 3" in record.problems[0].message


def test_name_splitting_follows_the_format():
    medline = RawRecord(format="medline", authors=[RawAuthor(Located("Wang LF", 0, 7))])
    assert (normalise_record(medline).authors[0].family_name, normalise_record(medline).authors[0].given_name) == (
        "Wang", "LF")
    wprim = RawRecord(format="wprim_page", authors=[RawAuthor(Located("Jie NG", 0, 6))])
    assert (normalise_record(wprim).authors[0].family_name, normalise_record(wprim).authors[0].given_name) == (
        "Ng", "Jie")


def test_decoded_value_is_used_with_the_written_span():
    raw = RawRecord(format="bibtex", authors=[RawAuthor(Located("M{\\\"u}ller, Hans", 5, 21, "Müller, Hans"))])
    author = normalise_record(raw).authors[0]
    assert (author.family_name, author.given_name, author.start, author.end) == ("Müller", "Hans", 5, 21)


def test_keywords_and_funders_are_trimmed_in_order():
    text = "Exosomes;\n  Sepsis ;\nthe “Cuiying” Project\n"
    raw = RawRecord(format="x", keywords=[_at(text, "Exosomes;"), _at(text, "  Sepsis ;")],
                    funders=[_at(text, "the “Cuiying” Project")])
    record = normalise_record(raw)
    assert [k.value for k in record.keywords] == ["Exosomes", "Sepsis"]
    assert [f.value for f in record.funders] == ["the “Cuiying” Project"]


def test_cited_by_count():
    text = "Cited by\n2 articles."
    raw = RawRecord(format="aggregator_page")
    raw.set("cited_by_count", _at(text, text))
    assert normalise_record(raw).get("cited_by_count") == 2
