"""The annotator: gold rules, boundaries, abbreviations, provenance, and properties on arbitrary text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exodata.ingest.vocabulary import Annotator, load_vocabulary

ANNOTATOR = Annotator(load_vocabulary())


def found(text: str, field: str = "abstract") -> list[tuple[str, str]]:
    return [(m.category, m.text) for m in ANNOTATOR.annotate({field: text}, [])]


def test_producing_cell_is_annotated_not_the_vesicle():
    assert found("Mesenchymal stem cell-derived exosomes and MSC-Exo") == [
        ("cell_type", "Mesenchymal stem cell"),
        ("cell_type", "MSC"),
    ]


def test_abbreviations_are_case_sensitive_and_whole_word():
    assert found("MSCs and MSC") == [("cell_type", "MSCs"), ("cell_type", "MSC")]
    assert found("mscs, BPDX, xNEC and nec") == []
    assert found("BPD and NEC") == [("disease", "BPD"), ("disease", "NEC")]


def test_longest_match_wins_and_nested_terms_are_not_repeated():
    assert found("acute liver failure") == [("disease", "acute liver failure")]
    assert found("macrophage polarization") == [("process", "macrophage polarization")]
    assert found("rebuild bone in bone marrow") == [("anatomy", "bone"), ("anatomy", "bone marrow")]


def test_source_tissue_and_cell_are_split():
    assert found("bone marrow mesenchymal stem cells") == [
        ("anatomy", "bone marrow"),
        ("cell_type", "mesenchymal stem cells"),
    ]


def test_hyphenation_plural_and_spelling_variants():
    assert found("broncho-pulmonary dysplasia") == [("disease", "broncho-pulmonary dysplasia")]
    assert found("Necro\u2010tizing enterocolitis") == [("disease", "Necro\u2010tizing enterocolitis")]
    assert found("drug\u2010loading systems") == [("therapy", "drug\u2010loading systems")]
    assert found("ischaemic stroke and tumours") == [("disease", "ischaemic stroke"), ("disease", "tumours")]
    assert found("microRNAs") == [("cargo", "microRNAs")]


def test_tissue_repair_phrases_are_one_process():
    assert found("promote bone regeneration and tendon healing") == [
        ("process", "bone regeneration"),
        ("process", "tendon healing"),
    ]
    assert found("Skin wound healing") == [("anatomy", "Skin"), ("process", "wound healing")]


def test_disease_qualified_process_gives_both():
    assert found("diabetic chronic wound repair") == [
        ("disease", "diabetic chronic wound"),
        ("process", "wound repair"),
    ]


def test_composed_organ_diseases():
    assert found("renal injury and chronic liver injury") == [
        ("disease", "renal injury"), ("disease", "chronic liver injury")]


def test_defined_abbreviation_links_to_the_long_form():
    mentions = ANNOTATOR.annotate(
        {"title": "Exosomes in UC", "abstract": "ulcerative colitis (UC) is common; UC relapses."}, []
    )
    assert [(m.field, m.text, m.concept_id) for m in mentions] == [
        ("title", "UC", "MONDO:0005101"),
        ("abstract", "ulcerative colitis", "MONDO:0005101"),
        ("abstract", "UC", "MONDO:0005101"),
        ("abstract", "UC", "MONDO:0005101"),
    ]


def test_abbreviation_not_matching_its_long_form_is_ignored():
    assert found("acute liver failure (XYZ) and XYZ") == [("disease", "acute liver failure")]


def test_population_words_are_not_diseases():
    assert found("preterm infants with broncho-pulmonary dysplasia") == [("disease", "broncho-pulmonary dysplasia")]
    assert found("Preterm") == [("disease", "Preterm")]


def test_named_and_unlisted_micrornas():
    mentions = ANNOTATOR.annotate({"abstract": "miR-21-5p, microRNA-155 and miR-3065-5p"}, [])
    assert [(m.text, m.concept_id) for m in mentions] == [
        ("miR-21-5p", "EXO:0000450"),
        ("microRNA-155", "EXO:0000452"),
        ("miR-3065-5p", "SO:0000276"),
    ]


def test_chinese_terms_in_vernacular_title():
    mentions = ANNOTATOR.annotate({"title_vernacular": "骨髓间充质干细胞外泌体在脓毒症中的作用"}, [])
    assert [(m.category, m.text) for m in mentions] == [
        ("anatomy", "骨髓"),
        ("cell_type", "间充质干细胞"),
        ("disease", "脓毒症"),
    ]


def test_keywords_and_sort_order():
    mentions = ANNOTATOR.annotate(
        {"title": "Sepsis", "abstract": "MSC exosomes in sepsis"}, ["Organ dysfunction", "Exosomes", "MicroRNA"]
    )
    assert [(m.field, m.keyword_position, m.text) for m in mentions] == [
        ("title", None, "Sepsis"),
        ("abstract", None, "MSC"),
        ("abstract", None, "sepsis"),
        ("keyword", 1, "Organ dysfunction"),
        ("keyword", 3, "MicroRNA"),
    ]


def test_empty_and_missing_fields():
    assert ANNOTATOR.annotate({"title": None, "abstract": ""}, []) == []
    assert ANNOTATOR.annotate({}, ["", "lung"])[0].keyword_position == 2


@settings(max_examples=300)
@given(st.text(max_size=300), st.lists(st.text(max_size=40), max_size=3))
def test_offsets_always_point_at_the_text(text, keywords):
    fields = {"title": text[:80], "abstract": text}
    for mention in ANNOTATOR.annotate(fields, keywords):
        source = keywords[mention.keyword_position - 1] if mention.field == "keyword" else fields[mention.field]
        assert source[mention.start : mention.end] == mention.text
        assert mention.start < mention.end


VOCAB_WORDS = ["MSC", "bone marrow", "liver", "(ALF)", "acute liver failure", "miR-21", "-", " ", "exosomes",
               "\u2010", "preterm"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(VOCAB_WORDS) | st.text(max_size=5), max_size=30).map(" ".join))
def test_offsets_hold_on_vocabulary_soup(text):
    for mention in ANNOTATOR.annotate({"abstract": text}, [text]):
        source = text
        assert source[mention.start : mention.end] == mention.text


@pytest.mark.parametrize("text", ["İstanbul liver", "ﬁbrosis liver", "ß liver"])
def test_case_folding_that_changes_length_keeps_offsets(text):
    mentions = ANNOTATOR.annotate({"abstract": text}, [])
    assert [m.text for m in mentions][-1] == "liver"
    for m in mentions:
        assert text[m.start : m.end] == m.text


@settings(max_examples=400)
@given(st.lists(st.sampled_from(["miR-21", "MiR", "mir", "microRNA", "MicroRNA-155", "miRNA-", "let-7a", "let-7",
                                 "hsa-", "mmu-", "-5p", "-3p", "21", "a", "x", " ", "-", "\u2010", "İ", "k", "0"]),
                max_size=20).map("".join))
def test_mirna_names_found_where_the_pattern_finds_them(text):
    from exodata.ingest.vocabulary.matcher import _MIRNA, mirna_matches

    assert [m.span() for m in mirna_matches(text)] == [m.span() for m in _MIRNA.finditer(text)]
