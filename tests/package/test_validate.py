"""`exodata validate` catches corrupted copies and names what is wrong."""

from __future__ import annotations

import json

import polars as pl
import pytest
from typer.testing import CliRunner

from exodata.cli import app
from exodata.metadata import TABLES
from exodata.package.layout import write_csv
from exodata.package.validate import validate_package
from exodata.package.writing import write_parquet
from tests.package.conftest import rehash


def _rewrite(directory, name, change):
    """Apply ``change`` to a table, write both copies back and refresh the hashes (so deeper checks run)."""
    frame = change(pl.read_parquet(directory / "data" / f"{name}.parquet"))
    write_parquet(frame, TABLES[name], directory / "data" / f"{name}.parquet")
    write_csv(frame, TABLES[name], directory / "data" / f"{name}.csv")
    rehash(directory)


def messages(directory):
    return [str(issue) for issue in validate_package(directory)]


def test_the_built_package_is_valid(built_package):
    assert validate_package(built_package) == []
    result = CliRunner().invoke(app, ["validate", str(built_package)])
    assert result.exit_code == 0, result.output


def test_a_changed_byte_breaks_the_hash(package_copy):
    path = package_copy / "data" / "publications.csv"
    original = path.read_bytes()
    path.write_bytes(original.replace(b"sepsis", b"sepsys", 1))
    assert path.read_bytes() != original
    found = [(p.rule, p.file) for p in validate_package(package_copy)]
    # same size, another hash; and the CSV copy no longer holds the Parquet copy's rows
    assert found == [("hash", "data/publications.csv"), ("copies agree", "data/publications.csv")]
    result = CliRunner().invoke(app, ["validate", str(package_copy)])
    assert result.exit_code == 1


def test_a_changed_parquet_breaks_its_hash(package_copy):
    path = package_copy / "data" / "authors.parquet"
    path.write_bytes(path.read_bytes() + b"\0")
    found = [(p.rule, p.file) for p in validate_package(package_copy)]
    assert found == [("bytes", "data/authors.parquet"), ("hash", "data/authors.parquet"),
                     ("type", "data/authors.parquet")]  # and it is no Parquet file any more


def test_duplicate_primary_key_is_named(package_copy):
    _rewrite(package_copy, "authors", lambda f: pl.concat([f, f.head(1)]))
    found = messages(package_copy)
    assert any("table authors" in m and "publication_id" in m for m in found), found


def test_dangling_foreign_key_is_named(package_copy):
    _rewrite(package_copy, "keywords", lambda f: f.with_columns(
        pl.when(pl.col("position") == 1).then(pl.lit("doi:10.9999/nowhere")).otherwise(pl.col("publication_id"))
        .alias("publication_id")))
    found = messages(package_copy)
    assert any("table keywords" in m and "no matching row in publications" in m and "10.9999/nowhere" in m
               for m in found), found


def test_bad_doi_is_named_with_its_value(package_copy):
    _rewrite(package_copy, "publications", lambda f: f.with_columns(
        pl.when(pl.col("doi").is_not_null()).then(pl.lit("https://doi.org/10.1/x")).otherwise(None).alias("doi")))
    found = messages(package_copy)
    assert any("column doi" in m and "https://doi.org/10.1/x" in m for m in found), found


def test_csv_and_parquet_copies_must_agree(package_copy):
    frame = pl.read_parquet(package_copy / "data" / "funders.parquet")
    write_csv(frame.head(max(frame.height - 1, 0)), TABLES["funders"], package_copy / "data" / "funders.csv")
    rehash(package_copy)
    assert any("funders.csv" in m and "Parquet" in m for m in messages(package_copy))


def test_resource_paths_may_not_leave_the_package_or_be_urls(package_copy):
    descriptor = json.loads((package_copy / "datapackage.json").read_text())
    descriptor["resources"][0]["exodata:parquet"]["path"] = "../../etc/passwd"
    descriptor["resources"][1]["path"] = "https://example.org/data.csv"
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor))
    found = messages(package_copy)
    assert any("leaves the package directory" in m for m in found), found
    assert any("URL" in m for m in found), found


def test_missing_package_is_a_clear_error(tmp_path):
    found = messages(tmp_path)
    assert found and "exodata build" in found[0]


def test_mention_offsets_are_checked(package_copy):
    _rewrite(package_copy, "mentions", lambda f: f.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.col("start") + 1).otherwise(pl.col("start")).alias("start")))
    assert any("table mentions" in m and "offsets" in m for m in messages(package_copy))


@pytest.mark.parametrize("in_keywords", [True, False])
def test_offsets_are_checked_in_keywords_and_in_text_fields(package_copy, in_keywords):
    mentions = pl.read_parquet(package_copy / "data" / "mentions.parquet")
    target = (mentions["field"] == "keyword") if in_keywords else (mentions["field"] != "keyword")
    assert target.any(), "the shipped seeds have mentions in both kinds of field"
    first = target.arg_true()[0]
    _rewrite(package_copy, "mentions", lambda f: f.with_columns(
        pl.when(pl.int_range(pl.len()) == first).then(pl.col("end") - 1).otherwise(pl.col("end")).alias("end")))
    found = [m for m in messages(package_copy) if "table mentions" in m and "offsets" in m]
    assert found and repr(mentions["text"][first]) in found[0]


def test_malformed_schema_file_and_descriptor_entries_are_named_not_crashed(package_copy):
    (package_copy / "schemas" / "publications.json").write_text("{not json")
    descriptor = json.loads((package_copy / "datapackage.json").read_text())
    descriptor["resources"][1]["exodata:parquet"] = "data/authors.parquet"
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor))
    found = messages(package_copy)
    assert any("schemas/publications.json" in m and "not JSON" in m for m in found), found
    assert any("authors" in m and "exodata:parquet" in m for m in found), found
    result = CliRunner().invoke(app, ["validate", str(package_copy)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_descriptor_without_resources_is_one_clear_problem(package_copy):
    (package_copy / "datapackage.json").write_text(json.dumps({"name": "exodata", "resources": {"a": 1}}))
    assert messages(package_copy) == ["datapackage.json, table -: has no 'resources' list"]


def test_record_count_must_be_the_number_of_seed_records(package_copy):
    _rewrite(package_copy, "publications", lambda f: f.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(2).otherwise(pl.col("record_count")).alias("record_count")))
    found = [p for p in validate_package(package_copy) if p.rule == "record count"]
    assert len(found) == 1 and found[0].value == "2" and "seed_records has 1" in found[0].message


@pytest.mark.parametrize(("table", "column"), [("mentions", "category"), ("publication_concepts", "category"),
                                               ("publication_concepts", "label")])
def test_mentions_agree_with_their_concept(package_copy, table, column):
    _rewrite(package_copy, table, lambda f: f.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("therapy" if column == "category" else "relabelled"))
        .otherwise(pl.col(column)).alias(column)))
    found = [p for p in validate_package(package_copy) if p.rule == f"concept {column}"]
    assert len(found) == 1 and found[0].table == table, [str(p) for p in validate_package(package_copy)]


def test_publication_methods_list_only_labels_of_their_category(package_copy):
    methods = pl.read_parquet(package_copy / "data" / "publication_methods.parquet")
    assert methods.height and methods["study_designs"][0].len(), "the shipped seeds give one study design"
    species_label = "rat"  # a real label, but of a species concept: wrong in study_designs
    _rewrite(package_copy, "publication_methods", lambda f: f.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit([species_label])).otherwise(pl.col("study_designs"))
        .alias("study_designs")))
    found = [p for p in validate_package(package_copy) if p.table == "publication_methods"]
    assert [(p.rule, p.column, p.value) for p in found] == [("concept label", "study_designs", species_label)]
