"""``exodata fetch``: grow the seeds from PubMed (E-utilities) and Europe PMC (REST search).

A harvest is one source and one query (the dataset's scope, :mod:`exodata.harvest.scope`, unless another is
given).  Its result is itself a seed: files the existing readers compile (PubMed XML as EFetch returns it,
Europe PMC JSON as the search returns it), in one folder per source and query under the seeds directory,
with a manifest that says what was asked, when, in which date slices, and what came back.

* :mod:`~exodata.harvest.store`: names (source, a short hash of the normalised query, the slice, a hash of
  the identifiers a file holds: never a time), atomic writes (a file appears whole or not at all), the
  identifiers already in the seeds, the manifest;
* :mod:`~exodata.harvest.ratelimit`: at most N requests in any second, on an injectable clock;
* :mod:`~exodata.harvest.http`: requests with retries and backoff on 429 and 5xx, secrets scrubbed;
* :mod:`~exodata.harvest.slicing`: inclusive day ranges and how a range is cut in two;
* :mod:`~exodata.harvest.pubmed` and :mod:`~exodata.harvest.europepmc`: the two services.

Nothing here is imported by ``import exodata``; ``requests`` (the ``fetch`` extra) is imported when a harvest
starts.
"""

from __future__ import annotations


class HarvestError(Exception):
    """An expected failure of a harvest: ``str()`` is one line saying what, where and what to do next."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))
