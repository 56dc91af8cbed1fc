"""``exodata fetch pubmed``: NCBI E-utilities, ESearch on the history server, then EFetch in batches, written
as PubMed XML seeds that :mod:`exodata.ingest.readers.pubmed_xml` compiles.

The flow, per the E-utilities documentation:

1. **Plan**: ESearch (``db=pubmed``, ``usehistory=y``, ``retmode=json``, ``retmax=10000``, ``datetype=pdat``,
   whole-day ``mindate``/``maxdate``) over the whole range.  ESearch and EFetch reach only the first 10,000
   records of a result (and answer with an ``ERROR`` beyond), so a range with more is cut in two
   (:func:`exodata.harvest.slicing.split`) and each half searched again, until every slice holds at most
   10,000.  Each slice's answer gives its ``count``, its identifiers (``idlist``, in history order) and its
   ``webenv``/``querykey``.
2. **Fetch**: for each slice, EFetch (``WebEnv``, ``query_key``, ``retstart``, ``retmax``, ``retmode=xml``)
   the batches that hold a record not yet in the seeds; keep those records only (a batch's other records are
   already in a seed) and write them as one new seed file, atomically.  Identifiers of the slice that no
   batch brought (a history order that differs from the idlist's) are fetched by ``id`` (POST), so nothing
   is left out; those that never come back are listed in the manifest as ``not_returned``.
3. **Check and record**: every identifier the whole range returned must have come back in some slice (else a
   record fell between slices: an error, after the manifest says so); the manifest is written.

Every request carries ``tool=exodata`` and, when given, ``email`` (as NCBI asks) and ``api_key`` (with which the
pace is 10 requests a second instead of 3); the key is never printed or written.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from exodata.harvest import HarvestError, slicing, store
from exodata.harvest._common import Outcome, Report, SliceCount
from exodata.harvest.http import Http
from exodata.harvest.ratelimit import (
    NCBI_WITH_KEY,
    NCBI_WITHOUT_KEY,
    REAL_MARGIN,
    RateLimiter,
)

SOURCE = "pubmed"
DEFAULT_BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
TOOL = "exodata"
#: The most records ESearch and EFetch reach in one result.
LIMIT = 10_000
#: Records per EFetch (one seed file per batch).
BATCH = 500
#: Identifiers per EFetch by id (POST).
ID_BATCH = 200
RERUN = "`exodata fetch pubmed`"

_ARTICLE = re.compile(r"<(PubmedArticle|PubmedBookArticle)[\s>].*?</\1\s*>", re.DOTALL)
_PMID = re.compile(r"<(?:MedlineCitation|BookDocument)\b[^>]*>\s*<PMID\b[^>]*>\s*(\d+)\s*</PMID>")
_ERROR = re.compile(r"<ERROR>(.*?)</ERROR>", re.DOTALL)


@dataclass
class Slice:
    low: date
    high: date
    count: int
    webenv: str = ""
    query_key: str = ""
    ids: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return slicing.label(self.low, self.high)


def pmids_in(text: str) -> list[str]:
    """The PMID of each PubmedArticle / PubmedBookArticle of a PubMed XML text, in order."""
    return _PMID.findall(text)


def ids_in_seeds(seeds: Path) -> set[str]:
    """The PMIDs of every PubMed XML record in the seeds (any ``.xml`` file the PubMed XML reader accepts)."""
    from exodata.ingest.readers import pubmed_xml

    found: set[str] = set()
    for path in store.seed_paths(seeds, ".xml"):
        text = path.read_bytes().decode("utf-8", errors="replace")
        if pubmed_xml.accepts(text):
            found.update(pmids_in(text))
    return found


def fetch(query: str, seeds: Path, *, mindate: str | None = None, maxdate: str | None = None,
          api_key: str | None = None, email: str | None = None, base_url: str = DEFAULT_BASE_URL,
          dry_run: bool = False, batch: int = BATCH, report: Report | None = None,
          clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> Outcome:
    """Harvest PubMed for ``query`` into ``seeds``; what was done (see the module's docstring)."""
    report = report or Report()
    query = store.normalise_query(query)
    if not query:
        raise HarvestError("the query is empty; give one, or none to use the scope in exodata/metadata/scope.toml")
    low, high = slicing.date_range(mindate, maxdate)
    real = clock is time.monotonic  # against a service (a virtual clock paces a test's run)
    limiter = RateLimiter(NCBI_WITH_KEY if api_key else NCBI_WITHOUT_KEY, 1.0 + (REAL_MARGIN if real else 0.0),
                          clock=clock, sleep=sleep, assume_full=real)
    outcome = Outcome(SOURCE, query, store.harvest_dir(seeds, SOURCE, query), dry_run=dry_run)
    with Http("PubMed (E-utilities)", limiter=limiter, sleep=sleep, secrets=[api_key or ""], say=report.say,
              rerun=RERUN) as http:
        eutils = _Eutils(http, base_url, api_key=api_key, email=email)
        try:
            report.start("searching PubMed", None)
            whole = eutils.search(query, low, high)
            slices = _plan(eutils, query, whole, report)
            outcome.slices = [SliceCount(piece.label, store.day(piece.low), store.day(piece.high), piece.count)
                              for piece in slices]
            found = {pmid for piece in slices for pmid in piece.ids}
            outcome.found = len(found)
            if not dry_run:
                with store.locked(seeds):
                    _harvest(eutils, query, seeds, slices, whole, low, high, batch, outcome, report)
        finally:
            outcome.requests = http.sent
    return outcome


def _plan(eutils: _Eutils, query: str, whole: Slice, report: Report) -> list[Slice]:
    """The slices of ``whole``, in date order, each of at most :data:`LIMIT` records."""
    slices, pending = [], [whole]
    while pending:
        piece = pending.pop()
        if piece.count <= LIMIT:
            slices.append(piece)
            report.advance()
            continue
        if piece.low == piece.high:
            raise HarvestError(f"PubMed finds {piece.count:,} records for the query on the single day "
                               f"{piece.low:%Y/%m/%d}, over the 10,000 that E-utilities can return for one search, "
                               "and a day cannot be cut: narrow the query")
        first, second = slicing.split(piece.low, piece.high)
        pending.append(eutils.search(query, *second))
        pending.append(eutils.search(query, *first))
    return slices


def _harvest(eutils: _Eutils, query: str, seeds: Path, slices: list[Slice], whole: Slice, low: date, high: date,
             batch: int, outcome: Outcome, report: Report) -> None:
    folder = outcome.folder
    outcome.partials_removed = store.remove_partials(folder)
    present = ids_in_seeds(seeds)
    found = {pmid for piece in slices for pmid in piece.ids}
    outcome.already = len(found & present)
    report.start("fetching PubMed records", len(found - present))
    for piece in slices:
        for start in range(0, piece.count, batch):
            wanted = [pmid for pmid in piece.ids[start:start + batch] if pmid not in present]
            if not wanted:
                continue
            text = eutils.fetch_history(piece, start, batch, query)
            _write(query, piece, text, present, folder, outcome, report)
        missing = [pmid for pmid in piece.ids if pmid not in present]
        for start in range(0, len(missing), ID_BATCH):
            text = eutils.fetch_ids(missing[start:start + ID_BATCH])
            _write(query, piece, text, present, folder, outcome, report)
        outcome.not_returned.extend(pmid for pmid in piece.ids if pmid not in present)
    manifest = {
        "exodata_fetch_manifest": store.MANIFEST_FORMAT,
        "source": SOURCE,
        "service": {"base_url": eutils.base_url, "db": "pubmed", "datetype": "pdat", "tool": TOOL},
        "query": query,
        "query_hash": store.query_hash(query),
        "exodata_version": _version(),
        "retrieved": store.retrieval_date(),
        "range": {"mindate": store.day(low), "maxdate": store.day(high), "count": whole.count},
        "slices": [{"mindate": store.day(piece.low), "maxdate": store.day(piece.high), "count": piece.count,
                    "files": _files_of(folder, query, piece.label)} for piece in slices],
        "counts": {"found": len(found), "in_seeds": len(found & present), "not_returned": len(outcome.not_returned),
                   "slices": len(slices)},
        "identifiers": sorted(found, key=int),
        "not_returned": sorted(outcome.not_returned, key=int),
    }
    outcome.manifest = folder / store.manifest_name(SOURCE, query, slicing.label(low, high))
    outcome.manifest_written = store.write_manifest(outcome.manifest, manifest)
    if len(found) < whole.count:
        raise HarvestError(f"the slices returned {len(found):,} distinct records but the whole range has "
                           f"{whole.count:,}: {whole.count - len(found):,} fell between slices (see "
                           f"{outcome.manifest}); please report this")


def _write(query: str, piece: Slice, text: str, present: set[str], folder: Path, outcome: Outcome,
           report: Report) -> None:
    """Write the records of an EFetch answer that are not in the seeds yet as one new seed file."""
    articles = [(found, _PMID.search(found.group(0))) for found in _ARTICLE.finditer(text)]
    keep, seen = [], set()
    for found, pmid in articles:
        if pmid is not None and pmid.group(1) not in present and pmid.group(1) not in seen:
            keep.append(found)
            seen.add(pmid.group(1))
    if not keep:
        return
    if len(keep) == len(articles):
        content = text
    else:  # the answer's head (declaration, DOCTYPE, <PubmedArticleSet>) and tail around the kept records
        content = (text[:articles[0][0].start()] + "\n".join(found.group(0) for found in keep)
                   + text[articles[-1][0].end():])
    name = store.seed_name(SOURCE, query, piece.label, seen, ".xml")
    if store.write_new(folder / name, content.encode("utf-8")):
        outcome.written.append(name)
        outcome.added += len(seen)
    present.update(seen)
    report.advance(len(seen))


def _files_of(folder: Path, query: str, slice_label: str) -> list[str]:
    prefix = f"{SOURCE}-{store.query_hash(query)}-{slice_label}-"
    if not folder.is_dir():
        return []
    return sorted(path.name for path in folder.iterdir() if path.name.startswith(prefix)
                  and path.name.endswith(".xml"))


def _version() -> str:
    from exodata import __version__

    return __version__


class _Eutils:
    """ESearch and EFetch calls with the parameters every request carries."""

    def __init__(self, http: Http, base_url: str, *, api_key: str | None, email: str | None) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.common = {"db": "pubmed", "tool": TOOL}
        if email:
            self.common["email"] = email
        if api_key:
            self.common["api_key"] = api_key

    def search(self, query: str, low: date, high: date) -> Slice:
        params = {**self.common, "term": query, "usehistory": "y", "retmode": "json", "retstart": 0,
                  "retmax": LIMIT, "datetype": "pdat", "mindate": slicing.ncbi(low), "maxdate": slicing.ncbi(high)}
        span = f"{low:%Y/%m/%d}-{high:%Y/%m/%d}"
        response = self.http.get(f"{self.base_url}/esearch.fcgi", params, doing=f"searching {span}")
        try:
            body = json.loads(response.content.decode("utf-8"))
        except ValueError:
            body = None
        result = body.get("esearchresult") if isinstance(body, dict) else None
        if not isinstance(result, dict):
            error = body.get("error") or body.get("ERROR") if isinstance(body, dict) else None
            said = f"an error: {error}" if error else "something that is not its JSON"
            raise HarvestError(self.http.scrub(
                f"ESearch answered {span} with {said}"
                f"; check --base-url points at E-utilities (the part before esearch.fcgi), then run {RERUN} again"))
        if result.get("ERROR"):
            raise HarvestError(self.http.scrub(f"ESearch answered {span} with an error: {result['ERROR']}"))
        try:
            count = int(result["count"])
            ids = [str(int(pmid)) for pmid in result.get("idlist", [])]
        except (KeyError, TypeError, ValueError):
            problem = HarvestError(f"ESearch's answer for {span} has no count or a malformed idlist")
        else:
            problem = None
        if problem is not None:
            raise problem
        piece = Slice(low, high, count, str(result.get("webenv", "")), str(result.get("querykey", "")), ids)
        if count <= LIMIT and len(ids) != count:
            raise HarvestError(f"ESearch counted {count:,} records for {span} but listed {len(ids):,}; run "
                               f"{RERUN} again")
        if count <= LIMIT and count and not (piece.webenv and piece.query_key):
            raise HarvestError(f"ESearch gave no history (webenv/querykey) for {span}; run {RERUN} again")
        return piece

    def fetch_history(self, piece: Slice, start: int, count: int, query: str) -> str:
        """EFetch ``count`` records from ``start`` of the slice's history; a history the server lost (its
        ``ERROR``) is searched again once."""
        for attempt in (1, 2):
            params = {**self.common, "query_key": piece.query_key, "WebEnv": piece.webenv, "retstart": start,
                      "retmax": count, "retmode": "xml"}
            text = self._xml(self.http.get(f"{self.base_url}/efetch.fcgi", params,
                                           doing=f"fetching records {start + 1}-{start + count} of {piece.label}"))
            error = _efetch_error(text)
            if error is None:
                return text
            if attempt == 1:
                self.http.say(f"EFetch answered with an error ({error}); searching {piece.label} again")
                again = self.search(query, piece.low, piece.high)
                piece.webenv, piece.query_key = again.webenv, again.query_key
        raise HarvestError(self.http.scrub(f"EFetch answered records {start + 1}-{start + count} of {piece.label} with "
                                           f"an error: {error}; run {RERUN} again (it resumes where it stopped)"))

    def fetch_ids(self, ids: list[str]) -> str:
        data = {**self.common, "id": ",".join(ids), "retmode": "xml"}
        text = self._xml(self.http.post(f"{self.base_url}/efetch.fcgi", data,
                                        doing=f"fetching {len(ids)} record(s) by PMID"))
        error = _efetch_error(text)
        if error is not None:
            raise HarvestError(self.http.scrub(f"EFetch answered {len(ids)} PMIDs with an error: {error}"))
        return text

    @staticmethod
    def _xml(response) -> str:
        return response.content.decode("utf-8", errors="replace")


def _efetch_error(text: str) -> str | None:
    """EFetch's ``<ERROR>`` (beyond the 10,000th record, a lost history...) when the answer holds no record."""
    if _ARTICLE.search(text[:200_000]) is not None:
        return None
    found = _ERROR.search(text[:20_000])
    if found is not None:
        return " ".join(found.group(1).split())[:300]
    if "<PubmedArticleSet" not in text[:5000]:
        return "the answer is not PubMed XML"
    return None
