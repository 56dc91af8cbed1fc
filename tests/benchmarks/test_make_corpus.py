"""The benchmark corpus generator: deterministic, counts that add up, files that parse per their specs."""

from __future__ import annotations

import collections
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from exodata.ingest.decode import decode

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "make_corpus.py"


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_corpus", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


make_corpus = _load_generator()
RECORDS = 1200


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("corpus")
    assert make_corpus.main(["--records", str(RECORDS), "--out", str(out), "--seed", "7"]) == 0
    return out, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _text(path: Path) -> str:
    decoded = decode(path.read_bytes())
    assert decoded.problem is None, (path.name, decoded.problem)
    return decoded.text


def _dois_and_titles(path: Path, fmt: str) -> list[tuple[str, str]]:
    """(DOI, title) of every record in a file, read with the format's own library."""
    text = _text(path)
    if fmt == "medline":
        import io

        from Bio import Medline

        return [(r["LID"].removesuffix(" [doi]"), r["TI"].removesuffix(".")) for r in Medline.parse(io.StringIO(text))]
    if fmt == "ris":
        import rispy

        return [(r["doi"], r["title"]) for r in rispy.loads(text)]
    if fmt == "bibtex":
        import bibtexparser

        library = bibtexparser.parse_string(text)
        assert not library.failed_blocks
        return [(e["doi"], e["title"].strip("{}")) for e in library.entries]
    if fmt == "csl_json":
        return [(item["DOI"], item["title"]) for item in json.loads(text)]
    if fmt == "pubmed_xml":
        from lxml import etree

        root = etree.fromstring(text.encode("utf-8"))
        assert root.tag == "PubmedArticleSet"
        return [
            (a.findtext(".//ELocationID[@EIdType='doi']"), a.findtext(".//ArticleTitle").removesuffix("."))
            for a in root.iter("PubmedArticle")
        ]
    raise AssertionError(fmt)


def test_counts_add_up(corpus):
    out, manifest = corpus
    assert manifest["records"] == RECORDS
    assert manifest["unique_papers"] + manifest["duplicates"] == RECORDS
    assert 0.04 <= manifest["duplicates"] / manifest["unique_papers"] <= 0.06
    assert manifest["junk_files"] == 2
    listed = {f["file"] for f in manifest["files"]}
    assert listed == {p.name for p in out.iterdir()} - {"manifest.json"}
    assert sum(f["records"] for f in manifest["files"]) == RECORDS
    assert sum(manifest["records_by_format"].values()) == RECORDS
    assert all(f["records"] <= 500 for f in manifest["files"])


def test_every_structured_file_parses_with_its_library_and_duplicates_share_a_doi(corpus):
    out, manifest = corpus
    formats_of_doi = collections.defaultdict(list)
    title_of_doi = {}
    for entry in manifest["files"]:
        if entry["format"] not in make_corpus.STRUCTURED:
            continue
        rows = _dois_and_titles(out / entry["file"], entry["format"])
        assert len(rows) == entry["records"], entry["file"]
        for doi, title in rows:
            assert doi and title
            formats_of_doi[doi].append(entry["format"])
            if entry["encoding"] != "cp1252":  # Windows-1252 BibTeX writes U+2010 as '-'
                assert title_of_doi.setdefault(doi, title) == title
    twice = [formats for formats in formats_of_doi.values() if len(formats) > 1]
    assert all(len(formats) == 2 and formats[0] != formats[1] for formats in twice)
    assert len(twice) == manifest["duplicates"]
    keys = [re.sub(r"[^a-z0-9]", "", t.lower()) for t in title_of_doi.values()]
    assert len(keys) == len(set(keys))


def test_encodings_are_what_the_manifest_says(corpus):
    out, manifest = corpus
    expected = {"utf-8": ("utf-8", False), "utf-8-sig": ("utf-8", True), "utf-16": ("utf-16-le", True),
                "gb18030": ("gb18030", False), "cp1252": ("windows-1252", False)}
    seen = set()
    for entry in manifest["files"]:
        if entry["format"] == "junk":
            continue
        decoded = decode((out / entry["file"]).read_bytes())
        assert decoded.problem is None
        assert (decoded.encoding, decoded.bom) == expected[entry["encoding"]], entry["file"]
        assert decoded.repaired is False
        seen.add(entry["encoding"])
    assert seen == set(expected)


def test_junk_files(corpus):
    out, manifest = corpus
    junk = {f["file"] for f in manifest["files"] if f["format"] == "junk"}
    assert decode((out / "corrupt_download.ris").read_bytes()).problem is not None
    assert decode((out / "export_error_page.nbib").read_bytes()).text.startswith("<!DOCTYPE html>")
    assert junk == {"corrupt_download.ris", "export_error_page.nbib"}


def test_pages_look_like_the_seed_layouts(corpus):
    out, manifest = corpus
    pages = [f for f in manifest["files"] if f["format"].endswith("_page")]
    assert {f["format"] for f in pages} == {"vufind_page", "wprim_page", "aggregator_page"}
    for entry in pages:
        text = _text(out / entry["file"])
        marker = {"vufind_page": "Detalles Bibliográficos", "wprim_page": "- Author:",
                  "aggregator_page": "Affiliation:\n1. "}[entry["format"]]
        assert marker in text


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    runs = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        make_corpus.write_corpus(150, tmp_path / name, seed)
        runs.append({p.name: p.read_bytes() for p in sorted((tmp_path / name).iterdir())})
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


@pytest.mark.parametrize("records", [1, 5, 21, 60])
def test_small_corpora_still_add_up(tmp_path, records):
    manifest = make_corpus.write_corpus(records, tmp_path, 0)
    assert manifest["records"] == records
    assert manifest["unique_papers"] + manifest["duplicates"] == records
