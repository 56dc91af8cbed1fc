"""CSL-JSON reader: array and single item, escapes decoded with spans as written, bad items quarantined."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exodata.ingest.normalise import normalise_record
from exodata.ingest.readers import _json
from exodata.ingest.readers import csl_json as reader
from exodata.ingest.readers._json import load_with_spans
from exodata.ingest.readers._locate import span_errors

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"


@pytest.fixture(scope="module")
def items():
    text = (EXPORTS / "csl_items.json").read_text(encoding="utf-8")
    return text, reader.read(text)


def test_one_record_per_item_bad_items_quarantined(items):
    text, records = items
    assert [record.index for record in records] == [0, 1, 2, 3, 4]
    assert [record.quarantine is None for record in records] == [True, False, True, True, False]
    assert "item 2" in records[1].quarantine and "JSON object" in records[1].quarantine
    assert "no title and no DOI" in records[4].quarantine
    for record in records:
        assert span_errors(text, record) == []
        start, end = record.span
        assert text[start] in '{"' and text[end - 1] in '}"'


def test_first_item_values(items):
    _, records = items
    fields = {name: value.text for name, value in records[0].fields.items()}
    assert fields["journal"] == "International Journal of Nanomedicine"
    assert fields["year"] == "2022" and fields["pages"] == "3603-3618" and fields["pmcid"] == "PMC9386173"
    assert [keyword.text for keyword in records[0].keywords] == [
        "acute kidney injury", "chronic kidney disease", "mesenchymal stem cells"]
    normalised = normalise_record(records[0])
    assert normalised.get("language") == "en" and normalised.get("pmid") == 35990308


def test_escapes_lists_numbers_and_affiliations(items):
    _, records = items
    record = records[2]
    lotvall = record.authors[0].name
    assert lotvall.value == "Lötvall, Jan" and "L\\u00f6tvall" in lotvall.text
    assert record.fields["journal"].text == "Journal of Extracellular Vesicles"  # one-element list
    assert record.fields["volume"].text == "3"  # a JSON number
    assert record.fields["year"].text == "2014" and record.fields["first_page"].text == "26913"
    assert [author.affiliations for author in record.authors] == [[1], [2], [1]]
    assert len(record.affiliations) == 2


def test_raw_date_literal_names_and_escaped_abstract(items):
    _, records = items
    record = records[3]
    assert record.fields["year"].text == "2020"
    assert [author.name.value for author in record.authors] == ["Zhou, Quanfa", "Cartilage Study Consortium"]
    abstract = record.fields["abstract"]
    assert "\\u2014" in abstract.text and "\u2014" in abstract.decoded and '"wear and tear"' in abstract.decoded
    assert [keyword.text for keyword in record.keywords] == ["exosomes", "osteoarthritis"]


def test_single_item_object():
    text = json.dumps({"type": "article-journal", "title": "One", "DOI": "10.1/one",
                       "issued": {"date-parts": [[2021]]}})
    records = reader.read(text)
    assert len(records) == 1 and records[0].span == (0, len(text))
    assert records[0].fields["year"].text == "2021" and records[0].fields["doi"].text == "10.1/one"


def test_accepts():
    assert reader.accepts('[{"id": "a", "type": "article-journal", "title": "x"}]')
    assert reader.accepts('{"type": "book", "container-title": "x"}')
    assert not reader.accepts('{"type": "FeatureCollection", "features": []}')
    assert not reader.accepts('{"title": "x"}')


@settings(max_examples=150)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                                max_size=4), max_leaves=20))
def test_spans_of_any_json_value(value):
    text = json.dumps(value, ensure_ascii=False, indent=1)
    loaded = load_with_spans(text)
    assert loaded == value

    def walk(node):
        if isinstance(node, str):
            assert json.loads('"' + text[node.start:node.end] + '"') == node
        elif isinstance(node, (list, dict)):
            assert json.loads(text[node.start:node.end]) == node
            for child in (node.values() if isinstance(node, dict) else node):
                walk(child)

    walk(loaded)


def _spanned_shape(node):
    """A value with every span and spanned type spelled out, for comparing two spanned loads."""
    if isinstance(node, dict):
        return ("dict", node.start, node.end, [(key, _spanned_shape(child)) for key, child in node.items()])
    if isinstance(node, list):
        return ("list", node.start, node.end, [_spanned_shape(child) for child in node])
    return (type(node).__name__, repr(node), getattr(node, "start", None), getattr(node, "end", None))


_JSON_PIECES = st.sampled_from(['{', '}', '[', ']', ',', ':', '"a"', '"\\u00e9\\n"', '1', '-0', '2.5e3', '01',
                                'true', 'null', 'NaN', '-Infinity', ' ', '\n', '"', '\\', '\u00a0', '"k":'])


@settings(max_examples=300)
@given(st.lists(_JSON_PIECES, max_size=14).map("".join))
def test_fast_json_reader_agrees_with_the_json_scanner(text):
    """The fast spanned reader accepts only what json accepts, with the same values and spans."""
    try:
        expected = _spanned_shape(_json._load_spanned_by_json(text))
    except Exception as refused:
        assert not isinstance(refused, (AttributeError, NameError)), refused  # a bug here, not a refusal
        # any exception: the reader falls back to the checked way on whatever the fast one raises
        with pytest.raises(Exception) as raised:  # noqa: B017
            _json.load_spanned_fast(text)
        assert not isinstance(raised.value, (AttributeError, NameError)), raised.value
        return
    assert _spanned_shape(_json.load_spanned_fast(text)) == expected


def test_fast_json_reader_agrees_on_a_real_export():
    text = (EXPORTS / "csl_items.json").read_text(encoding="utf-8")
    assert _spanned_shape(_json.load_spanned_fast(text)) == _spanned_shape(_json._load_spanned_by_json(text))
