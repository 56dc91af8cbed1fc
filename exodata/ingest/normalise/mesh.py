"""Publication types and MeSH headings: the terms a record's indexers gave it, cleaned, with their seed spans.

A MEDLINE ``MH`` line writes a heading as ``*Descriptor/qualifier/*qualifier``: the descriptor, then its
qualifiers after ``/``, each starred when it is a major topic.  :func:`split_medline_heading` reads that into
the same :class:`~exodata.ingest.model.RawHeading` a PubMed XML ``MeshHeading`` gives (where the reader sees the
elements, their ``UI`` and ``MajorTopicYN``), so :func:`subject_heading` cleans both the same way.  Every part
keeps the span of the characters it was read from.
"""

from __future__ import annotations

import re

from exodata.ingest.model import Located, Problem, PublicationType, RawHeading, RawTerm, SubjectHeading
from exodata.ingest.normalise.text import clean_text

#: MeSH unique ids: descriptors (publication types are descriptors too) and qualifiers.
_DESCRIPTOR_ID = re.compile(r"D\d{6,9}")
_QUALIFIER_ID = re.compile(r"Q\d{6,9}")
#: What MEDLINE puts before a major topic, and between a descriptor and its qualifiers.
MAJOR_MARK = "*"
SEPARATOR = "/"


def _term(part: Located) -> RawTerm | None:
    """One ``/``-separated part of a MEDLINE heading as a term: its name without the ``*`` (a run of them, and
    white space after, count as one mark), and whether it was starred; None when no name is left (an empty
    part, or a ``*`` alone)."""
    written = part.strip()
    major = written.text.startswith(MAJOR_MARK)
    name = written
    if major:
        marks = len(written.text) - len(written.text.lstrip(MAJOR_MARK))
        name = written.sub(marks, len(written.text)).strip()
    if not name:
        return None
    return RawTerm(name, None, major, (written.start, written.end) if major else None)


def split_medline_heading(written: Located) -> RawHeading:
    """The descriptor and qualifiers of a MEDLINE ``MH`` value (``Exosomes/metabolism/*transplantation``).

    A heading whose descriptor is empty (``/metabolism``, ``*``) comes back without a descriptor; empty
    qualifiers (``Exosomes//*``) are left out.  Every term is a slice of ``written``.
    """
    text = written.text
    if SEPARATOR not in text:  # the usual case: a descriptor alone
        return RawHeading(written, _term(written))
    parts = []
    at = 0
    for piece in text.split(SEPARATOR):
        parts.append(written.sub(at, at + len(piece)))
        at += len(piece) + len(SEPARATOR)
    descriptor = _term(parts[0])
    qualifiers = [term for term in map(_term, parts[1:]) if term is not None]
    return RawHeading(written, descriptor, qualifiers)


def format_medline_heading(descriptor: str, descriptor_major: bool, qualifiers: list[str],
                           major_qualifiers: list[str]) -> str:
    """The MEDLINE ``MH`` value of a heading (the inverse of :func:`split_medline_heading` on clean values)."""
    starred = set(major_qualifiers)
    parts = [MAJOR_MARK * descriptor_major + descriptor]
    parts += [MAJOR_MARK * (qualifier in starred) + qualifier for qualifier in qualifiers]
    return SEPARATOR.join(parts)


def _mesh_id(located: Located | None, pattern: re.Pattern[str], what: str, problems: list[Problem]) -> str | None:
    """A MeSH id as given (trimmed), or None with a problem when it is not one."""
    if located is None:
        return None
    value = located.value.strip()
    if pattern.fullmatch(value):
        return value
    problems.append(Problem(f"{what} {value!r} is not a MeSH id ({pattern.pattern}); left empty", located.start))
    return None


def publication_type(position: int, raw: RawTerm, problems: list[Problem]) -> PublicationType | None:
    """The cleaned publication type at ``position`` (1-based), or None when it is blank."""
    name = clean_text(raw.name.value)
    if name is None:
        return None
    mesh_id = _mesh_id(raw.id, _DESCRIPTOR_ID, "publication type UI", problems)
    return PublicationType(position, name, mesh_id, raw.name.start, raw.name.end,
                           (raw.id.start, raw.id.end) if mesh_id is not None else None)


def subject_heading(position: int, raw: RawHeading, problems: list[Problem]) -> SubjectHeading | None:
    """The cleaned heading at ``position`` (1-based), or None (with a problem) when it has no descriptor.

    A MEDLINE heading (``raw.descriptor`` None) is split first.  Qualifier ids are kept only when every
    qualifier has one (they are aligned with the qualifiers); blank qualifiers are left out.
    """
    if raw.descriptor is None:
        written = raw.written
        if SEPARATOR not in written.text and MAJOR_MARK not in written.text:  # most MEDLINE headings: 'Animals'
            name = clean_text(written.value)
            if name is not None:
                if written.text[:1].isspace() or written.text[-1:].isspace():
                    written = written.strip()
                span = (written.start, written.end)
                return SubjectHeading(position, name, None, False, False, [], [], [],
                                      {"descriptor": span, "major": span, "descriptor_major": span})
        raw = split_medline_heading(written)
    descriptor = raw.descriptor
    name = clean_text(descriptor.name.value) if descriptor is not None else None
    if name is None:
        problems.append(Problem(f"MeSH heading {clean_text(raw.written.text)!r} has no descriptor; left out",
                                raw.written.start))
        return None
    spans = {"descriptor": (descriptor.name.start, descriptor.name.end)}
    descriptor_id = _mesh_id(descriptor.id, _DESCRIPTOR_ID, "MeSH descriptor UI", problems)
    if descriptor_id is not None:
        spans["descriptor_id"] = (descriptor.id.start, descriptor.id.end)
    spans["major"] = (raw.written.start, raw.written.end)
    spans["descriptor_major"] = descriptor.span
    qualifiers: list[str] = []
    ids: list[str | None] = []
    kept: list[RawTerm] = []
    for term in raw.qualifiers:
        qualifier = clean_text(term.name.value)
        if qualifier is None:
            continue
        qualifiers.append(qualifier)
        ids.append(_mesh_id(term.id, _QUALIFIER_ID, "MeSH qualifier UI", problems))
        kept.append(term)
    if kept:
        spans["qualifiers"] = (kept[0].name.start, kept[-1].name.end)
    qualifier_ids: list[str] = []
    if kept and None not in ids:
        qualifier_ids = ids  # type: ignore[assignment]
        spans["qualifier_ids"] = (kept[0].id.start, kept[-1].id.end)
    elif any(ids):
        problems.append(Problem(f"MeSH heading {name!r}: not every qualifier has a UI, so none is kept (the ids "
                                "are aligned with the qualifiers)", raw.written.start))
    majors = [term for term in kept if term.major]
    major_qualifiers = [qualifier for qualifier, term in zip(qualifiers, kept) if term.major]
    if majors:
        spans["major_qualifiers"] = (majors[0].span[0], majors[-1].span[1])
    return SubjectHeading(position, name, descriptor_id, descriptor.major or bool(majors), descriptor.major,
                          qualifiers, qualifier_ids, major_qualifiers, spans)
