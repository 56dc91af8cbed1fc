"""The per-seed stages: decode → detect → read → normalise → annotate, as one pure function of a file's bytes.

This is the part of a build that is a pure map over files (it sees one seed at a time and nothing
else), so it can run in worker processes here or on any cluster engine; merging, annotation and writing
see the whole corpus and run afterwards.  Nothing here raises on bad input: every problem becomes a
quarantined :class:`RecordResult` with a reason a person can act on.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from exodata.decode import MAX_SEED_BYTES, decode
from exodata.model import Record

#: Wall-time budget for reading one seed file: a floor plus time proportional to its size.
SECONDS_PER_FILE = 30.0
SECONDS_PER_MEGABYTE = 10.0

#: Fields of which a compiled record must have at least one: without any, there is nothing to compile.
IDENTIFYING_FIELDS = ("title", "doi", "pmid", "pmcid", "abstract")

#: Fields the annotator reads (with the keywords), and those quantities are taken from.
ANNOTATED_FIELDS = ("title", "title_vernacular", "abstract")
QUANTITY_FIELDS = ("title", "abstract")


@dataclass
class RecordResult:
    index: int
    record: Record | None
    reason: str | None = None


@dataclass
class SeedResult:
    """Everything one seed file yielded: its identity, its format and one result per record."""

    file: str
    sha256: str
    encoding: str | None
    format: str | None
    records: list[RecordResult] = field(default_factory=list)


class SeedTimeout(Exception):
    pass


@contextmanager
def deadline(seconds: float):
    """Raise :class:`SeedTimeout` if the block runs longer than ``seconds`` (main thread only; else no limit)."""
    try:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
    except ValueError:  # not in the main thread: no timer available
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _on_alarm(signum, frame):
    raise SeedTimeout()


@cache
def _annotator():
    """One annotator per process: the vocabulary is read and its automaton built once."""
    from exodata.vocabulary import Annotator, load_vocabulary

    return Annotator(load_vocabulary())


def annotate_record(record: Record) -> None:
    """Find concept mentions and vesicle quantities in the record's normalised title, abstract and keywords.

    Annotation is a pure function of one record's values, so it runs here, in the per-file stage (in worker
    processes with ``--jobs``); the merge keeps the annotations of the record whose value it keeps.
    """
    from exodata.vocabulary import extract_quantities

    fields = {name: record.get(name) for name in ANNOTATED_FIELDS}
    record.mentions = _annotator().annotate(fields, [keyword.value for keyword in record.keywords])
    record.quantities = [quantity for name in QUANTITY_FIELDS if fields[name]
                         for quantity in extract_quantities(name, fields[name])]


def _quarantined(file: str, sha256: str, encoding: str | None, fmt: str | None, reason: str) -> SeedResult:
    return SeedResult(file, sha256, encoding, fmt, [RecordResult(0, None, reason)])


def _missing_parts(record: Record) -> str | None:
    if any(record.get(name) is not None for name in IDENTIFYING_FIELDS):
        return None
    return "record has no title, DOI, PMID, PMCID or abstract: nothing identifies the work"


def compile_text(text: str, file: str, sha256: str, encoding: str | None) -> SeedResult:
    """Detect, read and normalise decoded seed text."""
    from exodata.normalise import normalise_record
    from exodata.readers import detect, reader

    fmt = detect(text)
    if fmt is None:
        head = " ".join(text.strip().split())[:60]
        return _quarantined(file, sha256, encoding, None,
                            f"{file}: no reader accepts this file (starts with {head!r}); "
                            "add a reader for its format or convert it to MEDLINE, RIS, BibTeX, CSL-JSON or XML")
    result = SeedResult(file, sha256, encoding, fmt)
    for position, raw in enumerate(reader(fmt).read(text)):
        index = raw.index if raw.index is not None else position
        if raw.quarantine:
            result.records.append(RecordResult(index, None, f"{file}: record {index}: {raw.quarantine}"))
            continue
        record = normalise_record(raw)
        missing = _missing_parts(record)
        if missing:
            result.records.append(RecordResult(index, None, f"{file}: record {index}: {missing}"))
        else:
            annotate_record(record)
            result.records.append(RecordResult(index, record))
    if not result.records:
        return _quarantined(file, sha256, encoding, fmt, f"{file}: the {fmt} reader found no record in it")
    return result


def compile_bytes(data: bytes, file: str) -> SeedResult:
    """Decode, detect, read and normalise the bytes of one seed, within a time budget."""
    decoded = decode(data)
    if decoded.text is None:
        return _quarantined(file, decoded.sha256, decoded.encoding, None, f"{file}: {decoded.problem}")
    budget = SECONDS_PER_FILE + SECONDS_PER_MEGABYTE * len(data) / 1e6
    try:
        with deadline(budget):
            return compile_text(decoded.text, file, decoded.sha256, decoded.encoding)
    except SeedTimeout:
        return _quarantined(file, decoded.sha256, decoded.encoding, None,
                            f"{file}: reading took longer than {budget:.0f} s; the file was skipped")
    except RecursionError:
        return _quarantined(file, decoded.sha256, decoded.encoding, None,
                            f"{file}: structure nested too deeply to read")
    except Exception as error:  # a reader bug must not stop the build, nor hide the file
        return _quarantined(file, decoded.sha256, decoded.encoding, None,
                            f"{file}: internal error while reading ({type(error).__name__}: {error}); "
                            "please report it with this file")


def compile_path(path: Path, file: str) -> SeedResult:
    """:func:`compile_bytes` on a file, refusing oversized files before reading them."""
    import hashlib

    size = path.stat().st_size
    if size > MAX_SEED_BYTES:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return _quarantined(file, digest.hexdigest(), None, None,
                            f"{file}: file is {size} bytes, over the {MAX_SEED_BYTES}-byte limit for one seed; "
                            "split it into smaller exports")
    return compile_bytes(path.read_bytes(), file)
