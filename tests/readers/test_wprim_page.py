"""WPRIM (layout b) page reader: gold extraction, detection, spans, quarantine and robustness."""

from __future__ import annotations

import pytest

from exodata.ingest.normalise import normalise_record
from exodata.ingest.readers import wprim_page as reader
from tests.normalise.goldcheck import (
    PAGES,
    layout_documents,
    span_mismatches,
)

LAYOUT = "b"


@pytest.fixture(scope="module")
def documents(gold_pairs):
    docs = layout_documents(gold_pairs, LAYOUT)
    assert len(docs) >= 7, "expected seeds 001/003/004, dev 200/201 and the variant pages"
    return [(path, path.read_text(encoding="utf-8"), gold) for path, gold in docs]


def test_abstract_vernacular_title_and_markers(documents):
    by_name = {path.name: (text, gold) for path, text, gold in documents}
    text, _ = by_name["001_ba052314a998c4c8.txt"]
    record = normalise_record(reader.read(text)[0])
    assert record.get("abstract").startswith("Mesenchymal stem cell derived (MSC) exosomes")
    assert record.get("abstract").endswith("to provide evidences for the treatment of sepsis.")
    assert "\t" not in record.get("abstract") and "  " not in record.get("abstract")
    assert record.authors[0].affiliations == [1] and record.authors[1].affiliations == []
    # dev 201: the first author carries marker 1, the last marker 2 (two numbered affiliations)
    text, _ = by_name["201_f36707a5b456e6a3.txt"]
    record = normalise_record(reader.read(text)[0])
    assert [a.affiliations for a in record.authors] == [[1], [], [], [], [2]]


def test_collapsed_capture_keeps_stray_spaces_out_of_titles():
    text = (PAGES / "wprim_collapsed.txt").read_text(encoding="utf-8")
    raw = reader.read(text)[0]
    assert raw.fields["title"].text == raw.fields["title"].text.strip()
    assert raw.fields["title_vernacular"].text == "间充质干细胞来源外泌体在毛发再生中的研究进展"
    assert raw.keywords == []


def test_citation_line_is_split_into_sub_spans(documents):
    for path, text, gold in documents:
        record = normalise_record(reader.read(text)[0])
        for column in ("volume", "issue", "first_page", "last_page"):
            value = record.fields[column]
            assert text[value.start:value.end] == gold["publication"][column], (path.name, column)
        year = record.fields["year"]
        assert text[year.start:year.end] == str(gold["publication"]["year"]), path.name


def test_page_without_title_is_quarantined(documents):
    for path, text, _ in documents:
        title = reader.read(text)[0].fields["title"]
        untitled = text[:title.start] + text[title.end:]
        records = reader.read(untitled)
        assert len(records) == 1, path.name
        assert records[0].quarantine and "title" in records[0].quarantine, path.name


def test_english_author_information_and_other_doi_prefix():
    text = (
        "Exosomes from bone marrow mesenchymal stem cells in osteoarthritis\n"
        "10.3969/j.issn.1000-0000.2021.01.001\n"
        "- VernacularTitle:骨髓间充质干细胞外泌体在骨关节炎中的作用\n"
        "- Author:\nXiao-Ming WANG\n1\n;\nQin-Lu ZHANG\n1,2\n"
        "Author Information\n"
        "1. Department of Orthopaedics, First Hospital of Lanzhou University, Lanzhou 730000, China\n"
        "2.\u00a0兰州大学第一临床医学院\n"
        "- Publication Type:Journal Article\n"
        "- From:\nChinese Journal of Tissue Engineering Research\n\u00a02021;25(1):1-6\n"
        "- CountryChina\n- Language:Chinese\n-\nAbstract:\nA short abstract.\n"
    )
    raw = reader.read(text)[0]
    assert span_mismatches(text, raw) == []
    record = normalise_record(raw)
    assert record.get("doi") == "10.3969/j.issn.1000-0000.2021.01.001"
    assert [(a.family_name, a.given_name, a.affiliations) for a in record.authors] == [
        ("Wang", "Xiao-Ming", [1]), ("Zhang", "Qin-Lu", [1, 2])]
    assert [(a.text, a.country) for a in record.affiliations] == [
        ("Department of Orthopaedics, First Hospital of Lanzhou University, Lanzhou 730000, China", "CN"),
        ("兰州大学第一临床医学院", None)]
    assert record.keywords == []
    assert record.get("abstract") == "A short abstract."


def test_bare_affiliation_numbers_and_repeated_sections():
    text = ("A title\n10.3760/x.1\n- Author:\nJie NG\n1\nAuthor Information\n1 兰州大学第一临床医学院\n"
            "- From:\nJ\n2020;1(1):1-2\n- From:\nK\n2021;2(2):3-4\n")
    raw = reader.read(text)[0]
    assert span_mismatches(text, raw) == []
    record = normalise_record(raw)
    assert [a.text for a in record.affiliations] == ["兰州大学第一临床医学院"]
    assert [(a.family_name, a.given_name, a.affiliations) for a in record.authors] == [("Ng", "Jie", [1])]
    assert (record.get("journal"), record.get("year")) == ("J", 2020)
    assert any("'From' sections" in problem.message for problem in record.problems)


def test_publication_types_are_read_from_their_section():
    text = ("Exosomes in stroke\n10.3760/x.2\n- Author:\nJie NG\n"
            "- Publication Type:Review; Journal Article\n- Keywords:\nExosome\n")
    raw = reader.read(text)[0]
    assert span_mismatches(text, raw) == []
    assert [t.name.text for t in raw.publication_types] == ["Review", "Journal Article"]
    record = normalise_record(raw)
    assert [(t.position, t.name, t.mesh_id) for t in record.publication_types] == [
        (1, "Review", None), (2, "Journal Article", None)]
    assert [k.value for k in record.keywords] == ["Exosome"]


def test_the_variant_page_gives_its_publication_type(documents):
    by_name = {path.name: text for path, text, _ in documents}
    record = normalise_record(reader.read(by_name["wprim_column0.txt"])[0])
    assert [t.name for t in record.publication_types] == ["Review"]
    assert all(not normalise_record(reader.read(text)[0]).publication_types
               for name, text in by_name.items() if name != "wprim_column0.txt")  # the others have no such line
