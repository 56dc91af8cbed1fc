"""Layout a: a VuFind catalogue record page (Spanish or English interface), as captured from the browser.

The page is a title line, a teaser (the first 300 characters of the summary plus '...'), interface headings
('Descripción completa' / 'Full description', 'Detalles Bibliográficos' / 'Bibliographic Details') and
``Label: value`` lines whose value may continue on the following lines (one link per line under
'Online Access').  The reader knows the labels of both interfaces and takes a field's value from its label
line up to the next label or heading.

Authors come as ``Family, Given, Family, Given`` (Spanish interface) or ``Given Family, Given Family``
(English interface): the reader returns one located name per author and leaves the splitting of the name to
the normaliser.
"""

from __future__ import annotations

import re
import unicodedata

from exodata.ingest.model import Located, Problem, RawAuthor, RawRecord
from exodata.ingest.readers._guard import Part, read_guarded
from exodata.ingest.readers._page import nonblank_lines

FORMAT = "vufind_page"

#: Interface labels (Spanish and English) → what the reader does with them.
_LABELS: dict[str, str] = {
    "autores principales": "authors_es", "autor principal": "authors_es", "otros autores": "authors_es",
    "autores": "authors_es", "autor": "authors_es",
    "main authors": "authors", "main author": "authors", "other authors": "authors", "authors": "authors",
    "author": "authors",
    "autor corporativo": "corporate", "corporate author": "corporate", "corporate authors": "corporate",
    "formato": "format", "format": "format",
    "lenguaje": "language", "idioma": "language", "language": "language", "languages": "language",
    "publicado": "published", "published": "published", "publicación": "published",
    "serie": "series", "series": "series",
    "materias": "subjects", "temas": "subjects", "subjects": "subjects",
    "acceso en línea": "links", "online access": "links",
    "sumario": "summary", "resumen": "summary", "summary": "summary",
    "notas": "notes", "notes": "notes", "descripción física": "other", "physical description": "other",
    "edición": "other", "edition": "other", "isbn": "other", "issn": "other", "etiquetas": "other",
    "tags": "other", "fuente": "other", "source": "other", "en": "other", "in": "other",
}
_LABEL = re.compile(
    r"^(?P<label>" + "|".join(sorted((re.escape(k) for k in _LABELS), key=len, reverse=True)) + r")[ \t\u00a0]*:",
    re.IGNORECASE,
)
#: Interface headings: they end the value of the label before them.
_HEADINGS = {"cargando…", "cargando...", "loading…", "loading...", "descripción completa", "full description",
             "detalles bibliográficos", "bibliographic details", "descripción", "description",
             "staff view", "vista del personal", "holdings", "existencias", "similar items", "ítems similares",
             "items similares", "table of contents", "tabla de contenidos", "comments", "comentarios",
             "details", "detalles", "holdings details", "export record", "exportar registro"}
_SIGNATURE = {"descripción completa", "full description", "detalles bibliográficos", "bibliographic details"}
_MAIN_LABELS = {"authors_es", "authors", "published", "links", "summary", "language", "format"}
_LINK = re.compile(r"(?:https?://|www\.|doi:\s*|10\.\d{4,9}/)\S+", re.IGNORECASE)


def _key(line: str) -> str:
    return unicodedata.normalize("NFC", line).strip().rstrip(":").strip().lower()


def _classify(line: Located) -> tuple[str, Located] | None:
    """('heading', line) or (label kind, value after the colon) for an interface line, else None."""
    if _key(line.text) in _HEADINGS:
        return "heading", line
    found = _LABEL.match(unicodedata.normalize("NFC", line.text)) if line.text[:1].isalpha() else None
    if found is None or len(unicodedata.normalize("NFC", line.text)) != len(line.text):
        return None
    return _LABELS[found.group("label").lower()], line.sub(found.end(), len(line.text)).strip()


def accepts(text: str) -> bool:
    """True for a VuFind record page: an interface heading plus a field label, or three field labels."""
    headings = 0
    labels: set[str] = set()
    for line in nonblank_lines(text[:200_000]):
        kind = _classify(line)
        if kind is None:
            continue
        if kind[0] == "heading":
            headings += _key(line.text) in _SIGNATURE
        elif kind[0] in _MAIN_LABELS:
            labels.add(kind[0])
    return (headings >= 1 and len(labels) >= 1) or len(labels) >= 3


def _span_of(value: Located, first: Located, last: Located) -> Located:
    """The part of ``value`` from the start of ``first`` to the end of ``last`` (both inside it)."""
    return value.sub(first.start - value.start, last.end - value.start)


def _split_authors(value: Located, spanish: bool) -> list[Located]:
    """One located name per author of a comma-separated author line (see the module docstring)."""
    parts = [value.sub(m.start(), m.end()).strip() for m in re.finditer(r"[^,;]+", value.text)]
    parts = [p for p in parts if p.text and not re.fullmatch(r"\d{4}-?(?:\d{4})?\.?|et al\.?|\.\.\.|…", p.text)]
    if spanish and len(parts) % 2 == 0:
        return [_span_of(value, a, b) for a, b in zip(parts[::2], parts[1::2])]
    names, i = [], 0
    while i < len(parts):
        part = parts[i]
        if len(part.text.split()) == 1 and i + 1 < len(parts):  # 'Family, Given'
            names.append(_span_of(value, part, parts[i + 1]))
            i += 2
        else:  # 'Given Family'
            names.append(part)
            i += 1
    return names


def read(text: str) -> list[RawRecord]:
    """The one record of a VuFind page; quarantined when the page has no title line."""
    return read_guarded(text, FORMAT, accepts, _read)


def _read(text: str, part: Part) -> RawRecord:
    record = RawRecord(FORMAT, part.index, part.span)
    lines = nonblank_lines(text)
    head: list[Located] = []
    fields: list[tuple[str, list[Located]]] = []
    seen_interface = False
    for line in lines:
        kind = _classify(line)
        if kind is None:
            if fields and fields[-1][0] != "heading":
                fields[-1][1].append(line)
            elif not seen_interface:
                head.append(line)
            continue
        seen_interface = seen_interface or kind[0] != "heading" or _key(line.text) in _SIGNATURE
        if kind[0] == "heading":
            fields.append(("heading", []))
        else:
            fields.append((kind[0], [kind[1]] if kind[1].text else []))

    summary = None
    for kind, values in fields:
        if not values:
            continue
        joined = Located.of(text, values[0].start, values[-1].end)
        if kind in ("authors", "authors_es"):
            for value in values:
                for name in _split_authors(value, spanish=kind == "authors_es"):
                    record.authors.append(RawAuthor(name))
        elif kind == "links":
            for value in values:
                for link in _LINK.finditer(value.text):
                    record.links.append(value.sub(link.start(), link.end()).strip(".,;"))
        elif kind == "summary" and summary is None:
            summary = joined
        elif kind in ("language", "published", "series") and kind not in record.fields:
            record.set("journal" if kind == "series" else kind, values[0] if kind != "series" else joined)
    record.set("abstract", summary)

    title = _title(head, summary)
    record.set("title", title)
    if title is None:
        record.quarantine = ("VuFind page has no title line (expected as the first line after 'Cargando…'/"
                             "'Loading…', before the teaser and 'Descripción completa'/'Full description'); "
                             "re-capture the page from its top")
    elif len(head) > 2:
        record.problems.append(Problem(f"{len(head) - 2} unexpected line(s) between the title and the "
                                       "interface headings were ignored", offset=head[2].start))
    return record


def _words(value: str) -> str:
    return " ".join(value.split())


def _is_teaser(line: Located, summary: Located | None) -> bool:
    """The teaser is the summary's first 300 characters plus '...'."""
    body = line.text.rstrip()
    if not (body.endswith("...") or body.endswith("…")):
        return False
    prefix = _words(body.rstrip(".…"))
    if summary is not None:
        return bool(prefix) and _words(summary.text).startswith(prefix)
    return len(body) >= 200


def _title(head: list[Located], summary: Located | None) -> Located | None:
    if not head or _is_teaser(head[0], summary):
        return None
    return head[0]
