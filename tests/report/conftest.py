"""A package with something in every part of the report (duplicates, quarantined records, conflicts, sizes), built
from the shipped seeds and the repository's own test files, and its report."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SEEDS

pytest.importorskip("altair", reason="the report tests need the report extra: pip install -e '.[test]'")
pytest.importorskip("vl_convert", reason="the report tests need the report extra: pip install -e '.[test]'")

#: Seed folders of the test package: the shipped seeds plus export and page fixtures (some malformed on purpose,
#: some the same works as the seeds) and the held-out documents.
SOURCES = {"seeds": SEEDS, "exports": REPO / "tests" / "data" / "exports",
           "pages": REPO / "tests" / "data" / "pages", "heldout": REPO / "tests" / "data" / "heldout" / "docs"}


def write_report(package: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "exodata.cli", "report", str(package), "--out", str(out), *extra],
                          cwd=REPO, capture_output=True, text=True)


@pytest.fixture(scope="session")
def rich_package(tmp_path_factory) -> Path:
    from exodata.build import build

    root = tmp_path_factory.mktemp("report-package")
    seeds = root / "seeds"
    for name, source in SOURCES.items():
        shutil.copytree(source, seeds / name)
    build(seeds, root / "package")
    return root / "package"


@pytest.fixture(scope="session")
def report(rich_package, tmp_path_factory) -> Path:
    """The report of the rich package, compared with the committed package (``--against`` the repository)."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    done = write_report(rich_package, out, "--against", str(REPO))
    assert done.returncode == 0, done.stderr
    return out
