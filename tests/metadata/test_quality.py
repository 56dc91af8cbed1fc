"""exodata/metadata/quality.toml states the figures measured in tests/data/heldout/README.md, no other."""

from __future__ import annotations

import re

import pytest

from exodata.metadata.quality import COLUMNS, ROWS, quality
from tests.conftest import REPO

README = (REPO / "tests" / "data" / "heldout" / "README.md").read_text(encoding="utf-8")


def _tables() -> list[dict[str, dict[str, float]]]:
    """Every score table of the README (header 'category tp fp fn precision recall f1'), in order."""
    found = []
    for block in re.findall(r"```\ncategory\s+tp\s+fp\s+fn\s+precision\s+recall\s+f1\n(.*?)```", README, flags=re.S):
        rows = {}
        for line in block.strip().splitlines():
            name, *values = line.split()
            rows[name] = {c: (int(v) if c in ("tp", "fp", "fn") else float(v)) for c, v in zip(COLUMNS, values)}
        found.append(rows)
    return found


def test_the_readme_has_the_two_measurements():
    assert len(_tables()) == len(quality().measurements) == 2


@pytest.mark.parametrize("index", [0, 1])
def test_each_measurement_equals_its_readme_table(index):
    measured = quality().measurements[index]
    table = _tables()[index]
    assert list(table) == list(ROWS)
    assert measured.scores == table


def test_the_blind_one_comes_first_as_in_the_readme():
    assert quality().measurements[0].blind and not quality().measurements[1].blind
    assert "0575e5e" in README and quality().blind.commit == "0575e5e"
