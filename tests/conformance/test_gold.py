"""Conformance: a build of the dev fixtures and the seeds extracts exactly what their gold says.

Every document of ``$EXODATA_FIXTURES/dev/docs`` and every seed is copied into one seeds folder and built
into one package, as a user would; each document's publication (found through ``seed_records``) is then
compared with its gold JSON, field by field, and the authors, affiliations, keywords and funders in order.
"""

from __future__ import annotations

import shutil
import unicodedata

import polars as pl
import pytest

from exodata.build import build
from exodata.ingest.decode import decode
from tests.conftest import _shared, load_gold

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


AS_WRITTEN = {
    "publications": ("title", "title_vernacular", "abstract", "journal", "publisher", "volume", "issue",
                     "first_page", "last_page"),
    "authors": ("name_as_written",), "affiliations": ("text",), "keywords": ("keyword",), "funders": ("name",),
}


def _loose(text: str) -> str:
    """Case-, space- and brace-insensitive form, for comparing a value with the characters it was read from."""
    return " ".join(unicodedata.normalize("NFC", text).replace("{", "").replace("}", "").casefold().split())


def test_every_provenance_span_holds_the_value_it_claims(tables, gold_pairs):
    """Re-decode every seed and check that each as-written value is found in its provenance span."""
    sources = {document.name: decode(document.read_bytes()).text for document, _ in gold_pairs}
    checked = 0
    for table, columns in AS_WRITTEN.items():
        key = ["publication_id"] if table == "publications" else ["publication_id", "position"]
        rows = tables[table].unpivot(index=key, on=list(columns), variable_name="column", value_name="value")
        rows = rows.drop_nulls("value")
        if table == "publications":
            rows = rows.with_columns(pl.lit(0, pl.Int64).alias("position"))
        spans = tables["provenance"].filter(pl.col("table") == table)
        joined = rows.join(spans, on=["publication_id", "position", "column"], how="left")
        assert joined["start"].null_count() == 0, f"{table}: values without provenance"
        for row in joined.iter_rows(named=True):
            written = sources[row["file"]][row["start"]:row["end"]]
            assert _loose(row["value"]) in _loose(written), (table, row["column"], row["value"], written)
            checked += 1
    assert checked > 100
