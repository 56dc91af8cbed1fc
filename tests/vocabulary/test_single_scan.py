"""The one automaton scan: the word-boundary bytes, and abbreviations found through the match key exactly where a
plain case-sensitive search of the text finds them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exodata.ingest.vocabulary import Annotator, Concept, load_vocabulary
from exodata.ingest.vocabulary.matcher import _found_through_key, _on_word_boundary
from exodata.ingest.vocabulary.surface import match_key, match_key_and_junctions

ANNOTATOR = Annotator(load_vocabulary())
ALPHABET = (list("aZé İßΣσς -\u2010\u00ad'\u2019`\n\t\u00a0.,1中\U0001d400\udc80")
            + ["MSC", "MSCs", "IL-6", "TGF-β1", "MΦ"])


def abbreviation_spans_by_search(annotator: Annotator, text: str) -> list[tuple[int, int, str]]:
    """Every whole-word occurrence of every abbreviation form, found with ``str.find`` (the definition)."""
    spans = []
    for form in annotator._abbreviations:
        at = text.find(form)
        while at >= 0:
            if _on_word_boundary(text, at, at + len(form)):
                spans.append((at, at + len(form), form))
            at = text.find(form, at + 1)
    return sorted(spans)


def abbreviation_spans_found(annotator: Annotator, text: str) -> list[tuple[int, int, str]]:
    _full, abbreviations, _organs, _adjectives = annotator._key_candidates(text, *match_key_and_junctions(text))
    return sorted((c.start, c.end, text[c.start : c.end]) for c in abbreviations)


@settings(max_examples=500)
@given(st.lists(st.sampled_from(ALPHABET), max_size=30).map("".join) | st.text(max_size=40))
def test_key_and_index_are_match_keys_and_junctions_mark_glued_characters(text):
    key, index, glued = match_key_and_junctions(text)
    assert (key, list(index)) == match_key(text)
    assert len(glued) == len(text) + 1
    for position in range(len(text) + 1):
        # a match may start and end at position exactly when _on_word_boundary says so
        assert (glued[position] == 0) == (
            _on_word_boundary(text, position, position) if 0 < position < len(text) else True
        )


SOUP = ["MSC", "MSCs", "msc", "BM-MSCs", "IL-6", "IL6", "IL-1β", "TGF-β1", "MΦ", "Mφ", "MI", "mi", "NK cells",
        "Treg  cells", "ALS", "a", "1", " ", "-", "\u2010", "(", "İ", "Σ"]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(SOUP) | st.text(max_size=4), max_size=25).map("".join))
def test_abbreviations_through_the_key_are_those_a_text_search_finds(text):
    assert abbreviation_spans_found(ANNOTATOR, text) == abbreviation_spans_by_search(ANNOTATOR, text)


def test_forms_the_key_cannot_find_are_searched_in_the_text():
    odd = ["-X1", "AΣ", "İL", "Q'"]
    assert not any(_found_through_key(form) for form in odd)
    assert _found_through_key("NK cells") and _found_through_key("TGF-β1")
    concept = Concept("EXO:1", "cell_type", "odd things", abbreviations=odd + ["AB"])
    annotator = Annotator([concept], stoplist=())
    text = "-X1 AΣ İL Q' AB xAΣ AB-X1 Q'B"
    assert abbreviation_spans_found(annotator, text) == abbreviation_spans_by_search(annotator, text)
    assert [m.text for m in annotator.annotate({"abstract": text})] == [
        "-X1", "AΣ", "İL", "Q'", "AB", "AB", "-X1", "Q'"]


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_texts_take_the_translate_path_to_the_same_key(text):
    key, index, _glued = match_key_and_junctions(text)
    assert (key, list(index)) == match_key(text)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(["(", ")", " ", "\u2003", "\n", "ALF", "a", "MSCs", "x)"]), max_size=15).map("".join))
def test_definitions_are_only_looked_for_where_one_can_start(text):
    from exodata.ingest.vocabulary.matcher import _DEFINITION, _definition_ends

    can_match = {p for p in range(len(text) + 1) if _DEFINITION.match(text, p)}
    assert can_match <= _definition_ends(text)
