"""Where a harvest's files go, what they are called, how they are written, and what is already there.

**Names** (never a time): a harvest's folder is ``<seeds>/<source>-<qhash>/``, ``qhash`` the first
:data:`HASH_CHARS` hex digits of the sha256 of the normalised query (:func:`normalise_query`: Unicode NFC,
white space collapsed; case is kept, since PubMed's operators are upper case).  A seed file is
``<source>-<qhash>-<slice>-<idhash>.<ext>``: ``slice`` the inclusive date range it was searched in
(``YYYYMMDD-YYYYMMDD``, or ``all``), ``idhash`` a hash of the sorted identifiers of the records it holds. So
the same records fetched for the same query and slice always get the same name, and a name never collides
with a file of other records.  The manifest of a harvest is ``<source>-<qhash>-<slice>.fetch.json``.

**Atomic writes**: a file is written under no name at all (Linux ``O_TMPFILE``) or a hidden temporary one,
flushed to disk (``fsync``), and only then given its name (``link``/``rename``), and the folder is synced: a
fetch killed at any moment leaves whole files or none.  Hidden temporaries of a killed fetch (systems without
``O_TMPFILE``, or the manifest's replacement) are removed by the next fetch of that folder.

**What is already there**: the identifiers of the records in the seeds of a format, read from every such
file under the seeds directory (whatever put it there), so a fetch adds only records that are not.

**The manifest** (one JSON object, keys sorted): ``exodata_fetch_manifest`` (its format, 1), ``source``,
``query``, ``query_hash``, ``exodata_version``, ``retrieved`` (the UTC date of the last retrieval that changed
it, from ``SOURCE_DATE_EPOCH`` when set: the only date a harvest writes), ``range`` and ``slices`` (each with
``mindate``, ``maxdate``, ``count`` as the service reported it and ``files``), ``counts`` and
``identifiers`` (every identifier the service returned, sorted).  The build does not read it as a seed
(:data:`MANIFEST_SUFFIX`): it says how many it skipped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

HASH_CHARS = 10
#: Files ending so are fetch manifests: ``exodata build`` skips them (and says so), they are not seeds.
MANIFEST_SUFFIX = ".fetch.json"
MANIFEST_FORMAT = 1
_PARTIAL = re.compile(r"^\.exodata-fetch-.*\.part$")


def normalise_query(query: str) -> str:
    return " ".join(unicodedata.normalize("NFC", query).split())


def query_hash(query: str) -> str:
    return hashlib.sha256(normalise_query(query).encode("utf-8")).hexdigest()[:HASH_CHARS]


def harvest_dir(seeds: Path, source: str, query: str) -> Path:
    return seeds / f"{source}-{query_hash(query)}"


def ids_hash(identifiers) -> str:
    return hashlib.sha256("\n".join(sorted(identifiers)).encode("utf-8")).hexdigest()[:8]


def seed_name(source: str, query: str, slice_label: str, identifiers, suffix: str) -> str:
    return f"{source}-{query_hash(query)}-{slice_label}-{ids_hash(identifiers)}{suffix}"


def manifest_name(source: str, query: str, slice_label: str) -> str:
    return f"{source}-{query_hash(query)}-{slice_label}{MANIFEST_SUFFIX}"


def is_manifest(name: str) -> bool:
    return name.endswith(MANIFEST_SUFFIX)


# -- writing -----------------------------------------------------------------------------------------------------

#: Called with a stage name ("written", "synced", "named") during every write; tests replace it to crash there.
crash_point = None


def _reached(stage: str, path: Path) -> None:
    if crash_point is not None:
        crash_point(stage, path)


def write_new(path: Path, data: bytes) -> bool:
    """Write ``data`` as the new file ``path``, atomically; False (nothing written) when ``path`` exists.

    Seed names are hashes of their records, so an existing file already holds exactly these records.
    """
    if path.exists():
        return False
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd = _anonymous(folder)
    if fd is not None:
        try:
            _write_all(fd, data)
            _reached("written", path)
            os.fsync(fd)
            _reached("synced", path)
            try:
                _link_anonymous(fd, path)
            except FileExistsError:
                return False
        finally:
            os.close(fd)
    else:  # no O_TMPFILE here: a hidden temporary, renamed without replacing
        temporary = _temporary(path)
        try:
            _write_named(temporary, data, path)
            try:
                os.link(temporary, path)
            except FileExistsError:
                return False
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
    _reached("named", path)
    _sync_folder(folder)
    return True


def replace(path: Path, data: bytes) -> None:
    """Write ``data`` as ``path`` atomically, replacing what was there (a reader sees the old or the new file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(path)
    try:
        _write_named(temporary, data, path)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    _reached("named", path)
    _sync_folder(path.parent)


def _temporary(path: Path) -> Path:
    return path.with_name(f".exodata-fetch-{os.getpid()}-{path.name}.part")


def _write_named(temporary: Path, data: bytes, final: Path) -> None:
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        _write_all(fd, data)
        _reached("written", final)
        os.fsync(fd)
        _reached("synced", final)
    finally:
        os.close(fd)


def _anonymous(folder: Path) -> int | None:
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return None
    try:
        fd = os.open(folder, flag | os.O_WRONLY, 0o644)
    except OSError:  # the file system does not support it
        return None
    return fd


def _link_anonymous(fd: int, path: Path) -> None:
    """Give the anonymous file ``fd`` the name ``path`` (``linkat`` with ``AT_SYMLINK_FOLLOW`` on its /proc link:
    passing a folder descriptor makes Python call ``linkat`` with that flag rather than ``link``, which would
    not follow the /proc link)."""
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.link(f"/proc/self/fd/{fd}", path.name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every system can open a folder to sync it
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_partials(folder: Path) -> list[str]:
    """Remove the hidden temporaries a killed fetch left in ``folder``; their names."""
    removed = []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if _PARTIAL.match(path.name) and path.is_file():
                path.unlink()
                removed.append(path.name)
    return removed


@contextlib.contextmanager
def locked(seeds: Path) -> Iterator[None]:
    """Hold an exclusive lock on the seeds directory while a fetch writes into it (a second fetch into the same
    directory fails at once instead of interleaving); the lock is the folder's own, no lock file is made."""
    import fcntl

    from exodata.harvest import HarvestError

    seeds.mkdir(parents=True, exist_ok=True)
    fd = os.open(seeds, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            busy = HarvestError(f"another exodata fetch is writing into {seeds}; wait for it to finish")
        else:
            busy = None
        if busy is not None:
            raise busy
        yield
    finally:
        os.close(fd)


# -- what is already in the seeds ------------------------------------------------------------------------------

def seed_paths(seeds: Path, suffix: str) -> Iterator[Path]:
    """Files ending ``suffix`` under ``seeds`` that the build would read (no hidden part, no symbolic link)."""
    if not seeds.is_dir():
        return
    for path in sorted(seeds.rglob(f"*{suffix}")):
        parts = path.relative_to(seeds).parts
        if any(part.startswith(".") for part in parts) or path.is_symlink() or not path.is_file():
            continue
        if is_manifest(path.name):
            continue
        yield path


# -- the manifest ------------------------------------------------------------------------------------------------

def retrieval_date() -> str:
    """Today's UTC date, or the date of ``SOURCE_DATE_EPOCH`` when it is set (reproducible runs and tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.date().isoformat()


def dump(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def write_manifest(path: Path, manifest: dict) -> bool:
    """Write the manifest unless the one there says the same apart from its ``retrieved`` date (then the file
    is left untouched, byte for byte); True when written."""
    if path.is_file():
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            old = None
        if isinstance(old, dict) and {**old, "retrieved": None} == {**manifest, "retrieved": None}:
            return False
    replace(path, dump(manifest))
    return True


def day(value: date | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%d")
