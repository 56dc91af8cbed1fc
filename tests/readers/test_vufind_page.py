"""VuFind (layout a) page reader: gold extraction, detection, spans, quarantine and robustness."""

from __future__ import annotations

import re

import pytest

from exodata.ingest.normalise import normalise_record
from exodata.ingest.readers import vufind_page as reader
from tests.normalise.goldcheck import (
    layout_documents,
    span_mismatches,
)

LAYOUT = "a"


@pytest.fixture(scope="module")
def documents(gold_pairs):
    docs = layout_documents(gold_pairs, LAYOUT)
    assert len(docs) >= 3, "expected seed 000, dev 202 and the English-interface page"
    return [(path, path.read_text(encoding="utf-8"), gold) for path, gold in docs]


def test_abstract_is_the_summary_not_the_teaser(documents):
    for path, text, _ in documents:
        record = normalise_record(reader.read(text)[0])
        abstract = record.get("abstract")
        assert abstract and not abstract.endswith("..."), path.name
        summary = re.search(r"^(?:Sumario|Summary):\s*(.+)$", text, re.M).group(1)
        assert abstract == " ".join(summary.split()), path.name


def test_publisher_and_links(documents):
    by_name = {path.name: text for path, text, _ in documents}
    record = normalise_record(reader.read(by_name["000_8efa4e564566d795.txt"])[0])
    assert record.get("publisher") == "John Wiley and Sons Inc."
    pmid = record.fields["pmid"]
    assert by_name["000_8efa4e564566d795.txt"][pmid.start:pmid.end] == "https://www.ncbi.nlm.nih.gov/pubmed/32492261"
    english = normalise_record(reader.read(by_name["vufind_english.txt"])[0])
    assert english.get("publisher") == "John Wiley and Sons Inc."
    assert english.get("journal") == "Journal of Cellular and Molecular Medicine"
    year = english.fields["year"]
    assert by_name["vufind_english.txt"][year.start:year.end] == "2020"


def test_other_authors_follow_main_authors():
    text = (
        "Loading…\n\nA title\n\nTeaser...\n\nFull description\n\nBibliographic Details\n"
        "Main Authors: Shuqin Zhang, Yu Hou\nOther Authors: Qin-Lu Wang\nFormat: Article\n"
        "Language: English\nPublished: Hindawi Limited 2020-01-01\nSeries: Stem Cells International\n"
        "Online Access: https://doi.org/10.1155/2020/1234567\n"
    )
    raw = reader.read(text)[0]
    assert span_mismatches(text, raw) == []
    record = normalise_record(raw)
    assert [(a.family_name, a.given_name) for a in record.authors] == [
        ("Zhang", "Shuqin"), ("Hou", "Yu"), ("Wang", "Qin-Lu")]
    assert record.get("doi") == "10.1155/2020/1234567"
    assert record.get("publisher") == "Hindawi Limited" and record.get("year") == 2020
    assert record.get("journal") == "Stem Cells International"
    assert record.get("abstract") is None


def test_spanish_other_authors_are_paired():
    text = ("Cargando…\n\nUn título\n\nDescripción completa\n\nDetalles Bibliográficos\n"
            "Autores principales: Zhang, Shuqin\nOtros Autores: Li, Jing Yun, Wang, Hao\nLenguaje:Inglés\n")
    record = normalise_record(reader.read(text)[0])
    assert [(a.family_name, a.given_name) for a in record.authors] == [
        ("Zhang", "Shuqin"), ("Li", "Jing Yun"), ("Wang", "Hao")]
    assert record.get("language") == "en"


def test_page_without_title_is_quarantined(documents):
    for path, text, _ in documents:
        title = reader.read(text)[0].fields["title"]
        untitled = text[:title.start] + text[title.end:]
        records = reader.read(untitled)
        assert len(records) == 1, path.name
        assert records[0].quarantine and "title" in records[0].quarantine, path.name
