"""``locate``: the span of a parsed value in its part of the text, exactly or with white space matched loosely."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from exodata.ingest.readers._locate import locate


def locate_by_regex(text: str, value: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    """The definition ``locate`` implements: exact find, else the value's words joined by ``\\s+``."""
    end = len(text) if end is None else end
    if not value:
        return None
    at = text.find(value, start, end)
    if at >= 0:
        return at, at + len(value)
    words = value.split()
    if not words:
        return None
    found = re.compile(r"\s+".join(re.escape(word) for word in words)).search(text, start, end)
    return None if found is None else found.span()


def test_continuation_lines_are_matched_loosely():
    text = "TI  - Mesenchymal stem cell exosomes in\n      acute kidney injury.\nPG  - 1-9"
    found = locate(text, "Mesenchymal stem cell exosomes in acute kidney injury.")
    assert found is not None
    assert found.text == "Mesenchymal stem cell exosomes in\n      acute kidney injury."
    assert text[found.start:found.end] == found.text


def test_the_value_must_lie_inside_the_given_range():
    text = "a b | a  b"
    found = locate(text, "a b", 4)
    assert (found.start, found.end, found.text) == (6, 10, "a  b")
    assert locate(text, "a b", 4, 9) is None  # the second word would run past the end
    assert locate(text, "a b", 0, 2) is None


def test_a_later_occurrence_of_the_first_word_can_match():
    text = "cell-free cell\ttherapy"
    found = locate(text, "cell therapy")
    assert (found.start, found.end) == (10, len(text))


def test_missing_and_blank_values():
    assert locate("abc", "") is None
    assert locate("abc", "   ") is None
    assert locate("abc", "x y") is None
    assert locate("a\u00a0b", "a b").text == "a\u00a0b"  # any white space, as \s matches it


_PIECES = st.sampled_from(["a", "b", "ab", "ba", " ", "  ", "\n", "\t", "\u00a0", "\n      ", ".", "-"])
_TEXTS = st.lists(_PIECES, max_size=30).map("".join)


@settings(max_examples=500)
@given(text=_TEXTS, value=_TEXTS, start=st.integers(0, 40), length=st.integers(0, 60) | st.none())
def test_same_span_as_the_regex_definition(text, value, start, length):
    end = None if length is None else min(len(text), start + length)
    found = locate(text, value, start, end)
    expected = locate_by_regex(text, value, start, end)
    assert (None if found is None else (found.start, found.end)) == expected
    if found is not None:
        assert text[found.start:found.end] == found.text


def test_element_spans_skip_comments_cdata_and_instructions():
    from lxml import etree

    from exodata.ingest.readers._xml import element_spans

    text = ('<?xml-stylesheet href="a"?><r><!-- <x> --><a k="1>2" j=\'/\'>A<![CDATA[<b>]]></a>'
            '<c/><d>D</d></r>')
    root = etree.fromstring(text)
    spans = element_spans(text, root, offset=5)
    by_tag = {element.tag: spans[element] for element in root.iter() if isinstance(element.tag, str)}
    a, c, d = by_tag["a"], by_tag["c"], by_tag["d"]
    assert text[a.content_start - 5:a.content_end - 5] == "A<![CDATA[<b>]]>"
    assert text[a.start - 5:a.end - 5].startswith('<a k="1>2"') and text[a.end - 6] == ">"
    assert c.content_start == c.content_end == c.end and text[c.start - 5:c.end - 5] == "<c/>"
    assert text[d.content_start - 5:d.content_end - 5] == "D"
    assert (by_tag["r"].start, by_tag["r"].end) == (text.index("<r>") + 5, len(text) + 5)


def test_element_spans_refuse_a_text_that_disagrees_with_the_tree():
    import pytest
    from lxml import etree

    from exodata.ingest.readers._xml import element_spans

    with pytest.raises(ValueError, match="start tags"):
        element_spans("<r><a/><b/></r>", etree.fromstring("<r><a/></r>"))
    with pytest.raises(ValueError, match="unbalanced end tag at offset 7"):
        element_spans("<r></r></r>", etree.fromstring("<r/>"))


def test_a_rewrapped_value_filling_its_part_is_the_whole_part_trimmed():
    text = "AB  - Exosomes were\n      isolated by\n      ultracentrifugation.\nFAU - X"
    start, end = text.index("Exosomes"), text.index("\nFAU")
    found = locate(text, "Exosomes were isolated by ultracentrifugation.", start - 1, end + 1)
    assert (found.start, found.end) == (start, end)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(list("ab \n\r\t<>&;/é") + ["&amp;", "&#233;", "<i>x</i>", "<!--c-->",
                                                           "<![CDATA[<&]]>", "\r\n"]), max_size=12).map("".join))
def test_content_value_decoded_as_lxml_reads_the_element(content):
    """The plain-text shortcut of content_value gives what lxml's own text of the element gives."""
    from lxml import etree

    from exodata.ingest.readers._xml import content_value, element_spans, parse_xml_safely

    text = f"<r><e>{content}</e></r>"
    try:
        root = parse_xml_safely(text)
    except etree.XMLSyntaxError:
        return
    element = root[0]
    found = content_value(text, *element_spans(text, root).content(element), element)
    plain = etree.tostring(element, method="text", encoding=str, with_tail=False).strip()
    if not plain or not content.strip():
        assert found is None
        return
    assert text[found.start:found.end] == found.text == content.strip()
    assert found.value == plain
    assert (found.decoded is None) == (plain == found.text)


_MARKUP_PIECES = ["<r>", "</r>", "<a>", "</a>", "<b k='>/'/>", '<c x="a/>b">', "</c>", "<d/>", "<e />", "x", " ",
                  "&amp;", "<!--<a>-->", "<![CDATA[</a>]]>", "<?pi <a>?>", "<!DOCTYPE r>",
                  '<!DOCTYPE r [<!ELEMENT r ANY>]>', "<", ">", "/", '"', "<!-- open", "</", "<1>", "<f k='v>"]


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_MARKUP_PIECES), max_size=14).map("".join))
def test_the_split_tag_scan_agrees_with_the_markup_scan(text):
    """The fast re.split scan gives what the piece-by-piece scan gives, or hands the text over to it."""
    import pytest

    from exodata.ingest.readers._xml import _plain_tag_spans, _tag_spans_by_markup

    fast = _plain_tag_spans(text)
    if fast is None:
        return
    try:
        slow = _tag_spans_by_markup(text, 0)
    except ValueError:
        pytest.fail(f"the split scan read {text!r}, which the markup scan refuses")
    assert fast == slow


def test_element_spans_read_a_doctype_with_an_internal_subset():
    from lxml import etree

    from exodata.ingest.readers._xml import _plain_tag_spans, element_spans

    text = '<!DOCTYPE r [<!ELEMENT r ANY>]><r><a>A</a><b/></r>'
    assert _plain_tag_spans(text) is None  # read by the markup scan
    root = etree.fromstring(text)
    spans = element_spans(text, root)
    a = spans[root[0]]
    assert text[a.content_start:a.content_end] == "A" and text[a.start:a.end] == "<a>A</a>"
    assert spans[root].end == len(text)
