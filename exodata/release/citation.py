"""How to cite exodata: CITATION.cff, the Zenodo deposition metadata, and BibTeX / APA text.

Everything comes from the project metadata (``exodata/metadata/project.toml``) and the version of this
installation; the Zenodo metadata also lists the DOIs of the records the package was compiled from
(``isDerivedFrom``).  Deterministic: the same metadata and package give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from exodata.metadata.project import Project, project

FORMATS = ("apa", "bibtex", "cff")
CFF_MESSAGE = "If you use this dataset, please cite the version you used as below."
#: Zenodo's identifiers for the licences we use (its vocabulary is lower case).
ZENODO_LICENSES = {"CC-BY-4.0": "cc-by-4.0", "MIT": "mit"}


def cff(about: Project | None = None) -> dict[str, Any]:
    """The CITATION.cff content (Citation File Format 1.2.0, type dataset) of this version."""
    about = about or project()
    out: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": CFF_MESSAGE,
        "type": "dataset",
        "title": about.title,
        "version": about.version,
        "date-released": about.release.date,
        "abstract": about.description,
        "authors": [_cff_person(creator) for creator in about.creators],
        "keywords": list(about.keywords),
        "license": about.licenses["data"]["id"],
        "repository-code": about.repository,
    }
    if about.doi:
        out["doi"] = about.doi
    if about.concept_doi:
        out["identifiers"] = [{"type": "doi", "value": about.concept_doi,
                               "description": "The concept DOI: every version of exodata"}]
    return out


def _cff_person(creator: dict[str, str]) -> dict[str, str]:
    """A creator as a CFF person (``family, given`` names) or entity (any other name)."""
    name = creator["name"]
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        person = {"family-names": family, "given-names": given}
    else:
        person = {"name": name}
    if creator.get("orcid"):
        person["orcid"] = f"https://orcid.org/{creator['orcid']}"
    if creator.get("affiliation"):
        person["affiliation"] = creator["affiliation"]
    return person


def cff_text(about: Project | None = None) -> str:
    """CITATION.cff as written (YAML, keys in the order above)."""
    import yaml

    return yaml.safe_dump(cff(about), sort_keys=False, allow_unicode=True, width=100)


def zenodo_metadata(source_dois: Iterable[str] = (), about: Project | None = None) -> dict[str, Any]:
    """The Zenodo deposition metadata (legacy deposit API) of this version: a dataset, compiled by the exodata
    software, derived from the records whose DOIs are given."""
    about = about or project()
    related = [{"identifier": about.repository, "relation": "isCompiledBy", "resource_type": "software",
                "scheme": "url"}]
    related += [{"identifier": doi, "relation": "isDerivedFrom", "resource_type": "publication-article",
                 "scheme": "doi"} for doi in sorted(set(source_dois))]
    out: dict[str, Any] = {
        "upload_type": "dataset",
        "title": about.title,
        "publication_date": about.release.date,
        "creators": [{k: v for k, v in creator.items() if k in ("name", "affiliation", "orcid")}
                     for creator in about.creators],
        "description": f"<p>{about.description}</p>",
        "access_right": "open",
        "license": ZENODO_LICENSES[about.licenses["data"]["id"]],
        "version": about.version,
        "keywords": list(about.keywords),
        "related_identifiers": related,
        "notes": "Text quoted from the source records (titles, abstracts, affiliations) remains under its "
                 "publishers' terms; see LICENSE-DATA.md.",
    }
    return out


def source_dois(directory) -> list[str]:
    """The DOIs of the publications in the package at ``directory``."""
    import polars as pl

    from exodata.package.loading import load

    dois = load("publications", path=directory).get_column("doi").drop_nulls()
    return sorted(dois.unique().to_list()) if isinstance(dois, pl.Series) else []


def cite(fmt: str = "apa", about: Project | None = None) -> str:
    """The citation of this version in ``fmt`` (``apa``, ``bibtex`` or ``cff``), with its DOI once it has one."""
    about = about or project()
    if fmt not in FORMATS:
        raise ValueError(f"unknown citation format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "cff":
        return cff_text(about).rstrip("\n")
    year = about.release.date[:4]
    names = [creator["name"] for creator in about.creators]
    link = f"https://doi.org/{about.doi}" if about.doi else about.repository
    if fmt == "apa":
        authors = ", ".join(names[:-1]) + (", & " if len(names) > 1 else "") + names[-1]
        publisher = " Zenodo." if about.doi else ""
        return f"{authors}. ({year}). {about.title} (Version {about.version}) [Data set].{publisher} {link}"
    key = f"{about.name}_{about.version.replace('.', '_')}"
    fields = [("author", " and ".join("{" + n + "}" if "," not in n else n for n in names)),
              ("title", "{" + about.title + "}"), ("year", year), ("version", about.version),
              ("howpublished", "Data set"), ("publisher", "Zenodo" if about.doi else None),
              ("doi", about.doi), ("url", link)]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{key},\n{body}\n}}"
