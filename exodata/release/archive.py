"""The release files of one version: the data archive, the wheel and sdist, SHA256SUMS and the Zenodo metadata.

``exodata-data-X.Y.Z.zip`` holds one folder, ``exodata-data-X.Y.Z/``, with the package (descriptor, schemas,
CSV and Parquet tables), the data dictionary, the dataset card as its README, the report (``report.html``,
:mod:`exodata.report`), the CHANGELOG, the licences and CITATION.cff.  It is byte-identical across runs: members
in sorted order, each with the same timestamp (``SOURCE_DATE_EPOCH`` when set, else the release date),
permissions and compression.  Unzipped, it is a package that ``exodata validate`` and ``frictionless validate``
accept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from exodata.metadata.project import Project, project

#: Files from the repository root that go into the archive beside the package.
ROOT_FILES = ("CHANGELOG.md", "LICENSE", "LICENSE-DATA.md", "CITATION.cff")


class ReleaseError(Exception):
    """The release cannot be made as things are; the message says what to do first."""


@dataclass(frozen=True)
class ReleaseFiles:
    archive: Path
    wheel: Path | None
    sdist: Path | None
    zenodo: Path
    sums: Path

    @property
    def uploads(self) -> list[Path]:
        """What goes to Zenodo: the data archive, the wheel and sdist, and their checksums."""
        return [p for p in (self.archive, self.wheel, self.sdist, self.sums) if p is not None]


def archive_name(version: str) -> str:
    return f"exodata-data-{version}"


def release_epoch(about: Project) -> int:
    """The timestamp written into the release files: ``SOURCE_DATE_EPOCH`` when set, else the release date."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    day = dt.date.fromisoformat(about.release.date)
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def package_members(package: Path) -> list[tuple[str, Path]]:
    """(path inside the package, file) of every file the descriptor lists, and the descriptor itself."""
    from exodata.package.loading import parquet_path, read_descriptor, safe_path

    members = [("datapackage.json", package / "datapackage.json")]
    for resource in read_descriptor(package)["resources"]:
        for relative in (resource.get("path"), resource.get("schema")):
            members.append((str(relative), safe_path(package, relative)))
        target = parquet_path(package, resource)
        members.append((target.relative_to(package.resolve()).as_posix(), target))
    return members


def write_zip(path: Path, members: list[tuple[str, bytes]], epoch: int) -> None:
    """A zip whose bytes depend only on ``members`` and ``epoch`` (written to a temporary name, then renamed)."""
    moment = dt.datetime.fromtimestamp(max(epoch, 315532800), tz=dt.UTC)  # zip has no date before 1980
    stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    partial = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name, data in sorted(members):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3  # Unix, so the permissions below are read
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=9)
    os.replace(partial, path)


def data_archive(package: Path, root: Path, out: Path, readme: str, dictionary: str,
                 about: Project | None = None, report: str | None = None) -> Path:
    """Write ``exodata-data-X.Y.Z.zip`` into ``out`` and return its path."""
    about = about or project()
    folder = archive_name(about.version)
    members = [(f"{folder}/{name}", path.read_bytes()) for name, path in package_members(package)]
    for name in ROOT_FILES:
        source = root / name
        if not source.is_file():
            raise ReleaseError(f"{source} is missing; a release is made from a checkout of the repository")
        members.append((f"{folder}/{name}", source.read_bytes()))
    members.append((f"{folder}/README.md", readme.encode("utf-8")))
    members.append((f"{folder}/data-dictionary.md", dictionary.encode("utf-8")))
    if report is not None:
        members.append((f"{folder}/report.html", report.encode("utf-8")))
    target = out / f"{folder}.zip"
    write_zip(target, members, release_epoch(about))
    return target


def build_distributions(root: Path, out: Path, epoch: int) -> tuple[Path, Path]:
    """The wheel and sdist of this checkout (``python -m build``, reproducible with ``SOURCE_DATE_EPOCH``)."""
    before = set(out.glob("*"))
    command = [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(root)]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch)})
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ReleaseError(f"building the wheel and sdist failed ({last[0]}); install the release tools with "
                           "`pip install -e '.[release]'` and run `python -m build --no-isolation` to see why")
    made = sorted(set(out.glob("*")) - before)
    stem = distribution_stem(root)
    wheels = list(out.glob(f"{stem}-*.whl"))
    sdists = list(out.glob(f"{stem}-*.tar.gz"))
    if not wheels or not sdists:
        raise ReleaseError(f"python -m build made {[p.name for p in made]}, not a wheel and an sdist")
    return max(wheels), max(sdists)


def distribution_stem(root: Path) -> str:
    """How the wheel and sdist of the checkout at ``root`` are named: its distribution name (pyproject.toml, the
    one place it is written), normalised as wheel file names spell it."""
    import re
    import tomllib

    name = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    return re.sub(r"[-_.]+", "_", name).lower()


def sha256sums(files: list[Path]) -> str:
    """``sha256sum -c`` input: one ``<hex>  <name>`` line per file, sorted by name."""
    lines = []
    for path in sorted(files, key=lambda p: p.name):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.name}\n")
    return "".join(lines)


def write_text(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def make_release(package: Path, root: Path, out: Path, *, readme: str, dictionary: str, zenodo: dict,
                 distributions: bool = True, progress: Callable[[str], None] | None = None,
                 report: str | None = None) -> ReleaseFiles:
    """Write every release file of this version into ``out`` (created if needed)."""
    about = project()
    say = progress or (lambda text: None)
    out.mkdir(parents=True, exist_ok=True)
    say(f"writing {archive_name(about.version)}.zip")
    archive = data_archive(package, root, out, readme, dictionary, about, report)
    wheel = sdist = None
    if distributions:
        say("building the wheel and sdist")
        wheel, sdist = build_distributions(root, out, release_epoch(about))
    zenodo_path = out / f"exodata-{about.version}.zenodo.json"
    write_text(zenodo_path, json.dumps(zenodo, indent=2, ensure_ascii=False) + "\n")
    listed = [p for p in (archive, wheel, sdist, zenodo_path) if p is not None]
    sums = out / "SHA256SUMS"
    write_text(sums, sha256sums(listed))
    return ReleaseFiles(archive=archive, wheel=wheel, sdist=sdist, zenodo=zenodo_path, sums=sums)
