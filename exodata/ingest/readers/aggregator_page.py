"""Layout c: a publisher/aggregator article fragment (globalauthorid-style), as captured from the browser.

The fragment has no title, authors or DOI: only headed sections, ``Affiliation:`` (numbered lines),
``Abstract`` (the heading often doubled, or the text starting with ': '), ``Funder`` (one name per line) and
``Cited by`` / ``N articles.``, followed by the site's own interface strings (订阅本文献…).  The reader takes
each section's lines up to the next heading; values are located, never rewritten (the ' , ' spacing and curly
quotes stay as given).
"""

from __future__ import annotations

import re

from exodata.ingest.model import Located, RawRecord
from exodata.ingest.readers._guard import Part, read_guarded
from exodata.ingest.readers._page import nonblank_lines

FORMAT = "aggregator_page"

_HEADING = re.compile(
    r"^(?P<kind>Affiliations?|Abstract|Funders?|Funding|Cited[ \t\u00a0]+by)(?![A-Za-z])[ \t\u00a0]*(?P<colon>:?)"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
_KINDS = {"affiliation": "affiliation", "affiliations": "affiliation", "abstract": "abstract",
          "funder": "funder", "funders": "funder", "funding": "funder", "cited by": "cited"}
#: Interface strings of the site that follow the content ('subscribe to this document …'): they end a section.
_TRAILER = re.compile(r"^(?:订阅|收藏|分享|引用本文|相关文献|Similar articles|Related articles|Share|Download)")
_NUMBERED = re.compile(r"^\d{1,2}[.)][\s\u00a0]*(?=\S)")
_OTHER_LAYOUTS = re.compile(r"^[ \t]*-[ \t]*(?:VernacularTitle|Author|From)\s*:"
                            r"|^(?:Detalles Bibliográficos|Bibliographic Details|Descripción completa"
                            r"|Full description)\s*$", re.MULTILINE)


def _heading(line: Located) -> tuple[str, Located] | None:
    """(section kind, text after the heading on the same line) when ``line`` opens a section."""
    found = _HEADING.match(line.text)
    if found is None:
        return None
    kind = _KINDS[re.sub(r"\s+", " ", found.group("kind").lower())]
    rest = line.sub(found.start("rest"), len(line.text)).strip()
    if rest.text and kind != "cited" and not found.group("colon"):
        return None  # 'Abstract concepts are…': prose that starts with a heading word, not a heading
    return kind, rest


def accepts(text: str) -> bool:
    """True for an aggregator fragment: it opens with an Affiliation, Abstract or Funder heading."""
    lines = nonblank_lines(text[:200_000])
    if not lines or _OTHER_LAYOUTS.search(text[:200_000]):
        return False
    first = _heading(lines[0])
    return first is not None and first[0] != "cited"


def read(text: str) -> list[RawRecord]:
    """The one record of an aggregator fragment; quarantined when none of its sections has content."""
    return read_guarded(text, FORMAT, accepts, _read)


def _read(text: str, part: Part) -> RawRecord:
    record = RawRecord(FORMAT, part.index, part.span)
    sections: list[tuple[str, Located, list[Located]]] = []
    for line in nonblank_lines(text):
        heading = _heading(line)
        if heading is not None:
            kind, rest = heading
            sections.append((kind, line, [rest] if rest.text else []))
        elif _TRAILER.match(line.text):
            sections.append(("trailer", line, []))
        elif sections:
            sections[-1][2].append(line)

    abstract: list[Located] = []
    for kind, heading, values in sections:
        if kind == "affiliation":
            for value in values:
                numbered = _NUMBERED.match(value.text)
                record.affiliations.append(value.sub(numbered.end(), len(value.text)) if numbered else value)
        elif kind == "abstract" and values and not abstract:
            first = values[0].strip(": \t\u00a0")  # 'Abstract' + ': text' variant
            abstract = [first, *values[1:]] if first.text else values[1:]
        elif kind == "funder":
            record.funders.extend(values)
        elif kind == "cited" and "cited_by_count" not in record.fields:
            count = values[0] if values else None
            if count is not None and re.search(r"\d", count.text):
                record.set("cited_by_count", Located.of(text, heading.start, count.end))
    if abstract:
        record.set("abstract", Located.of(text, abstract[0].start, abstract[-1].end))

    if not (record.affiliations or record.funders or "abstract" in record.fields):
        record.quarantine = ("aggregator fragment has headings but no Affiliation, Abstract or Funder text under "
                             "them; nothing to compile (re-capture the article's full fragment)")
    return record
