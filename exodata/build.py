"""``exodata build``: seeds in, a validated Frictionless package out.

The flow (see docs/architecture.md): list the seed files → compile and stage each (decode, detect, read,
normalise, annotate, turn into columns and spill them to a temporary directory: a pure map, in worker
processes with ``jobs > 1``) → merge duplicates → assemble each table, a long one in parts → check each
part (pandera, keys, offsets) while it is written → swap the package in.  Validation failures stop the
write and name table, column, row and value; bad seeds never stop the build, they become quarantined rows.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from exodata.ingest import formats
from exodata.ingest.staging import stage_job

if TYPE_CHECKING:
    import polars as pl

ProgressCallback = Callable[[int, int, str], None]
T = TypeVar("T")


class BuildError(Exception):
    """The tables failed validation (or --strict found quarantined records): nothing was written."""


@dataclass
class BuildSummary:
    out: Path
    files: int = 0
    manifests: list[str] = field(default_factory=list)  # `exodata fetch` manifests: not seeds, skipped (reported)
    status: Counter = field(default_factory=Counter)
    publications: int = 0
    conflicts: int = 0
    mentions: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    quarantined: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage (reported, never written)
    jobs: int = 1  # worker processes the seeds were read in


def seed_files(seeds: Path) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """The seed files under ``seeds`` (recursively, sorted by POSIX path), and the entries not read, with why.

    Hidden files (a name part starting with '.') and symbolic links are not read, but they are not dropped
    either: the build gives each a quarantined ``seed_records`` row saying so.  The manifests ``exodata fetch``
    keeps beside its seeds (``*.fetch.json``, :func:`fetch_manifests`) describe a harvest, not records: they are
    neither read nor quarantined, and the build's summary counts them.
    """
    found, skipped = [], []
    for path in sorted(seeds.rglob("*"), key=lambda p: p.relative_to(seeds).as_posix()):
        relative = path.relative_to(seeds).as_posix()
        parts = path.relative_to(seeds).parts
        if any(part.startswith(".") for part in parts[:-1]):
            continue  # inside a hidden folder: the folder itself is reported once
        if path.is_symlink():
            skipped.append((relative, f"{relative}: symbolic link, not followed; copy the file into the seeds "
                                      "directory instead"))
        elif parts[-1].startswith("."):
            skipped.append((relative, f"{relative}: hidden {'folder' if path.is_dir() else 'file'}, not read; "
                                      "rename it without the leading '.' if it is a seed"))
        elif path.is_file() and not path.name.endswith(FETCH_MANIFEST):
            found.append((path, relative))
    return found, skipped


#: How ``exodata fetch`` names its manifests (``exodata.harvest.store.MANIFEST_SUFFIX``).
FETCH_MANIFEST = ".fetch.json"


def fetch_manifests(seeds: Path) -> list[str]:
    """The ``exodata fetch`` manifests under ``seeds`` that :func:`seed_files` skips (relative POSIX paths)."""
    return sorted(path.relative_to(seeds).as_posix() for path in seeds.rglob(f"*{FETCH_MANIFEST}")
                  if path.is_file() and not path.is_symlink()
                  and not any(part.startswith(".") for part in path.relative_to(seeds).parts))


def skipped_records(skipped: list[tuple[str, str]]) -> pl.DataFrame:
    """The ``records`` staging rows of entries that were not read."""
    import polars as pl

    from exodata.ingest.staging import FIGURES, SOURCE_NUMBER, staged_schema

    rows = [{"file": relative, "record": 0, "status": "quarantined", "reason": reason, "keys": [],
             "rank": formats.trust_rank(None), **dict.fromkeys(FIGURES, 0)} for relative, reason in skipped]
    return (pl.DataFrame(rows, schema=staged_schema("records"))
            .with_columns(pl.lit(None, pl.Int64).alias(SOURCE_NUMBER)))  # never compiled: no staged rows


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # the worker reports it, as a quarantined file
        return 0


#: With ``jobs=0`` (the command's default) seeds are read in worker processes only when they add up to at least this
#: many bytes or files: starting the workers has a fixed cost (each imports polars and builds the vocabulary
#: automaton), which a corpus of about a thousand records repays, and so do a hundred small files (a seed file
#: costs several ms however small: staging and spilling ten tables), but the shipped five seeds do not
#: (docs/benchmarks.md).
AUTO_PARALLEL_BYTES = 1 << 20
AUTO_PARALLEL_FILES = 100


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, not the machine's count, where the OS says)."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def choose_jobs(jobs: int, files: list[tuple[Path, str]]) -> int:
    """``jobs`` itself when given (> 0); for 0 (automatic), one worker per usable CPU, at most one per file,
    when the seeds are enough work to repay starting workers (:data:`AUTO_PARALLEL_BYTES`,
    :data:`AUTO_PARALLEL_FILES`), else 1."""
    if jobs > 0:
        return jobs
    if len(files) < AUTO_PARALLEL_FILES and sum(_size(path) for path, _ in files) < AUTO_PARALLEL_BYTES:
        return 1
    return max(1, min(usable_cpus(), len(files)))


def compile_all(files: list[tuple[Path, str]], jobs: int, progress: ProgressCallback | None,
                spill_dir: Path) -> list[dict]:
    """Compile and stage every seed file; ``jobs > 1`` spreads the work over worker processes.

    Each result is the file's staged ``records`` frame and, for every other staged table with rows, the path of
    the file its columns were spilled to in ``spill_dir`` (see exodata/ingest/staging.py): the build holds no Python
    records, and of the staged tables only the small ``records`` frames while seeds are compiled.  Results
    come back in seed order whatever order the workers finish in; workers take the largest files first, so
    that no long file is left running alone at the end.
    """
    work = [(str(path), relative, number, str(spill_dir)) for number, (path, relative) in enumerate(files)]
    if jobs <= 1 or len(work) <= 1:
        results = []
        for done, job in enumerate(work, start=1):
            results.append(stage_job(job))
            if progress:
                progress(done, len(work), job[1])
        return results
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # forkserver, not fork: a forked child inherits polars' thread pool in whatever state the parent left it,
    # and its first multi-threaded call (writing a spill file) can deadlock
    context = multiprocessing.get_context("forkserver")
    by_number: dict[int, dict] = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=relax_gc) as pool:
        largest_first = sorted(range(len(work)), key=lambda number: (-_size(files[number][0]), number))
        futures = {pool.submit(stage_job, work[number]): number for number in largest_first}
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                number = futures[future]
                by_number[number] = future.result()
                if progress:
                    progress(done, len(work), work[number][1])
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
    return [by_number[number] for number in range(len(work))]


@contextmanager
def relaxed_gc():
    """:func:`relax_gc` for the duration of a block; the previous thresholds are restored after it."""
    thresholds = gc.get_threshold()
    relax_gc()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def relax_gc() -> None:
    """Run the cyclic garbage collector less often while seeds are compiled (here and in worker processes).

    Readers make millions of short-lived, acyclic objects (strings, tuples, spans); with the default thresholds
    the collector's young-generation passes are a noticeable share of the per-file stage (docs/benchmarks.md).
    Memory stays bounded: each file's records are turned into columns as they are read, and at most 100,000
    records are read per file.
    """
    gc.set_threshold(50_000, 50, 100)


def descriptor_metadata(summary: BuildSummary, seeds: list[tuple[str, str]]) -> dict:
    """The package-level properties of datapackage.json, from the project metadata (no wall-clock time: see
    ``writing.created_timestamp``)."""
    from exodata.metadata.project import project
    from exodata.package.layout import BUILD_KEY

    about = project()
    data_license = about.licenses["data"]
    return {
        "name": about.name,
        "title": about.short_title,
        "description": about.description,
        "version": about.version,
        "homepage": about.repository,
        "keywords": list(about.keywords),
        "licenses": [{"name": data_license["id"], "path": data_license["url"], "title": data_license["title"]}],
        "contributors": [{"title": creator["name"], "roles": ["creator"]} for creator in about.creators],
        "sources": [
            *({"title": f"seed {name}", "exodata:sha256": digest} for name, digest in seeds),
            *({"title": source["title"], "path": source["path"]} for source in about.sources),
        ],
        BUILD_KEY: {
            "exodata_version": about.version,
            "seed_files": summary.files,
            "records": dict(sorted(summary.status.items())),
            "publications": summary.publications,
        },
    }


def check_locations(seeds: Path, out: Path) -> None:
    """Refuse (:class:`BuildError`, one line with the fix) seeds that are not a directory and an output that could
    not be written: a file, or a directory (or the parent it would be made in) this process cannot write to.

    Checked before any seed is read, so that a long compile does not end in an error it could have foreseen.
    """
    import os

    if not seeds.exists():
        raise BuildError(f"seeds directory {seeds} does not exist; pass the folder of seed files with --seeds")
    if not seeds.is_dir():
        raise BuildError(f"--seeds {seeds} is a file, not a directory; put the file in a folder and pass the folder")
    if out.exists() and not out.is_dir():
        raise BuildError(f"--out {out} is a file, not a directory; pass a directory to write the package into")
    existing = out
    while not existing.exists():  # the nearest folder that exists: where the output directory would be made
        existing = existing.parent
    if not existing.is_dir():
        raise BuildError(f"--out {out}: {existing} is a file, so the directory cannot be made; choose another --out")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise BuildError(f"cannot write to {existing} (permission denied); choose another --out or fix its "
                         "permissions")


_DONE = object()


def read_ahead(items: Iterator[T]) -> Iterator[T]:
    """Yield ``items`` while the next one is computed in a background thread.

    The assembly of the next table part then overlaps the checking and writing of this one (polars releases
    the GIL), and at most two parts are held at once: the one handed out and the one being built.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="exodata-assemble") as pool:
        upcoming = pool.submit(next, items, _DONE)
        while (item := upcoming.result()) is not _DONE:
            upcoming = pool.submit(next, items, _DONE)
            yield item


def build(seeds: Path, out: Path, *, strict: bool = False, jobs: int = 1,
          progress: ProgressCallback | None = None, on_stage: Callable[[str], None] | None = None) -> BuildSummary:
    """Compile ``seeds`` into a package in ``out``; raise :class:`BuildError` (writing nothing) when invalid.

    ``jobs`` worker processes read the seeds (1: in this process; 0: chosen by :func:`choose_jobs`, one per CPU
    for a large corpus).  ``progress(done, total, file)`` is called after each seed file; ``on_stage(text)``
    when a corpus-wide stage starts, so a terminal can say what a long build is doing.

    Memory is bounded by a table part, not by the corpus: the per-file stage spills its columns to a
    temporary directory, and tables are then assembled in dependency order, a long one in parts of about a
    million rows, each part checked and written (the checker keeps only the keys and texts later tables are
    checked against) and let go.  Nothing reaches ``out`` unless every table is valid: tables are written
    into a staging directory that is swapped in at the end.

    With ``jobs > 1`` the workers start by ``forkserver``, as they do on every platform from Python 3.14: a
    script calling this needs the ``if __name__ == "__main__":`` guard (the ``exodata`` command has it).
    """
    import tempfile
    from concurrent.futures import ThreadPoolExecutor

    import polars as pl

    from exodata.corpus.assemble import assemble
    from exodata.package.checks import TableChecker, format_issues
    from exodata.package.writing import PackageWriter, UnsafeOutputError, ensure_safe_output

    check_locations(seeds, out)  # before the work, not after it (the writer checks again)
    try:
        ensure_safe_output(out)
    except UnsafeOutputError as refused:
        raise BuildError(str(refused)) from None
    with relaxed_gc(), tempfile.TemporaryDirectory(prefix="exodata-build-") as spill:
        clock = time.perf_counter()

        def lap(stage: str, next_stage: str | None = None) -> None:
            nonlocal clock
            now = time.perf_counter()
            summary.seconds[stage] = now - clock
            clock = now
            if next_stage and on_stage:
                on_stage(next_stage)

        files, skipped = seed_files(seeds)
        summary = BuildSummary(out=out, files=len(files), manifests=fetch_manifests(seeds))
        summary.jobs = jobs = choose_jobs(jobs, files)
        parts: dict[str, list] = {"records": [skipped_records(skipped)]}
        warming = None
        if jobs > 1:  # this process only waits for the workers meanwhile (in-process, it would slow the compile)
            from exodata.package.checks import warm_up

            warming = ThreadPoolExecutor(max_workers=1, thread_name_prefix="exodata-warm-up")
            warmed = warming.submit(warm_up)
        for staged in compile_all(files, jobs, progress, Path(spill)):
            for name, part in staged.items():
                parts.setdefault(name, []).append(part)
        records = pl.concat(parts.pop("records"))
        if warming is not None:
            warmed.result()  # a failure here is a real one: the checks need the same imports and schemas
            warming.shutdown()
        lap("compile", "merging duplicates")
        issues = []
        checker = TableChecker()
        try:
            with PackageWriter(out) as writer, ThreadPoolExecutor(max_workers=1) as pool:
                for name, frame in read_ahead(assemble(records, parts, Path(spill) / "parts")):
                    summary.rows[name] = summary.rows.get(name, 0) + frame.height
                    if on_stage:
                        on_stage(f"checking and writing {name} ({frame.height:,} rows)")
                    if name == "seed_records":
                        seed_rows = frame
                        summary.quarantined = frame.filter(pl.col("status") == "quarantined")["reason"].to_list()
                        if strict and summary.quarantined:
                            raise BuildError(
                                f"--strict: {len(summary.quarantined)} quarantined record(s); nothing was written:\n"
                                + "\n".join(f"- {q}" for q in summary.quarantined[:50]))
                    # a table is checked and written side by side (polars and pyarrow release the GIL), then let go
                    written = pool.submit(writer.write, frame, name, sorted_by_key=True)
                    issues.extend(checker.check(name, frame))
                    written.result()
                    del frame
                summary.status.update(dict(seed_rows.get_column("status").value_counts().iter_rows()))
                summary.publications = summary.rows["publications"]
                summary.conflicts = summary.rows["conflicts"]
                summary.mentions = summary.rows["mentions"]
                if issues:
                    raise BuildError(f"the built tables are invalid; nothing was written ({len(issues)} problem(s)):\n"
                                     + format_issues(issues))
                seeds_hashes = (seed_rows.filter(pl.col("sha256").is_not_null()).unique(["file"]).sort("file")
                                .select("file", "sha256").iter_rows())
                writer.commit(descriptor_metadata(summary, list(seeds_hashes)))
        except UnsafeOutputError as refused:
            raise BuildError(str(refused)) from None
        except OSError as failed:  # the disk filled up, permissions changed while compiling...
            detail = f"{failed.strerror}: {failed.filename}" if failed.strerror and failed.filename else str(failed)
            raise BuildError(f"the build could not write its files ({detail}); nothing was changed in {out}: free "
                             "disk space or fix permissions, then build again") from None
        lap("assemble, check and write")
        return summary
