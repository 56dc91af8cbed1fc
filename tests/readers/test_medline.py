"""MEDLINE reader: dev gold through the normaliser, the multi-record fixture value by value, quarantine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exodata.ingest.normalise import normalise_record
from exodata.ingest.readers import medline as reader
from exodata.ingest.readers._locate import span_errors
from tests.normalise.goldcheck import record_mismatches

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"


@pytest.fixture(scope="module")
def multi():
    text = (EXPORTS / "medline_multi.nbib").read_text(encoding="utf-8")
    return text, reader.read(text)


def test_dev_204_matches_its_gold(fixtures_dir):
    doc = fixtures_dir / "dev" / "docs" / "204_d631443305a5e0a5.nbib"
    gold = json.loads((fixtures_dir / "dev" / "gold" / "204_d631443305a5e0a5.json").read_text(encoding="utf-8"))
    text = doc.read_text(encoding="utf-8")
    records = reader.read(text)
    assert len(records) == 1 and records[0].quarantine is None
    assert span_errors(text, records[0]) == []
    assert record_mismatches(normalise_record(records[0]), gold) == []


def test_dev_204_raw_values(fixtures_dir):
    text = (fixtures_dir / "dev" / "docs" / "204_d631443305a5e0a5.nbib").read_text(encoding="utf-8")
    record = reader.read(text)[0]
    fields = {name: value.text for name, value in record.fields.items()}
    assert fields["title"].endswith("Kidney Disease Treatment") and "\n" in fields["title"]
    assert fields["year"] == "2022" and fields["pages"] == "3603-3618"
    assert fields["doi"] == "10.2147/IJN.S372254" and fields["language"] == "eng"
    assert fields["country"] == "New Zealand" and fields["journal"] == "International journal of nanomedicine"
    assert [author.name.text for author in record.authors] == ["Lu, Yukang", "Wang, Lanfeng", "Zhang, Mengting",
                                                               "Chen, Zhiping"]


def test_multi_record_file_gives_one_record_per_pmid_in_order(multi):
    text, records = multi
    assert [record.index for record in records] == [0, 1, 2, 3]
    assert [record.fields.get("pmid").text if "pmid" in record.fields else None for record in records] == [
        "25536934", None, "35990308", "12345678"]
    for record in records:
        assert span_errors(text, record) == []
        start, end = record.span
        assert text[start:end].startswith("PMID-")


def test_broken_record_is_quarantined_with_its_line_and_the_others_compile(multi):
    text, records = multi
    broken = records[1]
    assert broken.quarantine is not None
    assert "line 52" in broken.quarantine and "record 2" in broken.quarantine
    assert text.splitlines()[51] == "this line has no tag and no indentation"
    assert [record.quarantine for record in records if record is not broken] == [None, None, None]


def test_ad_per_author_listed_once_in_first_appearance_order(multi):
    _, records = multi
    record = records[0]
    assert [value.value for value in record.affiliations] == [
        "Krefting Research Centre, University of Gothenburg, Gothenburg, Sweden.",
        "Department of Biochemistry and Molecular Biology, University of Melbourne,\n      Melbourne, Australia.",
        "Department of Genetics, Cell- and Immunobiology, Semmelweis University,\n      Budapest, Hungary.",
        "Institut Curie, Paris, France.",
    ]
    assert [(author.name.text, author.affiliations) for author in record.authors] == [
        ("Lotvall, Jan", [1]), ("Hill, Andrew F", [2]), ("Buzas, Edit I", [3]), ("Thery, Clotilde", [4, 1])]


def test_lid_doi_and_elocator(multi):
    _, records = multi
    assert records[0].fields["doi"].text == "10.3402/jev.v3.26913"
    assert records[0].fields["first_page"].text == "26913" and "pages" not in records[0].fields
    assert records[3].fields["first_page"].text == "114415"
    assert records[2].fields["pages"].text == "3603-3618" and "first_page" not in records[2].fields


def test_title_without_terminal_period_and_year_digits_only(multi):
    _, records = multi
    assert records[0].fields["title"].text.endswith("Extracellular Vesicles")
    assert records[3].fields["title"].text == (
        "A review of the effect of exosomes from different cells on liver fibrosis")
    assert records[3].fields["title_vernacular"].text.startswith("Revue de l'effet")
    assert not records[3].fields["title_vernacular"].text.endswith(".")
    assert [records[i].fields["year"].text for i in (0, 2, 3)] == ["2014", "2022", "2023"]


def test_au_only_records_keep_au_names_and_journal_falls_back_to_ta(multi):
    _, records = multi
    assert [author.name.text for author in records[3].authors] == ["Hu X", "Ge Q"]
    assert records[3].fields["journal"].text == "Biomed Pharmacother"
    assert records[0].fields["journal"].text == "Journal of extracellular vesicles"


def test_normalised_multi_records(multi):
    _, records = multi
    first = normalise_record(records[0])
    assert first.get("doi") == "10.3402/jev.v3.26913" and first.get("country") == "US"
    assert first.get("title").endswith("International Society for Extracellular Vesicles")
    assert [(a.family_name, a.given_name) for a in first.authors][:2] == [("Lotvall", "Jan"), ("Hill", "Andrew F")]
    last = normalise_record(records[3])
    assert [(a.family_name, a.given_name) for a in last.authors] == [("Hu", "X"), ("Ge", "Q")]
    assert last.get("first_page") == "114415" and last.get("last_page") is None


def test_pmid_line_starts_a_new_record_without_a_blank_line():
    text = "PMID- 1\nTI  - One.\nPMID- 2\nTI  - Two.\n"
    records = reader.read(text)
    assert [record.fields["title"].text for record in records] == ["One", "Two"]
    assert [record.span for record in records] == [(0, 18), (19, 37)]


def test_record_without_pmid_or_title_is_quarantined():
    text = "PMID- 1\nTI  - One.\n\nAU  - Nobody A\nLA  - eng\n"
    records = reader.read(text)
    assert records[0].quarantine is None
    assert "no PMID and no title" in records[1].quarantine


def test_accepts_needs_pmid_first():
    assert reader.accepts("PMID- 35990308\nOWN - NLM\n")
    assert not reader.accepts("TI  - x\nPMID- 1\n")
    assert not reader.accepts("PMID: 35990308 is a number in some page text\nDOI: 10.1/x")


HEADINGS = """PMID- 99000101
TI  - Exosomes after spinal cord injury.
PT  - Journal Article
PT  - Research Support, Non-U.S. Gov't
MH  - Animals
MH  - Exosomes/metabolism/*transplantation
MH  - *Mesenchymal Stem Cells/cytology
MH  - Spinal Cord Injuries/pathology/*therapy/a very long qualifier that wraps
      onto the next line
MH  - *
OT  - exosomes
"""


def test_pt_and_mh_lines_are_read_as_written_and_located():
    [raw] = reader.read(HEADINGS)
    assert span_errors(HEADINGS, raw) == []
    assert [t.name.text for t in raw.publication_types] == ["Journal Article", "Research Support, Non-U.S. Gov't"]
    assert [h.written.text for h in raw.subject_headings][:3] == [
        "Animals", "Exosomes/metabolism/*transplantation", "*Mesenchymal Stem Cells/cytology"]
    assert raw.subject_headings[3].written.text.endswith("wraps\n      onto the next line")
    assert all(h.descriptor is None for h in raw.subject_headings)  # the normaliser reads '*' and '/'
    record = normalise_record(raw)
    assert [(h.descriptor, h.major, h.qualifiers) for h in record.subject_headings] == [
        ("Animals", False, []), ("Exosomes", True, ["metabolism", "transplantation"]),
        ("Mesenchymal Stem Cells", True, ["cytology"]),
        ("Spinal Cord Injuries", True, ["pathology", "therapy", "a very long qualifier that wraps onto the next line"]),
    ]  # the '*' alone is left out, with a problem
    assert any("has no descriptor" in problem.message for problem in record.problems)
    assert all(h.descriptor_id is None and h.qualifier_ids == [] for h in record.subject_headings)
    assert [t.mesh_id for t in record.publication_types] == [None, None]
    assert [k.value for k in record.keywords] == ["exosomes"]  # MH lines are not keywords


def test_mesh_headings_are_not_annotated():
    from exodata.ingest.compile import annotate_record

    text = HEADINGS.replace("TI  - Exosomes after spinal cord injury.", "TI  - A title.")
    record = normalise_record(reader.read(text)[0])
    annotate_record(record)
    assert all(mention.field != "subject_headings" for mention in record.mentions)
    assert not [m for m in record.mentions if m.text.lower() in ("mesenchymal stem cells", "spinal cord injuries")]
