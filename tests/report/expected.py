"""The report's figures as this test computes them itself, from the tables, with polars."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl

import exodata

SIZES = ("diameter", "size", "radius")


def _per(frame: pl.DataFrame, column: str, prefix: str) -> dict[str, int]:
    values = frame[column].cast(pl.String).fill_null("unknown").to_list()
    out: dict[str, int] = {}
    for value in values:
        out[f"{prefix}.{value}"] = out.get(f"{prefix}.{value}", 0) + 1
    return out


def exact_figures(package: Path) -> dict[str, str]:
    """Every figure the report must show in full: name → the text of the number."""
    t = exodata.load(path=package)
    figures: dict[str, int | float | str] = {f"rows.{name}": frame.height for name, frame in t.items()}
    seeds = t["seed_records"]
    for status in ("compiled", "duplicate", "quarantined"):
        figures[f"seed_records.status.{status}"] = seeds.filter(pl.col("status") == status).height
    for (code,), group in seeds.with_columns(pl.col("format").fill_null("unknown")).group_by("format"):
        figures[f"seed_records.format.{code}"] = group.height
        for status in ("compiled", "duplicate", "quarantined"):
            figures[f"seed_records.format.{code}.{status}"] = group.filter(pl.col("status") == status).height
    pubs = t["publications"]
    figures |= _per(pubs, "year", "publications.year")
    figures |= _per(pubs, "language", "publications.language")
    figures |= _per(pubs, "country", "publications.country")
    pc, concepts = t["publication_concepts"], t["concepts"]
    source = concepts.filter(pl.col("msc_source").is_not_null()).select("concept_id", "msc_source")
    with_source = pc.join(source, on="concept_id").select("publication_id", "msc_source").unique()
    for name, group in with_source.group_by("msc_source"):
        figures[f"msc_source.{name[0]}"] = group.height
    diseases = pc.filter(pl.col("category") == "disease").select("publication_id", "concept_id")
    for (cid, name), group in diseases.join(with_source, on="publication_id").group_by("concept_id", "msc_source"):
        figures[f"matrix.{cid}.{name}"] = group["publication_id"].n_unique()
    sizes = t["vesicle_quantities"].filter(pl.col("quantity").is_in(SIZES))
    for row in sizes.iter_rows(named=True):
        key = f"size.{row['publication_id']}.{row['field']}.{row['start']}"
        figures[f"{key}.min"], figures[f"{key}.max"] = row["value_min"], row["value_max"]
    figures["version"] = json.loads((package / "datapackage.json").read_text())["version"]
    return {name: (f"{value:g}" if isinstance(value, float) else str(value)) for name, value in figures.items()}


def concept_counts(package: Path) -> pl.DataFrame:
    """Publications per concept: concept_id, category, count."""
    pc = exodata.load("publication_concepts", path=package)
    return pc.group_by("concept_id", "category").agg(pl.col("publication_id").n_unique().alias("count"))


def mirna_counts(package: Path) -> dict[str, int]:
    """Publications per cargo mention text (the report lists those that are miRNA names)."""
    m = exodata.load("mentions", path=package).filter(pl.col("category") == "cargo")
    return dict(m.group_by("text").agg(pl.col("publication_id").n_unique()).iter_rows())


MIRNA = re.compile(r"(?i)^(?:(?:hsa|mmu|rno)-)?(?:mir|microrna|mirna)[-\u2010 ]?\d|^(?:(?:hsa|mmu|rno)-)?let-7")


def check(shown: list[tuple[str, str]], package: Path) -> None:
    """Hold every ``data-figure`` shown (name, text) to the tables; fail naming the first difference."""
    exact = exact_figures(package)
    concepts = {cid: (category, n) for cid, category, n in concept_counts(package).iter_rows()}
    mirnas = mirna_counts(package)
    seen: dict[str, str] = {}
    by_category: dict[str, set[str]] = {}
    for name, text in shown:
        text = text.strip()
        assert seen.setdefault(name, text) == text, f"{name} is shown as {seen[name]} and as {text}"
        kind, _, rest = name.partition(".")
        if name in exact:
            assert text == exact[name], f"{name}: shown {text}, the tables say {exact[name]}"
        elif kind in ("concept", "cargo"):
            category, count = concepts[rest]
            assert text == str(count), f"{name}: shown {text}, the tables say {count}"
            by_category.setdefault(category if kind == "concept" else "cargo-shown", set()).add(rest)
        elif kind == "mirna":
            assert MIRNA.match(rest), f"{rest} is listed as a named miRNA"
            assert text == str(mirnas[rest]), f"{name}: shown {text}, the tables say {mirnas[rest]}"
        elif kind == "diff":
            assert text.isdigit(), name
        else:
            raise AssertionError(f"unexpected figure {name}={text}")
    missing = sorted(set(exact) - set(seen))
    assert not missing, f"figures the report does not show: {missing[:10]}"
    # the top concepts shown per category are the top ones: none left out has more publications
    for category, ids in by_category.items():
        if category == "cargo-shown":
            continue
        lowest = min(concepts[cid][1] for cid in ids)
        left_out = [n for cid, (cat, n) in concepts.items() if cat == category and cid not in ids]
        assert all(n <= lowest for n in left_out), category
