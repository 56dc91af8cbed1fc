"""Read the pinned ontology files into one id -> names index, for checking the vocabulary offline.

The files are reference data kept outside the repository (see the ``ontology_dir`` fixture); this module only
parses them.  Each reader returns ``{curie: {"label": str, "names": set[str]}}`` where ``names`` holds the
lower-cased label and every synonym the file gives, so a concept can be checked by "label or a synonym matches".
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

Index = dict[str, dict]


def _add(index: Index, curie: str, name: str, is_label: bool = False) -> None:
    entry = index.setdefault(curie, {"label": None, "names": set()})
    if is_label and entry["label"] is None:
        entry["label"] = name
    entry["names"].add(name.strip().lower())


_HGNC_IRI = "http://identifiers.org/hgnc/"


def read_class_stats(path: Path) -> Index:
    """Mondo's class-stats report: id and label of every class Mondo imports (MONDO, HP, GO, CL, CHEBI, NCBITaxon,
    and HGNC gene symbols, which it writes as identifiers.org IRIs)."""
    index: Index = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) < 2 or ":" not in row[0]:
                continue
            curie = row[0]
            if curie.startswith(_HGNC_IRI):  # gene symbols Mondo imports: http://identifiers.org/hgnc/1701 "CD81"
                curie = "HGNC:" + curie[len(_HGNC_IRI):]
            elif curie.startswith("http"):
                continue
            label = re.sub(r'@[a-z]{2}$', "", row[1]).strip('"')  # '"chemotherapy"@en'
            _add(index, curie, label, is_label=True)
    return index


def read_obo(path: Path) -> Index:
    """An OBO file: name and every synonym of each [Term]."""
    index: Index = {}
    curie = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            curie = None
        elif line.startswith("id: "):
            curie = line[4:].strip()
        elif curie and line.startswith("name: "):
            _add(index, curie, line[6:].strip(), is_label=True)
        elif curie and line.startswith("synonym: "):
            match = re.match(r'synonym: "(.*?)"', line)
            if match:
                _add(index, curie, match.group(1))
    return index


_OWL_LABEL = re.compile(r"^# Class: obo:(\w+?)_(\d+) \((.*)\)$")
_OWL_SYNONYM = re.compile(r'has(?:Exact|Related|Narrow|Broad)Synonym obo:(\w+?)_(\d+) "(.*?)"')
_OWL_RDFS_LABEL = re.compile(r'rdfs:label obo:(\w+?)_(\d+) "(.*?)"')


def read_owl_functional(path: Path) -> Index:
    """The Cell Ontology edit file (OWL functional syntax): labels and synonyms of every class."""
    index: Index = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            label = _OWL_LABEL.match(line.rstrip("\n"))
            if label:
                _add(index, f"{label.group(1)}:{label.group(2)}", label.group(3), is_label=True)
                continue
            for pattern, is_label in ((_OWL_RDFS_LABEL, True), (_OWL_SYNONYM, False)):
                found = pattern.search(line)
                if found:
                    _add(index, f"{found.group(1)}:{found.group(2)}", found.group(3), is_label=is_label)
    return index


def read_human_do(path: Path) -> Index:
    index: Index = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) >= 2 and row[0].strip('"').startswith("DOID:"):
                _add(index, row[0].strip('"'), row[1].strip('"'), is_label=True)
    return index


def read_sssom_pairs(path: Path) -> list[tuple[str, str, str]]:
    """(subject_id, predicate_id, object_id) of every mapping row; CURIE prefixes as the file writes them."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        reader = csv.DictReader(lines, delimiter="\t")
        for row in reader:
            rows.append((row["subject_id"], row["predicate_id"], row["object_id"]))
    return rows


def load_index(ontology_dir: Path) -> Index:
    """Merge every pinned file into one index; later files add synonyms to ids already seen."""
    index: Index = {}
    for part in (
        read_class_stats(ontology_dir / "mondo-class-stats.tsv"),
        read_obo(ontology_dir / "uberon-efo-slim.obo"),
        read_owl_functional(ontology_dir / "cl-edit.owl"),
        read_human_do(ontology_dir / "HumanDO.tsv"),
    ):
        for curie, entry in part.items():
            target = index.setdefault(curie, {"label": entry["label"], "names": set()})
            target["names"] |= entry["names"]
            if target["label"] is None:
                target["label"] = entry["label"]
    return index


def read_biomappings_names(path: Path) -> Index:
    """Ids and labels on both sides of the curated biomappings (MeSH <-> GO, UBERON, CHEBI, MAXO, NCIT ...)."""
    index: Index = {}
    with path.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t"):
            for side in ("subject", "object"):
                prefix, _, local = row[f"{side}_id"].partition(":")
                if row.get(f"{side}_label"):
                    _add(index, f"{prefix.upper()}:{local}", row[f"{side}_label"], is_label=True)
    return index


def load_full_index(ontology_dir: Path) -> Index:
    """:func:`load_index` plus the labels the biomappings file gives for both sides of each mapping."""
    index = load_index(ontology_dir)
    for curie, entry in read_biomappings_names(ontology_dir / "biomappings-positive.sssom.tsv").items():
        target = index.setdefault(curie, {"label": entry["label"], "names": set()})
        target["names"] |= entry["names"]
    return index
