"""Properties: decode never raises, and the text it returns is exactly what the bytes say."""

from __future__ import annotations

import hashlib

from hypothesis import example, given, settings
from hypothesis import strategies as st

from exodata.ingest.decode import decode

from .test_decode import reencoded


@settings(max_examples=400)
@given(st.binary(max_size=2000))
@example(b"\xef\xbb\xbf\xff")
@example(b"\xff\xfe\x00\xd8")
@example(b"\xc3\xa9\xe9")
@example(b"\xa2\xcc")
def test_never_raises_and_text_reencodes_to_the_bytes(data):
    decoded = decode(data)
    assert decoded.sha256 == hashlib.sha256(data).hexdigest()
    assert (decoded.text is None) != (decoded.problem is None)
    if decoded.text is not None and not decoded.repaired:
        again = reencoded(decoded)
        if decoded.encoding in MANY_TO_ONE:  # duplicate code points: same characters, other bytes
            assert again.decode(decoded.encoding) == decoded.text
        else:
            assert again == data


#: Codecs that map several byte sequences to one character (Big5's duplicate code points, e.g. A2CC and A451
#: are both U+5140), so re-encoding gives the canonical bytes, not necessarily the original ones.
MANY_TO_ONE = {"big5", "cp950", "big5hkscs"}


_printable = (st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
              | st.sampled_from("\n\r\t "))


@settings(max_examples=300)
@given(st.text(_printable, min_size=1, max_size=300), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_unicode_text_comes_back(text, encoding):
    data = text.encode(encoding)
    decoded = decode(data)
    if not text.strip():
        assert decoded.problem.startswith("empty file")
        return
    assert decoded.problem is None
    assert decoded.repaired or decoded.text == text
    if not decoded.repaired:
        assert reencoded(decoded) == data


# UTF-16 without BOM is recognised by the NUL high bytes of its ASCII characters; non-ASCII characters
# whose low byte is 0x00 would blur the pattern, so mostly-ASCII text without them is what must decode.
_ascii = st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.sampled_from("\n\r\t")
_non_ascii = st.builds(lambda high, low: chr(high << 8 | low), st.integers(0x01, 0xD7), st.integers(0x01, 0xFF))


@settings(max_examples=300)
@given(st.lists(st.tuples(st.text(_ascii, min_size=2, max_size=6), _non_ascii), min_size=8, max_size=60),
       st.sampled_from(["utf-16-le", "utf-16-be"]))
def test_utf16_without_bom_comes_back(pieces, encoding):
    text = "TI  - " + "".join(a + b for a, b in pieces)
    data = text.encode(encoding)
    decoded = decode(data)
    assert decoded.problem is None, decoded.problem
    assert decoded.encoding == encoding
    assert decoded.text == text
    assert reencoded(decoded) == data


_cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5) | st.sampled_from("，。；：、 \n0123456789MSCexosome-")


@settings(max_examples=100)
@given(st.text(_cjk, min_size=40, max_size=400))
def test_gb18030_text_round_trips(text):
    data = text.encode("gb18030")
    decoded = decode(data)
    if decoded.text is None:
        assert decoded.problem is not None
        return
    assert reencoded(decoded) == data
