"""The curated vocabulary: concepts kept as human-editable TOML files, one file per category.

Why TOML: curators review vocabulary changes like code, in a diff, without a tool.  Each file holds
``[[concept]]`` tables with ``id`` (a CURIE from the right public ontology, or ``EXO:`` with a ``note`` saying
what was looked for), ``label``, ``synonyms`` (matched case-insensitively), ``abbreviations`` (matched
case-sensitively, whole word), ``zh`` (Chinese terms), ``xrefs`` and ``note``.  Anatomy concepts may also give
``adjectives`` ("renal" for kidney): they are never mentions on their own, only the head of a composed
disease ("renal fibrosis") or process ("renal repair") phrase.  ``match_label = false`` keeps an ontology label
that names a source tissue plus a cell ("mesenchymal stem cell of the bone marrow") out of the matcher, because
the gold reads such phrases as anatomy + cell type (gold rule 4); the concept is then found by its abbreviations.
``msc_source`` marks a tissue or cell that MSCs are derived from (bone marrow, BMSCs, umbilical cord, iPSCs ...):
its value names the source, the same for a tissue and its cells ("bone marrow" for both), and becomes the
``concepts.msc_source`` column, so that a report or a query groups publications by MSC source from the data.

``stoplist.toml`` lists phrases that are matched so that they occupy their span but are never reported (for
example the population "preterm infants", which must not yield the disease "preterm").
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from exodata.ingest.vocabulary.surface import plural_of
from exodata.metadata.tables import CATEGORIES

HERE = Path(__file__).resolve().parent

#: Categories named by a mass noun: their file takes the name as it is ("anatomy.toml", "species.toml").
_UNCOUNTED = frozenset({"anatomy", "cargo", "species"})


def category_file(category: str) -> str:
    """The file a category's concepts are kept in: its plural ("cell_type" -> "cell_types.toml")."""
    return f"{category if category in _UNCOUNTED else plural_of(category)[0]}.toml"


#: One file per category of the schema (``CATEGORIES`` is declared in ``exodata/metadata/tables.py`` only).
CATEGORY_FILES = {category: category_file(category) for category in CATEGORIES}


@dataclass(frozen=True)
class Concept:
    concept_id: str
    category: str
    label: str
    synonyms: list[str] = field(default_factory=list)
    abbreviations: list[str] = field(default_factory=list)
    zh: list[str] = field(default_factory=list)
    xrefs: list[str] = field(default_factory=list)
    note: str | None = None
    adjectives: list[str] = field(default_factory=list)
    match_label: bool = True
    msc_source: str | None = None

    def __hash__(self) -> int:  # lists make the default hash impossible; the id is the identity
        return hash(self.concept_id)


def read_concepts(path: Path, category: str) -> list[Concept]:
    """Read one category file; unknown keys are an error so that typos do not pass silently."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    known = {"id", "label", "synonyms", "abbreviations", "zh", "xrefs", "note", "adjectives", "match_label",
             "msc_source"}
    concepts = []
    for entry in data.get("concept", []):
        unknown = set(entry) - known
        if unknown:
            raise ValueError(f"{path.name}: concept {entry.get('id')!r} has unknown keys {sorted(unknown)}")
        concepts.append(
            Concept(
                concept_id=entry["id"],
                category=category,
                label=entry["label"],
                synonyms=list(entry.get("synonyms", [])),
                abbreviations=list(entry.get("abbreviations", [])),
                zh=list(entry.get("zh", [])),
                xrefs=list(entry.get("xrefs", [])),
                note=entry.get("note"),
                adjectives=list(entry.get("adjectives", [])),
                match_label=bool(entry.get("match_label", True)),
                msc_source=entry.get("msc_source"),
            )
        )
    return concepts


@lru_cache(maxsize=4)
def _load(directory: str) -> tuple[Concept, ...]:
    folder = Path(directory)
    concepts: list[Concept] = []
    for category, filename in CATEGORY_FILES.items():
        concepts.extend(read_concepts(folder / filename, category))
    return tuple(sorted(concepts, key=lambda c: c.concept_id))


def load_vocabulary(directory: Path | None = None) -> list[Concept]:
    """Every curated concept, sorted by concept_id (cached; the files are read once per process)."""
    return list(_load(str(directory or HERE)))


@lru_cache(maxsize=4)
def load_stoplist(directory: str | None = None) -> tuple[str, ...]:
    """Phrases that are matched and then dropped (they shield their words from shorter terms)."""
    path = Path(directory or HERE) / "stoplist.toml"
    if not path.exists():
        return ()
    return tuple(tomllib.loads(path.read_text(encoding="utf-8")).get("phrases", []))
