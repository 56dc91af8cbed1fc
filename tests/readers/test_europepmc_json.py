"""Europe PMC JSON reader: the fixture read as its gold says, spans as written, hostile JSON refused."""

from __future__ import annotations

import json
from pathlib import Path

from exodata.ingest import formats
from exodata.ingest.readers import europepmc_json as reader
from exodata.ingest.readers._locate import span_errors

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"


def test_the_fixture_reads_as_its_gold():
    text = (EXPORTS / "europepmc_core.json").read_text(encoding="utf-8")
    gold = json.loads((EXPORTS.parent / "gold" / "europepmc_core.json").read_text(encoding="utf-8"))
    assert formats.detect(text) == gold["layout"] == reader.FORMAT
    records = reader.read(text)
    assert len(records) == len(gold["records"])
    for record, expected in zip(records, gold["records"]):
        assert span_errors(text, record) == []
        assert record.quarantine == expected["quarantine"]
        if expected["quarantine"] is not None:
            continue
        assert {name: value.value for name, value in record.fields.items()} == expected["fields"]
        assert [[author.name.value, author.affiliations] for author in record.authors] == expected["authors"]
        assert [value.value for value in record.affiliations] == expected["affiliations"]
        assert [value.value for value in record.keywords] == expected["keywords"]
        assert [value.value for value in record.funders] == expected["funders"]


def test_values_point_at_the_characters_as_written():
    text = (EXPORTS / "europepmc_core.json").read_text(encoding="utf-8")
    preprint = reader.read(text)[1]
    author = preprint.authors[0].name
    assert "M\\u00fcller" in author.text and author.value == "Müller, Anna"
    title = preprint.fields["title"]
    assert text[title.start:title.end] == title.text and "<i>" in title.text and "<i>" not in title.value


def test_accepts_a_search_answer_and_nothing_else():
    assert reader.accepts('{"version":"6.9","hitCount":0,"resultList":{"result":[]}}')
    assert reader.accepts('{"resultList": {"result": []}}')
    assert not reader.accepts('[{"type": "article-journal", "title": "x"}]')
    assert not reader.accepts('{"type": "FeatureCollection", "features": []}')
    assert not reader.accepts('{"hitCount": 3}')  # no results to read: another service's JSON


def test_broken_and_hostile_json_is_one_quarantined_record():
    for text, reason in (('{"resultList": {"result": [ {"id": ', "malformed JSON"),
                         ('{"resultList": {"result": ' + "[" * 200 + "]" * 200 + "}}", "nested deeper"),
                         ('{"resultList": {"result": "none"}}', "without a resultList.result array")):
        records = reader.read(text)
        assert len(records) == 1 and reason in records[0].quarantine, records[0].quarantine


def test_what_fetch_writes_is_read():
    text = json.dumps({"resultList": {"result": [{"id": "1", "source": "MED", "pmid": "1", "title": "One."}]}},
                      indent=1)
    (record,) = reader.read(text)
    assert record.quarantine is None and record.fields["title"].value == "One"
