"""Fake NCBI E-utilities and Europe PMC REST search on 127.0.0.1, for the ``exodata fetch`` tests.

Both speak the documented APIs closely enough for :mod:`exodata.harvest` to run against them as against the
services, over a deterministic synthetic corpus (:class:`Corpus`, ``random.Random(seed)``):

E-utilities (``/esearch.fcgi``, ``/efetch.fcgi``; GET or POST):

* ESearch ``db=pubmed``, ``term``, ``usehistory=y``, ``retmode=json``, ``retstart``, ``retmax``, ``datetype=pdat``,
  ``mindate``/``maxdate`` (``YYYY/MM/DD``, ``YYYY/MM`` or ``YYYY``): JSON ``{"header": ..., "esearchresult":
  {"count", "retmax", "retstart", "querykey", "webenv", "idlist", ...}}`` (numbers as strings, as NCBI writes
  them), the idlist newest PMID first; the result is kept on the "history server" under a new WebEnv.
  ``retstart`` at or beyond the ceiling (10,000) answers ``{"esearchresult": {"ERROR": ...}}``, and no idlist
  reaches past it.
* EFetch by ``WebEnv``/``query_key`` with ``retstart``/``retmax`` (``retmode=xml``), or by ``id`` (POST):
  a ``PubmedArticleSet`` with a DOCTYPE, as EFetch writes it; a ``retstart`` at or beyond the ceiling, or an
  unknown WebEnv, answers ``<eFetchResult><ERROR>...</ERROR></eFetchResult>``.
* How PubMed matches a publication date: a record's print date with only a year, a month or a season is dated
  at its first day (``match="first-day"``, as PubMed's help says); ``match="overlap"`` (a pessimistic model)
  matches any range that overlaps the whole year/month/season instead.  A record may also have an electronic
  date, which matches too (so a record can be found in two slices).
* The rate limit: more than 3 requests (10 with ``api_key``) within one second of the fake's clock answers
  429 with NCBI's JSON body ``{"error": "API rate limit exceeded", "api-key": ..., "count": ..., "limit": ...}``.

Europe PMC (``/search``): ``query``, ``resultType`` (``core``, ``lite``, ``idlist``), ``format=json``,
``pageSize`` (<= 1000), ``cursorMark`` (``*``, then the ``nextCursorMark`` given; the last page repeats the
mark), ``FIRST_PDATE:[a TO b]`` in the query filters by first publication date; answers ``version``,
``hitCount``, ``nextCursorMark``, ``request`` and ``resultList.result`` with core fields.

Every request is recorded (time on the fake's clock, path, parameters without the API key's value); faults
can be injected on the N-th matching request (any status, headers, body).  The clock is injected: a test
shares a :class:`~exodata.harvest.ratelimit.VirtualClock` with the client, so pacing is checked on the clock,
never on wall time.
"""

from __future__ import annotations

import base64
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

CEILING = 10_000
SEASONS = {"Winter": 1, "Spring": 4, "Summer": 7, "Fall": 10}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass
class Paper:
    pmid: str
    year: int
    month: int | None  # None: only a year (or a season)
    day: int | None
    season: str | None = None
    electronic: date | None = None
    pmcid: str | None = None
    doi: str | None = None

    def first_day(self) -> date:
        if self.season:
            return date(self.year, SEASONS[self.season], 1)
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date:
        if self.season:
            start = SEASONS[self.season]
            end = date(self.year + (start + 3 > 12), (start + 2) % 12 + 1, 1)
            return end - timedelta(days=1)
        if self.month is None:
            return date(self.year, 12, 31)
        if self.day is None:
            return date(self.year + (self.month == 12), self.month % 12 + 1, 1) - timedelta(days=1)
        return date(self.year, self.month, self.day)

    def matches(self, low: date, high: date, model: str) -> bool:
        if self.electronic is not None and low <= self.electronic <= high:
            return True
        if model == "first-day":
            return low <= self.first_day() <= high
        return self.first_day() <= high and self.last_day() >= low

    @property
    def title(self) -> str:
        return f"Synthetic study {self.pmid} of mesenchymal stem cell exosomes in model {int(self.pmid) % 97}"


class Corpus:
    """Papers with PMIDs and publication dates, deterministic for a seed: full days, months, years, seasons,
    some with an electronic date that may fall in another year."""

    def __init__(self, size: int, seed: int = 7, first_year: int = 2000, last_year: int = 2024) -> None:
        chance = random.Random(seed)
        self.papers: list[Paper] = []
        for number in range(size):
            pmid = str(20_000_000 + number * 7 + chance.randrange(7))
            year = chance.randint(first_year, last_year)
            kind = chance.random()
            if kind < 0.6:
                month, day = chance.randint(1, 12), chance.randint(1, 28)
                paper = Paper(pmid, year, month, day)
            elif kind < 0.75:
                paper = Paper(pmid, year, chance.randint(1, 12), None)
            elif kind < 0.92:
                paper = Paper(pmid, year, None, None)
            else:
                paper = Paper(pmid, year, None, None, season=chance.choice(list(SEASONS)))
            if chance.random() < 0.1:
                paper.electronic = paper.first_day() - timedelta(days=chance.randint(1, 90))
            if chance.random() < 0.3:
                paper.pmcid = f"PMC{9_000_000 + number}"
            paper.doi = f"10.99999/synthetic.{pmid}"
            self.papers.append(paper)
        self.papers.sort(key=lambda paper: int(paper.pmid), reverse=True)  # newest first, as PubMed sorts

    def add(self, papers: list[Paper]) -> None:
        self.papers = sorted(self.papers + papers, key=lambda paper: int(paper.pmid), reverse=True)

    def by_pmid(self) -> dict[str, Paper]:
        return {paper.pmid: paper for paper in self.papers}


def article_xml(paper: Paper) -> str:
    if paper.season:
        pub_date = f"<MedlineDate>{paper.year} {paper.season}</MedlineDate>"
    else:
        pub_date = f"<Year>{paper.year}</Year>"
        if paper.month:
            pub_date += f"<Month>{MONTHS[paper.month - 1]}</Month>"
        if paper.day:
            pub_date += f"<Day>{paper.day:02d}</Day>"
    electronic = ""
    if paper.electronic:
        e = paper.electronic
        electronic = (f'<ArticleDate DateType="Electronic"><Year>{e.year}</Year><Month>{e.month:02d}</Month>'
                      f"<Day>{e.day:02d}</Day></ArticleDate>")
    ids = f'<ArticleId IdType="pubmed">{paper.pmid}</ArticleId><ArticleId IdType="doi">{paper.doi}</ArticleId>'
    if paper.pmcid:
        ids += f'<ArticleId IdType="pmc">{paper.pmcid}</ArticleId>'
    return f"""<PubmedArticle>
    <MedlineCitation Status="MEDLINE" Owner="NLM">
        <PMID Version="1">{paper.pmid}</PMID>
        <Article PubModel="Print">
            <Journal>
                <JournalIssue CitedMedium="Print"><Volume>{paper.year - 1990}</Volume>
                    <PubDate>{pub_date}</PubDate></JournalIssue>
                <Title>Journal of synthetic vesicles</Title>
            </Journal>
            <ArticleTitle>{escape(paper.title)}.</ArticleTitle>
            <ELocationID EIdType="doi" ValidYN="Y">{paper.doi}</ELocationID>
            <Abstract><AbstractText>Extracellular vesicles from bone marrow mesenchymal stem cells in synthetic
                model {paper.pmid}.</AbstractText></Abstract>
            <AuthorList CompleteYN="Y"><Author ValidYN="Y"><LastName>Tester</LastName>
                <ForeName>Number{int(paper.pmid) % 1000}</ForeName></Author></AuthorList>
            <Language>eng</Language>
            {electronic}
        </Article>
    </MedlineCitation>
    <PubmedData><ArticleIdList>{ids}</ArticleIdList></PubmedData>
</PubmedArticle>
"""


def europepmc_result(paper: Paper, result_type: str = "core") -> dict:
    ident = {"id": paper.pmid, "source": "MED", "pmid": paper.pmid}
    if result_type == "idlist":
        return ident
    result = {**ident, "doi": paper.doi, "title": paper.title + ".",
              "authorString": f"Tester N{int(paper.pmid) % 1000}.", "pubYear": str(paper.year),
              "firstPublicationDate": paper.first_day().isoformat()}
    if paper.pmcid:
        result["pmcid"] = paper.pmcid
    if result_type == "core":
        result.update({
            "abstractText": f"<h4>Background</h4>Extracellular vesicles from <i>bone marrow</i> mesenchymal stem "
                            f"cells in synthetic model {paper.pmid}.",
            "language": "eng",
            "authorList": {"author": [{"fullName": f"Tester N{int(paper.pmid) % 1000}",
                                       "firstName": f"Number{int(paper.pmid) % 1000}", "lastName": "Tester",
                                       "initials": "N"}]},
            "journalInfo": {"volume": str(paper.year - 1990), "yearOfPublication": paper.year,
                            "journal": {"title": "Journal of synthetic vesicles"}},
            "pubTypeList": {"pubType": ["research-article", "Journal Article"]},
        })
    return result


def preprint(number: int) -> dict:
    return {"id": f"PPR{700000 + number}", "source": "PPR", "title": f"Synthetic preprint {number} on MSC exosomes",
            "doi": f"10.99999/preprint.{number}", "pubYear": "2024", "firstPublicationDate": "2024-03-01",
            "authorList": {"author": [{"fullName": "Writer P", "lastName": "Writer", "firstName": "Pat"}]}}


@dataclass
class Received:
    at: float
    method: str
    path: str
    params: dict[str, str]
    has_key: bool


@dataclass
class Fault:
    path_contains: str
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    skip: int = 0
    times: int = 1
    seen: int = 0
    fired: int = 0

    def fires_on(self, path: str) -> bool:
        if self.path_contains not in path:
            return False
        self.seen += 1
        if self.seen > self.skip and self.fired < self.times:
            self.fired += 1
            return True
        return False


class FakeServices:
    """The two fakes in one threaded server (E-utilities under ``/eutils``, Europe PMC under ``/europepmc``)."""

    def __init__(self, corpus: Corpus, *, clock=time.monotonic, match: str = "first-day", ceiling: int = CEILING,
                 preprints: int = 0, enforce_rate: bool = True) -> None:
        self.corpus = corpus
        self.clock = clock
        self.match = match
        self.ceiling = ceiling
        self.preprints = [preprint(number) for number in range(preprints)]
        self.enforce_rate = enforce_rate
        self.received: list[Received] = []
        self.faults: list[Fault] = []
        self.rate_limited = 0
        self.histories: dict[str, list[str]] = {}
        self.secret_seen: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def eutils(self) -> str:
        return f"{self.url}/eutils"

    @property
    def europepmc(self) -> str:
        return f"{self.url}/europepmc"

    def start(self) -> FakeServices:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def times(self, *, has_key: bool | None = None) -> list[float]:
        return [seen.at for seen in self.received if has_key is None or seen.has_key == has_key]

    def requests_to(self, path: str) -> list[Received]:
        return [seen for seen in self.received if path in seen.path]

    # -- E-utilities -----------------------------------------------------------------------------------------

    def matching(self, params: dict[str, str]) -> list[str]:
        if "NOMATCH" in params.get("term", ""):
            return []
        low, high = params.get("mindate"), params.get("maxdate")
        if not low and not high:
            return [paper.pmid for paper in self.corpus.papers]
        low_day, high_day = _ncbi_date(low, last=False), _ncbi_date(high, last=True)
        return [paper.pmid for paper in self.corpus.papers if paper.matches(low_day, high_day, self.match)]

    def esearch(self, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if params.get("db") != "pubmed" or not params.get("term"):
            body = json.dumps({"error": "Invalid db name or empty term"}).encode()
            return 400, {"Content-Type": "application/json"}, body
        if bool(params.get("mindate")) != bool(params.get("maxdate")):
            body = {"esearchresult": {"ERROR": "Both mindate and maxdate must be given"}}
            return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()
        ids = self.matching(params)
        retstart, retmax = int(params.get("retstart", 0)), int(params.get("retmax", 20))
        if retstart >= self.ceiling:
            body = {"header": {"type": "esearch", "version": "0.3"}, "esearchresult": {
                "ERROR": f"Search Backend failed: Exception:\n'retstart' cannot be larger than {self.ceiling - 2}. "
                         f"For PubMed, ESearch can only retrieve the first {self.ceiling - 1:,} records matching "
                         "the query. To obtain more than 9,999 PubMed records, consider using EDirect"}}
            return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()
        result: dict[str, Any] = {"count": str(len(ids)), "retmax": "0", "retstart": str(retstart)}
        listed = ids[retstart:min(retstart + retmax, self.ceiling)]
        result["retmax"] = str(len(listed))
        if params.get("usehistory") == "y":
            with self._lock:
                webenv = f"MCID_{len(self.histories) + 1:08d}"
                self.histories[webenv] = ids
            result.update({"querykey": "1", "webenv": webenv})
        result.update({"idlist": listed, "translationset": [], "querytranslation": params["term"]})
        body = {"header": {"type": "esearch", "version": "0.3"}, "esearchresult": result}
        if params.get("retmode") != "json":
            return 400, {}, b"this fake answers retmode=json only"
        return 200, {"Content-Type": "application/json; charset=UTF-8"}, json.dumps(body).encode()

    def efetch(self, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        papers = self.corpus.by_pmid()
        if params.get("id"):
            ids = [pmid for pmid in params["id"].split(",") if pmid in papers]
        else:
            webenv = params.get("WebEnv", "")
            if webenv not in self.histories:
                return 200, {"Content-Type": "text/xml"}, _efetch_error(
                    f"Unable to obtain query #{params.get('query_key')}")
            retstart, retmax = int(params.get("retstart", 0)), int(params.get("retmax", 20))
            if retstart >= self.ceiling:
                return 200, {"Content-Type": "text/xml"}, _efetch_error(
                    f"Cannot retrieve history data. query_key: {params.get('query_key')}, WebEnv: {webenv}, "
                    f"retstart: {retstart}, retmax: {retmax}")
            ids = self.histories[webenv][retstart:min(retstart + retmax, self.ceiling)]
        text = ('<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January '
                '2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n'
                + "".join(article_xml(papers[pmid]) for pmid in ids) + "</PubmedArticleSet>\n")
        return 200, {"Content-Type": "text/xml; charset=UTF-8"}, text.encode("utf-8")

    # -- Europe PMC ------------------------------------------------------------------------------------------

    def search(self, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        query = params.get("query", "")
        size = int(params.get("pageSize", 25))
        if not query or params.get("format") != "json" or not 1 <= size <= 1000:
            return 400, {"Content-Type": "application/json"}, json.dumps({"error": "bad request"}).encode()
        result_type = params.get("resultType", "lite")
        everything = [europepmc_result(paper, result_type) for paper in sorted(
            self.corpus.papers, key=lambda paper: int(paper.pmid))] + list(self.preprints)
        window = re.search(r"FIRST_PDATE:\[(\S+) TO (\S+)\]", query)
        if window:
            everything = [result for result in everything
                          if window.group(1) <= result.get("firstPublicationDate", "") <= window.group(2)]
        cursor = params.get("cursorMark", "*")
        offset = 0 if cursor == "*" else int(base64.urlsafe_b64decode(cursor.encode()).decode().split(":")[1])
        page = everything[offset:offset + size]
        following = (base64.urlsafe_b64encode(f"offset:{offset + len(page)}".encode()).decode()
                     if page else cursor)
        body = {"version": "6.9", "hitCount": len(everything), "nextCursorMark": following,
                "request": {"queryString": query, "resultType": result_type, "cursorMark": cursor, "pageSize": size,
                            "sort": "", "synonym": False},
                "resultList": {"result": page}}
        return 200, {"Content-Type": "application/json;charset=UTF-8"}, json.dumps(body).encode()

    # -- every request ---------------------------------------------------------------------------------------

    def answer(self, method: str, path: str, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        has_key = bool(params.get("api_key"))
        if has_key:
            self.secret_seen.append(params["api_key"])
        shown = {name: ("<key>" if name == "api_key" else value) for name, value in params.items()}
        with self._lock:
            now = self.clock()
            self.received.append(Received(now, method, path, shown, has_key))
            recent = [seen for seen in self.received if path.startswith("/eutils") and seen.path.startswith("/eutils")
                      and now - seen.at < 1.0]
            for fault in self.faults:
                if fault.fires_on(path):
                    body = fault.body if isinstance(fault.body, bytes) else json.dumps(fault.body).encode()
                    return fault.status, {"Content-Type": "application/json", **fault.headers}, body
        limit = 10 if has_key else 3
        if self.enforce_rate and path.startswith("/eutils") and len(recent) > limit:
            self.rate_limited += 1
            body = {"error": "API rate limit exceeded", "api-key": "127.0.0.1", "count": str(len(recent)),
                    "limit": str(limit)}
            return 429, {"Content-Type": "application/json"}, json.dumps(body).encode()
        if path == "/eutils/esearch.fcgi":
            return self.esearch(params)
        if path == "/eutils/efetch.fcgi":
            return self.efetch(params)
        if path == "/europepmc/search":
            return self.search(params)
        return 404, {"Content-Type": "text/html"}, b"<html><body>Not found</body></html>"


def _efetch_error(message: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eFetchResult PUBLIC "-//NLM//DTD efetch 20131226//EN"'
            f' "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20131226/efetch.dtd">\n<eFetchResult>\n'
            f"\t<ERROR>{escape(message)}</ERROR>\n</eFetchResult>\n").encode()


def _ncbi_date(text: str, *, last: bool) -> date:
    parts = [int(part) for part in text.split("/")]
    if len(parts) == 3:
        return date(*parts)
    if len(parts) == 2:
        first = date(parts[0], parts[1], 1)
        return (date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1) - timedelta(days=1)) if last else first
    return date(parts[0], 12, 31) if last else date(parts[0], 1, 1)


def _handler(fake: FakeServices):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def _params(self) -> tuple[str, dict[str, str]]:
            parts = urlsplit(self.path)
            params = {name: values[-1] for name, values in parse_qs(parts.query).items()}
            if self.command == "POST":
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode()
                params.update({name: values[-1] for name, values in parse_qs(body).items()})
            return parts.path, params

        def _serve(self) -> None:
            path, params = self._params()
            status, headers, body = fake.answer(self.command, path, params)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = _serve
        do_POST = _serve

    return Handler
