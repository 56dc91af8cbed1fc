"""The memory-bounded build: spilled staging, tables in dependency order, long tables split into parts.

Splitting is an implementation detail: a build whose tables are cut into many small parts must write the
same values as one that assembles every table whole.
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import exodata.corpus.parts
from exodata.build import BuildError, build, read_ahead
from exodata.corpus.parts import part_bounds, with_owners
from exodata.ingest.staging import SOURCE_NUMBER, stage_job
from exodata.metadata import TABLES
from exodata.package.checks import TableChecker
from tests.conftest import REPO

EXPORTS = REPO / "tests" / "data" / "exports"


def test_the_checker_refuses_a_table_before_its_parent():
    authors = pl.DataFrame(schema={field.name: pl.String for field in TABLES["authors"].fields})
    with pytest.raises(ValueError, match="authors is checked before publications"):
        TableChecker().foreign_key_issues("authors", authors)


@given(ids=st.lists(st.text(alphabet="abc:0123456789", min_size=1, max_size=6), min_size=1, max_size=60),
       rows=st.integers(min_value=0, max_value=50), part_rows=st.integers(min_value=1, max_value=10))
def test_part_bounds_cut_the_sorted_ids_into_even_ranges(ids, rows, part_rows):
    original = exodata.corpus.parts.PART_ROWS
    exodata.corpus.parts.PART_ROWS = part_rows
    try:
        bounds = part_bounds(pl.Series(ids, dtype=pl.String), rows)
        shuffled = part_bounds(pl.Series(list(reversed(ids)), dtype=pl.String), rows)
    finally:
        exodata.corpus.parts.PART_ROWS = original
    assert bounds == shuffled  # depends on the set of ids only
    assert bounds == sorted(set(bounds))  # strictly increasing: no empty range between two bounds
    assert set(bounds) <= set(ids) and min(ids) not in bounds  # the first part is never empty
    wanted = -(-rows // part_rows)
    assert len(bounds) == max(0, min(wanted, len(set(ids))) - 1)


@given(st.lists(st.integers(0, 30), max_size=60), st.sets(st.integers(0, 30), max_size=30))
def test_with_owners_is_the_inner_join_on_the_source_number(sources, owned):
    rows = pl.DataFrame({SOURCE_NUMBER: sources, "row": range(len(sources))},
                        schema={SOURCE_NUMBER: pl.Int64, "row": pl.Int64})
    owners = pl.DataFrame({SOURCE_NUMBER: sorted(owned), "part": [n % 3 for n in sorted(owned)],
                           "merged_id": [None if n % 2 else f"id{n}" for n in sorted(owned)]},
                          schema={SOURCE_NUMBER: pl.Int64, "part": pl.Int64, "merged_id": pl.String})
    joined = with_owners(rows, owners)
    expected = rows.join(owners, on=SOURCE_NUMBER, how="inner").sort("row")
    assert joined.columns == expected.columns
    assert joined.equals(expected)  # the same rows, in the order given


def test_sources_are_numbered_by_file_and_record(tmp_path):
    seed = EXPORTS / "ris_multi.ris"
    staged = stage_job((str(seed), seed.name, 7, None))
    records = staged["records"]
    assert (records[SOURCE_NUMBER] == (7 << 32) + records["record"]).all()
    authors = staged["authors"]
    assert authors.height and (authors[SOURCE_NUMBER] == (7 << 32) + authors["src_record"]).all()


def test_a_worker_spills_what_staging_whole_and_dropping_would_spill(tmp_path):
    from exodata.ingest.staging import NOT_SPILLED, SOURCE, STAGED

    for seed in sorted(EXPORTS.iterdir()):
        whole = stage_job((str(seed), seed.name, 3, None))
        spilled = stage_job((str(seed), seed.name, 3, str(tmp_path / seed.name)))
        assert spilled["records"].equals(whole["records"])
        for name in STAGED:
            expected = whole[name].drop(*NOT_SPILLED.get(name, SOURCE))
            if expected.height == 0:
                assert name not in spilled
                continue
            got = pl.read_ipc(spilled[name])
            assert got.schema == expected.schema, (seed.name, name)
            assert got.equals(expected), (seed.name, name)


def test_read_ahead_yields_every_item_in_order_and_passes_errors_on():
    assert list(read_ahead(iter(range(5)))) == [0, 1, 2, 3, 4]

    def failing():
        yield 1
        raise RuntimeError("assembly failed")

    items = read_ahead(failing())
    assert next(items) == 1
    with pytest.raises(RuntimeError, match="assembly failed"):
        next(items)


@pytest.fixture(scope="module")
def whole_and_split(tmp_path_factory):
    """The export fixtures (with duplicates across formats) built twice: tables whole, and in parts of 3 rows."""
    whole = tmp_path_factory.mktemp("whole")
    build(EXPORTS, whole)
    split = tmp_path_factory.mktemp("split")
    calls = []
    original_rows, original_split = exodata.corpus.parts.PART_ROWS, exodata.corpus.parts.split_into_parts

    def counted(name, *args, **kwargs):
        calls.append(name)
        return original_split(name, *args, **kwargs)

    exodata.corpus.parts.PART_ROWS, exodata.corpus.parts.split_into_parts = 3, counted
    try:
        build(EXPORTS, split)
    finally:
        exodata.corpus.parts.PART_ROWS, exodata.corpus.parts.split_into_parts = original_rows, original_split
    return whole, split, calls


def test_a_build_in_parts_writes_the_same_tables(whole_and_split):
    whole, split, calls = whole_and_split
    assert {"provenance", "mentions", "authors"} <= set(calls)  # the long tables really were split
    for name in TABLES:
        csv = f"data/{name}.csv"
        assert (split / csv).read_bytes() == (whole / csv).read_bytes(), name
        parquet = f"data/{name}.parquet"
        assert pl.read_parquet(split / parquet).equals(pl.read_parquet(whole / parquet)), name


def test_a_failed_split_stops_the_build_and_writes_nothing(tmp_path, monkeypatch):
    # splits run in a background thread, ahead of their tables: a failure there must still reach the build
    def broken(name, *args, **kwargs):
        raise OSError(f"disk full while splitting {name}")

    monkeypatch.setattr(exodata.corpus.parts, "PART_ROWS", 3)
    monkeypatch.setattr(exodata.corpus.parts, "split_into_parts", broken)
    with pytest.raises(BuildError, match="could not write its files \\(disk full while splitting authors\\)"):
        build(EXPORTS, tmp_path / "out")
    assert not (tmp_path / "out" / "datapackage.json").exists()
