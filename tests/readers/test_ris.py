"""RIS reader: dev gold 205/207 through the normaliser, the multi-record fixture, quarantine of stray text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exodata.ingest.normalise import normalise_record
from exodata.ingest.readers import ris as reader
from exodata.ingest.readers._locate import span_errors
from tests.normalise.goldcheck import record_mismatches

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"


@pytest.mark.parametrize("stem", ["205_3778a097aff622fe", "207_804e7fbf0ab78773"])
def test_dev_documents_match_their_gold(fixtures_dir, stem):
    text = (fixtures_dir / "dev" / "docs" / f"{stem}.ris").read_text(encoding="utf-8")
    gold = json.loads((fixtures_dir / "dev" / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    records = reader.read(text)
    assert len(records) == 1 and records[0].quarantine is None and records[0].problems == []
    assert span_errors(text, records[0]) == []
    assert record_mismatches(normalise_record(records[0]), gold) == []


def test_dev_207_journal_is_jo_and_article_number_first_page(fixtures_dir):
    text = (fixtures_dir / "dev" / "docs" / "207_804e7fbf0ab78773.ris").read_text(encoding="utf-8")
    record = reader.read(text)[0]
    assert record.fields["journal"].text == "Biomed Pharmacother"
    assert record.fields["first_page"].text == "114415" and "last_page" not in record.fields


@pytest.fixture(scope="module")
def multi():
    text = (EXPORTS / "ris_multi.ris").read_bytes().decode("utf-8")  # keep its CRLF first record as written
    return text, reader.read(text)


def test_multi_record_file(multi):
    text, records = multi
    assert [record.index for record in records] == [0, 1, 2, 3, 4]
    assert [record.quarantine is None for record in records] == [True, True, False, True, False]
    for record in records:
        assert span_errors(text, record) == []
    assert "line 46" in records[2].quarantine and "outside" in records[2].quarantine
    assert "no title" in records[4].quarantine


def test_crlf_record_with_a1_jf_n2_and_keywords_on_one_line(multi):
    _, records = multi
    record = records[0]
    assert "\r\n" in record.fields["abstract"].text
    assert record.fields["title"].text.startswith("Application of mesenchymal")
    assert record.fields["journal"].text == "Frontiers in Bioengineering and Biotechnology"  # JF beats JO
    assert record.fields["year"].text == "2022"  # from Y1 2022/10/10
    assert len(record.authors) == 7 and record.authors[0].name.text == "Xia, Yuanliang"
    assert [keyword.text for keyword in record.keywords] == [
        "intervertebral disc degeneration", "mesenchymal stem cells", "exosomes"]
    assert record.fields["first_page"].text == "1019437"
    assert [link.text for link in record.links] == ["https://www.frontiersin.org/articles/10.3389/fbioe.2022.1019437"]


def test_repeated_ad_listed_once_and_accented_names(multi):
    _, records = multi
    record = records[1]
    assert [value.text for value in record.affiliations] == [
        "Krefting Research Centre, University of Gothenburg, Gothenburg, Sweden.", "Institut Curie, Paris, France."]
    assert [author.name.text for author in record.authors] == ["Lötvall, Jan", "Hill, Andrew F", "Buzás, Edit I",
                                                               "Théry, Clotilde"]
    assert record.fields["journal"].text == "Journal of Extracellular Vesicles"  # T2 beats J2
    assert record.fields["pmcid"].text == "PMC4275645"
    normalised = normalise_record(record)
    assert normalised.get("pmcid") == "PMC4275645" and normalised.get("doi") == "10.3402/jev.v3.26913"


def test_sp_range_without_ep_is_pages(multi):
    _, records = multi
    assert records[3].fields["pages"].text == "3603-3618"
    assert normalise_record(records[3]).get("last_page") == "3618"


def test_unterminated_record_is_read_with_a_problem():
    text = "TY  - JOUR\nTI  - First\nTY  - JOUR\nTI  - Second\nER  - \n"
    records = reader.read(text)
    assert [record.fields["title"].text for record in records] == ["First", "Second"]
    assert records[0].problems and "ER" in records[0].problems[0].message


def test_accepts():
    assert reader.accepts("TY  - JOUR\nTI  - x\nER  - \n")
    assert reader.accepts("Provider: Some Database\nContent: text/plain\n\nTY  - JOUR\nTI  - x\n")
    assert not reader.accepts("PMID- 1\nTI  - x\n")
    assert not reader.accepts("Some page\nTYPE - not RIS\n")
