"""The per-seed stages for one seed file: decode → detect → read → normalise → annotate, guarded.

This is the part of a build that is a pure map over files (it sees one seed at a time and nothing
else), so it runs in worker processes here or on any cluster engine; only merging, assembling and
writing see the whole corpus.  Records are produced lazily, so the stage after this one
(exodata/ingest/staging.py) turns each into columns before the next is read.  Nothing here raises on bad input:
every problem becomes a quarantined :class:`RecordResult` with a reason a person can act on, and the
whole of a file's work (decoding included) runs within its time budget.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from exodata.ingest import formats
from exodata.ingest.annotate import annotate_record
from exodata.ingest.decode import MAX_SEED_BYTES, decode, oversize_problem
from exodata.ingest.model import RawRecord, Record

T = TypeVar("T")

#: At most this many records are read from one seed file (a bound on memory for adversarial files).
MAX_RECORDS_PER_FILE = 100_000

#: Wall-time budget for reading one seed file: a floor plus time proportional to its size.
SECONDS_PER_FILE = 30.0
SECONDS_PER_MEGABYTE = 10.0

#: Fields of which a compiled record must have at least one: without any, there is nothing to compile.
IDENTIFYING_FIELDS = ("title", "doi", "pmid", "pmcid", "abstract")


@dataclass
class RecordResult:
    index: int
    record: Record | None
    reason: str | None = None


@dataclass
class SeedResult:
    """Everything one seed file yielded: its identity, its format and one result per record."""

    file: str
    sha256: str | None
    encoding: str | None
    format: str | None
    records: Iterable[RecordResult] = field(default_factory=list)  # lazy: iterate once


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


def _quarantined(file: str, sha256: str | None, encoding: str | None, fmt: str | None, reason: str) -> SeedResult:
    return SeedResult(file, sha256, encoding, fmt, [RecordResult(0, None, reason)])


def _missing_parts(record: Record) -> str | None:
    if any(record.get(name) is not None for name in IDENTIFYING_FIELDS):
        return None
    return "record has no title, DOI, PMID, PMCID or abstract: nothing identifies the work"


def _compiled_records(raws: Iterable[RawRecord], file: str, fmt: str) -> Iterator[RecordResult]:
    """Normalise and annotate each raw record as it is consumed (so a big file's records are not all held)."""
    from exodata.ingest.normalise import normalise_record

    count = 0
    for position, raw in enumerate(raws):
        if position >= MAX_RECORDS_PER_FILE:
            yield RecordResult(position, None, f"{file}: records after the {MAX_RECORDS_PER_FILE:,}th were not read "
                                               "(limit per seed file); split the export into smaller files")
            return
        index = raw.index if raw.index is not None else position
        count += 1
        if raw.quarantine:  # readers name the record themselves (1-based, with its line)
            yield RecordResult(index, None, f"{file}: {raw.quarantine}")
            continue
        record = normalise_record(raw)
        missing = _missing_parts(record)
        if missing:
            yield RecordResult(index, None, f"{file}: record {index + 1} of the file: {missing}")
            continue
        annotate_record(record)
        yield RecordResult(index, record)
    if count == 0:
        yield RecordResult(0, None, f"{file}: the {fmt} reader found no record in it")


def compile_text(text: str, file: str, sha256: str, encoding: str | None) -> SeedResult:
    """Detect the format of decoded seed text; its records are read, normalised and annotated lazily."""
    fmt = formats.detect(text)
    if fmt is None:
        head = " ".join(text.strip().split())[:60]
        return _quarantined(file, sha256, encoding, None,
                            f"{file}: no reader accepts this file (starts with {head!r}); "
                            f"add a reader for its format or convert it to {formats.convert_to()}")
    return SeedResult(file, sha256, encoding, fmt, _compiled_records(formats.reader(fmt).read(text), file, fmt))


def read_seed(path: Path) -> tuple[bytes | None, str, str | None]:
    """The bytes of a seed file and their sha256, or (None, sha256, why) when it is over the size limit."""
    import hashlib

    size = path.stat().st_size
    if size <= MAX_SEED_BYTES:
        data = path.read_bytes()
        return data, hashlib.sha256(data).hexdigest(), None
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return None, digest.hexdigest(), oversize_problem(size)


def compile_file(path: Path, file: str, consume: Callable[[SeedResult], T]) -> T:
    """Compile one seed file and hand the result to ``consume`` (which iterates its records), all within the
    file's time budget and guarded: a timeout, runaway nesting or a reader bug quarantines the file, with the
    reason, instead of stopping the build."""
    data, sha256, refused = read_seed(path)
    if data is None:
        return consume(_quarantined(file, sha256, None, None, f"{file}: {refused}"))
    budget = SECONDS_PER_FILE + SECONDS_PER_MEGABYTE * len(data) / 1e6
    encoding = None
    try:
        with deadline(budget):
            decoded = decode(data, sha256)
            if decoded.text is None:
                return consume(_quarantined(file, sha256, decoded.encoding, None, f"{file}: {decoded.problem}"))
            encoding = decoded.encoding
            return consume(compile_text(decoded.text, file, sha256, encoding))
    except SeedTimeout:
        reason = f"{file}: reading took longer than {budget:.0f} s; the file was skipped"
    except RecursionError:
        reason = f"{file}: structure nested too deeply to read"
    except MemoryError:
        reason = f"{file}: reading needed more memory than this machine has; split the file"
    except Exception as error:  # a reader bug must not stop the build, nor hide the file
        reason = (f"{file}: internal error while reading ({type(error).__name__}: {error}); "
                  "please report it with this file")
    return consume(_quarantined(file, sha256, encoding, None, reason))
