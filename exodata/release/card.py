"""The dataset card (``DATASET.md``): what the data is and is not, how it was made, what it holds, its coverage,
provenance and licences, known limitations, how to cite it and its versions.

Every fact is generated, so the card cannot go stale: counts from the package's tables, table descriptions and
the pipeline's formats and categories from the schema source and the format registry, licences, sources and
releases from ``exodata/metadata/project.toml``, the measured annotation quality and its limitations from
``exodata/metadata/quality.toml``, the citation from :func:`exodata.release.citation.cite`.  ``exodata build``
writes it beside ``datapackage.json`` (so the wheel ships it and the repository's ``DATASET.md`` is the shipped
package's card); it is the release archive's README and the header of ``exodata report``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from exodata.harvest.scope import scope
from exodata.metadata.project import Project, project
from exodata.package.layout import CARD
from exodata.release.citation import cite

__all__ = ["CARD", "dataset_card", "write_card"]


def _facts(package: Path) -> dict[str, Any]:
    """What the card says about the package, computed from its descriptor and tables (only the columns needed:
    a card is written at the end of every build, so it reads no text it does not count)."""
    import polars as pl

    from exodata.metadata.tables import CATEGORIES
    from exodata.package.loading import parquet_path, read_descriptor

    descriptor = read_descriptor(package)
    resources = {r["name"]: r for r in descriptor["resources"]}

    def scan(name: str):
        return pl.scan_parquet(parquet_path(package, resources[name]))

    publications = scan("publications").select(
        pl.len().alias("publications"), pl.col("abstract").is_null().sum().alias("no_abstract"),
        pl.col("language").is_null().sum().alias("no_language"), pl.col("year").min().alias("first"),
        pl.col("year").max().alias("last")).collect().row(0, named=True)
    seeds = scan("seed_records").select("file", "status", "format").collect()
    status = dict(seeds.group_by("status").len().iter_rows())
    per_format = (seeds.with_columns(pl.col("format").fill_null("unknown")).group_by("format").len()
                  .sort(["len", "format"], descending=[True, False]))
    concepts = scan("concepts").collect()
    linked = scan("publication_concepts").select("publication_id", "concept_id", "category").collect()
    coverage = []
    for category in CATEGORIES:
        in_vocabulary = concepts.filter(pl.col("category") == category).height
        rows = linked.filter(pl.col("category") == category)
        coverage.append((category, in_vocabulary, rows["concept_id"].n_unique(), rows["publication_id"].n_unique()))
    sources = (sorted(set(concepts["msc_source"].drop_nulls().to_list()), key=str.lower)
               if "msc_source" in concepts.columns else [])
    return {
        "descriptor": descriptor,
        "rows": [(r["name"], r.get("exodata:rows"), r.get("description", "")) for r in descriptor["resources"]],
        "publications": publications["publications"],
        "status": status,
        "formats": list(per_format.iter_rows()),
        "seed_files": seeds["file"].n_unique(),
        "no_abstract": publications["no_abstract"],
        "no_language": publications["no_language"],
        "years": (publications["first"], publications["last"]),
        "coverage": coverage,
        "annotated": linked["publication_id"].n_unique(),
        "concepts": concepts.height,
        "sources": sources,
    }


def _per_format(facts: dict[str, Any]) -> list[str]:
    """Seed records per source format (``seed_records.format``: the reader that read them)."""
    from exodata.ingest import formats

    known = set(formats.names())
    lines = ["| source format | `seed_records.format` | seed records |", "|---|---|---:|"]
    for code, count in facts["formats"]:
        label = formats.entry(code).label if code in known else "no reader accepted the file"
        lines.append(f"| {label} | `{code}` | {count} |")
    return [*lines, ""]


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "–"


def _how_made(facts: dict[str, Any]) -> list[str]:
    from exodata.ingest import formats
    from exodata.metadata.tables import ANNOTATED_FIELDS, CATEGORIES

    exports = ", ".join(formats.entry(name).label for name in formats.names(formats.EXPORT))
    pages = ", ".join(formats.entry(name).label for name in formats.names(formats.PAGE))
    fields = ", ".join(ANNOTATED_FIELDS)
    return [
        "## How it was made",
        "",
        f"1. **Seeds**: {facts['seed_files']} literature export file(s) in `seeds/` (listed with their sha256 in "
        "`datapackage.json` → `sources`), never edited by hand.",
        f"2. **Readers**: each file is decoded and read by the first reader that accepts it. Exports: {exports}. "
        f"Scraped page layouts: {pages}. Every value keeps the character offsets it came from (`provenance`).",
        "3. **Normalisation**: DOIs, PubMed ids, names, languages (ISO 639-1), countries (ISO 3166-1) and citation "
        "lines are normalised; records sharing a DOI, PMID/PMCID, or title + year + first author are merged into "
        "one publication, and the values duplicates disagree on are kept in `conflicts`.",
        f"4. **Annotation**: the curated vocabulary ({facts['concepts']} concepts in {len(CATEGORIES)} categories: "
        f"{', '.join(CATEGORIES)}) is matched in the {fields} and keywords of each record (`mentions`, "
        "summarised per publication in `publication_concepts`, and the six method categories per publication "
        "in `publication_methods`); stated vesicle sizes, doses and particle concentrations are read into "
        "`vesicle_quantities`. The records' own publication types and MeSH headings are kept as given "
        "(`publication_types`, `subject_headings`).",
        "5. **Checks**: every table is checked before anything is written: types, constraints and row rules "
        "(pandera schemas generated from `exodata/metadata/tables.py`), primary and foreign keys, and that every "
        "offset points at its text. A record that cannot be read is never dropped: it is a `quarantined` row of "
        "`seed_records` with the reason.",
        "",
    ]


def _coverage(facts: dict[str, Any]) -> list[str]:
    total = facts["publications"]
    lines = [
        "## Coverage per concept category",
        "",
        f"{facts['annotated']} of {total} publications have at least one concept mention.",
        "",
        "| category | concepts in the vocabulary | concepts mentioned | publications with a mention | share |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {category} | {vocabulary} | {mentioned} | {publications} | {_percent(publications, total)} |"
              for category, vocabulary, mentioned, publications in facts["coverage"]]
    if facts["sources"]:
        lines += ["", "MSC sources the vocabulary marks (`concepts.msc_source`): "
                  + ", ".join(facts["sources"]) + "."]
    return [*lines, ""]


def _licences(about: Project) -> list[str]:
    data, code = about.licenses["data"], about.licenses["code"]
    lines = [
        "## Provenance and licences",
        "",
        f"- **Our work** (the compilation, table structure, normalised values, de-duplication, provenance offsets, "
        f"the curated vocabulary and the annotations): [{data['id']}]({data['url']}): {data['title']}.",
        "- **Text quoted from the records** (titles and abstracts as written, affiliations, funder names) and the "
        "seed files themselves are **not ours**: they stay under their publishers' and catalogues' terms; we "
        "redistribute them for research use (citation, text mining). Bibliographic facts (authors, journals, years, "
        "identifiers) are facts. The details are in `LICENSE-DATA.md`.",
        f"- **The library** that builds it: [{code['id']}]({code['url']}) ({about.repository}).",
        "- **Reference sources** of the vocabulary's identifiers and labels:",
        *(f"  - [{source['title']}]({source['path']})" for source in about.sources),
        "- **Provenance**: every non-null bibliographic value has a `provenance` row giving the seed file, record "
        "and character offsets it came from; every mention and vesicle quantity points at its characters "
        "(`publications.<field>[start:end] == text`).",
        "",
    ]
    return lines


def _limitations(facts: dict[str, Any]) -> list[str]:
    from exodata.metadata.quality import COLUMNS, LAYERS, ROWS, quality

    measured = quality()
    lines = ["## Known limitations", ""]
    for layer, (what, _) in LAYERS.items():
        blind = measured.blind(layer)
        lines += [
            f"**Annotation quality of {what}, measured blind**: {blind.title}, exodata {blind.version} (commit "
            f"{blind.commit}, {blind.date}); the set: {blind.set}. Source: {blind.source}.",
            "",
            "| category | " + " | ".join(COLUMNS) + " |",
            "|---|" + "---:|" * len(COLUMNS),
        ]
        for row in (row for row in ROWS if row in blind.scores):
            scores = blind.scores[row]
            lines.append(f"| {row} | " + " | ".join(f"{scores[c]:.3f}" if isinstance(scores[c], float) else
                                                    str(scores[c]) for c in COLUMNS) + " |")
        lines.append("")
        for other in (m for m in measured.of_layer(layer) if not m.blind):
            overall = other.scores["all"]
            lines.append(f"{other.title}: precision {overall['precision']:.3f}, recall {overall['recall']:.3f} "
                         f"overall ({other.source}); not an estimate of quality on new text, only a regression "
                         "floor. The development sets score 1.000 because the vocabulary was built on them.")
            lines.append("")
    lines += ["What the vocabulary cannot see:", ""]
    lines += [f"- {text}" for text in measured.limitations]
    total = facts["publications"]
    lines += [
        f"- In this version, {facts['no_abstract']} of {total} publications have no abstract and "
        f"{facts['no_language']} state no language.",
        "- Coverage is the seeds': the dataset holds what the seed files hold, not the whole literature.",
        "",
    ]
    return lines


def dataset_card(package: Path, about: Project | None = None) -> str:
    """The card of the package in ``package`` as Markdown (deterministic: the same package, the same text)."""
    about = about or project()
    facts = _facts(package)
    descriptor = facts["descriptor"]
    version = descriptor.get("version")
    released = next((r for r in about.releases if r.version == version), None)
    status = facts["status"]
    total = facts["publications"]
    first, last = facts["years"]
    span = f", published {first}–{last}" if first is not None else ""
    lines = [
        f"# {about.title}",
        "",
        f"Version {version}" + (f", released {released.date}" if released else ", not released yet") + ". "
        + about.description,
        "",
        "## What the data is, and what it is not",
        "",
        f"- **Is**: {total} bibliographic records of research on exosomes / small extracellular vesicles "
        f"derived from mesenchymal stem cells{span}, each with its authors, affiliations, keywords and "
        "funders as the records give them, the abstract when there is one, and the concepts (diseases, "
        "tissues, cell types, cargo, processes, therapies) its title, abstract and keywords mention, with "
        "exact character offsets.",
        "- **Is**: traceable: every value points at the seed file and the characters it came from; rebuilding the "
        "same seeds gives byte-identical files.",
        "- **Is not**: full text, study results or effect sizes, or a judgement of evidence; a mention says a "
        "term occurs, not what the study found about it.",
        "- **Is not**: complete: it holds the records of its seed files, not every publication of the field.",
        f"- **Scope**: {' '.join(scope().description.split())} (`exodata/metadata/scope.toml`: the PubMed and "
        "Europe PMC queries `exodata fetch` searches to grow the seeds.)",
        "",
        *_how_made(facts),
        "## Contents",
        "",
        f"Seed records: {sum(status.values())} read, " + ", ".join(
            f"{status.get(name, 0)} {name}" for name in ("compiled", "duplicate", "quarantined")) + ".",
        "",
        *_per_format(facts),
        "| table | rows | one row per |",
        "|---|---:|---|",
        *(f"| `{name}` | {count} | {text} |" for name, count, text in facts["rows"]),
        "",
        "Each table is in `data/` twice: `<table>.csv` (the interchange copy) and `<table>.parquet` (typed). "
        "`datapackage.json` and `schemas/` are the Frictionless descriptor and Table Schemas, with the size and "
        "sha256 of every file; the columns are described in `data-dictionary.md` (`docs/` in the repository). "
        "Load it with `exodata.load()`, or `polars.read_parquet(\"data/publications.parquet\")`; check it with "
        "`exodata validate .` or `frictionless validate datapackage.json`.",
        "",
        *_coverage(facts),
        *_licences(about),
        *_limitations(facts),
        "## How to cite",
        "",
        cite("apa", about),
        "",
        "```bibtex",
        cite("bibtex", about).rstrip("\n"),
        "```",
        "",
        "## Versions",
        "",
        "| version | released | DOI |",
        "|---|---|---|",
        *(f"| {r.version} | {r.date} | {r.doi or '–'} |" for r in about.releases),
        "",
        "What changed in each: `CHANGELOG.md`.",
        "",
    ]
    return "\n".join(lines)


def write_card(package: Path) -> Path:
    """Write the card of the package in ``package`` to ``package/DATASET.md``; return its path."""
    target = package / CARD
    target.write_bytes(dataset_card(package).encode("utf-8"))
    return target
