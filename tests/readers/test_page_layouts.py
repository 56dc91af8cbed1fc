"""What every page-layout reader must do on the gold documents of its layout (and only of its layout)."""

from __future__ import annotations

import pytest

from exodata.normalise import normalise_record
from exodata.readers import aggregator_page, vufind_page, wprim_page
from tests.normalise.goldcheck import (
    all_documents,
    layout_documents,
    record_mismatches,
    span_mismatches,
    value_span_mismatches,
)

#: reader, its layout in the gold files, and how many documents of it the gold and variant pages hold at least
LAYOUTS = [(vufind_page, "a", 3), (wprim_page, "b", 7), (aggregator_page, "c", 3)]
IDS = [reader.FORMAT for reader, _, _ in LAYOUTS]


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
