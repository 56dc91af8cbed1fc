"""Aggregator fragment (layout c) reader: gold extraction, detection, spans, quarantine and robustness."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exodata.normalise import normalise_record
from exodata.readers import aggregator_page as reader
from tests.normalise.goldcheck import (
    layout_documents,
    span_mismatches,
    value_span_mismatches,
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


_ARBITRARY = st.text(st.sampled_from(list("Affiliation:Abstract Funder Cited by 12 articles.\n1. ,:订阅")),
                     max_size=400)


@settings(max_examples=200, deadline=None)
@given(_ARBITRARY | st.text(max_size=300))
def test_never_raises_on_arbitrary_text(text):
    assert isinstance(reader.accepts(text), bool)
    for raw in reader.read(text):
        assert span_mismatches(text, raw) == []
        normalise_record(raw)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_never_raises_on_mutated_pages(documents, data):
    _, text, _ = data.draw(st.sampled_from(documents))
    lines = text.splitlines(keepends=True)
    dropped = data.draw(st.sets(st.integers(0, len(lines) - 1), max_size=6))
    mutated = "".join(line for i, line in enumerate(lines) if i not in dropped)
    if data.draw(st.booleans()):
        mutated = re.sub(r"[ \t]+", " ", mutated)
    for raw in reader.read(mutated):
        assert span_mismatches(mutated, raw) == []
        assert value_span_mismatches(mutated, normalise_record(raw)) == []
