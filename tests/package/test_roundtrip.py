"""Property: the CSV and Parquet copies of any valid table hold the same rows."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exodata.metadata import TABLES
from exodata.metadata.arrow import polars_schema
from exodata.package.layout import read_csv, write_csv
from exodata.package.writing import write_parquet

# trimmed, non-empty text without the list delimiter; any Unicode (CJK, NBSP inside, quotes, commas, newlines)
text = st.text(min_size=1, max_size=40).map(str.strip).filter(lambda s: s != "" and "|" not in s)
maybe_text = st.none() | text
maybe_int = st.none() | st.integers(min_value=0, max_value=2**40)


@st.composite
def publications(draw):
    n = draw(st.integers(min_value=0, max_value=8))
    ids = draw(st.lists(st.from_regex(r"sha256:[0-9a-f]{16}", fullmatch=True), min_size=n, max_size=n, unique=True))
    rows = []
    for pid in ids:
        row = {f.name: draw(maybe_int if f.type == "integer" else maybe_text) for f in TABLES["publications"].fields}
        row.update(publication_id=pid, record_count=draw(st.integers(min_value=1, max_value=9)))
        rows.append(row)
    return pl.DataFrame(rows, schema=polars_schema(TABLES["publications"]))


@st.composite
def concepts(draw):
    n = draw(st.integers(min_value=0, max_value=6))
    ids = draw(st.lists(st.from_regex(r"EXO:[0-9]{7}", fullmatch=True), min_size=n, max_size=n, unique=True))
    rows = [{"concept_id": cid, "category": "process", "label": draw(text),
             "synonyms": draw(st.lists(text, max_size=3)), "abbreviations": draw(st.lists(text, max_size=2)),
             "chinese_terms": draw(st.lists(text, max_size=2)), "xrefs": [], "note": draw(maybe_text)}
            for cid in ids]
    return pl.DataFrame(rows, schema=polars_schema(TABLES["concepts"]))


def _round_trip(frame, name, directory):
    table = TABLES[name]
    write_csv(frame, table, directory / f"{name}.csv")
    write_parquet(frame, table, directory / f"{name}.parquet")
    return read_csv(directory / f"{name}.csv", TABLES[name]), pl.read_parquet(directory / f"{name}.parquet")


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=publications())
def test_publications_copies_agree(tmp_path, frame):
    from_csv, from_parquet = _round_trip(frame, "publications", tmp_path)
    assert from_parquet.equals(frame, null_equal=True)
    assert from_csv.equals(frame, null_equal=True)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=concepts())
def test_list_columns_survive_the_csv_copy(tmp_path, frame):
    from_csv, from_parquet = _round_trip(frame, "concepts", tmp_path)
    assert from_parquet.equals(frame, null_equal=True)
    assert from_csv.equals(frame, null_equal=True)
