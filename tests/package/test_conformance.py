"""Validation other projects run in their CI: `exodata validate --table` and `exodata.validate()`."""

from __future__ import annotations

import json

import pandera.errors
import polars as pl
import pytest
from typer.testing import CliRunner

import exodata
from exodata.cli import app
from exodata.metadata import TABLES
from tests.conftest import REPO

DATA = REPO / "data"
PUBLICATIONS = pl.read_parquet(DATA / "publications.parquet")
KNOWN_ID = PUBLICATIONS["publication_id"][0]


def run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
@pytest.mark.parametrize("table", list(TABLES))
def test_every_shipped_table_passes_as_a_consumer_file(table, suffix):
    path = DATA / f"{table}.{suffix}"
    assert exodata.validate(path, table=table) == path
    result = run("validate", "--table", table, str(path))
    assert result.exit_code == 0, result.output


# A downstream project's own publications, one planted error per row (rows 2-6), and authors pointing at them.
CONSUMER_PUBLICATIONS = """\
publication_id,doi,pmid,pmcid,title,title_vernacular,journal,publisher,year,volume,issue,first_page,last_page,language,country,abstract,cited_by_count,record_count
doi:10.5555/ok.1,10.5555/ok.1,,,A fine title,,J Extracell Vesicles,,2023,,,,,en,GB,A fine abstract.,,1
doi:10.5555/BAD.2,10.5555/BAD.2,,,Upper-case DOI,,,,2022,,,,,,,,,1
doi:10.5555/ok.3,10.5555/ok.3,,,Leading space,,,,2021,,,,,,, An abstract.,,1
doi:10.5555/ok.4,10.5555/ok.4,,,Bad year,,,,20x1,,,,,,,,,1
doi:10.5555/ok.5,10.5555/ok.5,,,"A title quoted
over two lines",,,,2020,,,,,english,,,,1
doi:10.5555/ok.1,10.5555/ok.1,,,Repeated id,,,,2019,,,,,,,,,1
"""


@pytest.fixture
def consumer(tmp_path):
    path = tmp_path / "extra_publications.csv"
    path.write_text(CONSUMER_PUBLICATIONS, encoding="utf-8")
    return path


def test_planted_errors_are_each_named_with_file_line_column_value_and_rule(consumer):
    with pytest.raises(exodata.ValidationError) as raised:
        exodata.validate(consumer, table="publications")
    found = {(p["line"], p["column"], p["value"], p["rule"]) for p in raised.value.problems}
    assert found == {
        (3, "doi", "10.5555/BAD.2", "pattern"),
        (4, "abstract", " An abstract.", "normalised text"),
        (5, "year", "20x1", "type"),
        (6, "language", "english", "enum"),  # the row starts on line 6 and runs over two lines,
        (6, "title", "A title quoted\nover two lines", "normalised text"),  # as its title does
        (2, "publication_id", None, "primary key"),
        (8, "publication_id", None, "primary key"),
    }
    assert all(p["file"] == str(consumer) and p["table"] == "publications" for p in raised.value.problems)
    assert raised.value.problem_count == 7
    assert {p["row"] for p in raised.value.problems} == {1, 2, 3, 4, 5, 6}


def test_the_command_line_reports_the_same_problems_as_json(consumer):
    result = run("validate", "--table", "publications", str(consumer), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["problem_count"] == 7 and len(report["problems"]) == 7
    assert set(report["problems"][0]) == {"file", "table", "row", "line", "key", "column", "value", "rule", "message"}
    capped = json.loads(run("validate", "--table", "publications", str(consumer), "--json",
                            "--max-problems", "2").stdout)
    assert capped["problem_count"] == 7 and capped["shown"] == 2 and len(capped["problems"]) == 2


def test_human_output_names_file_line_and_rule(consumer):
    result = run("validate", "--table", "publications", str(consumer))
    assert result.exit_code == 1
    assert f"{consumer}:3" in result.output and "10.5555/BAD.2" in result.output and "[pattern]" in result.output
    assert "Traceback" not in result.output


def test_foreign_keys_are_checked_against_the_installed_package(tmp_path):
    authors = pl.DataFrame({"publication_id": [KNOWN_ID, "doi:10.5555/not.in.exodata"], "position": [1, 1],
                            "family_name": ["Zhang", "Li"], "given_name": ["Wei", None],
                            "name_as_written": ["Zhang Wei", "Li"]})
    with pytest.raises(exodata.ValidationError) as raised:
        exodata.validate(authors, table="authors")
    (problem,) = raised.value.problems
    assert problem["rule"] == "foreign key" and problem["row"] == 2 and "not.in.exodata" in problem["value"]


def test_foreign_keys_against_another_package(tmp_path, built_package):
    keywords = pl.read_parquet(built_package / "data" / "keywords.parquet")
    assert exodata.validate(keywords, table="keywords", package=built_package) is keywords
    with pytest.raises(exodata.PackageNotFoundError, match="no datapackage.json"):
        exodata.validate(keywords, table="keywords", package=tmp_path)


def test_mention_offsets_are_checked_against_the_package_texts():
    mentions = pl.read_parquet(DATA / "mentions.parquet").filter(pl.col("field") == "abstract").head(3)
    shifted = mentions.with_columns(
        pl.when(pl.int_range(pl.len()) == 1).then(pl.lit("xxxx")).otherwise(pl.col("text")).alias("text"),
        pl.when(pl.int_range(pl.len()) == 1).then(pl.col("start") + 0).otherwise(pl.col("start")).alias("start"))
    shifted = shifted.with_columns(  # keep the span's length, so only the offsets themselves are wrong
        pl.when(pl.int_range(pl.len()) == 1).then(pl.col("start") + 4).otherwise(pl.col("end")).alias("end"))
    with pytest.raises(exodata.ValidationError) as raised:
        exodata.validate(shifted, table="mentions")
    assert [(p["rule"], p["row"]) for p in raised.value.problems] == [("offsets", 2)]


def test_subset_checks_the_shared_columns_of_a_derived_table():
    derived = PUBLICATIONS.select("publication_id", "title", "year").with_columns(
        pl.lit("mine").alias("my_label"))
    assert exodata.validate(derived, table="publications", subset=True) is derived
    broken = derived.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(1700).otherwise(pl.col("year"))
                                  .alias("year"))
    with pytest.raises(exodata.ValidationError) as raised:
        exodata.validate(broken, table="publications", subset=True)
    assert [(p["column"], p["rule"], p["row"]) for p in raised.value.problems] == [("year", "minimum", 1)]
    with pytest.raises(exodata.ValidationError) as raised:  # without --subset the extra and missing columns count
        exodata.validate(derived, table="publications")
    rules = {p["rule"] for p in raised.value.problems}
    assert rules == {"missing column", "unexpected column"}


def test_column_order_and_unexpected_columns_are_problems():
    reordered = PUBLICATIONS.select(reversed(PUBLICATIONS.columns))
    with pytest.raises(exodata.ValidationError) as raised:
        exodata.validate(reordered, table="publications")
    assert [p["rule"] for p in raised.value.problems] == ["column order"]


def test_parts_of_one_table_share_one_primary_key(tmp_path):
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    PUBLICATIONS.write_parquet(first)
    PUBLICATIONS.head(1).write_parquet(second)
    with pytest.raises(exodata.ValidationError) as raised:
        exodata.validate([first, second], table="publications")
    assert {(p["file"], p["row"]) for p in raised.value.problems} == {(str(first), 1), (str(second), 1)}


def test_arrow_and_pandas_tables_are_accepted():
    arrow = PUBLICATIONS.to_arrow()
    assert exodata.validate(arrow, table="publications") is arrow
    pandas = pytest.importorskip("pandas")
    frame = PUBLICATIONS.to_pandas(use_pyarrow_extension_array=True)
    assert isinstance(exodata.validate(frame, table="publications"), pandas.DataFrame)


def test_schema_returns_the_pandera_schema_a_build_enforces():
    schema = exodata.schema("publications")
    schema.validate(PUBLICATIONS)
    bad = PUBLICATIONS.with_columns(pl.lit("10.1/UPPER").alias("doi"))
    with pytest.raises(pandera.errors.SchemaError, match="10.1/UPPER"):
        schema.validate(bad)
    with pytest.raises(ValueError, match="exodata tables"):
        exodata.schema("publication")


@pytest.mark.parametrize(("args", "says"), [
    (["--table", "nope", "x.csv"], "no table 'nope'"),
    (["--table", "publications"], "give the CSV or Parquet files"),
    (["--table", "publications", "missing.csv"], "missing.csv: no such file"),
    (["--table", "publications", "notes.txt"], "give a .csv or .parquet file"),
    (["extra.csv"], "--table NAME extra.csv"),
    (["--subset"], "go with --table"),
])
def test_wrong_calls_exit_2_with_one_line_that_says_the_fix(args, says, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "extra.csv").write_text("a,b\n1,2\n")
    (tmp_path / "notes.txt").write_text("notes\n")
    result = run("validate", *args)
    assert result.exit_code == 2, result.output
    assert says in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_an_empty_directory_is_not_a_package(tmp_path):
    result = run("validate", str(tmp_path))
    assert result.exit_code == 2 and "holds no datapackage.json" in result.output
    assert "exodata build --out" not in result.output


def test_public_errors_are_importable_from_exodata():
    assert issubclass(exodata.ValidationError, ValueError)
    assert issubclass(exodata.PackageNotFoundError, FileNotFoundError)
