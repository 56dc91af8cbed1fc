"""End to end: the same papers arriving in several export formats merge into one publication each."""

from __future__ import annotations

import polars as pl
import pytest

import exodata
from exodata.build import build
from tests.conftest import REPO

EXPORTS = REPO / "tests" / "data" / "exports"


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    out = tmp_path_factory.mktemp("exports-package")
    build(EXPORTS, out)
    return exodata.load(path=out)


def test_one_publication_per_doi_and_every_record_accounted_for(tables):
    records = tables["seed_records"]
    compiled = records.filter(pl.col("status") == "compiled")
    duplicates = records.filter(pl.col("status") == "duplicate")
    assert compiled["publication_id"].n_unique() == compiled.height == tables["publications"].height
    assert duplicates.height > 0
    assert set(duplicates["publication_id"]) <= set(compiled["publication_id"])
    for reason in duplicates["reason"]:
        assert reason.startswith("duplicate of ") and "merged into" in reason
    files = {p.name for p in EXPORTS.iterdir() if p.is_file()}
    assert set(records["file"]) == files


def test_record_count_matches_the_merged_records(tables):
    counts = (tables["seed_records"].filter(pl.col("status") != "quarantined")
              .group_by("publication_id").len())
    merged = tables["publications"].join(counts, on="publication_id")
    assert (merged["record_count"] == merged["len"]).all()


def test_conflicts_name_the_disagreeing_record(tables):
    conflicts = tables["conflicts"]
    assert conflicts.height > 0
    assert (conflicts["kept_value"] != conflicts["other_value"]).all()
    keyed = conflicts.join(tables["seed_records"], on=["file", "record"])
    assert (keyed["publication_id_right"] == keyed["publication_id"]).all()


def test_merged_values_have_provenance_from_every_supporting_record(tables):
    provenance = tables["provenance"].filter((pl.col("table") == "publications") & (pl.col("column") == "doi"))
    per_publication = provenance.group_by("publication_id").agg(pl.col("file").n_unique().alias("files"))
    assert per_publication["files"].max() > 1
