"""Open what ``exodata diff`` compares: a package directory, its ``datapackage.json``, a release archive
``exodata-data-X.Y.Z.zip`` or the word ``installed``.

A release archive is untrusted input: it is extracted into a temporary directory only after every member name
was checked (no absolute path, no ``..``, no symbolic link or other special file) and within bounds on the
number of members and on the bytes written (a zip bomb stops at the limit, whatever sizes its headers claim).
Only what a diff reads is extracted: the descriptor, the schema JSON files and the Parquet copies.
"""

from __future__ import annotations

import re
import stat
import tempfile
import zipfile
from contextlib import ExitStack
from pathlib import Path, PurePosixPath

from exodata.package.layout import DATA, DESCRIPTOR, SCHEMAS
from exodata.package.loading import PackageNotFoundError, package_dir, safe_path

#: The argument that names the installed package rather than a path.
INSTALLED = "installed"
#: Bounds for extracting an archive: members listed, and bytes written for the members a diff reads.
MAX_MEMBERS = 10_000
MAX_BYTES = 16 << 30
_EXTRACTED_SUFFIXES = (".json", ".parquet")
_CHUNK = 1 << 20


class DiffInputError(ValueError):
    """An input to ``exodata diff`` is not a package or a safe archive of one; the message names the file and
    says what to do (the command line prints it as one line and exits 2)."""


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    """Why this member must not be extracted, or None."""
    name = info.filename.replace("\\", "/")
    mode = info.external_attr >> 16 if info.create_system == 3 else 0  # Unix modes, when a Unix tool wrote them
    if stat.S_ISLNK(mode):
        return "is a symbolic link"
    if stat.S_IFMT(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):  # no type bits: a plain file
        return "is not a regular file"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "is an absolute path"
    if ".." in PurePosixPath(name).parts:
        return "climbs out of the archive with '..'"
    if "\x00" in name:
        return "has a NUL byte in its name"
    return None


def _package_root(names: list[str], archive: Path) -> str:
    """The folder inside the archive holding the descriptor: '' (the root) or one top folder ('name/')."""
    if DESCRIPTOR in names:
        return ""
    tops = {name.split("/", 1)[0] for name in names if name.strip("/")}
    if len(tops) == 1:
        top = tops.pop()
        if f"{top}/{DESCRIPTOR}" in names:
            return f"{top}/"
    raise DiffInputError(f"{archive}: no {DESCRIPTOR} at the root of the archive or in its one top folder; "
                         f"pass a release archive exodata-data-X.Y.Z.zip or a package directory")


def extract_archive(archive: Path, into: Path, *, max_members: int = MAX_MEMBERS,
                    max_bytes: int = MAX_BYTES) -> Path:
    """Extract the package in ``archive`` into the directory ``into``; return the package directory.

    Every member name is checked before anything is written; only the descriptor, ``*.json`` and
    ``*.parquet`` members under the package folder are extracted, and at most ``max_bytes`` bytes in all.
    Raises :class:`DiffInputError` (one line, naming the archive and the member) on anything unsafe.
    """
    try:
        with zipfile.ZipFile(archive) as zipped:
            infos = zipped.infolist()
            if len(infos) > max_members:
                raise DiffInputError(f"{archive}: {len(infos)} members, more than the {max_members} a package "
                                     "archive may hold; unzip it yourself and pass the directory")
            for info in infos:
                problem = _member_problem(info)
                if problem:
                    raise DiffInputError(f"{archive}: member {info.filename!r} {problem}; refusing to extract "
                                         "it (rebuild the archive from a package directory)")
            names = [info.filename.replace("\\", "/") for info in infos]
            root = _package_root(names, archive)
            wanted = [(info, name[len(root):]) for info, name in zip(infos, names)
                      if name.startswith(root) and not info.is_dir() and name.endswith(_EXTRACTED_SUFFIXES)]
            claimed = sum(info.file_size for info, _ in wanted)
            if claimed > max_bytes:
                raise DiffInputError(f"{archive}: the package files unpack to {claimed:,} bytes, more than the "
                                     f"limit of {max_bytes:,}; unzip it yourself and pass the directory")
            written = 0
            for info, relative in wanted:
                target = safe_path(into, relative)  # checked above; this is the last word on leaving `into`
                target.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(info) as source, target.open("xb") as sink:
                    while chunk := source.read(_CHUNK):
                        written += len(chunk)
                        if written > max_bytes:
                            raise DiffInputError(
                                f"{archive}: member {info.filename!r} unpacks past the limit of {max_bytes:,} "
                                "bytes (a zip bomb?); unzip it yourself and pass the directory if you trust it")
                        sink.write(chunk)
    except zipfile.BadZipFile as error:
        raise DiffInputError(f"{archive}: not a readable zip archive ({error}); download the release archive "
                             "again or pass a package directory") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as error:
        raise DiffInputError(f"{archive}: cannot extract ({error}); download the release archive again or pass "
                             "a package directory") from None
    except ValueError as error:
        if isinstance(error, DiffInputError):
            raise
        raise DiffInputError(f"{archive}: {error}; rebuild the archive from a package directory") from None
    return into


def _from_git(revision: str, stack: ExitStack) -> Path | None:
    """The package committed at ``revision`` of the git repository here (a release tag such as ``v0.3.0``),
    written into a temporary directory that ``stack`` removes; None when ``revision`` is not one."""
    import subprocess

    if revision.startswith("-"):
        return None
    try:
        known = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
                               capture_output=True, text=True)
    except OSError:  # no git on this machine
        return None
    if known.returncode != 0:
        return None
    into = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="exodata-diff-")))
    # the tables and their descriptor: what a diff compares (older packages have no dataset card)
    archive = subprocess.run(["git", "archive", "--format=tar", known.stdout.strip(), "--", DESCRIPTOR, DATA, SCHEMAS],
                             capture_output=True)
    if archive.returncode != 0:
        raise DiffInputError(f"{revision}: git holds no package at that revision ({archive.stderr.decode().strip()})")
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into


def open_package(spec: str | Path, stack: ExitStack) -> tuple[Path, str]:
    """The package directory for one side of a diff, and how to name it to the user.

    ``spec`` is a package directory, its ``datapackage.json``, a ``.zip`` release archive (extracted into a
    temporary directory that ``stack`` removes), a git revision of the repository in the working directory
    (a release tag: the package committed there) or ``"installed"`` (the installed package; write
    ``./installed`` for a directory of that name).
    """
    if str(spec) == INSTALLED:
        directory = package_dir(None)
        return directory, f"installed ({directory})"
    path = Path(spec)
    if path.is_file() and (path.suffix.lower() == ".zip" or zipfile.is_zipfile(path)) and path.name != DESCRIPTOR:
        into = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="exodata-diff-")))
        return extract_archive(path, into), str(path)
    if not path.exists():
        committed = _from_git(str(spec), stack)
        if committed is not None:
            return committed, f"{spec} (git)"
        raise DiffInputError(f"{path}: no such file or directory; pass a package directory, its {DESCRIPTOR}, "
                             f"a release archive exodata-data-X.Y.Z.zip, a git revision such as v0.3.0, or "
                             f"'{INSTALLED}'")
    try:
        return package_dir(path), str(path)
    except PackageNotFoundError:
        raise DiffInputError(f"{path}: not a package (no {DESCRIPTOR}); pass a package directory, a release "
                             f"archive exodata-data-X.Y.Z.zip or '{INSTALLED}'") from None
