"""Aggregator fragment (layout c) reader: gold extraction, detection, spans, quarantine and robustness."""

from __future__ import annotations

import pytest

from exodata.ingest.normalise import normalise_record
from exodata.ingest.readers import aggregator_page as reader
from tests.normalise.goldcheck import (
    layout_documents,
)

LAYOUT = "c"


@pytest.fixture(scope="module")
def documents(gold_pairs):
    docs = layout_documents(gold_pairs, LAYOUT)
    assert len(docs) >= 3, "expected seed 002, dev 203 and the abstract-only page"
    return [(path, path.read_text(encoding="utf-8"), gold) for path, gold in docs]


def test_abstract_after_the_headings_without_leading_colon(documents):
    for path, text, _ in documents:
        record = normalise_record(reader.read(text)[0])
        abstract = record.get("abstract")
        assert abstract and abstract[0].isupper(), path.name
        assert not abstract.startswith(("Abstract", ":")), path.name
        assert "Funder" not in abstract and "Cited by" not in abstract, path.name
        for column in ("title", "doi", "journal", "year", "language"):
            assert record.get(column) is None, (path.name, column)


def test_affiliation_spacing_and_curly_quotes_are_kept(documents):
    by_name = {path.name: text for path, text, _ in documents}
    record = normalise_record(reader.read(by_name["002_a613febd7b45ef53.txt"])[0])
    assert record.affiliations[0].text.endswith("Lanzhou University , Lanzhou , China")
    assert record.affiliations[0].country == "CN"
    assert "“Cuiying Technology Innovation”" in record.funders[-1].value
    count = record.fields["cited_by_count"]
    assert record.get("cited_by_count") == 2
    assert "2 articles." in by_name["002_a613febd7b45ef53.txt"][count.start:count.end]


def test_headings_without_content_are_quarantined():
    records = reader.read("Affiliation:\nAbstract\nAbstract\nFunder\n")
    assert len(records) == 1 and records[0].quarantine and "no Affiliation, Abstract or Funder" in records[0].quarantine


def test_prose_starting_with_a_heading_word_is_not_a_heading():
    assert not reader.accepts("Abstract concepts in medicine are hard to teach.\nFunder\nSomeone\n")
