"""Every number the report shows, computed once from the package's tables.

:func:`compute` reads the tables it needs (Parquet, polars) and returns :class:`Figures`: a few plain tables
(:class:`Figure`), each a list of rows of plain Python values, in the order they are shown.  A row's count is
the number the page prints, and its ``figure`` is the name the page gives it (``data-figure``), so the page, its
charts and a test all read the same rows.  Nothing here draws or formats.

Counting rules, each a fact of the tables:

* seed records per status, and per source format (``seed_records.format``, the reader that read the record:
  ``pubmed_xml``, ``europepmc_json``, ...; ``unknown`` when no reader accepted the file) with its statuses;
* publications per year, language and country: rows of ``publications`` (a null value is ``unknown``);
* per concept: distinct publications in ``publication_concepts``;
* MSC sources: ``concepts.msc_source`` (declared in the vocabulary); a publication counts for a source when
  it mentions any concept of that source; the disease × source matrix counts publications that mention both;
* named miRNAs: cargo ``mentions`` whose whole text is a miRNA name (the matcher's pattern), by the name as
  written; distinct publications;
* vesicle sizes: ``vesicle_quantities`` rows measuring a diameter, size or radius.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Rows listed at most in a table of records (quarantined, duplicates, conflicts); the count is always exact.
MAX_LISTED = 500
#: Concepts shown per category, and diseases in the matrix chart (its table lists every pair).
TOP_CONCEPTS = 10
TOP_CARGO = 20
MATRIX_DISEASES = 25
#: ``vesicle_quantities.quantity`` values that state a size.
SIZE_QUANTITIES = ("diameter", "size", "radius")
UNKNOWN = "unknown"


@dataclass
class Figure:
    """One table of figures: ``rows`` (dicts with the ``columns``' keys; ``figure`` names a row's count)."""

    key: str
    title: str
    caption: str
    columns: list[tuple[str, str]]  # (row key, heading)
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int | None = None  # rows there are when more than MAX_LISTED exist (only the first are listed)
    note: str = ""


@dataclass
class Figures:
    version: str | None
    title: str
    tables: Figure
    status: Figure
    formats: Figure
    years: Figure
    languages: Figure
    countries: Figure
    sources: Figure
    matrix: Figure
    top: list[Figure]
    cargo: Figure
    mirnas: Figure
    sizes: Figure
    quarantined: Figure
    duplicates: Figure
    conflicts: Figure
    has_sources: bool = True

    def all(self) -> list[Figure]:
        return [self.tables, self.status, self.formats, self.years, self.languages, self.countries, self.sources,
                self.matrix, *self.top, self.cargo, self.mirnas, self.sizes, self.quarantined, self.duplicates,
                self.conflicts]


def _read(package: Path, resources: dict[str, dict], name: str, columns: list[str] | None = None):
    import polars as pl

    from exodata.package.loading import parquet_path

    return pl.read_parquet(parquet_path(package, resources[name]), columns=columns)


def _rows_of(package: Path, resource: dict) -> int:
    import pyarrow.parquet as pq

    from exodata.package.loading import parquet_path

    return pq.ParquetFile(parquet_path(package, resource)).metadata.num_rows


def _counted(frame, column: str, prefix: str, names: dict[str, str] | None = None,
             order: str = "count") -> list[dict[str, Any]]:
    """Rows of ``frame`` counted per value of ``column`` (null → unknown), most first (or by value)."""
    import polars as pl

    counts = (frame.select(pl.col(column).cast(pl.String).fill_null(UNKNOWN).alias("value"))
              .group_by("value").len("count"))
    counts = counts.sort(["count", "value"], descending=[True, False]) if order == "count" else counts.sort("value")
    return [{"value": value, "name": (names or {}).get(value, value), "count": count,
             "figure": f"{prefix}.{value}"} for value, count in counts.iter_rows()]


def _code_names(database: str, codes: list[str]) -> dict[str, str]:
    """"English (en)" for each ISO code, from pycountry's ``languages`` or ``countries``; an unknown code as is."""
    import pycountry

    lookup = getattr(pycountry, database)
    names = {}
    for code in codes:
        found = lookup.get(alpha_2=code) if code != UNKNOWN else None
        names[code] = f"{found.name} ({code})" if found else code
    return names


def _is_mirna_name(text: str) -> bool:
    from exodata.ingest.vocabulary.matcher import mirna_matches

    return any(m.start() == 0 and m.end() == len(text) for m in mirna_matches(text))


def _listed(frame, columns: list[str]) -> tuple[list[dict[str, Any]], int | None]:
    rows = frame.head(MAX_LISTED).select(columns).to_dicts()
    return rows, (frame.height if frame.height > MAX_LISTED else None)


def _per_format(seeds) -> list[dict[str, Any]]:
    """Seed records per ``format`` (most first, then by code), each with its count per status."""
    import polars as pl

    from exodata.ingest import formats
    from exodata.metadata.tables import STATUSES

    known = set(formats.names())
    counts = (seeds.with_columns(pl.col("format").fill_null(UNKNOWN)).group_by("format", "status").len("n"))
    per: dict[str, dict[str, int]] = {}
    for code, status, n in counts.iter_rows():
        per.setdefault(code, {})[status] = n
    rows = []
    for code, by_status in sorted(per.items(), key=lambda item: (-sum(item[1].values()), item[0])):
        label = formats.entry(code).label if code in known else UNKNOWN
        rows.append({"name": label, "format": code, "count": sum(by_status.values()),
                     **{s: by_status.get(s, 0) for s in STATUSES}, "figure": f"seed_records.format.{code}"})
    return rows


def compute(package: Path) -> Figures:
    """The figures of the package in directory ``package``."""
    import polars as pl

    from exodata.metadata.tables import CATEGORIES, STATUSES
    from exodata.package.loading import read_descriptor

    descriptor = read_descriptor(package)
    resources = {r["name"]: r for r in descriptor["resources"]}
    publications = _read(package, resources, "publications", ["publication_id", "year", "language", "country"])
    seeds = _read(package, resources, "seed_records")
    concepts = _read(package, resources, "concepts")
    linked = _read(package, resources, "publication_concepts",
                   ["publication_id", "concept_id", "category", "label"])

    tables = Figure("tables", "Rows per table", "How many rows each table of the package holds.",
                    [("name", "table"), ("count", "rows")],
                    [{"name": name, "count": _rows_of(package, resource), "figure": f"rows.{name}"}
                     for name, resource in resources.items()])

    per_status = dict(seeds.group_by("status").len().iter_rows())
    status = Figure("status", "Seed records per status",
                    "Every record found in the seed files: compiled into a publication, merged into another as a "
                    "duplicate, or quarantined (not readable; the reason is listed below).",
                    [("name", "status"), ("count", "records")],
                    [{"name": s, "count": per_status.get(s, 0), "figure": f"seed_records.status.{s}"}
                     for s in STATUSES])

    formats = Figure("formats", "Seed records per source format",
                     "Every record found in the seed files, by the format its reader read (seed_records.format: "
                     "the source it was exported or harvested from), with how many were compiled, merged as "
                     "duplicates or quarantined; unknown when no reader accepted the file.",
                     [("name", "format"), ("format", "code"), ("count", "records"),
                      *((s, s) for s in STATUSES)], _per_format(seeds))

    years = Figure("years", "Publications per year", "Publications (after de-duplication) by publication year.",
                   [("name", "year"), ("count", "publications")],
                   _counted(publications, "year", "publications.year", order="value"))
    languages_rows = _counted(publications, "language", "publications.language")
    names = _code_names("languages", [r["value"] for r in languages_rows])
    for row in languages_rows:
        row["name"] = names[row["value"]]
    languages = Figure("languages", "Publications per language",
                       "The language of the article (ISO 639-1) as the record states it; unknown when it does not.",
                       [("name", "language"), ("count", "publications")], languages_rows)
    countries_rows = _counted(publications, "country", "publications.country")
    names = _code_names("countries", [r["value"] for r in countries_rows])
    for row in countries_rows:
        row["name"] = names[row["value"]]
    countries = Figure("countries", "Publications per country",
                       "The record's country field (ISO 3166-1); unknown when the record gives none.",
                       [("name", "country"), ("count", "publications")], countries_rows)

    has_sources = "msc_source" in concepts.columns
    source_of = (concepts.filter(pl.col("msc_source").is_not_null()).select("concept_id", "msc_source")
                 if has_sources else pl.DataFrame(schema={"concept_id": pl.String, "msc_source": pl.String}))
    by_source = linked.join(source_of, on="concept_id").select("publication_id", "msc_source").unique()
    source_counts = (by_source.group_by("msc_source").len("count")
                     .sort(["count", "msc_source"], descending=[True, False]))
    sources = Figure("sources", "Publications per MSC source",
                     "Publications that mention a tissue or cell MSCs are derived from, grouped by the source the "
                     "vocabulary declares (concepts.msc_source: a tissue and its MSC terms, such as bone marrow and "
                     "BMSCs, are one source).",
                     [("name", "MSC source"), ("count", "publications")],
                     [{"name": s, "count": n, "figure": f"msc_source.{s}"} for s, n in source_counts.iter_rows()])
    if not has_sources:
        sources.note = "This package has no concepts.msc_source column (it was built before exodata 0.5.0)."

    diseases = linked.filter(pl.col("category") == "disease").select("publication_id", "concept_id", "label")
    pairs = (diseases.join(by_source, on="publication_id").group_by("concept_id", "label", "msc_source")
             .agg(pl.col("publication_id").n_unique().alias("count"))
             .sort(["count", "label", "msc_source"], descending=[True, False, False]))
    matrix = Figure("matrix", "Diseases × MSC sources",
                    "Publications that mention both the disease and the MSC source (any of its tissue or cell "
                    f"terms). The chart shows the {MATRIX_DISEASES} diseases with the most such publications; the "
                    "table lists every pair.",
                    [("label", "disease"), ("concept_id", "concept"), ("msc_source", "MSC source"),
                     ("count", "publications")],
                    [{"label": label, "concept_id": cid, "msc_source": s, "count": n,
                      "figure": f"matrix.{cid}.{s}"} for cid, label, s, n in pairs.iter_rows()])

    per_concept = (linked.group_by("concept_id", "category", "label")
                   .agg(pl.col("publication_id").n_unique().alias("count"))
                   .sort(["count", "label", "concept_id"], descending=[True, False, False]))
    top = []
    for category in CATEGORIES:
        chosen = per_concept.filter(pl.col("category") == category).head(TOP_CONCEPTS)
        top.append(Figure(f"top-{category}", f"Top {category.replace('_', ' ')} concepts",
                          f"The {TOP_CONCEPTS} {category} concepts mentioned by the most publications.",
                          [("label", "concept"), ("concept_id", "id"), ("count", "publications")],
                          [{"label": label, "concept_id": cid, "count": n, "figure": f"concept.{cid}"}
                           for cid, _, label, n in chosen.iter_rows()]))

    cargo_all = per_concept.filter(pl.col("category") == "cargo")
    classes = cargo_all.filter(~pl.col("label").map_elements(_is_mirna_name, return_dtype=pl.Boolean))
    cargo = Figure("cargo", "Cargo classes", "What the vesicles are said to carry: cargo concepts other than named "
                   f"microRNAs (molecule classes, named cytokines and markers), the {TOP_CARGO} mentioned by the "
                   "most publications.",
                   [("label", "cargo"), ("concept_id", "id"), ("count", "publications")],
                   [{"label": label, "concept_id": cid, "count": n, "figure": f"cargo.{cid}"}
                    for cid, _, label, n in classes.head(TOP_CARGO).iter_rows()])

    import pyarrow.dataset as ds

    from exodata.package.loading import parquet_path

    cargo_mentions = pl.from_arrow(ds.dataset(parquet_path(package, resources["mentions"]))
                                   .to_table(columns=["publication_id", "text"],
                                             filter=ds.field("category") == "cargo"))
    names = cargo_mentions.select("text").unique()
    names = names.filter(pl.col("text").map_elements(_is_mirna_name, return_dtype=pl.Boolean))
    mirna_counts = (cargo_mentions.join(names, on="text").group_by("text")
                    .agg(pl.col("publication_id").n_unique().alias("count"))
                    .sort(["count", "text"], descending=[True, False]))
    mirnas = Figure("mirnas", "Named microRNAs",
                    f"MicroRNAs named in the text (as written), the {TOP_CARGO} named by the most publications.",
                    [("name", "miRNA"), ("count", "publications")],
                    [{"name": text, "count": n, "figure": f"mirna.{text}"}
                     for text, n in mirna_counts.head(TOP_CARGO).iter_rows()])

    quantities = _read(package, resources, "vesicle_quantities")
    stated = quantities.filter(pl.col("quantity").is_in(SIZE_QUANTITIES)).sort("publication_id", "field", "start")
    size_rows = [{**row, "figure": f"size.{row['publication_id']}.{row['field']}.{row['start']}"}
                 for row in stated.select("publication_id", "quantity", "value_min", "value_max", "unit", "field",
                                          "start", "text").to_dicts()]
    sizes = Figure("sizes", "Vesicle sizes stated",
                   "Each vesicle diameter, size or radius a publication states, from its lower to its upper value "
                   "(a single value is a point).",
                   [("publication_id", "publication"), ("quantity", "quantity"), ("value_min", "from"),
                    ("value_max", "to"), ("unit", "unit"), ("text", "as written")], size_rows)

    rows, total = _listed(seeds.filter(pl.col("status") == "quarantined").sort("file", "record"),
                          ["file", "record", "format", "reason"])
    quarantined = Figure("quarantined", "Quarantined records", "Records that could not be compiled, and why.",
                         [("file", "seed file"), ("record", "record"), ("format", "format"), ("reason", "reason")],
                         rows, total)
    rows, total = _listed(seeds.filter(pl.col("status") == "duplicate").sort("file", "record"),
                          ["file", "record", "publication_id", "reason"])
    duplicates = Figure("duplicates", "Duplicate records", "Records merged into a publication another record also "
                        "gave, and why they were matched.",
                        [("file", "seed file"), ("record", "record"), ("publication_id", "merged into"),
                         ("reason", "reason")], rows, total)
    conflict_rows = _read(package, resources, "conflicts").sort("publication_id", "column", "file", "record")
    rows, total = _listed(conflict_rows, ["publication_id", "column", "kept_value", "other_value", "file", "record"])
    conflicts = Figure("conflicts", "Conflicts between duplicates",
                       "Values duplicate records disagree on: the value kept in publications, and the other "
                       "record's.",
                       [("publication_id", "publication"), ("column", "column"), ("kept_value", "kept"),
                        ("other_value", "other"), ("file", "seed file"), ("record", "record")], rows, total)

    return Figures(version=descriptor.get("version"), title=str(descriptor.get("title") or "exodata"),
                   tables=tables, status=status, formats=formats, years=years, languages=languages, countries=countries,
                   sources=sources, matrix=matrix, top=top, cargo=cargo, mirnas=mirnas, sizes=sizes,
                   quarantined=quarantined, duplicates=duplicates, conflicts=conflicts, has_sources=has_sources)
