"""The measured annotation quality (``quality.toml`` beside this module), read once.

The figures are measured elsewhere (``tests/data/heldout/README.md``, ``scripts/score_mentions.py``) and declared
here once, so the dataset card and the report state the same numbers; a test holds them to the README's tables.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

#: The categories a measurement scores, then the overall row.
ROWS = ("disease", "anatomy", "cell_type", "cargo", "process", "therapy", "all")
COLUMNS = ("tp", "fp", "fn", "precision", "recall", "f1")


@dataclass(frozen=True)
class Measurement:
    name: str
    title: str
    set: str
    date: str
    version: str
    commit: str
    source: str
    blind: bool
    scores: dict[str, dict[str, float]]  # row → column → value


@dataclass(frozen=True)
class Quality:
    measurements: tuple[Measurement, ...]
    limitations: tuple[str, ...]

    @property
    def blind(self) -> Measurement:
        """The out-of-sample measurement: the honest figure."""
        return next(m for m in self.measurements if m.blind)


@cache
def quality() -> Quality:
    raw = tomllib.loads(resources.files("exodata.metadata").joinpath("quality.toml").read_text(encoding="utf-8"))
    measurements = []
    for entry in raw["measurements"]:
        scores = {}
        for row in ROWS:
            values = entry[row]
            if len(values) != len(COLUMNS):
                raise ValueError(f"exodata/metadata/quality.toml: {entry['name']}.{row} needs {len(COLUMNS)} values "
                                 f"({', '.join(COLUMNS)})")
            scores[row] = dict(zip(COLUMNS, values))
        measurements.append(Measurement(name=entry["name"], title=entry["title"], set=entry["set"], date=entry["date"],
                                        version=entry["version"], commit=entry["commit"], source=entry["source"],
                                        blind=bool(entry["blind"]), scores=scores))
    if sum(m.blind for m in measurements) != 1:
        raise ValueError("exodata/metadata/quality.toml: exactly one measurement must be blind")
    return Quality(measurements=tuple(measurements), limitations=tuple(raw.get("limitations", [])))
