"""Every concept id and cross-reference is checked against the pinned ontology files (``ontology_dir``).

An id the pinned files do not hold passes only when the concept's note names the public record it was verified
on (a URL, with the id written in the note): the methods layer takes some MeSH and HGNC ids that way.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from exodata.ingest.vocabulary import load_vocabulary
from tests.vocabulary.ontology_index import load_full_index, read_sssom_pairs

CHECKED = ("MONDO", "UBERON", "CL", "GO", "CHEBI", "HP", "NCBITaxon", "DOID", "MAXO", "NCIT", "HGNC", "PR", "OBI",
           "CHMO", "FBbi")


@pytest.fixture(scope="module")
def index(ontology_dir):
    return load_full_index(ontology_dir)


@pytest.fixture(scope="module")
def mesh_pairs(ontology_dir):
    pairs = read_sssom_pairs(ontology_dir / "mondo_exactmatch_mesh.sssom.tsv")
    pairs += read_sssom_pairs(ontology_dir / "biomappings-positive.sssom.tsv")
    by_id: dict[str, set[str]] = {}
    for subject, _predicate, obj in pairs:
        s, o = _upper(subject), _upper(obj)
        by_id.setdefault(s, set()).add(o)
        by_id.setdefault(o, set()).add(s)
    return by_id


def _upper(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return f"{prefix.upper()}:{local}"


def _names(concept) -> set[str]:
    return {t.lower() for t in [concept.label, *concept.synonyms, *concept.abbreviations]}


def _entry(index, curie: str):
    """The index entry of a CURIE as we write it or with its prefix upper-cased (biomappings writes "FBBI:")."""
    return index.get(curie) or index.get(_upper(curie))


def _verified_elsewhere(concept, curie: str) -> bool:
    """The note names the public record the id was checked on: a URL, and the id itself."""
    note = concept.note or ""
    return "://" in note and curie in note


def test_every_primary_id_exists_and_its_label_matches(index):
    problems = []
    for concept in load_vocabulary():
        prefix = concept.concept_id.split(":")[0]
        if prefix not in CHECKED and prefix != "MESH":
            continue
        entry = _entry(index, concept.concept_id)
        if entry is None:
            if not _verified_elsewhere(concept, concept.concept_id):
                problems.append(f"{concept.concept_id} not in the pinned files, and its note names no record")
        elif not (_names(concept) & entry["names"]):
            problems.append(f"{concept.concept_id}: '{concept.label}' vs ontology {sorted(entry['names'])[:5]}")
    assert not problems, "\n".join(problems)


def test_every_checkable_xref_exists(index):
    problems = []
    for concept in load_vocabulary():
        for xref in concept.xrefs:
            if xref.split(":")[0] in CHECKED and _entry(index, xref) is None and not _verified_elsewhere(concept, xref):
                problems.append(f"{concept.concept_id} xref {xref} not in the pinned files")
    assert not problems, "\n".join(problems)


def test_mesh_xrefs_agree_with_the_sssom_files(mesh_pairs):
    """Where a concept's id or xref is mapped to MeSH in the SSSOM files, a MeSH xref it gives is one of them."""
    problems = []
    for concept in load_vocabulary():
        ours = {x for x in [concept.concept_id, *concept.xrefs] if x.startswith("MESH:")}
        mapped = set()
        for curie in [concept.concept_id, *concept.xrefs]:
            mapped |= {m for m in mesh_pairs.get(curie, set()) if m.startswith("MESH:")}
        if ours and mapped and not (ours & mapped):
            problems.append(f"{concept.concept_id}: ours {sorted(ours)} vs SSSOM {sorted(mapped)}")
    assert not problems, "\n".join(problems)


def test_index_is_not_vacuous(index):
    assert index["CL:0000134"]["label"] == "mesenchymal stem cell"
    assert index["NCBITaxon:10116"]["label"] == "Rattus norvegicus" and index["HGNC:1701"]["label"] == "CD81"
    assert _entry(index, "CHMO:0000080")["label"] == "transmission electron microscopy"
    assert "MONDO:0019542" in index and "MONDO:9999999" not in index


HGNC_VERIFIED = Path(__file__).resolve().parent.parent / "data" / "reference" / "hgnc-verified.tsv"


def _hgnc_verified() -> dict[str, dict[str, str]]:
    with HGNC_VERIFIED.open(encoding="utf-8") as handle:
        return {row["hgnc_id"]: row for row in csv.DictReader(handle, delimiter="\t")}


def test_hgnc_ids_outside_the_pinned_files_are_in_the_verified_list(index):
    """An HGNC id the pinned files lack is listed in tests/data/reference/hgnc-verified.tsv with the page it was
    read on, its symbol is one of the concept's names, and the note cites the same page."""
    verified = _hgnc_verified()
    problems = []
    for concept in load_vocabulary():
        for curie in [concept.concept_id, *concept.xrefs]:
            if not curie.startswith("HGNC:") or _entry(index, curie) is not None:
                continue
            row = verified.get(curie)
            if row is None:
                problems.append(f"{concept.concept_id}: {curie} is neither pinned nor in hgnc-verified.tsv")
                continue
            if row["symbol"].lower() not in _names(concept):
                problems.append(f"{concept.concept_id}: symbol {row['symbol']} is not one of its names")
            if row["checked_on"] not in (concept.note or ""):
                problems.append(f"{concept.concept_id}: note does not cite {row['checked_on']}")
    assert not problems, "\n".join(problems)


def test_hgnc_verified_list_is_well_formed_and_used():
    verified = _hgnc_verified()
    used = {c for concept in load_vocabulary() for c in [concept.concept_id, *concept.xrefs]}
    assert verified and all(row["checked_on"].startswith("http") for row in verified.values())
    assert set(verified) <= used, set(verified) - used
