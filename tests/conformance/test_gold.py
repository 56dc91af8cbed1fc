"""Conformance: a build of the dev fixtures and the seeds extracts exactly what their gold says.

Every document of ``$EXODATA_FIXTURES/dev/docs`` and every seed is copied into one seeds folder and built
into one package, as a user would; each document's publication (found through ``seed_records``) is then
compared with its gold JSON, field by field, and the authors, affiliations, keywords and funders in order.
"""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from exodata.build import build
from tests.conftest import load_gold, _shared

FIXTURES = _shared("EXODATA_FIXTURES", "fixtures")
PAIRS = load_gold(FIXTURES) if FIXTURES else []


@pytest.fixture(scope="module")
def tables(tmp_path_factory, gold_pairs):
    seeds = tmp_path_factory.mktemp("gold-seeds")
    for document, _ in gold_pairs:
        shutil.copy(document, seeds / document.name)
    out = tmp_path_factory.mktemp("gold-package")
    build(seeds, out)
    return {p.stem: pl.read_parquet(p) for p in (out / "data").glob("*.parquet")}


def _publication_of(tables, doc):
    row = tables["seed_records"].filter(pl.col("file") == doc)
    assert row.height == 1, f"{doc}: expected one seed record, found {row.height}"
    return row.row(0, named=True)


@pytest.mark.parametrize(("document", "gold"), PAIRS, ids=[g["doc"] for _, g in PAIRS])
def test_document_matches_gold(tables, document, gold):
    record = _publication_of(tables, gold["doc"])
    if gold["quarantine"]:
        assert record["status"] == "quarantined"
        return
    assert record["status"] in ("compiled", "duplicate"), record["reason"]
    pid = record["publication_id"]
    publication = tables["publications"].filter(pl.col("publication_id") == pid).row(0, named=True)
    expected = gold["publication"]
    got = {key: publication[key] for key in expected}
    assert got == expected
    for table, column, wanted in (
        ("affiliations", "text", gold["affiliations"]),
        ("keywords", "keyword", gold["keywords"]),
        ("funders", "name", gold["funders"]),
    ):
        rows = tables[table].filter(pl.col("publication_id") == pid).sort("position")
        assert rows[column].to_list() == wanted, f"{table} of {gold['doc']}"
    authors = tables["authors"].filter(pl.col("publication_id") == pid).sort("position")
    assert authors.select("family_name", "given_name").to_dicts() == gold["authors"]


def test_every_provenance_span_points_into_its_record(tables):
    provenance = tables["provenance"]
    assert provenance.height > 0
    assert (provenance["end"] >= provenance["start"]).all()
    linked = provenance.join(tables["seed_records"], on=["file", "record"], how="anti")
    assert linked.height == 0
