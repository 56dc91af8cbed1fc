"""`exodata.load()`: the tiny public API."""

from __future__ import annotations

import json
import subprocess
import sys

import polars as pl
import pyarrow as pa
import pytest

import exodata
from exodata.metadata import TABLES


def test_load_all_tables_from_a_path(built_package):
    tables = exodata.load(path=built_package)
    assert list(tables) == list(TABLES)
    assert all(isinstance(frame, pl.DataFrame) for frame in tables.values())
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    assert {name: frame.height for name, frame in tables.items()} == {
        resource["name"]: resource["exodata:rows"] for resource in descriptor["resources"]}


def test_load_one_table_and_the_descriptor_file_path(built_package):
    frame = exodata.load("publications", path=built_package / "datapackage.json")
    assert frame.columns == TABLES["publications"].column_names


def test_load_arrow_backend(built_package):
    table = exodata.load("authors", path=built_package, backend="arrow")
    assert isinstance(table, pa.Table) and table.num_rows > 0


def test_unknown_table_lists_the_tables(built_package):
    with pytest.raises(KeyError, match="publications"):
        exodata.load("nope", path=built_package)


def test_unknown_backend_is_refused(built_package):
    with pytest.raises(ValueError, match="backend"):
        exodata.load("authors", path=built_package, backend="excel")


def test_missing_package_says_how_to_build_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="exodata build"):
        exodata.load(path=tmp_path)


def test_load_refuses_paths_outside_the_package(package_copy):
    descriptor = json.loads((package_copy / "datapackage.json").read_text())
    descriptor["resources"][0]["exodata:parquet"]["path"] = "/etc/passwd"
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(ValueError, match="absolute"):
        exodata.load(descriptor["resources"][0]["name"], path=package_copy)


def test_default_load_reads_the_repository_package():
    tables = exodata.load()
    assert set(tables) == set(TABLES)


def test_import_exodata_is_cheap():
    code = ("import sys, exodata; heavy = [m for m in ('pandera', 'frictionless', 'polars', 'pyarrow', 'rispy', "
            "'bibtexparser', 'Bio', 'lxml', 'ahocorasick', 'exodata.ingest.readers', 'charset_normalizer') "
            "if m in sys.modules]; print(','.join(heavy))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"import exodata pulled in {result.stdout.strip()}"


def test_load_does_not_import_pandera_or_frictionless(built_package):
    code = (f"import sys, exodata; exodata.load(path={str(built_package)!r}); "
            "print(','.join(m for m in ('pandera', 'frictionless', 'pandas') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_load_names_a_malformed_descriptor(package_copy):
    (package_copy / "datapackage.json").write_text(json.dumps({"resources": [{"path": "x"}]}))
    with pytest.raises(ValueError, match="invalid descriptor"):
        exodata.load(path=package_copy)


def test_pandas_keeps_integers_with_nulls_integers_and_lists_lists():
    import pandas as pd

    publications = exodata.load("publications", backend="pandas")
    assert publications["pmid"].isna().any(), "the shipped seeds include records without a PMID"
    for column in ("pmid", "year", "record_count"):
        assert isinstance(publications[column].dtype, pd.ArrowDtype), column
        assert str(publications[column].dtype) == "int64[pyarrow]", column
    concepts = exodata.load("concepts", backend="pandas")
    assert str(concepts["synonyms"].dtype).startswith("list<"), concepts["synonyms"].dtype


def test_package_path_is_the_directory_load_reads():
    directory = exodata.package_path()
    assert (directory / "datapackage.json").is_file()
    import polars as pl

    assert pl.read_parquet(directory / "data" / "publications.parquet").equals(exodata.load("publications"))
