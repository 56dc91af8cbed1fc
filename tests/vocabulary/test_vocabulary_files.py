"""The curated vocabulary files: ids, categories and surface forms are well formed and unambiguous."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from exodata.ingest.vocabulary import CATEGORIES, load_stoplist, load_vocabulary
from exodata.ingest.vocabulary.concepts import read_concepts
from exodata.ingest.vocabulary.surface import abbreviation_forms, full_term_forms, key_of

PREFIXES = "MONDO|DOID|HP|UBERON|CL|GO|CHEBI|SO|MESH|NCIT|MAXO|EFO|NCBITaxon|HGNC|PR|OBI|CHMO|FBbi|EXO"
CURIE = re.compile(rf"^({PREFIXES}):[A-Za-z0-9_]+$")
PREFIX_PATTERNS = {
    "MONDO": r"\d{7}",
    "UBERON": r"\d{7}",
    "CL": r"\d{7}",
    "GO": r"\d{7}",
    "HP": r"\d{7}",
    "SO": r"\d{7}",
    "DOID": r"\d+",
    "CHEBI": r"\d+",
    "MESH": r"[CD]\d{6,9}",
    "NCIT": r"C\d+",
    "MAXO": r"\d{7}",
    "EFO": r"\d{7}",
    "NCBITaxon": r"\d+",
    "HGNC": r"\d+",
    "PR": r"\d{9}",
    "OBI": r"\d{7}",
    "CHMO": r"\d{7}",
    "FBbi": r"\d{8}",
    "EXO": r"\d{7}",
}

VOCAB = load_vocabulary()


def test_at_least_150_concepts_in_every_category():
    assert len(VOCAB) >= 150
    counts = defaultdict(int)
    for concept in VOCAB:
        counts[concept.category] += 1
    assert set(counts) == set(CATEGORIES)
    assert all(counts[c] >= 20 for c in CATEGORIES), counts


@pytest.mark.parametrize("concept", VOCAB, ids=lambda c: c.concept_id)
def test_curie_syntax(concept):
    for curie in [concept.concept_id, *concept.xrefs]:
        assert CURIE.match(curie), curie
        prefix, local = curie.split(":", 1)
        assert re.fullmatch(PREFIX_PATTERNS.get(prefix, r".+"), local), curie


def test_ids_unique_and_sorted():
    ids = [c.concept_id for c in VOCAB]
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids)


def test_local_ids_say_what_was_looked_for():
    for concept in VOCAB:
        if concept.concept_id.startswith("EXO:"):
            assert concept.note and len(concept.note) > 20, concept.concept_id


def test_no_two_concepts_claim_the_same_surface_form():
    """Every written form (listed or derived) resolves to exactly one concept; abbreviations likewise."""
    owners: dict[str, set[str]] = defaultdict(set)
    abbreviations: dict[str, set[str]] = defaultdict(set)
    for concept in VOCAB:
        terms = ([concept.label] if concept.match_label else []) + concept.synonyms
        for term in terms:
            for form in full_term_forms(term):
                owners[key_of(form)].add(concept.concept_id)
        for term in concept.zh:
            owners[key_of(term)].add(concept.concept_id)
        for abbreviation in concept.abbreviations:
            for form in abbreviation_forms(abbreviation):
                abbreviations[form].add(concept.concept_id)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert not clashes, clashes
    clashes = {k: v for k, v in abbreviations.items() if len(v) > 1}
    assert not clashes, clashes


def test_exosome_terms_are_not_concepts():
    """Gold rule 1: the vesicles are the subject of the dataset, never a mention."""
    keys = {key_of(t) for c in VOCAB for t in [c.label, *c.synonyms, *c.abbreviations]}
    for term in ["exosome", "exosomes", "extracellular vesicle", "extracellular vesicles", "EVs", "sEVs", "secretome"]:
        assert key_of(term) not in keys


def test_stoplist_is_read():
    assert "preterm infant" in load_stoplist()


def test_unknown_keys_are_rejected(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('[[concept]]\nid = "EXO:0000001"\nlabel = "x"\nsynonym = ["typo"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown keys"):
        read_concepts(path, "disease")
