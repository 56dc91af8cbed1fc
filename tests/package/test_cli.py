"""The command line: build prints a summary, info lists tables, errors say what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from exodata.cli import app
from tests.conftest import SEEDS


def test_build_prints_the_summary_and_info_the_tables(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["build", "--seeds", str(SEEDS), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "5 compiled, 0 duplicate, 0 quarantined" in result.output
    info = runner.invoke(app, ["info", str(tmp_path)])
    assert info.exit_code == 0, info.output
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        assert resource["name"] in info.output


def test_strict_build_exits_1_and_names_the_file(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "notes.txt").write_text("just some notes, not a record export\n")
    result = CliRunner().invoke(app, ["build", "--seeds", str(seeds), "--out", str(tmp_path / "out"), "--strict"])
    assert result.exit_code == 1
    assert "notes.txt" in result.output


def test_missing_seeds_directory_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["build", "--seeds", str(tmp_path / "nope"), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "does not exist" in result.output


# -- the rough edges a new user met (issue: "a command line without rough edges") -----------------------------

def one_line_error(result, code: int, says: str) -> None:
    assert result.exit_code == code, result.output
    assert says in result.output, result.output
    assert "Traceback" not in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1, result.output


def test_out_that_is_a_file_is_refused_before_compiling(tmp_path, monkeypatch):
    import exodata.build

    target = tmp_path / "afile.csv"
    target.write_text("a,b\n")
    compiled = []
    monkeypatch.setattr(exodata.build, "compile_all", lambda *args, **kwargs: compiled.append(1) or [])
    result = CliRunner().invoke(app, ["build", "--seeds", str(SEEDS), "--out", str(target)])
    one_line_error(result, 1, "is a file, not a directory")
    assert compiled == [] and target.read_text() == "a,b\n"


def test_seeds_that_is_a_file_says_so(tmp_path):
    seed = tmp_path / "afile.csv"
    seed.write_text("a,b\n")
    result = CliRunner().invoke(app, ["build", "--seeds", str(seed), "--out", str(tmp_path / "out")])
    one_line_error(result, 1, "is a file, not a directory")


def test_an_unwritable_output_is_refused_before_compiling(tmp_path, monkeypatch):
    """Root may write anywhere, so the test asks the operating system's answer to be "no" for the parent."""
    import os

    import exodata.build

    parent = tmp_path / "read-only"
    parent.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: Path(path) != parent and real_access(path, mode))
    compiled = []
    monkeypatch.setattr(exodata.build, "compile_all", lambda *args, **kwargs: compiled.append(1) or [])
    result = CliRunner().invoke(app, ["build", "--seeds", str(SEEDS), "--out", str(parent / "pkg")])
    one_line_error(result, 1, f"cannot write to {parent} (permission denied)")
    assert compiled == []


def test_an_unwritable_output_really_is_refused_when_not_root(tmp_path):
    import os

    if os.geteuid() == 0:
        pytest.skip("root may write into a read-only folder: the test above asks the operating system instead")
    parent = tmp_path / "read-only"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        result = CliRunner().invoke(app, ["build", "--seeds", str(SEEDS), "--out", str(parent / "pkg")])
        one_line_error(result, 1, "permission denied")
    finally:
        parent.chmod(0o755)


def test_version_tables_and_info_json():
    import exodata
    from exodata.metadata import TABLES

    assert CliRunner().invoke(app, ["--version"]).output.strip() == f"exodata {exodata.__version__}"
    listed = json.loads(CliRunner().invoke(app, ["tables", "--json"]).output)
    assert [t["name"] for t in listed] == list(TABLES)
    info = json.loads(CliRunner().invoke(app, ["info", "--json"]).output)
    assert info["version"] == exodata.__version__
    assert [t["name"] for t in info["tables"]] == list(TABLES)
    assert all(isinstance(t["rows"], int) for t in info["tables"])


def test_info_of_a_folder_that_is_not_a_package(tmp_path):
    one_line_error(CliRunner().invoke(app, ["info", str(tmp_path)]), 2, "no datapackage.json")


def test_dictionary_prints_unless_told_where_and_creates_no_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["dictionary"])
    assert result.exit_code == 0 and result.output.startswith("# exodata data dictionary")
    assert list(tmp_path.iterdir()) == []
    one_line_error(CliRunner().invoke(app, ["dictionary", "--out", "docs/dictionary.md"]), 2,
                   "folder docs does not exist")
    assert list(tmp_path.iterdir()) == []
    assert CliRunner().invoke(app, ["dictionary", "--out", "dictionary.md"]).exit_code == 0
    assert (tmp_path / "dictionary.md").read_text(encoding="utf-8") == result.output


def test_quiet_prints_nothing_but_errors(tmp_path):
    result = CliRunner().invoke(app, ["--quiet", "build", "--seeds", str(SEEDS), "--out", str(tmp_path)])
    assert result.exit_code == 0 and result.output == ""
    assert (tmp_path / "datapackage.json").is_file()
    failing = CliRunner().invoke(app, ["--quiet", "validate", str(tmp_path / "nowhere")])
    assert failing.exit_code == 2 and "nowhere" in failing.output


def test_shell_completion_is_offered():
    result = CliRunner().invoke(app, ["--show-completion", "bash"], prog_name="exodata")
    assert result.exit_code == 0 and "complete -o default -F _exodata_completion exodata" in result.output
