"""What every page-layout reader must do on the gold documents of its layout (and only of its layout)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exodata.ingest import formats
from exodata.ingest.normalise import normalise_record
from tests.normalise.goldcheck import (
    all_documents,
    layout_documents,
    record_mismatches,
    span_mismatches,
    value_span_mismatches,
)

#: Each page format's layout in the gold files, and how many documents of it the gold and variant pages hold at least
GOLD = {"vufind_page": ("a", 3), "wprim_page": ("b", 7), "aggregator_page": ("c", 3)}
LAYOUTS = [(formats.reader(name), *GOLD[name]) for name in formats.names(formats.PAGE) if name in GOLD]
IDS = [reader.FORMAT for reader, _, _ in LAYOUTS]


def test_every_page_format_has_gold_documents_and_robustness_settings():
    assert set(GOLD) == set(ROBUSTNESS) == set(formats.names(formats.PAGE))


def _documents(gold_pairs, layout, at_least):
    docs = layout_documents(gold_pairs, layout)
    assert len(docs) >= at_least, f"expected at least {at_least} layout-{layout} documents, found {len(docs)}"
    return [(path, path.read_text(encoding="utf-8"), gold) for path, gold in docs]


@pytest.mark.parametrize(("reader", "layout", "at_least"), LAYOUTS, ids=IDS)
def test_every_document_of_the_layout_matches_its_gold(gold_pairs, reader, layout, at_least):
    failures = {}
    for path, text, gold in _documents(gold_pairs, layout, at_least):
        records = reader.read(text)
        assert len(records) == 1 and records[0].index == 0, path.name
        assert records[0].quarantine is None, f"{path.name}: {records[0].quarantine}"
        mismatches = record_mismatches(normalise_record(records[0]), gold)
        if mismatches:
            failures[path.name] = mismatches
    assert not failures, failures


@pytest.mark.parametrize(("reader", "layout", "at_least"), LAYOUTS, ids=IDS)
def test_every_value_is_located(gold_pairs, reader, layout, at_least):
    for path, text, _ in _documents(gold_pairs, layout, at_least):
        raw = reader.read(text)[0]
        assert span_mismatches(text, raw) == [], path.name
        assert value_span_mismatches(text, normalise_record(raw)) == [], path.name


@pytest.mark.parametrize(("reader", "layout", "at_least"), LAYOUTS, ids=IDS)
def test_accepts_only_its_layout(gold_pairs, reader, layout, at_least):
    for path, gold in all_documents(gold_pairs):
        text = path.read_text(encoding="utf-8")
        assert reader.accepts(text) == (gold["layout"] == layout), path.name
        if gold["layout"] != layout:
            assert reader.read(text) == [], path.name


#: Per layout: characters its pages are made of (for arbitrary text), how many lines a mutation may drop, and
#: which white space a collapsed capture merges (VuFind captures also lose their line breaks).
ROBUSTNESS = {
    "vufind_page": ("Cargando…Loading Full description Bibliographic Details:\n,.SummaryMain Authors Published 2020 "
                    "http://doi.org/10.1/x", 8, r"\s+"),
    "wprim_page": ("- :;1.\n\t\u00a0AuthorInformationVernacularTitleFromCountry中文10/", 12, r"[ \t]+"),
    "aggregator_page": ("Affiliation:Abstract Funder Cited by 12 articles.\n1. ,:订阅", 6, r"[ \t]+"),
}


@pytest.mark.parametrize("reader", [r for r, _, _ in LAYOUTS], ids=IDS)
@settings(max_examples=150)
@given(data=st.data())
def test_never_raises_on_arbitrary_text(reader, data):
    alphabet = ROBUSTNESS[reader.FORMAT][0]
    text = data.draw(st.text(st.sampled_from(list(alphabet)), max_size=400) | st.text(max_size=300))
    assert isinstance(reader.accepts(text), bool)
    for raw in reader.read(text):
        assert span_mismatches(text, raw) == []
        normalise_record(raw)


@pytest.mark.parametrize(("reader", "layout", "at_least"), LAYOUTS, ids=IDS)
@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_never_raises_on_mutated_pages(gold_pairs, reader, layout, at_least, data):
    _, most_dropped, collapse = ROBUSTNESS[reader.FORMAT]
    _, text, _ = data.draw(st.sampled_from(_documents(gold_pairs, layout, at_least)))
    lines = text.splitlines(keepends=True)
    dropped = data.draw(st.sets(st.integers(0, len(lines) - 1), max_size=most_dropped))
    mutated = "".join(line for i, line in enumerate(lines) if i not in dropped)
    if data.draw(st.booleans()):
        mutated = re.sub(collapse, " ", mutated)
    for raw in reader.read(mutated):
        assert span_mismatches(mutated, raw) == []
        assert value_span_mismatches(mutated, normalise_record(raw)) == []
