"""PubMed XML reader: the fixture value by value, entities decoded, a broken record among good ones, and the
same paper read from several export formats giving the same normalised publication."""

from __future__ import annotations

from pathlib import Path

import pytest

from exodata.ingest import formats
from exodata.ingest.normalise import normalise_record
from exodata.ingest.readers import pubmed_xml as reader
from exodata.ingest.readers._locate import span_errors

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"


@pytest.fixture(scope="module")
def pubmed():
    text = (EXPORTS / "pubmed_set.xml").read_text(encoding="utf-8")
    return text, reader.read(text)


def test_one_record_per_article_with_spans(pubmed):
    text, records = pubmed
    assert [record.index for record in records] == [0, 1, 2]
    for record in records:
        assert record.quarantine is None
        assert span_errors(text, record) == []
        start, end = record.span
        assert text[start:end].startswith("<PubmedArticle>") and text[start:end].endswith("</PubmedArticle>")


def test_first_article_values(pubmed):
    _, records = pubmed
    fields = {name: value.value for name, value in records[0].fields.items()}
    assert fields == {
        "title": "Mesenchymal Stem Cell-Derived Small Extracellular Vesicles: A Novel Approach for Kidney Disease "
                 "Treatment",
        "journal": "International journal of nanomedicine",
        "volume": "17",
        "year": "2022",
        "pmid": "35990308",
        "language": "eng",
        "country": "New Zealand",
        "abstract": records[0].fields["abstract"].value,
        "pages": "3603-3618",
        "doi": "10.2147/IJN.S372254",
        "pmcid": "PMC9386173",
    }
    assert fields["abstract"].startswith("Kidney disease affects") and fields["abstract"].endswith("lipids.")
    assert [author.name.value for author in records[0].authors] == ["Lu, Yukang", "Wang, Lanfeng",
                                                                    "Zhang, Mengting", "Chen, Zhiping"]
    assert [keyword.text for keyword in records[0].keywords][0] == "acute kidney injury"
    assert len(records[0].keywords) == 5  # KeywordList only, never MeSH


def test_entities_spans_and_decoded_values(pubmed):
    text, records = pubmed
    theryish = records[1]
    lotvall = theryish.authors[0].name
    assert lotvall.decoded == "Lötvall, Jan" and "L&#xf6;tvall" in lotvall.text
    assert text[lotvall.start:lotvall.end] == lotvall.text
    journal = records[2].fields["journal"]
    assert journal.text.startswith("Biomedicine &amp; pharmacotherapy")
    assert journal.decoded == "Biomedicine & pharmacotherapy = Biomedecine & pharmacotherapie"


def test_affiliations_distinct_and_linked(pubmed):
    _, records = pubmed
    record = records[1]
    assert len(record.affiliations) == 4
    assert [author.affiliations for author in record.authors] == [[1], [2], [3], [4, 1]]


def test_structured_abstract_spans_all_sections(pubmed):
    _, records = pubmed
    abstract = records[1].fields["abstract"]
    assert abstract.decoded.startswith("BACKGROUND: Secreted") and "CONCLUSIONS: The position" in abstract.decoded
    assert "EV & function" in abstract.decoded and "</AbstractText>" in abstract.text


def test_elocator_and_pagination(pubmed):
    _, records = pubmed
    assert records[1].fields["first_page"].text == "26913" and "pages" not in records[1].fields
    assert records[2].fields["pages"].text == "114415"
    assert records[1].fields["country"].text == "United States"


def test_collective_names_are_not_persons(pubmed):
    _, records = pubmed
    assert [author.name.value for author in records[2].authors] == ["Hu, X"]


def test_broken_article_is_quarantined_and_the_others_compile(pubmed):
    text, _ = pubmed
    second = text.index("<PubmedArticle>", text.index("</PubmedArticle>"))
    broken = text[:second] + text[second:].replace("</ArticleTitle>", "</ArticleTitel>", 1)
    records = reader.read(broken)
    assert len(records) == 3
    assert records[0].quarantine is None and records[2].quarantine is None
    assert records[1].quarantine is not None and "record 2" in records[1].quarantine
    assert f"line {broken.count(chr(10), 0, second) + 1}" in records[1].quarantine
    assert records[2].fields["doi"].text == "10.1016/j.biopha.2023.114415"
    for record in records:
        assert span_errors(broken, record) == []


def test_accepts():
    assert reader.accepts('<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "x" "y">\n<PubmedArticleSet>')
    assert reader.accepts("<PubmedArticleSet><PubmedArticle>")
    assert not reader.accepts('<article dtd-version="1.3">')
    assert not reader.accepts("Text mentioning <PubmedArticleSet> later on")


SAME_PAPER = [
    ("medline", "medline_multi.nbib", 2),
    ("pubmed_xml", "pubmed_set.xml", 0),
    ("jats_xml", "jats_articleset_broken.xml", 0),
    ("csl_json", "csl_items.json", 0),
    ("europepmc_json", "europepmc_core.json", 0),
    ("ris", "ris_multi.ris", 3),
    ("bibtex", "bibtex_multi.bib", 3),
]


def test_one_paper_in_several_formats_normalises_alike():
    assert {name for name, _, _ in SAME_PAPER} == set(formats.names(formats.EXPORT))
    seen = []
    for name, file, index in SAME_PAPER:
        module = formats.reader(name)
        record = normalise_record(module.read((EXPORTS / file).read_text(encoding="utf-8"))[index])
        seen.append((name, record.get("doi"), record.get("title"), record.get("year"), record.get("volume"),
                     [(a.family_name, a.given_name) for a in record.authors][:2]))
    expected = ("10.2147/ijn.s372254",
                "Mesenchymal Stem Cell-Derived Small Extracellular Vesicles: A Novel Approach for Kidney Disease "
                "Treatment", 2022, "17", [("Lu", "Yukang"), ("Wang", "Lanfeng")])
    for row in seen:
        assert row[1:] == expected, row[0]


def test_publication_types_and_mesh_headings_with_their_uis(pubmed):
    text, records = pubmed
    first = records[0]
    assert [(t.name.value, t.id.value) for t in first.publication_types] == [
        ("Journal Article", "D016428"), ("Review", "D016454")]
    [heading] = first.subject_headings
    assert (heading.descriptor.name.value, heading.descriptor.id.value, heading.descriptor.major) == (
        "Kidney Diseases", "D007674", True)
    assert heading.qualifiers == []
    start, end = heading.descriptor.span
    assert text[start:end].startswith("<DescriptorName") and text[start:end].endswith("</DescriptorName>")
    assert text[heading.written.start:heading.written.end] == text[start:end]
    record = normalise_record(first)
    assert [(t.name, t.mesh_id) for t in record.publication_types] == [("Journal Article", "D016428"),
                                                                        ("Review", "D016454")]
    assert [(h.descriptor, h.descriptor_id, h.major) for h in record.subject_headings] == [
        ("Kidney Diseases", "D007674", True)]


MESH = """<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
<ArticleTitle>A title</ArticleTitle>
<PublicationTypeList><PublicationType UI='D016428'>Journal Article</PublicationType>
<PublicationType>Preprint</PublicationType><PublicationType UI="D016454"> </PublicationType></PublicationTypeList>
</Article>
<MeshHeadingList>
<MeshHeading><DescriptorName MajorTopicYN="N" UI="D059630">Mesenchymal Stem Cells</DescriptorName>
<QualifierName UI="Q000378" MajorTopicYN="Y">metabolism</QualifierName>
<QualifierName UI="Q000166" MajorTopicYN="N">cytology</QualifierName></MeshHeading>
<MeshHeading><DescriptorName UI="D000067128" MajorTopicYN="Y">Extracellular Vesicles</DescriptorName></MeshHeading>
<MeshHeading><DescriptorName UI="D006801">Humans &amp; Others</DescriptorName></MeshHeading>
<MeshHeading><QualifierName UI="Q000378">metabolism</QualifierName></MeshHeading>
<MeshHeading></MeshHeading>
</MeshHeadingList></MedlineCitation></PubmedArticle></PubmedArticleSet>
"""


def test_major_topic_on_a_qualifier_makes_the_heading_major_and_every_ui_is_located():
    [raw] = reader.read(MESH)
    assert span_errors(MESH, raw) == []
    assert [t.name.value for t in raw.publication_types] == ["Journal Article", "Preprint"]  # a blank one is no type
    assert [t.id.text if t.id else None for t in raw.publication_types] == ["D016428", None]
    assert len(raw.subject_headings) == 3
    assert any("no DescriptorName" in problem.message for problem in raw.problems)
    record = normalise_record(raw)
    stem_cells, vesicles, humans = record.subject_headings
    assert (stem_cells.descriptor_id, stem_cells.major, stem_cells.descriptor_major) == ("D059630", True, False)
    assert (stem_cells.qualifiers, stem_cells.qualifier_ids, stem_cells.major_qualifiers) == (
        ["metabolism", "cytology"], ["Q000378", "Q000166"], ["metabolism"])
    assert (vesicles.major, vesicles.descriptor_major, vesicles.qualifiers) == (True, True, [])
    assert (humans.descriptor, humans.major) == ("Humans & Others", False)  # decoded; the span keeps '&amp;'
    start, end = humans.spans["descriptor"]
    assert MESH[start:end] == "Humans &amp; Others"
    assert [h.position for h in record.subject_headings] == [1, 2, 3]
    for heading in record.subject_headings:
        for column in ("descriptor_id",):
            start, end = heading.spans[column]
            assert MESH[start:end] == getattr(heading, column)
