"""A plain install is lean: it loads and validates, and `exodata build` says which extra to install."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

#: Libraries of the build extra that a plain install must not bring.
BUILD_ONLY = {"lxml", "biopython", "rispy", "bibtexparser", "pyahocorasick", "ftfy", "numpy", "frictionless"}


@pytest.mark.slow
def test_a_plain_install_loads_and_validates_and_asks_for_the_build_extra(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    installed = subprocess.run([python, "-m", "pip", "install", "-q", "-c", str(REPO / "constraints.txt"), str(REPO)],
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-2000:]
    listed = json.loads(subprocess.run([python, "-m", "pip", "list", "--format", "json"], capture_output=True,
                                       text=True, check=True).stdout)
    names = {d["name"].lower() for d in listed}
    assert not names & BUILD_ONLY, names & BUILD_ONLY
    used = subprocess.run([python, "-c", (
        "import exodata\n"
        "assert exodata.load('publications').height > 0\n"
        f"exodata.validate({str(REPO / 'data' / 'mentions.csv')!r}, table='mentions')\n"
        "print(exodata.cite('apa'))\n")], capture_output=True, text=True, cwd=tmp_path)
    assert used.returncode == 0, used.stderr[-2000:]
    exodata = str(venv / "bin" / "exodata")
    assert subprocess.run([exodata, "validate"], capture_output=True, text=True).returncode == 0
    build = subprocess.run([exodata, "build", "--seeds", str(REPO / "seeds"), "--out", str(tmp_path / "pkg")],
                           capture_output=True, text=True)
    assert build.returncode == 1
    assert "pip install 'exodata-msc[build]'" in build.stderr and "Traceback" not in build.stderr
    assert not (tmp_path / "pkg").exists()
