"""XML for the readers: parsed safely, and every element mapped to its span in the seed text.

lxml gives elements without character offsets.  Once a document has parsed, its start tags occur in the text in
the same order as ``root.iter()`` yields elements, so one linear scan of the tags maps every element to the span
of its content (:func:`element_spans`).  Parsing goes through defusedxml's checks (no entity declarations, no
external references) with a parser that never resolves entities, loads DTDs or touches the network
(:func:`parse_xml_safely`).  A document that does not parse is cut at its record tags, so one broken record
does not take the others with it (:func:`xml_chunks`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exodata.ingest.model import Located
from exodata.ingest.readers._guard import Part, Refused
from exodata.ingest.readers._locate import line_number


class XmlRefused(Refused):
    """The XML must not be read at all (entity declarations, external references); the message says why."""


@dataclass(frozen=True, slots=True)
class ElementSpan:
    """Offsets of one element: ``start`` of its '<', its content, and ``end`` after its closing '>'."""

    start: int
    content_start: int
    content_end: int
    end: int


@dataclass(slots=True)
class XmlChunk:
    """One record element found in an XML export: its span, and either its parsed element or an error."""

    start: int
    end: int
    element: object | None = None
    spans: ElementSpans | None = None
    error: str | None = None


_XML_DECLARATION = re.compile(r"\s*<\?xml[^>]{0,300}\?>")
#: One piece of markup: a plain end tag, a plain start tag (``empty`` is '/' when it closes itself), a whole
#: comment, CDATA section or processing instruction, or else the empty ``other`` at any other '<'
#: (declarations, and malformed markup, which :func:`_other_markup` reads).  The name is matched
#: possessively, as it is read on its own.
_MARKUP = re.compile(
    r"""<(?:(?P<end>/[^>]*>)"""
    r"""|(?P<start>[A-Za-z_][\w.:-]*+(?:[^>"']|"[^"]*"|'[^']*')*?(?P<empty>/?)>)"""
    r"""|(?P<skipped>!--.*?-->|!\[CDATA\[.*?\]\]>|\?.*?\?>)"""
    r"""|(?P<other>))""",
    re.DOTALL,
)


def local_name(element) -> str:
    """The tag of ``element`` without its namespace ('' for comments and processing instructions)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _blank_declaration(text: str) -> str:
    """``text`` with its ``<?xml ...?>`` declaration turned into spaces (lxml refuses one in a str; offsets kept)."""
    found = _XML_DECLARATION.match(text)
    if found is None:
        return text
    return " " * found.end() + text[found.end():]


def parse_xml_safely(text: str):
    """The root element of ``text``; raises XmlRefused for entity/DTD tricks, lxml's XMLSyntaxError if malformed."""
    import warnings

    from lxml import etree

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from defusedxml import DefusedXmlException
        from defusedxml import lxml as defused

    doctype = text.find("<!DOCTYPE")
    if doctype >= 0 and "<!ENTITY" in text[doctype:]:
        line = line_number(text, text.find("<!ENTITY", doctype))
        raise XmlRefused(f"XML entity declarations are refused (line {line}): entity expansion and external "
                         "entities are never read")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_blank_text=False)
    try:
        return defused.fromstring(_blank_declaration(text), parser=parser, forbid_dtd=False, forbid_entities=True)
    except DefusedXmlException as refused:
        raise XmlRefused(f"XML refused by defusedxml: {type(refused).__name__}: {refused}") from refused


def element_spans(text: str, root, offset: int = 0) -> ElementSpans:
    """Map every element under ``root`` to its span in ``text`` (``root`` parsed from it).

    ``offset`` is added to every span (for a chunk cut out of a larger text).  Raises ValueError when the text
    and the tree disagree, which a well-formed document never does.

    The tags are found by one ``re.split`` (:func:`_plain_tag_spans`); a text with markup that split cannot
    read (a DOCTYPE with an internal subset, malformed markup) is read piece by piece by
    :func:`_tag_spans_by_markup`, where :func:`_other_markup` handles declarations and says what is malformed.
    """
    from lxml import etree

    elements = list(root.iter(etree.Element))  # elements only: no comments, processing instructions, entities
    scanned = _plain_tag_spans(text)
    if scanned is None:  # a declaration with an internal subset, or malformed markup: read piece by piece
        scanned = _tag_spans_by_markup(text, offset)
    spans, left_open = scanned
    if len(spans) != 4 * len(elements) or left_open:
        raise ValueError(f"{len(spans) // 4} start tags in the text but {len(elements)} elements in the tree")
    return ElementSpans(elements, spans, offset)


#: The markup :func:`_plain_tag_spans` reads, as one capturing group for ``re.split``: the pieces of
#: :data:`_MARKUP` but for ``other``, and a declaration without an internal subset (``<!DOCTYPE ...>``).
#: The start tag is written possessively (the same tags, without backtracking); '/>' is read off its end.
_TOKEN = re.compile(
    r"""(<(?:/[^>]*>"""
    r"""|[A-Za-z_][^>"']*+(?:(?:"[^"]*"|'[^']*')[^>"']*+)*+>"""
    r"""|!--.*?-->|!\[CDATA\[.*?\]\]>|\?.*?\?>"""
    r"""|!(?!--|\[CDATA\[)[^\[>]*>))""",
    re.DOTALL,
)


def _plain_tag_spans(text: str) -> tuple[list[int], int] | None:
    """Start, content start, content end and end of each start tag in ``text``, four ints a tag, in one flat
    list; and how many tags were never closed.  None when the text must be read by markup instead.

    The fast way: ``re.split`` cuts the text at every piece of markup and ``accumulate`` gives the offsets,
    both in C, so the Python loop does only the nesting, with ints only (no list per element for the
    garbage collector to walk).  None when a '<' is left outside the pieces (declarations with an internal
    subset, malformed markup) or an end tag has nothing open: :func:`_tag_spans_by_markup` then reads the
    text and says what is wrong.
    """
    from itertools import accumulate

    pieces = _TOKEN.split(text)
    if "<" in "".join(pieces[0::2]):
        return None
    ends = list(accumulate(map(len, pieces)))
    opened: list[int] = []  # where each open element's content end goes in ``spans``
    spans: list[int] = []
    try:
        for tag, start, end in zip(pieces[1::2], ends[0::2], ends[1::2]):
            kind = tag[1]
            if kind == "/":
                at = opened.pop()
                spans[at] = start
                spans[at + 1] = end
            elif kind != "!" and kind != "?":
                if tag[-2] != "/":
                    opened.append(len(spans) + 2)
                spans += (start, end, end, end)
    except IndexError:  # an end tag with nothing open
        return None
    return spans, len(opened)


def _tag_spans_by_markup(text: str, offset: int) -> tuple[list[int], int]:
    """What :func:`_plain_tag_spans` gives, read one piece of markup at a time (declarations, bad markup).

    Raises ValueError for markup it cannot read and for an end tag with nothing open.
    """
    opened: list[list[int]] = []
    spans: list[list[int]] = []
    position = 0
    while position >= 0:
        for found in _MARKUP.finditer(text, position):
            kind = found.lastgroup
            if kind == "end":
                if not opened:
                    raise ValueError(f"unbalanced end tag at offset {offset + found.start()}")
                entry = opened.pop()
                entry[2], entry[3] = found.start(), found.end()
            elif kind == "start":
                entry = [found.start(), found.end(), found.end(), found.end()]
                spans.append(entry)
                if not found.group("empty"):
                    opened.append(entry)
            elif kind == "other":  # a declaration, or malformed: read by hand, then go on from the next '<'
                position = _other_markup(text, found.start(), offset)
                break
            # "skipped": a whole comment, CDATA section or processing instruction
        else:
            break
    return [value for entry in spans for value in entry], len(opened)


class ElementSpans:
    """The :class:`ElementSpan` of each element of a parsed tree, looked up by element (a read-only mapping).

    A document has many more elements than a reader looks at, so each ElementSpan is made when it is asked
    for.  The elements are held as keys: holding the proxies keeps lxml from making new ones, so a later
    ``find`` returns these very objects.
    """

    def __init__(self, elements: list, offsets: list[int], offset: int) -> None:
        self._position = dict(zip(elements, range(0, 4 * len(elements), 4)))
        self._offsets = offsets  # four a element: start, content start, content end, end
        self._offset = offset

    def __getitem__(self, element) -> ElementSpan:
        at = self._position[element]
        start, content_start, content_end, end = self._offsets[at:at + 4]
        shift = self._offset
        return ElementSpan(start + shift, content_start + shift, content_end + shift, end + shift)

    def content(self, element) -> tuple[int, int]:
        """(content start, content end) of ``element``: what :func:`content_value` needs, without an ElementSpan."""
        at = self._position[element]
        shift = self._offset
        return self._offsets[at + 1] + shift, self._offsets[at + 2] + shift

    def bounds(self, element) -> tuple[int, int, int, int]:
        """(start, content start, content end, end) of ``element``: an ElementSpan's offsets as a plain tuple."""
        at = self._position[element]
        shift = self._offset
        start, content_start, content_end, end = self._offsets[at:at + 4]
        return start + shift, content_start + shift, content_end + shift, end + shift

    def __contains__(self, element) -> bool:
        return element in self._position

    def __len__(self) -> int:
        return len(self._position)

    def __iter__(self):
        return iter(self._position)


def _other_markup(text: str, position: int, offset: int) -> int:
    """Offset of the next '<' after the markup at ``position`` that is not a plain tag (-1: none).

    Raises ValueError for a tag that cannot be read.
    """
    if text.startswith("<!--", position):
        close = text.find("-->", position + 4)
        return -1 if close < 0 else text.find("<", close + 3)
    if text.startswith("<![CDATA[", position):
        close = text.find("]]>", position + 9)
        return -1 if close < 0 else text.find("<", close + 3)
    if text.startswith("<?", position):
        close = text.find("?>", position + 2)
        return -1 if close < 0 else text.find("<", close + 2)
    if text.startswith("<!", position):
        bracket, close = text.find("[", position), text.find(">", position)
        if 0 <= bracket < close:
            close = text.find(">", text.find("]", bracket))
        return -1 if close < 0 else text.find("<", close + 1)
    if text.startswith("</", position):
        raise ValueError(f"unbalanced end tag at offset {offset + position}")
    raise ValueError(f"unreadable start tag at offset {offset + position}")


def xml_chunks(text: str, record_tags: tuple[str, ...]) -> list[XmlChunk]:
    """Every element named in ``record_tags`` of the XML document ``text``, parsed, with spans.

    When the whole document parses, its record elements are returned.  When it does not, the text is cut at
    the record tags and each record is parsed on its own, so one broken record does not take the others with
    it.  Raises XmlRefused when the document must not be read at all.
    """
    from lxml import etree

    try:
        root = parse_xml_safely(text)
    except etree.XMLSyntaxError as whole_error:
        chunks = [_parse_chunk(text, start, end) for start, end in _cut_records(text, record_tags)]
        if not chunks:
            line = getattr(whole_error, "lineno", None)
            raise XmlRefused(f"malformed XML (line {line}): {whole_error}") from whole_error
        return chunks
    spans = element_spans(text, root)
    chunks = []
    for element in root.iter(*(f"{{*}}{tag}" for tag in record_tags)):  # in any namespace or none
        span = spans[element]
        chunks.append(XmlChunk(span.start, span.end, element, spans))
    return chunks


def _cut_records(text: str, record_tags: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of each ``<tag ...>...</tag>`` run of a record tag, found by plain text search."""
    names = "(?:" + "|".join(re.escape(tag) for tag in record_tags) + ")"
    opening = re.compile(r"<(?:[\w.-]+:)?" + names + r"[\s/>]")
    closing = re.compile(r"</(?:[\w.-]+:)?" + names + r"\s*>")
    starts = [found.start() for found in opening.finditer(text)]
    cuts = []
    for i, start in enumerate(starts):
        limit = starts[i + 1] if i + 1 < len(starts) else len(text)
        close = closing.search(text, start, limit)
        cuts.append((start, close.end() if close else limit))
    return cuts


def _parse_chunk(text: str, start: int, end: int) -> XmlChunk:
    from lxml import etree

    try:
        root = parse_xml_safely(text[start:end])
        return XmlChunk(start, end, root, element_spans(text[start:end], root, offset=start))
    except (etree.XMLSyntaxError, XmlRefused, ValueError) as err:
        line = line_number(text, start)
        # lxml counts lines from the start of the chunk: shift them to lines of the file
        detail = re.sub(r"line (\d+)", lambda found: f"line {int(found.group(1)) + line - 1}", str(err))
        return XmlChunk(start, end, error=f"malformed XML in the record starting on line {line}: {detail}")




def content_value(text: str, content_start: int, content_end: int, element=None) -> Located | None:
    """The content ``text[content_start:content_end]`` of an element (see :meth:`ElementSpans.content`), trimmed;
    ``decoded`` holds its text without markup or entities.

    Most elements hold plain text (no '<', '&' or carriage return), whose text as lxml reads it is the
    content as written: only the others are serialised by lxml to find their ``decoded`` text.
    """
    content = text[content_start:content_end]
    trimmed_text = content.strip()
    if not trimmed_text:
        return None
    # the usual case: nothing to trim (strip gives the very string back)
    start = content_start if trimmed_text is content else content_start + len(content) - len(content.lstrip())
    trimmed = Located(trimmed_text, start, start + len(trimmed_text))
    # What makes an element's text differ from its content as written: child markup, comments or CDATA ('<'),
    # entity and character references ('&'), and carriage returns (XML reads line ends as '\n').
    if element is None or ("<" not in trimmed_text and "&" not in trimmed_text and "\r" not in trimmed_text):
        return trimmed
    from lxml import etree

    plain = etree.tostring(element, method="text", encoding=str, with_tail=False).strip()
    if not plain:
        return None
    return trimmed if plain == trimmed.text else Located(trimmed.text, trimmed.start, trimmed.end, plain)


def attribute_value(text: str, span: ElementSpan, name: str) -> Located | None:
    """The value of attribute ``name`` in the element's start tag, located (None when absent)."""
    found = re.compile(r"\s" + re.escape(name) + r"""\s*=\s*(?:"([^"]*)"|'([^']*)')""").search(
        text, span.start, span.content_start)
    if found is None:
        return None
    group = 1 if found.group(1) is not None else 2
    return Located.of(text, found.start(group), found.end(group)).strip() or None


def xml_parts(text: str, record_tags: tuple[str, ...]) -> list[Part]:
    """The part of each element named in ``record_tags`` of the XML document ``text``, for the guarded read.

    Each part's content is its :class:`XmlChunk`; an element that did not parse is a broken part saying why.
    Raises XmlRefused (a :class:`~exodata.ingest.readers._guard.Refused`) when the document must not be read.
    """
    return [Part(chunk.start, chunk.end, chunk, chunk.error) for chunk in xml_chunks(text, record_tags)]
