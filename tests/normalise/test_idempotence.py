"""Property tests: every normaliser is idempotent and none raises on arbitrary text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exodata.ingest.model import Located, RawAuthor, RawRecord
from exodata.ingest.normalise import (
    clean_text,
    country_code,
    language_code,
    normalise_doi,
    normalise_record,
    parse_citation_line,
    parse_published_line,
    split_author_name,
    split_pages,
    strip_trailing_separators,
)

_WORDY = st.text(st.sampled_from(list("abcXYZ PU-'., ;\n\t\u00a0中国文éÉ0123456789/()")), max_size=60)
TEXTS = _WORDY | st.text(max_size=60)


@settings(max_examples=300)
@given(TEXTS)
def test_clean_text_is_idempotent(text):
    once = clean_text(text)
    assert clean_text(once) == once
    assert once is None or (once == once.strip() and "  " not in once and once != "")


@settings(max_examples=300)
@given(TEXTS)
def test_strip_trailing_separators_is_idempotent(text):
    once = strip_trailing_separators(text)
    assert strip_trailing_separators(once) == once


@settings(max_examples=300)
@given(st.from_regex(r"(doi: ?|https://doi\.org/)?10\.\d{4,6}/[A-Za-z0-9.()\-]{1,20}[.;]?", fullmatch=True) | TEXTS)
def test_normalise_doi_is_idempotent(text):
    once = normalise_doi(text)
    assert normalise_doi(once) == once
    assert once is None or once == once.lower()


@settings(max_examples=200)
@given(st.sampled_from(["English", "Inglés", "英文", "eng", "Chinese", "中文", "chi", "German", "xx"]) | TEXTS)
def test_language_code_is_idempotent(text):
    once = language_code(text)
    assert once is None or language_code(once) == once


@settings(max_examples=200)
@given(st.sampled_from(["China", "中国", "England", "USA", "New Zealand", "Switzerland", "Korea (South)"]) | TEXTS)
def test_country_code_is_idempotent(text):
    once = country_code(text)
    assert once is None or country_code(once) == once


@settings(max_examples=300)
@given(st.sampled_from(["Qian PU", "Zhang, Shuqin", "Lu Y", "Hu, X", "Shuqin Zhang", "Qin-Lu O'BRIEN"]) | TEXTS,
       st.sampled_from([None, True, False]))
def test_split_author_name_is_idempotent(name, family_first):
    family, given_name = split_author_name(name, family_first=family_first)
    if family is None:
        return
    again = f"{family}, {given_name}" if given_name else family
    assert split_author_name(again) == (family, given_name)


@settings(max_examples=300)
@given(TEXTS)
def test_composite_parsers_never_raise_and_locate_their_pieces(text):
    for parts in (parse_citation_line(text), parse_published_line(text)):
        for piece in parts.values():
            assert text[piece.start:piece.end] == piece.text
    for piece in split_pages(text):
        assert piece is None or text[piece.start:piece.end] == piece.text


@settings(max_examples=200)
@given(st.lists(TEXTS, min_size=1, max_size=6))
def test_normalise_record_never_raises(values):
    text = "\n".join(values)
    raw = RawRecord(format="test")
    offset = 0
    names = ["title", "citation", "published", "doi", "language", "country", "pages", "year", "cited_by_count"]
    for i, value in enumerate(values):
        loc = Located(value, offset, offset + len(value))
        offset += len(value) + 1
        if value.strip():
            raw.set(names[i % len(names)], loc)
            raw.authors.append(RawAuthor(loc, affiliations=[1, 7]))
            raw.affiliations.append(loc)
            raw.keywords.append(loc)
            raw.links.append(loc)
    record = normalise_record(raw)
    for value in record.fields.values():
        assert 0 <= value.start <= value.end <= len(text)
    for author in record.authors:
        assert all(1 <= p <= len(record.affiliations) for p in author.affiliations)
