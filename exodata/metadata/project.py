"""exodata's descriptive metadata (``project.toml`` beside this module), read once and checked.

The version comes from ``exodata.__version__`` (the one place it is written); everything else that describes
the dataset (title, description, creators, licences, sources, the Zenodo concept record, each release's date
and DOI) is declared in the TOML file, so that datapackage.json, CITATION.cff, .zenodo.json, the release and
``exodata cite`` say the same thing.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from exodata import __version__


@dataclass(frozen=True)
class Release:
    version: str
    date: str
    doi: str | None = None


@dataclass(frozen=True)
class Project:
    """What ``project.toml`` declares, with the version of this installation."""

    name: str
    distribution: str
    title: str
    short_title: str
    description: str
    keywords: tuple[str, ...]
    repository: str
    creators: tuple[dict[str, str], ...]
    licenses: dict[str, dict[str, str]]
    sources: tuple[dict[str, str], ...]
    concept_record_id: str | None
    concept_doi: str | None
    releases: tuple[Release, ...]
    version: str = __version__

    @property
    def release(self) -> Release:
        """This version's release entry (its date, and its DOI once published)."""
        for release in self.releases:
            if release.version == self.version:
                return release
        raise ValueError(f"exodata/metadata/project.toml has no [[releases]] entry for version {self.version}; "
                         "add one with the release date before releasing")

    @property
    def doi(self) -> str | None:
        """The DOI to cite this version by: its own once published, else the concept DOI (all versions)."""
        own = next((r.doi for r in self.releases if r.version == self.version and r.doi), None)
        return own or self.concept_doi


def _text(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"exodata/metadata/project.toml: '{key}' must be a non-empty string")
    return value


@cache
def project() -> Project:
    """The project metadata of this installation (``ValueError`` naming the key when the file is malformed)."""
    raw = tomllib.loads(resources.files("exodata.metadata").joinpath("project.toml").read_text(encoding="utf-8"))
    zenodo = raw.get("zenodo") or {}
    releases = tuple(Release(version=r["version"], date=r["date"], doi=r.get("doi") or None)
                     for r in raw.get("releases", []))
    found = Project(
        name=_text(raw, "name"), distribution=_text(raw, "distribution"), title=_text(raw, "title"),
        short_title=_text(raw, "short_title"),
        description=" ".join(_text(raw, "description").split()), keywords=tuple(raw.get("keywords", [])),
        repository=_text(raw, "repository"), creators=tuple(raw.get("creators", [])),
        licenses=dict(raw.get("licenses", {})), sources=tuple(raw.get("sources", [])),
        concept_record_id=zenodo.get("concept_record_id") or None, concept_doi=zenodo.get("concept_doi") or None,
        releases=releases)
    if not found.creators or not all(c.get("name") for c in found.creators):
        raise ValueError("exodata/metadata/project.toml: every [[creators]] entry needs a name")
    if {"data", "code"} - set(found.licenses):
        raise ValueError("exodata/metadata/project.toml: [licenses.data] and [licenses.code] are required")
    return found
