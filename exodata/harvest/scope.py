"""The dataset's scope as data: ``exodata/metadata/scope.toml`` (a description a reviewer can read, and the
PubMed and Europe PMC queries that ``exodata fetch`` runs when no query is given)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

SOURCES = ("pubmed", "europepmc")


@dataclass(frozen=True)
class Scope:
    description: str
    queries: dict[str, str]

    def query(self, source: str) -> str:
        return self.queries[source]


def scope_text() -> str:
    """The scope file as it is written."""
    return resources.files("exodata.metadata").joinpath("scope.toml").read_text(encoding="utf-8")


@cache
def scope() -> Scope:
    data = tomllib.loads(scope_text())
    missing = [source for source in SOURCES if not str(data.get(source, {}).get("query", "")).strip()]
    if missing or not str(data.get("description", "")).strip():
        raise ValueError(f"exodata/metadata/scope.toml needs a description and a query for {', '.join(SOURCES)} "
                         f"(missing: {', '.join(missing) or 'description'})")
    return Scope(description=data["description"], queries={source: data[source]["query"] for source in SOURCES})
