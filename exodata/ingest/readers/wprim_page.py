"""Layout b: an Index-Medicus / WPRIM-style article page, as captured from the browser.

The page is a title line, a DOI line, then dash-labelled sections (``- VernacularTitle:``, ``- Author:``,
``Author Information``, ``- Publication Type:``, ``- Keywords:``, ``- From:``, ``- CountryChina``,
``- Language:``, ``Abstract:``) whose values sit on their own lines between runs of tab-and-space filler.
Captures differ in indentation (column 0 or deeply indented), in whether blank filler survives
(whitespace-collapsed captures put one value per line), in doubled labels and in NBSP versus space after
list numbers.  So the reader works on the *non-blank lines* only and recognises sections by their labels,
never by position or indentation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from exodata.ingest.model import Located, Problem, RawAuthor, RawRecord, RawTerm
from exodata.ingest.readers._guard import Part, read_guarded
from exodata.ingest.readers._page import nonblank_lines

FORMAT = "wprim_page"

#: Labels with a meaning here; "Author Information" before "Author" so the longer one wins.
_LABELS = ("VernacularTitle", "Author Information", "Author", "Publication Type", "Keywords", "From",
           "Country", "Language", "Abstract")
_LABEL_ALT = "|".join(re.escape(label) for label in _LABELS)
#: '- Label' (colon optional: '- CountryChina'), or 'Label:' without the dash, or 'Author Information'.
_DASHED = re.compile(rf"^-[\s\u00a0]*(?P<label>{_LABEL_ALT})[\s\u00a0]*:?")
_UNDASHED = re.compile(rf"^(?P<label>{_LABEL_ALT})[\s\u00a0]*:|^(?P<info>Author Information)\b")
_SPECIFIC = {"VernacularTitle", "Author", "From", "Country", "Language", "Keywords", "Publication Type"}

_DOI_LINE = re.compile(r"^(?:doi[:\s]\s*|https?://(?:dx\.)?doi\.org/)?(?P<doi>10\.\d{4,9}/\S+)$", re.I)
_MARKERS = re.compile(r"^\d{1,2}(?:[\s\u00a0]*[,，][\s\u00a0]*\d{1,2})*$")
#: '1.\u00a0', '1. ', '1．', or a bare '1 ' before the text (never digits of the text itself).
_NUMBERED = re.compile(r"^(?P<number>\d{1,2})(?:[.．、][\s\u00a0]*|[\s\u00a0]+)(?=[^\d\s])")
#: The citation at the end of a 'From' line: four digits where the year goes ('2021 Jan 12;33(6):757-760'), to
#: the end.  Whether they are a year is the normaliser's one rule (exodata/ingest/years.py), which reports them
#: where they are written when they are not.
_CITATION = re.compile(r"(?:^|[\s\u00a0])(?P<citation>\d{4}(?:[\s\u00a0]+[A-Za-z]{3,9}"
                       r"(?:[\s\u00a0]+\d{1,2})?)?[\s\u00a0]*(?:;.*)?)$")


@dataclass
class _Section:
    label: str
    line: Located
    pieces: list[Located] = field(default_factory=list)


def _label(line: Located) -> tuple[str, Located] | None:
    """The section label a line opens and the value written after it on the same line, or None."""
    found = _DASHED.match(line.text) or _UNDASHED.match(line.text)
    if found is None:
        return None
    label = found.group("label") or found.group("info")
    return label, line.sub(found.end(), len(line.text)).strip()


def _sections(lines: list[Located]) -> tuple[list[Located], list[_Section]]:
    """Lines before the first label (title, DOI) and the labelled sections with their value lines."""
    head: list[Located] = []
    sections: list[_Section] = []
    for line in lines:
        labelled = _label(line)
        if labelled is not None:
            label, rest = labelled
            section = _Section(label, line)
            # 'Author Information Author Information': the doubled label is no value.
            if rest.text and not (label == "Author Information" and rest.text.startswith("Author Information")):
                section.pieces.append(rest)
            sections.append(section)
        elif re.fullmatch(r"-[\s\u00a0]*", line.text):
            continue  # the bare '-' before 'Abstract:' in collapsed captures
        elif sections:
            sections[-1].pieces.append(line)
        else:
            head.append(line)
    return head, sections


def _joined(pieces: list[Located], text: str) -> Located | None:
    """One value spanning several value lines (continuations are collapsed by the normaliser)."""
    if not pieces:
        return None
    return Located.of(text, pieces[0].start, pieces[-1].end)


def accepts(text: str) -> bool:
    """True for a WPRIM page: two or more of its section labels, at least one dash-labelled field."""
    labels = set()
    dashed = False
    for line in nonblank_lines(text[:200_000]):
        labelled = _label(line)
        if labelled is None:
            continue
        labels.add(labelled[0])
        if line.text.startswith("-") and labelled[0] in _SPECIFIC:
            dashed = True
    return dashed and len(labels) >= 2


def _read_authors(record: RawRecord, section: _Section, numbers: dict[int, int]) -> None:
    current: RawAuthor | None = None
    for piece in section.pieces:
        for part in re.finditer(r"[^;；]+", piece.text):
            value = piece.sub(part.start(), part.end()).strip()
            if not value.text:
                continue
            if _MARKERS.match(value.text):
                if current is None:
                    record.problems.append(Problem(f"author marker {value.text!r} before any author name",
                                                   offset=value.start))
                    continue
                for number in re.findall(r"\d+", value.text):
                    position = numbers.get(int(number))
                    if position is None:
                        record.problems.append(Problem(f"author marker {number} has no numbered affiliation "
                                                       "under Author Information", offset=value.start))
                    elif position not in current.affiliations:
                        current.affiliations.append(position)
            else:
                current = RawAuthor(value)
                record.authors.append(current)
        if re.search(r"[;；]\s*$", piece.text):
            current = None


def _read_affiliations(record: RawRecord, sections: list[_Section], text: str) -> dict[int, int]:
    """Affiliations in order, without their '1.' numbering; returns their number → position."""
    numbers: dict[int, int] = {}
    for section in sections:
        for piece in section.pieces:
            numbered = _NUMBERED.match(piece.text)
            if numbered is None and record.affiliations and numbers:
                last = record.affiliations[-1]  # an unnumbered line continues a numbered affiliation
                record.affiliations[-1] = Located.of(text, last.start, piece.end)
                continue
            value = piece.sub(numbered.end(), len(piece.text)) if numbered else piece
            record.affiliations.append(value)
            position = len(record.affiliations)
            numbers.setdefault(int(numbered.group("number")) if numbered else position, position)
    return numbers


def _read_from(record: RawRecord, section: _Section) -> None:
    for piece in section.pieces:
        found = _CITATION.search(piece.text)
        if found is not None and "citation" not in record.fields:
            record.set("citation", piece.sub(found.start("citation"), found.end("citation")).strip())
            before = piece.sub(0, found.start("citation")).strip()
            if before.text and "journal" not in record.fields:
                record.set("journal", before)
        elif "journal" not in record.fields and "citation" not in record.fields:
            record.set("journal", piece)


def read(text: str) -> list[RawRecord]:
    """The one record of a WPRIM page; quarantined when it has no English title line."""
    return read_guarded(text, FORMAT, accepts, _read)


def _read(text: str, part: Part) -> RawRecord:
    record = RawRecord(FORMAT, part.index, part.span)
    head, sections = _sections(nonblank_lines(text))
    title_lines: list[Located] = []
    for line in head:
        doi = _DOI_LINE.match(line.text)
        if doi is not None:
            if "doi" not in record.fields:
                record.set("doi", line.sub(doi.start("doi"), doi.end("doi")))
        elif "doi" not in record.fields:
            title_lines.append(line)
    record.set("title", _joined(title_lines, text))

    by_label: dict[str, list[_Section]] = {}
    for section in sections:
        by_label.setdefault(section.label, []).append(section)

    def first(label: str) -> Located | None:
        for section in by_label.get(label, []):
            if section.pieces:
                return _joined(section.pieces, text)
        return None

    for label in ("VernacularTitle", "From", "Abstract"):
        repeated = by_label.get(label, [])[1:]
        if repeated:
            record.problems.append(Problem(f"the page has {len(repeated) + 1} '{label}' sections (several captures "
                                           "in one file?); only the first is used", offset=repeated[0].line.start))
    record.set("title_vernacular", first("VernacularTitle"))
    numbers = _read_affiliations(record, by_label.get("Author Information", []), text)
    for section in by_label.get("Author", []):
        _read_authors(record, section, numbers)
    for section in by_label.get("Keywords", []):
        for piece in section.pieces:
            for part in re.finditer(r"[^;；]+", piece.text):
                keyword = piece.sub(part.start(), part.end()).strip()
                if keyword.text:
                    record.keywords.append(keyword)
    for section in by_label.get("Publication Type", []):
        for piece in section.pieces:
            for item in re.finditer(r"[^;；]+", piece.text):
                kind = piece.sub(item.start(), item.end()).strip()
                if kind.text:
                    record.publication_types.append(RawTerm(kind))
    for section in by_label.get("From", []):
        _read_from(record, section)
    record.set("country", first("Country"))
    record.set("language", first("Language"))
    record.set("abstract", first("Abstract"))

    if "title" not in record.fields:
        where = f"before offset {head[0].start if head else (sections[0].line.start if sections else 0)}"
        record.quarantine = ("WPRIM page has no English title line (expected as the first line, before the DOI "
                             f"and '- VernacularTitle:'; nothing found {where}); re-capture the page from its "
                             "first line")
    return record
