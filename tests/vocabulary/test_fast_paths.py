"""The annotator's and normaliser's speed tricks give what the plain versions they replaced give.

Each test holds a fast path to a small straightforward reference kept here (the code as it was before the trick),
on random and adversarial inputs: non-ASCII, hyphens, apostrophes, 'İ', 'Σ', Chinese, parentheses, miRNA names.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from exodata.ingest.normalise.countries import _country_in_clean_text, country_in_text
from exodata.ingest.normalise.text import clean_text
from exodata.ingest.vocabulary import Annotator, load_vocabulary
from exodata.ingest.vocabulary.matcher import (
    _DISEASE_HEADS,
    _MIRNA,
    _REPAIR_HEADS,
    _SEP,
    _TAIL,
    _TAIL_OPENERS,
    _Candidate,
    mirna_matches,
)
from exodata.ingest.vocabulary.quantities import _PREFILTER, _QUANTITY
from exodata.ingest.vocabulary.surface import match_key_and_junctions

ANNOTATOR = Annotator(load_vocabulary())
SOUP = ["miR-21-5p", "microRNA-155", "MicroRNA 21", "let-7a", "let 7", "LET-7", "hsa-miR-146a", "mir21", "mi r", "İ",
        "Σ", "中", "liver", "renal", "kidney", " injury", " repair", "-regeneration", " fibrosis", "chronic ", "acute ",
        "wound", " healing", "diabetic", "(", ")", " (UC)", "ulcerative colitis", "MSCs", "MSC", "stem cells", "AKI",
        "5 nm", "30-100 nm", "µg", "μm", "mg/kg", "UM", "1", " ", "× 10^9", "×10⁹", "e9", " particles", "/mL", "±",
        "micrograms", "nanometres", "milligram", "\u2010", "\u00ad", "'", "\u2019", "\n", "\u00a0",
        "\u200b", "\ufeff", "a", "s", ", ", "; ", ".", "China", "USA", "MA 02115", "中国"]
TEXTS = st.lists(st.sampled_from(SOUP) | st.text(max_size=5), max_size=30).map("".join)


def reference_select(candidates: list[_Candidate], length: int) -> list[_Candidate]:
    """Longest first, then lower rank, then earlier start, then list order; a span overlapping a chosen one loses."""
    order = sorted(range(len(candidates)), key=lambda i: (candidates[i].start - candidates[i].end,
                                                          candidates[i].rank, candidates[i].start, i))
    taken = bytearray(length)
    chosen = []
    for i in order:
        start, end = candidates[i].start, candidates[i].end
        if taken.find(1, start, end) < 0:
            chosen.append(candidates[i])
            taken[start:end] = b"\x01" * (end - start)
    return chosen


@st.composite
def candidate_lists(draw):
    length = draw(st.integers(1, 40))
    spans = draw(st.lists(st.tuples(st.integers(0, length - 1), st.integers(1, 12), st.integers(0, 2)), max_size=25))
    return [_Candidate(start, min(length, start + size), None, rank) for start, size, rank in spans], length


@settings(max_examples=500)
@given(candidate_lists())
def test_select_with_two_look_ups_is_the_greedy_choice(case):
    candidates, length = case
    assert Annotator._select(candidates, length) == reference_select(candidates, length)


@settings(max_examples=500)
@given(TEXTS)
def test_mirna_cores_found_in_the_key_give_what_finditer_gives(text):
    key, index, _glued = match_key_and_junctions(text)
    expected = [m.span() for m in _MIRNA.finditer(text)]
    assert [m.span() for m in mirna_matches(text, key, index)] == expected
    assert [m.span() for m in mirna_matches(text)] == expected


@settings(max_examples=500)
@given(TEXTS, st.integers(0, 40))
def test_one_tail_pattern_is_either_tail(text, at):
    """_TAIL is the two patterns it stands for, a disease tail or a repair tail, in one."""
    disease_tail = re.compile(rf"{_SEP}+(?:{_DISEASE_HEADS})\b", re.IGNORECASE)
    repair_tail = re.compile(rf"{_SEP}+(?:{_REPAIR_HEADS})\b", re.IGNORECASE)
    at = min(at, len(text))
    disease, repair, tail = disease_tail.match(text, at), repair_tail.match(text, at), _TAIL.match(text, at)
    assert not (disease and repair)
    if disease or repair:
        assert at < len(text) and text[at] in _TAIL_OPENERS
        assert tail is not None and tail.end() == (disease or repair).end()
        assert (tail.start("disease") >= 0) == bool(disease)
    else:
        assert tail is None


@settings(max_examples=500)
@given(TEXTS)
def test_mentions_of_a_source_start_at_distinct_places(text):
    """What lets _mention_rows sort by start alone."""
    mentions = ANNOTATOR.annotate({"title": text, "abstract": text + " (" + text[:8] + ") " + text}, [text])
    for field in ("title", "abstract", "keyword"):
        starts = [m.start for m in mentions if m.field == field]
        assert starts == sorted(set(starts))


@settings(max_examples=500)
@given(TEXTS)
def test_unit_check_finds_the_texts_the_unit_pattern_finds(text):
    """The cheap pre-check rules a text out only when the quantity pattern finds nothing in it."""
    if _QUANTITY.search(text):
        assert _PREFILTER.search(text), text


def reference_country_in_text(text: str | None) -> str | None:
    """country_in_text as it was: every part stripped twice into a list, the text cleaned inside."""
    from exodata.ingest.normalise import countries as c

    cleaned = clean_text(text)
    if cleaned is None:
        return None
    if not cleaned.isascii():
        for name in c._CHINESE_NAMES:
            if name in cleaned:
                return c.COUNTRY_ALIASES[name]
    parts = [p.strip(" .") for p in c._TAIL_SPLIT.split(cleaned) if p.strip(" .")]
    if len(parts) < 2:
        return None
    words = c._POSTCODE.sub(" ", parts[-1]).split()
    for candidate in [" ".join(words)] + [" ".join(words[-n:]) for n in range(min(4, len(words)), 0, -1)]:
        if not candidate or candidate.lower() in c._AMBIGUOUS_IN_ADDRESSES and candidate not in {"US"}:
            continue
        if len(candidate) <= 3 and not candidate.isupper():
            continue
        code = c._lookup(candidate)
        if code is not None:
            return code
    return None


@settings(max_examples=500)
@given(TEXTS)
def test_country_of_an_affiliation(text):
    expected = reference_country_in_text(text)
    assert country_in_text(text) == expected
    cleaned = clean_text(text)
    if cleaned is not None:
        assert _country_in_clean_text(cleaned) == expected


@settings(max_examples=500)
@given(TEXTS)
def test_zero_width_characters_are_found_as_the_pattern_finds_them(text):
    import unicodedata

    expected = None
    if not text.isascii():
        stripped = re.sub("[\u200b\u200c\u200d\u2060\ufeff]", "", text)
        expected = unicodedata.normalize("NFC", " ".join(stripped.split())) or None
    else:
        expected = " ".join(text.split()) or None
    assert clean_text(text) == expected


@given(st.text(alphabet=st.sampled_from("aB -'\u2010\u00a0\u0130\u03a3\u4e2d\t\n1"), max_size=30))
def test_key_of_is_the_key_of_match_key(term):
    from exodata.ingest.vocabulary.surface import key_of, match_key

    assert key_of(term) == match_key(term)[0]
