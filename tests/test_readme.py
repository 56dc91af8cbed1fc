"""The README's Python examples run as written, and its quick start is what CI runs."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
EXAMPLES = [block for block in re.findall(r"```python\n(.*?)```", README, flags=re.S) if "import exodata" in block]


def test_readme_has_exactly_two_quick_start_commands():
    commands = [line for line in README.splitlines() if line.startswith("python3 -m venv .venv")]
    assert len(commands) == 2
    assert "exodata build" in commands[0] and "pytest" in commands[1]


@pytest.mark.parametrize("block", EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
def test_readme_example_runs(block, tmp_path):
    code = block
    if "row = m.row(0" in block:  # the offsets example continues the query example's session
        code = EXAMPLES[0] + "\n" + block
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_readme_concept_labels_exist():
    """Every label the README's query example filters on is a concept label of the shipped package."""
    import exodata

    example = next(block for block in EXAMPLES if 'pl.col("label")' in block)
    wanted = set(re.findall(r'pl\.col\("label"\) == "([^"]+)"', example))
    for listed in re.findall(r'pl\.col\("label"\)\.is_in\(\[(.*?)\]\)', example, flags=re.S):
        wanted |= set(re.findall(r'"([^"]+)"', listed))
    assert len(wanted) >= 2, "the example's label filters were not found: update this test with the README"
    labels = set(exodata.load("concepts")["label"])
    assert wanted <= labels, f"not concept labels: {sorted(wanted - labels)}"


def test_readme_methods_query_finds_the_matching_study(tmp_path):
    """The methods example, run on a build of three invented records: only the SEC + NTA + TEM study in rats is
    found (the other two differ in species or in isolation method)."""
    example = next(block for block in EXAMPLES if '"publication_methods"' in block)
    assert "package = None" in example, "update this test with the README's methods example"
    out = tmp_path / "package"
    build = subprocess.run([sys.executable, "-m", "exodata.cli", "build", "--seeds", str(REPO / "tests/data/readme"),
                            "--out", str(out)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    code = example.replace("package = None", f"package = {str(out)!r}") + (
        "\nprint('FOUND', hits['publication_id'].to_list())\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "FOUND ['doi:10.5555/exo-readme.1']" in result.stdout


def test_readme_cites_the_current_version():
    import exodata

    assert f"> {exodata.cite('apa')}" in README


def test_readme_command_table_lists_every_command():
    from exodata.cli import COMMANDS

    table = README.split("## Command line", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `exodata (\w+)", table, flags=re.M)
    assert sorted(set(listed)) == sorted(COMMANDS)
