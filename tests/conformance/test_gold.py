"""Conformance: a build of the dev fixtures and the seeds extracts exactly what their gold says.

Every document of ``$EXODATA_FIXTURES/dev/docs`` and every seed is copied into one seeds folder and built
into one package, as a user would; each document's publication (found through ``seed_records``) is then
compared with its gold JSON, field by field, and the authors, affiliations, keywords and funders in order.
The methods layer's documents (``$EXODATA_FIXTURES/methods-dev`` and ``tests/data/methods/dev``) are built
into a package of their own and their publication types and subject headings compared with their gold.
"""

from __future__ import annotations

import html
import json
import shutil
import unicodedata
from pathlib import Path

import polars as pl
import pytest

from exodata.build import build
from exodata.ingest.decode import decode
from tests.conftest import REPO, _shared, load_gold

FIXTURES = _shared("EXODATA_FIXTURES", "fixtures")
PAIRS = load_gold(FIXTURES) if FIXTURES else []


def _built_tables(tmp_path_factory, pairs, name: str) -> dict[str, pl.DataFrame]:
    """Every table of a package built from the documents of ``pairs`` (copied into a seeds folder of their own)."""
    seeds = tmp_path_factory.mktemp(f"{name}-seeds")
    for document, _ in pairs:
        shutil.copy(document, seeds / document.name)
    out = tmp_path_factory.mktemp(f"{name}-package")
    build(seeds, out)
    return {p.stem: pl.read_parquet(p) for p in (out / "data").glob("*.parquet")}


@pytest.fixture(scope="module")
def tables(tmp_path_factory, gold_pairs):
    return _built_tables(tmp_path_factory, gold_pairs, "gold")


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


# --- the methods layer's development fixtures: the records' own publication types and MeSH headings --------------

METHODS = FIXTURES / "methods-dev" if FIXTURES else None
#: The repository's methods development set (its held-out ``blind/`` split is never read here).
METHODS_DEV = REPO / "tests" / "data" / "methods" / "dev"


def _method_pairs(folder: Path | None) -> list[tuple[Path, dict]]:
    if folder is None or not (folder / "gold").is_dir():
        return []
    golds = (json.loads(path.read_text(encoding="utf-8")) for path in sorted((folder / "gold").glob("*.json")))
    return [(folder / "docs" / gold["doc"], gold) for gold in golds]


METHOD_PAIRS = _method_pairs(METHODS) + _method_pairs(METHODS_DEV) if METHODS else []


@pytest.fixture(scope="module")
def methods_tables(tmp_path_factory):
    if not METHOD_PAIRS:
        pytest.skip("needs the methods-dev fixtures: set EXODATA_FIXTURES=/path/to/shared/fixtures")
    return _built_tables(tmp_path_factory, METHOD_PAIRS, "methods")


def test_the_methods_fixtures_are_all_there():
    if METHODS is None:
        pytest.skip("needs the shared fixtures: set EXODATA_FIXTURES=/path/to/shared/fixtures")
    assert len(METHOD_PAIRS) == 6 + 21


@pytest.mark.parametrize(("document", "gold"), METHOD_PAIRS, ids=[g["doc"] for _, g in METHOD_PAIRS])
def test_publication_types_and_subject_headings_match_gold(methods_tables, document, gold):
    record = _publication_of(methods_tables, gold["doc"])
    assert record["status"] == "compiled", record["reason"]
    pid = record["publication_id"]
    types = methods_tables["publication_types"].filter(pl.col("publication_id") == pid).sort("position")
    assert types["publication_type"].to_list() == gold["publication_types"]
    assert types["position"].to_list() == list(range(1, types.height + 1))
    headings = methods_tables["subject_headings"].filter(pl.col("publication_id") == pid).sort("position")
    assert headings.select("descriptor", "descriptor_id", "major", "qualifiers").to_dicts() == gold["subject_headings"]
    assert headings["position"].to_list() == list(range(1, headings.height + 1))


#: The new tables' text columns whose provenance span holds exactly the value (a clean value is the text as
#: written here: no entity, no line break inside a term).
EXACT = {"publication_types": ("publication_type", "mesh_id"), "subject_headings": ("descriptor", "descriptor_id")}


def _as_read(file: str, written: str) -> str:
    """Text as written in a seed, with XML's character references resolved (``&amp;`` is '&' as read)."""
    return html.unescape(written) if file.endswith(".xml") else written


def test_indexing_provenance_spans_hold_the_values(methods_tables):
    """``seed_text[start:end]`` is the value as written for names and ids (XML references resolved); a list's
    span runs from its first item to its last, which appear in it in order; a major mark's span holds its '*' or
    MajorTopicYN="Y"."""
    sources = {document.name: decode(document.read_bytes()).text for document, _ in METHOD_PAIRS}
    provenance = methods_tables["provenance"]
    checked = 0
    for table, columns in EXACT.items():
        spans = provenance.filter(pl.col("table") == table)
        rows = methods_tables[table].unpivot(index=["publication_id", "position"], on=list(columns),
                                             variable_name="column", value_name="value").drop_nulls("value")
        joined = rows.join(spans, on=["publication_id", "position", "column"], how="left")
        assert joined["start"].null_count() == 0, f"{table}: values without provenance"
        for row in joined.iter_rows(named=True):
            assert _as_read(row["file"], sources[row["file"]][row["start"]:row["end"]]) == row["value"], (table, row)
            checked += 1
    headings = methods_tables["subject_headings"]
    spans = provenance.filter(pl.col("table") == "subject_headings")
    for row in headings.iter_rows(named=True):
        mine = {s["column"]: _as_read(s["file"], sources[s["file"]][s["start"]:s["end"]]) for s in spans.filter(
            (pl.col("publication_id") == row["publication_id"]) & (pl.col("position") == row["position"])
        ).iter_rows(named=True)}
        for column in ("qualifiers", "qualifier_ids", "major_qualifiers"):
            assert (column in mine) == bool(row[column]), (column, row)
            if row[column]:
                assert mine[column].startswith(("*", "<", row[column][0]))  # a mark, a tag or the first item
                assert mine[column].endswith((row[column][-1], ">"))  # the last item, or its element
                at = 0
                for item in row[column]:
                    at = mine[column].index(item, at) + len(item)
        assert row["descriptor"] in mine["major"] and row["descriptor"] in mine["descriptor_major"]
        if row["descriptor_major"]:
            assert mine["descriptor_major"].startswith("*") or 'MajorTopicYN="Y"' in mine["descriptor_major"]
        checked += 1
    assert checked > 80
