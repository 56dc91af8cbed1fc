"""The wheel ships the built package: install it in a clean venv and load() from another directory."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(REPO)],
                   check=True, capture_output=True)
    (found,) = dist.glob("exodata_msc-*.whl")
    return found


def test_wheel_contains_the_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "exodata/_package/datapackage.json" in names
    assert "exodata/_package/DATASET.md" in names  # the package's card ships beside it
    descriptor = json.loads((REPO / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        assert f"exodata/_package/{resource['path']}" in names
        assert f"exodata/_package/{resource['exodata:parquet']['path']}" in names
        assert f"exodata/_package/{resource['schema']}" in names


def test_installed_wheel_loads_offline_from_anywhere(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-c", str(REPO / "constraints.txt"), str(wheel)],
                   check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import exodata, json; t = exodata.load(); "
            "print(json.dumps({k: v.height for k, v in t.items()})); "
            "print(exodata.__file__)")
    result = subprocess.run([str(python), "-c", code], cwd=elsewhere, capture_output=True, text=True, check=True)
    counts = json.loads(result.stdout.splitlines()[0])
    expected = {r["name"]: r["exodata:rows"] for r in json.loads((REPO / "datapackage.json").read_text())["resources"]}
    assert counts == expected
    assert str(env_dir) in result.stdout.splitlines()[1]
    cli = subprocess.run([str(env_dir / "bin" / "exodata"), "validate"], cwd=elsewhere, capture_output=True,
                         text=True)
    assert cli.returncode == 0, cli.stdout + cli.stderr
