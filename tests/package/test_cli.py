"""The command line: build prints a summary, info lists tables, errors say what to do."""

from __future__ import annotations

import json

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
