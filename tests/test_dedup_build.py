"""End to end: the same papers arriving in several export formats merge into one publication each."""

from __future__ import annotations

import polars as pl
import pytest

import exodata
from exodata.build import build
from tests.conftest import REPO

EXPORTS = REPO / "tests" / "data" / "exports"
#: The papers the export fixtures render (tests/data/exports/README.md) and the files each arrives in: Lu 2022
#: in all seven formats, the ISEV statement in six (not Europe PMC), the preprint in Europe PMC JSON only, the others
#: in two.
EVERY_FORMAT = ["bibtex_multi.bib", "csl_items.json", "jats_articleset_broken.xml", "medline_multi.nbib",
                "pubmed_set.xml", "ris_multi.ris"]
PAPERS = {
    "doi:10.2147/ijn.s372254": sorted([*EVERY_FORMAT, "europepmc_core.json"]),
    "doi:10.3402/jev.v3.26913": EVERY_FORMAT,
    "doi:10.7150/ijbs.41637": ["csl_items.json", "jats_article.xml"],
    "doi:10.3389/fbioe.2022.1019437": ["bibtex_multi.bib", "ris_multi.ris"],
    "doi:10.1016/j.biopha.2023.114415": ["medline_multi.nbib", "pubmed_set.xml"],
    "doi:10.99999/preprint.700001": ["europepmc_core.json"],
}


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
    merged = records.filter(pl.col("status") != "quarantined").group_by("publication_id").agg(pl.col("file").sort())
    assert dict(merged.iter_rows()) == PAPERS  # each paper one publication, fed by every file it arrives in
    assert duplicates.height == sum(len(files) - 1 for files in PAPERS.values())
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
    # the PMID placeholders: Hu 2023 has PMID 00000003 in PubMed XML, 12345678 in MEDLINE
    pmid = conflicts.filter(pl.col("column") == "pmid").select("publication_id", "kept_value", "other_value", "file")
    assert pmid.rows() == [("doi:10.1016/j.biopha.2023.114415", "3", "12345678", "medline_multi.nbib")]
    assert "PMID- 12345678" in (EXPORTS / "medline_multi.nbib").read_text(encoding="utf-8")
    assert (conflicts["kept_value"] != conflicts["other_value"]).all()
    keyed = conflicts.join(tables["seed_records"], on=["file", "record"])
    assert (keyed["publication_id_right"] == keyed["publication_id"]).all()


def test_merged_values_have_provenance_from_every_supporting_record(tables):
    provenance = tables["provenance"].filter((pl.col("table") == "publications") & (pl.col("column") == "doi"))
    per_publication = provenance.group_by("publication_id").agg(pl.col("file").unique().sort())
    assert dict(per_publication.iter_rows()) == PAPERS
