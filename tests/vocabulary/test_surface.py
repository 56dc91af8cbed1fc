"""The match key: what full terms are matched on, and the map from key characters back to the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exodata.ingest.vocabulary.surface import APOSTROPHES, HYPHENS, match_key


def match_key_by_definition(text: str) -> tuple[str, list[int]]:
    """Character by character: drop white space, hyphens and apostrophes; lower-case each kept character
    (keeping one that folds to two characters as written)."""
    index = [i for i, char in enumerate(text) if not char.isspace() and char not in HYPHENS + APOSTROPHES]
    return "".join(text[i].lower() if len(text[i].lower()) == 1 else text[i] for i in index), index


def test_spaces_hyphens_and_apostrophes_are_dropped():
    key, index = match_key("Wharton\u2019s  jelly-derived\u00a0MSCs")
    assert key == "whartonsjellyderivedmscs"
    assert [index[0], index[7], index[-1]] == [0, 8, 28]


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from(list("aZé İß -\u2010\u00ad'\u2019`\n\t\u00a0\u3000\u200b.,1中")), max_size=40)
       | st.text(max_size=40))
def test_same_key_and_offsets_as_the_definition(text):
    assert match_key(text) == match_key_by_definition(text)


def test_characters_beyond_the_basic_plane_and_lone_surrogates_are_kept():
    text = "a\U0001d400 b\udc80-c"
    assert match_key(text) == match_key_by_definition(text) == ("a\U0001d400b\udc80c", [0, 1, 3, 4, 6])
