"""The generated schema artefacts never drift from the one schema source."""

from __future__ import annotations

import json

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from exodata.metadata import TABLES
from exodata.metadata.arrow import arrow_schema, polars_schema
from exodata.metadata.dictionary import data_dictionary
from exodata.metadata.frictionless import table_schema
from exodata.metadata.tables import YEAR_RANGE
from exodata.package.checks import check_schema
from exodata.package.writing import dump_json
from tests.conftest import REPO


@pytest.mark.parametrize("name", list(TABLES))
def test_committed_table_schema_matches_the_source(name):
    committed = REPO / "schemas" / f"{name}.json"
    assert committed.is_file(), f"schemas/{name}.json is missing: run `exodata build`"
    assert committed.read_bytes() == dump_json(table_schema(TABLES[name])), (
        f"schemas/{name}.json drifted from exodata/metadata/tables.py: run `exodata build` and commit")


def test_committed_data_dictionary_matches_the_source():
    committed = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == data_dictionary(), (
        "docs/data-dictionary.md drifted: run `exodata dictionary --out docs/data-dictionary.md`")


def test_no_stray_schema_files():
    assert sorted(p.stem for p in (REPO / "schemas").glob("*.json")) == sorted(TABLES)


@pytest.mark.parametrize("name", list(TABLES))
def test_arrow_and_polars_schemas_agree(name):
    table = TABLES[name]
    arrow = arrow_schema(table)
    assert arrow.names == table.column_names
    empty = pl.DataFrame(schema=polars_schema(table))
    assert pl.from_arrow(arrow.empty_table()).schema == empty.schema
    assert [not f.nullable for f in arrow] == [f.required for f in table.fields]


@pytest.mark.parametrize("name", list(TABLES))
def test_primary_and_foreign_keys_are_declared_in_table_schema(name):
    table = TABLES[name]
    schema = table_schema(table)
    assert schema["primaryKey"] == list(table.primary_key)
    assert len(schema.get("foreignKeys", [])) == len(table.foreign_keys)
    for fk in schema.get("foreignKeys", []):
        assert fk["reference"]["resource"] in TABLES


def _publication(**overrides):
    row = {f.name: None for f in TABLES["publications"].fields}
    row.update(publication_id="doi:10.1000/x", doi="10.1000/x", record_count=1)
    row.update(overrides)
    return pl.DataFrame([row], schema=polars_schema(TABLES["publications"]))


def test_pandera_accepts_a_valid_row():
    assert check_schema("publications", _publication()) == []


@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [("doi", "https://doi.org/10.1000/x", "pattern"), ("pmcid", "7339207", "pattern"),
     ("language", "English", "enum"), ("country", "China", "enum"), ("year", YEAR_RANGE[1] + 1, "maximum"),
     ("year", YEAR_RANGE[0] - 1, "minimum"), ("title", "", "normalised text"), ("cited_by_count", -1, "minimum"),
     ("record_count", None, "required")],
)
def test_pandera_rejects_a_bad_value_and_names_it(column, value, rule):
    """The problem names the column, the rule it breaks, the value and the row's key."""
    issues = check_schema("publications", _publication(**{column: value}))
    found = [(i.column, i.rule, i.value, i.key, i.row) for i in issues if i.column == column]
    written = None if value is None else str(value)
    assert found == [(column, rule, written, "publication_id='doi:10.1000/x'", 1)], issues


def test_pandera_rejects_duplicate_primary_keys():
    frame = pl.concat([_publication(), _publication()])
    issues = [(i.rule, i.key, i.row) for i in check_schema("publications", frame)]
    assert issues == [("primary key", "publication_id='doi:10.1000/x'", 1),
                      ("primary key", "publication_id='doi:10.1000/x'", 2)]


def test_pandera_rejects_an_undeclared_column():
    frame = _publication().with_columns(pl.lit("x").alias("surprise"))
    issues = [(i.rule, i.value) for i in check_schema("publications", frame)]
    assert issues == [("unexpected column", "surprise")]


def test_list_items_may_not_contain_the_csv_delimiter():
    table = TABLES["concepts"]
    row = {"concept_id": "MONDO:0005178", "category": "disease", "label": "osteoarthritis",
           "synonyms": ["OA|knee OA"], "abbreviations": [], "chinese_terms": [], "xrefs": [], "note": None}
    issues = check_schema("concepts", pl.DataFrame([row], schema=polars_schema(table)))
    assert [(i.column, i.rule, i.key) for i in issues] == [("synonyms", "list items", "concept_id='MONDO:0005178'")]


def test_table_schemas_are_valid_json_with_descriptions():
    for name, table in TABLES.items():
        schema = json.loads(dump_json(table_schema(table)))
        assert all(f.get("description") for f in schema["fields"]), name


def test_large_tables_are_checked_in_slices_with_the_same_verdicts(monkeypatch):
    import exodata.package.checks

    monkeypatch.setattr(exodata.package.checks, "CHUNK_ROWS", 2)
    rows = [_publication(publication_id=f"doi:10.1000/{i}", doi=f"10.1000/{i}") for i in range(5)]
    bad = _publication(publication_id="doi:10.1000/3", doi="not a doi")
    issues = check_schema("publications", pl.concat([*rows, bad]))
    assert any(i.column == "doi" and i.value == "not a doi" and "10.1000/3" in (i.key or "") and i.row == 6
               for i in issues)
    assert any(i.rule == "primary key" for i in issues)
    assert check_schema("publications", pl.concat(rows)) == []


def test_sorted_duplicate_keys_are_found_in_large_tables(monkeypatch):
    import exodata.package.checks

    monkeypatch.setattr(exodata.package.checks, "CHUNK_ROWS", 2)
    rows = [_publication(publication_id=f"doi:10.1000/{i}", doi=f"10.1000/{i}") for i in (1, 2, 2, 3)]
    issues = check_schema("publications", pl.concat(rows))  # in key order: the duplicates are neighbours
    assert [(i.key, i.row) for i in issues if i.rule == "primary key"] == [
        ("publication_id='doi:10.1000/2'", 2), ("publication_id='doi:10.1000/2'", 3)]


_KEY_CELLS = st.one_of(st.none(), st.integers(0, 3)), st.one_of(st.none(), st.sampled_from(["", "a", "b", "é", "ab"]))


@given(st.lists(st.tuples(*_KEY_CELLS), max_size=12), st.booleans())
def test_strictly_increasing_is_a_proof_of_unique_keys(rows, sort):
    from exodata.package.checks import strictly_increasing

    def order(row):  # nulls first, as the build sorts
        return [(0,) if value is None else (1, value) for value in row]

    if sort:
        rows = sorted(rows, key=order)
    frame = pl.DataFrame(rows, schema={"n": pl.Int64, "s": pl.String}, orient="row")
    expected = all(order(before) < order(after) for before, after in zip(rows, rows[1:]))
    assert strictly_increasing(frame, ["n", "s"]) == expected
