"""exodata/metadata/quality.toml states the figures measured where each measurement is described, no other:
the topic categories in tests/data/heldout/README.md, the methods layer in docs/vocabulary.md ("Blind score")."""

from __future__ import annotations

import re

import pytest

from exodata.metadata.quality import COLUMNS, LAYERS, ROWS, quality
from tests.conftest import REPO

HELDOUT = (REPO / "tests" / "data" / "heldout" / "README.md").read_text(encoding="utf-8")
VOCABULARY = (REPO / "docs" / "vocabulary.md").read_text(encoding="utf-8")


def _row(name: str, values: list[str]) -> tuple[str, dict[str, float]]:
    return name, {c: (int(v) if c in ("tp", "fp", "fn") else float(v)) for c, v in zip(COLUMNS, values, strict=True)}


def _heldout_tables() -> list[dict[str, dict[str, float]]]:
    """Every score table of the held-out README (a code block headed 'category tp fp fn precision recall f1')."""
    blocks = re.findall(r"```\ncategory\s+tp\s+fp\s+fn\s+precision\s+recall\s+f1\n(.*?)```", HELDOUT, flags=re.S)
    return [dict(_row(*_split(line)) for line in block.strip().splitlines()) for block in blocks]


def _split(line: str) -> tuple[str, list[str]]:
    name, *values = line.split()
    return name, values


def _blind_score_tables() -> list[dict[str, dict[str, float]]]:
    """Every Markdown score table of docs/vocabulary.md's "Blind score" section, in order."""
    section = VOCABULARY.split("### Blind score", 1)[1]
    tables = re.findall(r"^\| category \| tp \| fp \| fn \| precision \| recall \| f1 \|\n\|[-:|]+\|\n((?:\|.*\n)+)",
                        section, flags=re.M)
    return [dict(_row(*_split(line.replace("|", " "))) for line in table.strip().splitlines()) for table in tables]


def test_each_layer_has_its_two_measurements_blind_first():
    for layer in LAYERS:
        measured = quality().of_layer(layer)
        assert [m.blind for m in measured] == [True, False], layer


@pytest.mark.parametrize("layer, tables", [("topics", _heldout_tables), ("methods", _blind_score_tables)])
def test_each_measurement_equals_its_documented_table(layer, tables):
    documented = tables()
    measured = quality().of_layer(layer)
    assert len(documented) == len(measured) == 2
    for measurement, table in zip(measured, documented, strict=True):
        assert list(table) == [row for row in ROWS if row in table]
        assert measurement.scores == table, measurement.name


def test_the_blind_commits_are_the_documented_ones():
    assert "0575e5e" in HELDOUT and quality().blind("topics").commit == "0575e5e"
    assert "`b466c71`" in VOCABULARY and quality().blind("methods").commit == "b466c71"
