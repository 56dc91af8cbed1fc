"""``exodata fetch europepmc``: the Europe PMC REST search, paged by ``cursorMark``, written as Europe PMC JSON
seeds that :mod:`exodata.ingest.readers.europepmc_json` compiles.

Per Europe PMC's documentation: ``GET <base>/search`` with ``query``, ``resultType=core`` (every field: abstract,
authors with affiliations, journal, keywords, MeSH, publication types...), ``format=json``, ``pageSize`` (at most
1000) and ``cursorMark`` (``*`` first, then each answer's ``nextCursorMark``, until a page comes back empty or
the mark stops changing).  Cursor paging has no 10,000 ceiling, so a Europe PMC harvest needs no slicing;
``--mindate``/``--maxdate`` add ``FIRST_PDATE:[YYYY-MM-DD TO YYYY-MM-DD]`` to the query.

A record is known by ``source:id`` (``MED:12345678``, ``PMC:PMC1234567``, ``PPR:PPR123456``...).  Each page's
records that are not in the seeds yet become one new seed file (``{"resultList": {"result": [...]}}``, the
records as the service returned them), written atomically; a page whose records are all there writes nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from exodata.harvest import HarvestError, slicing, store
from exodata.harvest._common import Outcome, Report, SliceCount
from exodata.harvest.http import Http
from exodata.harvest.ratelimit import EUROPE_PMC, REAL_MARGIN, RateLimiter

SOURCE = "europepmc"
DEFAULT_BASE_URL = "https://www.ebi.ac.uk/europepmc/webservices/rest"
PAGE_SIZE = 1000
RERUN = "`exodata fetch europepmc`"


def key(result: dict) -> str | None:
    """How a harvest knows a result: ``source:id``."""
    source, ident = result.get("source"), result.get("id")
    return f"{source}:{ident}" if source and ident else None


def results_of(data) -> list:
    """The results of a Europe PMC JSON seed: a search answer (``resultList.result``), or a list of results."""
    if isinstance(data, dict):
        listed = data.get("resultList")
        data = listed.get("result") if isinstance(listed, dict) else None
    return data if isinstance(data, list) else []


def ids_in_seeds(seeds: Path) -> set[str]:
    """The ``source:id`` of every record in the Europe PMC JSON seeds (``.json`` files its reader accepts)."""
    from exodata.ingest.readers import europepmc_json

    found: set[str] = set()
    for path in store.seed_paths(seeds, ".json"):
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
        if not europepmc_json.accepts(text):
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue  # the build quarantines it, saying why
        found.update(filter(None, (key(result) for result in results_of(data) if isinstance(result, dict))))
    return found


def full_query(query: str, mindate: str | None, maxdate: str | None) -> tuple[str, str]:
    """The query sent (with the date clause when a date is given) and the slice label."""
    if not mindate and not maxdate:
        return query, "all"
    low, high = slicing.date_range(mindate, maxdate)
    return f"({query}) AND (FIRST_PDATE:[{low:%Y-%m-%d} TO {high:%Y-%m-%d}])", slicing.label(low, high)


def fetch(query: str, seeds: Path, *, mindate: str | None = None, maxdate: str | None = None,
          email: str | None = None, base_url: str = DEFAULT_BASE_URL, dry_run: bool = False,
          page_size: int = PAGE_SIZE, report: Report | None = None,
          clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> Outcome:
    """Harvest Europe PMC for ``query`` into ``seeds``; what was done (see the module's docstring)."""
    report = report or Report()
    query = store.normalise_query(query)
    if not query:
        raise HarvestError("the query is empty; give one, or none to use the scope in exodata/metadata/scope.toml")
    if not 1 <= page_size <= PAGE_SIZE:
        raise ValueError(f"page_size must be 1..{PAGE_SIZE}")
    sent, label = full_query(query, mindate, maxdate)
    real = clock is time.monotonic  # against a service (a virtual clock paces a test's run)
    limiter = RateLimiter(EUROPE_PMC, 1.0 + (REAL_MARGIN if real else 0.0), clock=clock, sleep=sleep,
                          assume_full=real)
    outcome = Outcome(SOURCE, query, store.harvest_dir(seeds, SOURCE, query), dry_run=dry_run)
    base_url = base_url.rstrip("/")
    with Http("Europe PMC", limiter=limiter, sleep=sleep, say=report.say, rerun=RERUN) as http:
        try:
            search = _Search(http, base_url, sent, email)
            if dry_run:
                body = search.page("*", 1, "idlist")
                outcome.slices = [SliceCount(label, *_dates(mindate, maxdate), _hits(body))]
                return outcome
            with store.locked(seeds):
                _harvest(search, query, sent, label, seeds, page_size, mindate, maxdate, outcome, report)
        finally:
            outcome.requests = http.sent
    return outcome


def _dates(mindate: str | None, maxdate: str | None) -> tuple[str | None, str | None]:
    if not mindate and not maxdate:
        return None, None
    low, high = slicing.date_range(mindate, maxdate)
    return store.day(low), store.day(high)


def _hits(body: dict) -> int:
    try:
        return int(body.get("hitCount", 0))
    except (TypeError, ValueError):
        return 0


def _harvest(search: _Search, query: str, sent: str, label: str, seeds: Path, page_size: int,
             mindate: str | None, maxdate: str | None, outcome: Outcome, report: Report) -> None:
    folder = outcome.folder
    outcome.partials_removed = store.remove_partials(folder)
    present = ids_in_seeds(seeds)
    found: set[str] = set()
    cursor, hits, page = "*", 0, 0
    while True:
        body = search.page(cursor, page_size, "core")
        page += 1
        if page == 1:
            hits = _hits(body)
            report.start("fetching Europe PMC records", hits)
        results = [result for result in results_of(body) if isinstance(result, dict) and key(result)]
        if not results:
            break
        fresh, seen = [], set()
        for result in results:
            ident = key(result)
            found.add(ident)
            if ident not in present and ident not in seen:
                fresh.append(result)
                seen.add(ident)
        if fresh:
            name = store.seed_name(SOURCE, query, label, seen, ".json")
            text = json.dumps({"resultList": {"result": fresh}}, ensure_ascii=False, indent=1) + "\n"
            if store.write_new(folder / name, text.encode("utf-8")):
                outcome.written.append(name)
                outcome.added += len(seen)
            present.update(seen)
        report.advance(len(results))
        following = body.get("nextCursorMark")
        if not following or following == cursor:
            break
        cursor = str(following)
    outcome.found = len(found)
    outcome.already = len(found) - outcome.added
    low, high = _dates(mindate, maxdate)
    outcome.slices = [SliceCount(label, low, high, hits)]
    prefix = f"{SOURCE}-{store.query_hash(query)}-{label}-"
    manifest = {
        "exodata_fetch_manifest": store.MANIFEST_FORMAT,
        "source": SOURCE,
        "service": {"base_url": search.base_url, "resultType": "core", "format": "json"},
        "query": query,
        "query_sent": sent,
        "query_hash": store.query_hash(query),
        "exodata_version": _version(),
        "retrieved": store.retrieval_date(),
        "range": {"mindate": low, "maxdate": high, "count": hits},
        "slices": [{"mindate": low, "maxdate": high, "count": hits,
                    "files": sorted(path.name for path in folder.iterdir() if path.name.startswith(prefix))
                    if folder.is_dir() else []}],
        "counts": {"hitCount": hits, "found": len(found), "in_seeds": len(found & present)},
        "identifiers": sorted(found),
    }
    outcome.manifest = folder / store.manifest_name(SOURCE, query, label)
    outcome.manifest_written = store.write_manifest(outcome.manifest, manifest)
    if len(found) < hits:
        report.say(f"Europe PMC counted {hits:,} records but the pages held {len(found):,} distinct ones (its count "
                   "can run ahead of its pages while the index is updated); run the fetch again later to pick up "
                   "any that were missed")


def _version() -> str:
    from exodata import __version__

    return __version__


class _Search:
    def __init__(self, http: Http, base_url: str, query: str, email: str | None) -> None:
        self.http = http
        self.base_url = base_url
        self.query = query
        self.email = email

    def page(self, cursor: str, size: int, result_type: str) -> dict:
        params = {"query": self.query, "resultType": result_type, "format": "json", "pageSize": size,
                  "cursorMark": cursor}
        if self.email:
            params["email"] = self.email
        response = self.http.get(f"{self.base_url}/search", params, doing="searching Europe PMC")
        try:
            body = json.loads(response.content.decode("utf-8"))
        except ValueError:
            body = None
        if not isinstance(body, dict) or ("resultList" not in body and "hitCount" not in body):
            raise HarvestError("Europe PMC answered with something that is not its search JSON; check --base-url "
                               f"points at the REST service (the part before /search), then run {RERUN} again")
        return body
