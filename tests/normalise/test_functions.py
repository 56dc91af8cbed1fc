"""Unit tests of the small normalisers, one behaviour per test, with the gold conventions' examples."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exodata.ingest.normalise import (
    clean_text,
    country_code,
    country_in_text,
    doi_from_link,
    language_code,
    normalise_doi,
    normalise_pmcid,
    normalise_pmid,
    parse_citation_line,
    parse_published_line,
    pmcid_from_link,
    pmid_from_link,
    split_author_name,
    split_pages,
    strip_trailing_separators,
)


@pytest.mark.parametrize(("raw", "clean"), [
    ("  Title  ", "Title"),
    ("Mesenchymal stem cell\n\t\t        derived", "Mesenchymal stem cell derived"),
    ("a\u00a0b\u3000c", "a b c"),
    ("Cafe\u0301", "Café"),  # NFC
    ("   \n\t ", None),
    ("", None),
    (None, None),
    ("drug\u2010loading", "drug\u2010loading"),  # U+2010 kept as given
])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("ab \n\t\r\x0b\x0c\x1c\x85\u00a0\u2000\u2009\u200a\u200b\u2028"
                                             "\u202f\u205f\u3000\ufeff\u0301e")), max_size=30) | st.text(max_size=30))
def test_clean_text_collapses_every_unicode_space_run(raw):
    """The definition: zero-width characters dropped, each run of Unicode white space one space, trimmed,
    then NFC (last, so that a removed zero-width character cannot leave an uncomposed pair)."""
    text = re.sub("[\u200b\u200c\u200d\u2060\ufeff]", "", raw)
    text = re.sub(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+", " ", text).strip()
    assert clean_text(raw) == (unicodedata.normalize("NFC", text) or None)


@pytest.mark.parametrize(("raw", "clean"), [("Exosomes;", "Exosomes"), ("Sepsis ; ", "Sepsis"),
                                            ("a, b,", "a, b"), (";", None)])
def test_strip_trailing_separators(raw, clean):
    assert strip_trailing_separators(raw) == clean


@pytest.mark.parametrize(("raw", "doi"), [
    ("10.1111/jcmm.15290", "10.1111/jcmm.15290"),
    ("10.12677/ACM.2023.1361349", "10.12677/acm.2023.1361349"),
    ("https://doi.org/10.1042/BSR20200241", "10.1042/bsr20200241"),
    ("http://dx.doi.org/10.1111/jcmm.15290", "10.1111/jcmm.15290"),
    ("doi: 10.3760/cma.j.cn121430-20200908-00620.", "10.3760/cma.j.cn121430-20200908-00620"),
    ("DOI:10.7150/ijbs.41637", "10.7150/ijbs.41637"),
    ("10.2147/IJN.S372254 [doi]", "10.2147/ijn.s372254"),
    ("10.1016/S0140-6736(20)30183-5", "10.1016/s0140-6736(20)30183-5"),
    ("(10.1016/S0140-6736(20)30183-5)", None),  # a leading bracket is not a DOI
    ("https://doi.org/10.1000%2Fabc", "10.1000/abc"),
    ("10.1/too-short-prefix", None),
    ("not a doi", None),
    ("", None),
])
def test_normalise_doi(raw, doi):
    assert normalise_doi(raw) == doi


@pytest.mark.parametrize(("link", "doi"), [
    ("http://dx.doi.org/10.1042/BSR20200241", "10.1042/bsr20200241"),
    ("https://doi.org/10.1111/jcmm.15290", "10.1111/jcmm.15290"),
    ("https://onlinelibrary.wiley.com/doi/full/10.1111/jcmm.15290", "10.1111/jcmm.15290"),
    ("https://www.ncbi.nlm.nih.gov/pubmed/32492261", None),
    ("https://www.ijbs.com/v16p1811.htm", None),
])
def test_doi_from_link(link, doi):
    assert doi_from_link(link) == doi


@pytest.mark.parametrize(("link", "pmid"), [
    ("https://www.ncbi.nlm.nih.gov/pubmed/32492261", 32492261),
    ("https://pubmed.ncbi.nlm.nih.gov/32492261/", 32492261),
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7339207/", None),
    ("http://dx.doi.org/10.1111/jcmm.15290", None),
])
def test_pmid_from_link(link, pmid):
    assert pmid_from_link(link) == pmid


@pytest.mark.parametrize(("link", "pmcid"), [
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7339207/", "PMC7339207"),
    ("https://pmc.ncbi.nlm.nih.gov/articles/PMC7953482/", "PMC7953482"),
    ("https://www.ncbi.nlm.nih.gov/pubmed/32492261", None),
])
def test_pmcid_from_link(link, pmcid):
    assert pmcid_from_link(link) == pmcid


def test_pmid_and_pmcid_fields():
    assert normalise_pmid("32492261") == 32492261
    assert normalise_pmid("PMID: 35990308") == 35990308
    assert normalise_pmid("3249a") is None and normalise_pmid("0") is None
    assert normalise_pmcid("pmc7339207") == "PMC7339207"
    assert normalise_pmcid("PMCID: PMC7339207") == "PMC7339207"
    assert normalise_pmcid("7339207") is None


def _texts(parts):
    return {name: piece.text for name, piece in parts.items()}


@pytest.mark.parametrize(("line", "parts"), [
    ("2021;33(6):757-760", dict(year="2021", volume="33", issue="6", first_page="757", last_page="760")),
    ("\u00a02023;13(6):9641-9647", dict(year="2023", volume="13", issue="6", first_page="9641",
                                        last_page="9647")),
    ("2022 Aug 13;17:3603-3618", dict(year="2022", volume="17", first_page="3603", last_page="3618")),
    ("2022 Aug 13;17:3603-18", dict(year="2022", volume="17", first_page="3603", last_page="18")),
    ("2023;161:114415", dict(year="2023", volume="161", first_page="114415")),
    ("2020 Jan;10(2):e0123.", dict(year="2020", volume="10", issue="2", first_page="e0123")),
    ("2021", dict(year="2021")),
    ("Chinese Critical Care Medicine", {}),
])
def test_parse_citation_line(line, parts):
    found = parse_citation_line(line)
    assert _texts(found) == parts
    for piece in found.values():
        assert line[piece.start:piece.end] == piece.text


@pytest.mark.parametrize(("pages", "first", "last"), [
    ("757-760", "757", "760"), ("757\u2013760", "757", "760"), ("e0123", "e0123", None),
    ("971189", "971189", None), ("3603-18", "3603", "18"), ("not pages at all", None, None),
])
def test_split_pages(pages, first, last):
    got_first, got_last = split_pages(pages)
    assert (got_first and got_first.text, got_last and got_last.text) == (first, last)


@pytest.mark.parametrize(("line", "publisher", "year"), [
    ("John Wiley and Sons Inc. 2020", "John Wiley and Sons Inc.", "2020"),
    ("Hindawi Limited 2020-01-01", "Hindawi Limited", "2020"),
    ("Portland Press Ltd. 2020", "Portland Press Ltd.", "2020"),
    ("Elsevier, 2019.", "Elsevier", "2019"),
    ("2020", None, "2020"),
    ("Springer Nature", "Springer Nature", None),
])
def test_parse_published_line(line, publisher, year):
    parts = parse_published_line(line)
    assert (parts.get("publisher") and parts["publisher"].text, parts.get("year") and parts["year"].text) == (
        publisher, year)
    for piece in parts.values():
        assert line[piece.start:piece.end] == piece.text


@pytest.mark.parametrize(("name", "code"), [
    ("English", "en"), ("Inglés", "en"), ("英文", "en"), ("eng", "en"), ("en", "en"),
    ("Chinese", "zh"), ("Chino", "zh"), ("中文", "zh"), ("chi", "zh"), ("zho", "zh"),
    ("Spanish", "es"), ("Español", "es"), ("fre", "fr"), ("English; Chinese", "en"),
    ("Klingonese", None), ("", None),
])
def test_language_code(name, code):
    assert language_code(name) == code


@pytest.mark.parametrize(("name", "code"), [
    ("China", "CN"), ("中国", "CN"), ("New Zealand", "NZ"), ("England", "GB"), ("Scotland", "GB"),
    ("Wales", "GB"), ("Great Britain", "GB"), ("United States", "US"), ("USA", "US"), ("Switzerland", "CH"),
    ("Korea (South)", "KR"), ("Suiza", "CH"), ("Estados Unidos", "US"), ("CN", "CN"), ("Atlantis", None),
])
def test_country_code(name, code):
    assert country_code(name) == code


@pytest.mark.parametrize(("text", "code"), [
    ("The Second Hospital & Clinical Medical School , Lanzhou University , Lanzhou , China", "CN"),
    ("Department of Surgery, Harvard Medical School, Boston, MA 02115 USA", "US"),
    ("University of Auckland, Auckland 1010, New Zealand.", "NZ"),
    ("昆明医科大学第四附属医院(云南省第二人民医院)重症医学科,云南昆明 650021", None),
    ("北京大学第三医院,北京 100191,中国", "CN"),
    ("Emory University, Atlanta, Georgia", None),  # a US state, not the country
    ("Department of Surgery, Boston, MA", None),
    ("Institute for Tissue Engineering, Hong Kong S.A.R., China", "CN"),
])
def test_country_in_text(text, code):
    assert country_in_text(text) == code


@pytest.mark.parametrize(("name", "family_first", "family", "given"), [
    ("Qian PU", None, "Pu", "Qian"),
    ("Qian PU", False, "Pu", "Qian"),
    ("Zhang, Shuqin", None, "Zhang", "Shuqin"),
    ("Lu Y", None, "Lu", "Y"),
    ("Lu Y", True, "Lu", "Y"),
    ("Wang LF", True, "Wang", "LF"),
    ("Hu, X", None, "Hu", "X"),
    ("Shuqin Zhang", False, "Zhang", "Shuqin"),
    ("Qin-Lu ZHANG", False, "Zhang", "Qin-Lu"),
    ("Mary-Jane O'BRIEN", False, "O'Brien", "Mary-Jane"),
    ("ZHANG, Wei", None, "Zhang", "Wei"),
    ("Ludwig van Beethoven", False, "van Beethoven", "Ludwig"),
    ("Madonna", None, "Madonna", None),
    ("  ", None, None, None),
])
def test_split_author_name(name, family_first, family, given):
    assert split_author_name(name, family_first=family_first) == (family, given)


def test_citation_line_ignores_text_after_the_pages():
    assert _texts(parse_citation_line("2021;33(6):757-760, 765")) == dict(
        year="2021", volume="33", issue="6", first_page="757", last_page="760")
    assert parse_citation_line("20211;3") == {}


def test_published_line_copyright_and_brackets():
    assert {k: v.text for k, v in parse_published_line("Springer, c2019.").items()} == {
        "publisher": "Springer", "year": "2019"}
    assert {k: v.text for k, v in parse_published_line("Elsevier Inc. [2018]").items()} == {
        "publisher": "Elsevier Inc.", "year": "2018"}
    assert {k: v.text for k, v in parse_published_line("Springer Inc.").items()} == {"publisher": "Springer Inc."}


ADVERSARIAL = [
    "2021" + " " * 50_000 + "x(",
    " ," * 50_000 + "2020x",
    "a " * 50_000 + "x",
    "10.1234/" + ")" * 50_000,
    "/pmc/" * 20_000,
    "1" * 50_000 + "-",
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_normalisers_find_nothing_in_long_adversarial_text(text):
    """Long runs a backtracking pattern would choke on are no citation, page range, identifier, country or
    language; the cleaners still clean them.  (How long this takes is measured by
    ``benchmarks/bench_hostile.py``, not asserted here.)"""
    for function in (parse_citation_line, parse_published_line):
        assert function(text) == {}, function.__name__
    assert split_pages(text) == (None, None)
    for function in (normalise_doi, doi_from_link, pmid_from_link, pmcid_from_link, country_in_text,
                     language_code, country_code):
        assert function(text) is None, function.__name__
    assert clean_text(text) == " ".join(text.split())
    family, given_name = split_author_name(text)
    assert family is not None and family in text and (given_name is None or given_name in text)


@pytest.mark.parametrize("parse", [parse_citation_line, parse_published_line, split_pages])
def test_composite_parsers_leave_text_over_their_bound_unparsed(parse):
    """The bound that keeps the composite parsers' work linear in what they are given: a well-formed value
    padded past MAX_COMPOSITE_CHARS is not parsed at all."""
    from exodata.ingest.normalise.citations import MAX_COMPOSITE_CHARS

    value = "2021;33(6):757-760" if parse is not split_pages else "757-760"
    assert parse(value)[0] if parse is split_pages else parse(value)
    padded = value + " " * (MAX_COMPOSITE_CHARS + 1 - len(value))
    assert parse(padded) in ({}, (None, None))


@settings(max_examples=400)
@given(st.text(alphabet=st.sampled_from(list("aZB'- .1ÉéΑβ中ªǅ")), max_size=8) | st.text(max_size=8))
def test_all_caps_words_as_defined(word):
    """The ASCII shortcut of _is_caps agrees with its definition over the letters of the word."""
    from exodata.ingest.normalise.names import _is_caps

    letters = [c for c in word if c.isalpha()]
    expected = len(letters) >= 2 and all(c.isupper() for c in letters) and any(c.isascii() for c in letters)
    assert _is_caps(word) == expected


def test_clean_text_composes_across_a_removed_zero_width_character():
    from exodata.ingest.normalise.text import clean_text

    assert clean_text("e\u200b\u0301") == "\u00e9"
    assert clean_text(clean_text("e\u200b\u0301")) == clean_text("e\u200b\u0301")
