"""The readers' speed shortcuts give what the plain ways they stand in for give, on any input."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from exodata.ingest.model import Located
from exodata.ingest.readers import _json, csl_json
from exodata.ingest.readers._locate import locate
from exodata.ingest.readers._nesting import MAX_NESTING, nesting_depth_exceeds


def _locate_without_shortcut(text: str, value: str, start: int = 0, end: int | None = None):
    """``locate`` as it was before its continuation-line shortcut."""
    end = len(text) if end is None else end
    if not value:
        return None
    at = text.find(value, start, end)
    if at >= 0:
        return Located.of(text, at, at + len(value))
    words = value.split()
    if not words:
        return None
    part = text[start:end]
    if part.split() == words:
        return Located.of(text, start + len(part) - len(part.lstrip()), start + len(part.rstrip()))
    found = re.compile(r"\s+".join(re.escape(word) for word in words)).search(text, start, end)
    return None if found is None else Located.of(text, found.start(), found.end())


_PIECES = st.sampled_from(["a", "b", " ", "  ", "\n", "\n      ", "\n       ", "\r\n      ", "\t", "\u00a0", "x."])


@settings(max_examples=400)
@given(st.lists(_PIECES, min_size=1, max_size=12).map("".join), st.data())
def test_locate_shortcut_agrees_with_the_plain_search(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    part = text[start:end]
    value = data.draw(st.sampled_from([part.replace("\n      ", " "), part.replace("\n      ", " ").strip(),
                                       " ".join(part.split()), part]))
    found = locate(text, value, start, end)
    assert found == _locate_without_shortcut(text, value, start, end)


def test_locate_shortcut_on_a_wrapped_medline_value():
    text = "AB  - Exosomes carry\n      proteins and\n      lipids.\nFAU - A"
    start, end = 6, text.index("\nFAU")
    assert locate(text, "Exosomes carry proteins and lipids.", start, end) == Located(text[start:end], start, end)


def _split_keywords_by_regex(value: Located) -> list[Located]:
    """``_split_keywords`` as it was: parts found with re.finditer, each made by ``sub`` then ``strip``."""
    if value.decoded is not None:
        return [value]
    separator = ";" if ";" in value.text else ","
    parts, begin = [], 0
    for found in re.finditer(re.escape(separator), value.text + separator):
        part = value.sub(begin, found.start()).strip()
        if part:
            parts.append(part)
        begin = found.end()
    return parts


@settings(max_examples=300)
@given(st.lists(st.sampled_from(["a", "bc", ";", ",", " ", "\t", "\u00a0", "é"]), max_size=12).map("".join),
       st.integers(0, 50))
def test_split_keywords_agrees_with_the_regex_split(text, offset):
    value = Located(text, offset, offset + len(text))
    assert csl_json._split_keywords(value) == _split_keywords_by_regex(value)


@settings(max_examples=200)
@given(st.integers(1, 2 * MAX_NESTING), st.sampled_from(["[", "{\"k\":"]))
def test_bounded_fast_json_reader_refuses_what_the_prescan_refuses(depth, opener):
    closer = "]" if opener == "[" else "}"
    text = opener * depth + "1" + closer * depth
    too_deep = nesting_depth_exceeds(text, "[{", "]}") is not None
    try:
        _json.load_spanned_fast(text, MAX_NESTING)
    except _json.TooDeep:
        assert too_deep
    else:
        assert not too_deep


def test_too_deep_csl_json_is_still_refused_with_its_line():
    text = '[{"type": "article-journal", "title": "x", "author": ' + "[" * 150 + "]" * 150 + "}]"
    records = csl_json.read(text)
    assert len(records) == 1 and "nested deeper than" in records[0].quarantine
