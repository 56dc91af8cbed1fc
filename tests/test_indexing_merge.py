"""End to end: a paper's publication types and MeSH headings, given by a MEDLINE and a PubMed XML record of it.

Each list is kept whole from one record of the duplicate group, as every child list is: the fullest, then the
most trusted format (PubMed XML before MEDLINE); the two lists are chosen apart, and provenance follows the
record whose list is kept.
"""

from __future__ import annotations

import shutil

import polars as pl
import pytest

import exodata
from exodata.build import build
from tests.conftest import _shared

FIXTURES = _shared("EXODATA_FIXTURES", "fixtures")
XML = FIXTURES / "methods-dev" / "docs" / "304_70a35c88d7a2.xml" if FIXTURES else None

#: The MEDLINE record of the same paper as the XML fixture (same PMID and DOI), its MeSH marks written with '*'.
MEDLINE = """PMID- 99000111
STAT- MEDLINE
DP  - 2024 Jul
TI  - Isolation method shapes the immunomodulatory activity of human bone marrow
      mesenchymal stem cell extracellular vesicles: a head-to-head comparison of
      ultracentrifugation, size-exclusion chromatography and ExoQuick precipitation.
LID - 10.5555/exo-methods.11 [doi]
FAU - Andersson, Maja
AU  - Andersson M
LA  - eng
PT  - Journal Article
PT  - Comparative Study
PT  - Research Support, Non-U.S. Gov't
JT  - Extracellular vesicle methods and applications
MH  - Animals
MH  - *Extracellular Vesicles/chemistry/metabolism
MH  - Humans
MH  - Inflammation/therapy
MH  - Macrophages/metabolism
MH  - Mesenchymal Stem Cells/*metabolism
MH  - Mice
MH  - Mice, Inbred C57BL
"""
PID = "doi:10.5555/exo-methods.11"


def _package(tmp_path, medline: str):
    if XML is None or not XML.is_file():
        pytest.skip("needs the methods-dev fixtures: set EXODATA_FIXTURES=/path/to/shared/fixtures")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.nbib").write_text(medline, encoding="utf-8")
    shutil.copy(XML, seeds / "b.xml")
    build(seeds, tmp_path / "out")
    tables = exodata.load(path=tmp_path / "out")
    records = tables["seed_records"]
    assert sorted(records["status"].to_list()) == ["compiled", "duplicate"]
    assert set(records["publication_id"]) == {PID}
    return tables


def _traced_files(tables, table: str) -> set[str]:
    return set(tables["provenance"].filter(pl.col("table") == table)["file"])


def test_equal_lists_are_kept_from_the_more_trusted_pubmed_xml_record(tmp_path):
    tables = _package(tmp_path, MEDLINE)
    headings = tables["subject_headings"].sort("position")
    assert headings.height == 8
    assert headings["descriptor_id"].null_count() == 0  # the XML list, with its UIs
    assert headings.filter(pl.col("descriptor") == "Mesenchymal Stem Cells").select(
        "major", "descriptor_major", "qualifiers", "qualifier_ids", "major_qualifiers").to_dicts() == [
        {"major": True, "descriptor_major": False, "qualifiers": ["metabolism"], "qualifier_ids": ["Q000378"],
         "major_qualifiers": ["metabolism"]}]
    assert tables["publication_types"]["mesh_id"].to_list() == ["D016428", "D003160", "D013485"]
    assert _traced_files(tables, "subject_headings") == _traced_files(tables, "publication_types") == {"b.xml"}


def test_a_fuller_medline_list_is_kept_whole_and_each_list_is_chosen_apart(tmp_path):
    tables = _package(tmp_path, MEDLINE + "MH  - Peritonitis/*therapy\n")
    headings = tables["subject_headings"].sort("position")
    assert headings.height == 9
    assert headings["descriptor_id"].null_count() == 9  # MEDLINE's list, never mixed with the XML's UIs
    assert all(ids == [] for ids in headings["qualifier_ids"].to_list())
    assert headings.row(8, named=True)["descriptor"] == "Peritonitis"
    assert headings.select("descriptor", "major").rows()[:2] == [("Animals", False), ("Extracellular Vesicles", True)]
    assert _traced_files(tables, "subject_headings") == {"a.nbib"}
    # the publication types are as many in both: the more trusted XML's are kept, with their ids
    assert tables["publication_types"]["mesh_id"].null_count() == 0
    assert _traced_files(tables, "publication_types") == {"b.xml"}
