"""Europe PMC JSON reader: the fixture read as its gold says, spans as written, hostile JSON refused."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from exodata.ingest import formats
from exodata.ingest.normalise import normalise_record
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
        assert [term.name.value for term in record.publication_types] == expected["publication_types"]
        assert [[heading.descriptor.name.value, heading.descriptor.major,
                 [[term.name.value, term.major] for term in heading.qualifiers]]
                for heading in record.subject_headings] == expected["subject_headings"]
        assert [problem.message for problem in record.problems] == expected["problems"]


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


def test_publication_types_and_mesh_headings_point_at_the_json_as_written():
    text = (EXPORTS / "europepmc_core.json").read_text(encoding="utf-8")
    first = reader.read(text)[0]
    support = first.publication_types[-1]
    assert support.name.text == "Research Support, Non-U.S. Gov\\u0027t" and support.name.value.endswith("Gov't")
    assert support.id is None and not support.major and support.span == (support.name.start, support.name.end)
    kidney, vesicles, stem_cells, sjogren, humans = first.subject_headings
    written = text[kidney.written.start:kidney.written.end]
    assert written.startswith("{") and written.endswith("}")
    assert json.loads(written)["descriptorName"] == "Kidney Diseases"
    start, end = kidney.descriptor.span  # the name and its majorTopic_YN, quotes included
    assert text[start:end] == '"Y","descriptorName":"Kidney Diseases"'
    assert sjogren.descriptor.name.text == "Sj\\u00f6gren\\u0027s Syndrome"
    assert sjogren.descriptor.name.value == "Sjögren's Syndrome"
    assert humans.descriptor.span == (humans.descriptor.name.start, humans.descriptor.name.end)  # no flag given
    start, end = stem_cells.qualifiers[1].span
    assert text[start:end] == '"secretion","majorTopic_YN":"Y"'
    record = normalise_record(first)
    assert [(t.name, t.mesh_id) for t in record.publication_types][:2] == [("review-article", None), ("Review", None)]
    rows = {h.descriptor: h for h in record.subject_headings}
    assert (rows["Mesenchymal Stem Cells"].major, rows["Mesenchymal Stem Cells"].descriptor_major) == (True, False)
    assert rows["Mesenchymal Stem Cells"].major_qualifiers == ["secretion"]
    assert all(h.descriptor_id is None and h.qualifier_ids == [] for h in record.subject_headings)
    assert [h.position for h in record.subject_headings] == [1, 2, 3, 4, 5]
    assert rows["Sjögren's Syndrome"].descriptor == "Sjögren's Syndrome"


def test_a_lone_publication_type_and_odd_entries():
    text = json.dumps({"resultList": {"result": [{"id": "1", "pmid": "1", "title": "One.",
                                                 "pubTypeList": {"pubType": "Journal Article"},
                                                 "meshHeadingList": {"meshHeading": [
                                                     "Humans", 7, {"majorTopic_YN": "Y"},
                                                     {"descriptorName": 5, "majorTopic_YN": "N"},
                                                     {"descriptorName": "Mice", "majorTopic_YN": ["Y"],
                                                      "meshQualifierList": {"meshQualifier": "metabolism"}}]}}]}})
    (record,) = reader.read(text)
    assert span_errors(text, record) == []
    assert [t.name.value for t in record.publication_types] == ["Journal Article"]
    [mice] = record.subject_headings
    assert (mice.descriptor.name.value, mice.descriptor.major, mice.qualifiers) == ("Mice", False, [])
    assert [p.message for p in record.problems] == ["a meshHeading has no descriptorName value; left out"] * 2


_NAME = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_FLAG = st.sampled_from(["Y", "N", " Y", "", None])


def _entry(key: str):
    return st.fixed_dictionaries({key: _NAME}, optional={"majorTopic_YN": _FLAG, "abbreviation": st.just("XX")})


_HEADING = st.tuples(_entry("descriptorName"), st.lists(_entry("qualifierName"), max_size=3)).map(
    lambda pair: {**pair[0], "meshQualifierList": {"meshQualifier": pair[1]}} if pair[1] else pair[0])


@settings(max_examples=150)
@given(types=st.lists(_NAME, max_size=4), headings=st.lists(_HEADING, max_size=5), ascii_only=st.booleans(),
       indent=st.sampled_from([None, 1]))
def test_any_mesh_headings_and_publication_types_are_read_as_written(types, headings, ascii_only, indent):
    """Whatever Europe PMC writes (escaped or not, any names and flags): every name is located, blank names are
    left out, a flag is major only when it is "Y", and the normalised rows say the same."""
    result = {"id": "1", "pmid": "1", "title": "T", "pubTypeList": {"pubType": types},
              "meshHeadingList": {"meshHeading": headings}}
    text = json.dumps({"resultList": {"result": [result]}}, ensure_ascii=ascii_only, indent=indent)
    (record,) = reader.read(text)
    assert record.quarantine is None and span_errors(text, record) == []
    assert [t.name.value for t in record.publication_types] == [t.strip() for t in types if t.strip()]

    def expected(entry: dict, key: str):
        return [entry[key].strip(), entry.get("majorTopic_YN") == "Y"]

    kept = [h for h in headings if h["descriptorName"].strip()]
    assert [[h.descriptor.name.value, h.descriptor.major, [[q.name.value, q.major] for q in h.qualifiers]]
            for h in record.subject_headings] == [
        [*expected(h, "descriptorName"),
         [expected(q, "qualifierName") for q in h.get("meshQualifierList", {}).get("meshQualifier", [])
          if q["qualifierName"].strip()]] for h in kept]
    assert len(record.problems) == len(headings) - len(kept)
    for heading in record.subject_headings:
        assert json.loads(text[heading.written.start:heading.written.end])["descriptorName"].strip() == \
            heading.descriptor.name.value
    normalise_record(record)  # never raises, whatever the names hold
