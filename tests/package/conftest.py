from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from exodata.build import build
from exodata.package.layout import DESCRIPTOR, PARQUET_KEY
from exodata.package.writing import dump_json, sha256_of
from tests.conftest import SEEDS


@pytest.fixture(scope="session")
def built_package(tmp_path_factory) -> Path:
    """The shipped seeds built once into a temporary directory (read-only for tests: copy before changing)."""
    out = tmp_path_factory.mktemp("package")
    build(SEEDS, out)
    return out


@pytest.fixture
def package_copy(built_package, tmp_path) -> Path:
    target = tmp_path / "package"
    shutil.copytree(built_package, target)
    return target


def rehash(directory: Path) -> None:
    """Refresh bytes and hashes in the descriptor after a test edited files on purpose."""
    descriptor = json.loads((directory / DESCRIPTOR).read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        for entry in (resource, resource[PARQUET_KEY]):
            path = directory / entry["path"]
            entry["bytes"], entry["hash"] = path.stat().st_size, f"sha256:{sha256_of(path)}"
    (directory / DESCRIPTOR).write_bytes(dump_json(descriptor))
