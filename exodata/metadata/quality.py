"""The measured annotation quality (``quality.toml`` beside this module), read once.

The figures are measured elsewhere (the topic categories: ``tests/data/heldout/README.md`` with
``scripts/score_mentions.py``; the methods layer: ``docs/vocabulary.md`` with ``scripts/score_methods.py``) and
declared here once, so the dataset card states the same numbers; tests hold them to those documents' tables.
Each layer has exactly one blind measurement: the honest figure.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NamedTuple

from exodata.metadata.tables import CATEGORIES, METHOD_CATEGORIES, TOPIC_CATEGORIES

#: The rows a measurement may score, in the order they are shown: the concept categories, every category
#: together ("all"), then the vesicle quantities (scored by the methods layer).
ROWS = (*CATEGORIES, "all", "quantities")
COLUMNS = ("tp", "fp", "fn", "precision", "recall", "f1")


class Layer(NamedTuple):
    name: str  #: how the dataset card names it
    categories: tuple[str, ...]  #: the categories its gold covers


#: The layers measured.
LAYERS = {"topics": Layer("the topic categories", TOPIC_CATEGORIES),
          "methods": Layer("the methods layer", METHOD_CATEGORIES)}


@dataclass(frozen=True)
class Measurement:
    name: str
    layer: str
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

    def blind(self, layer: str) -> Measurement:
        """The layer's out-of-sample measurement: the honest figure."""
        return next(m for m in self.measurements if m.blind and m.layer == layer)

    def of_layer(self, layer: str) -> tuple[Measurement, ...]:
        return tuple(m for m in self.measurements if m.layer == layer)


@cache
def quality() -> Quality:
    raw = tomllib.loads(resources.files("exodata.metadata").joinpath("quality.toml").read_text(encoding="utf-8"))
    measurements = []
    for entry in raw["measurements"]:
        where = f"exodata/metadata/quality.toml: {entry.get('name')}"
        if entry.get("layer") not in LAYERS:
            raise ValueError(f"{where}: layer must be one of {', '.join(LAYERS)}")
        missing = [row for row in (*LAYERS[entry["layer"]].categories, "all") if row not in entry]
        if missing:
            raise ValueError(f"{where}: no figures for {', '.join(missing)}")
        scores = {}
        for row in (row for row in ROWS if row in entry):
            values = entry[row]
            if len(values) != len(COLUMNS):
                raise ValueError(f"exodata/metadata/quality.toml: {entry['name']}.{row} needs {len(COLUMNS)} values "
                                 f"({', '.join(COLUMNS)})")
            scores[row] = dict(zip(COLUMNS, values))
        measurements.append(Measurement(
            name=entry["name"], layer=entry["layer"], title=entry["title"], set=entry["set"], date=entry["date"],
            version=entry["version"], commit=entry["commit"], source=entry["source"], blind=bool(entry["blind"]),
            scores=scores))
    for layer in LAYERS:
        if sum(m.blind for m in measurements if m.layer == layer) != 1:
            raise ValueError(f"exodata/metadata/quality.toml: exactly one {layer} measurement must be blind")
    return Quality(measurements=tuple(measurements), limitations=tuple(raw.get("limitations", [])))
