"""HTTP for the harvests: one ``requests`` session, the rate limiter before every send, bounded retries, and
one-line errors with every secret scrubbed.

Retries: an answer of 429 (NCBI's is JSON, ``{"error": "API rate limit exceeded", "api-key": ..., "count": ...,
"limit": ...}``) or 5xx, a dropped connection or a timeout is tried again, up to ``max_attempts`` sends, waiting
as ``Retry-After`` asks (read by the release client's :func:`exodata.release._http._wait_asked_for`, shared)
or else 1, 2, 4... seconds (at most 60).  Other 4xx answers are the caller's mistake and are not retried.
Every wait goes through the injected ``sleep``, and every send through the :class:`RateLimiter`.

The NCBI API key travels as a query parameter, so it is part of every URL: no URL, no ``requests`` exception
(they hold the prepared request) and no server text reaches a message without :meth:`Http.scrub`, and errors
are raised outside ``except`` blocks so that they chain nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

from exodata.harvest import HarvestError
from exodata.harvest.ratelimit import RateLimiter
from exodata.release._http import FIRST_BACKOFF, MAX_BACKOFF, MAX_WAIT, _wait_asked_for

if TYPE_CHECKING:
    import requests

DETAIL_CHARS = 300


class Http:
    """GET and POST against one service, paced by ``limiter``; answers are ``requests.Response`` objects."""

    def __init__(self, service: str, *, limiter: RateLimiter, sleep: Callable[[float], None],
                 secrets: Iterable[str] = (), max_attempts: int = 6, timeout: float = 120.0,
                 say: Callable[[str], None] = lambda line: None, rerun: str = "the same command") -> None:
        import requests

        from exodata import __version__

        self.service = service
        self.limiter = limiter
        self.sleep = sleep
        self.secrets = tuple(secret for secret in secrets if secret)
        self.max_attempts = max_attempts
        self.timeout = timeout
        self._say = say
        self.rerun = rerun
        self.sent = 0
        self._requests = requests
        self._session = requests.Session()
        self._session.trust_env = False  # no ~/.netrc credentials, no proxy surprises for loopback tests
        self._session.headers.update({"User-Agent": f"exodata/{__version__} (exodata fetch)"})

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<api-key>")
        return text

    def say(self, line: str) -> None:
        self._say(self.scrub(line))

    def get(self, url: str, params: Mapping[str, Any], *, doing: str) -> requests.Response:
        return self.call("GET", url, params=params, doing=doing)

    def post(self, url: str, data: Mapping[str, Any], *, doing: str) -> requests.Response:
        return self.call("POST", url, data=data, doing=doing)

    def call(self, method: str, url: str, *, doing: str, params: Mapping[str, Any] | None = None,
             data: Mapping[str, Any] | None = None) -> requests.Response:
        """Send one request (retrying what can be retried); the answer, or :class:`HarvestError`."""
        requests = self._requests
        where = f"{method} {urlsplit(url).path}"
        response = None
        problem = ""
        for attempt in range(1, self.max_attempts + 1):
            self.limiter.acquire()
            self.sent += 1
            response = None
            try:
                response = self._session.request(method, url, params=params, data=data, timeout=self.timeout)
            except requests.Timeout:
                problem = f"{self.service} did not answer within {self.timeout:g} s"
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                problem = f"the connection to {self.service} failed or was dropped"
            wait = None
            if response is not None:
                status = response.status_code
                if status < 400:
                    return response
                if status != 429 and status < 500:
                    break
                problem = f"{self.service} answered {status} {response.reason}" + self._detail(response)
                wait = _wait_asked_for(response.headers) if status == 429 or "Retry-After" in response.headers \
                    else None
            if attempt == self.max_attempts:
                break
            if wait is None:
                wait = min(FIRST_BACKOFF * 2 ** (attempt - 1), MAX_BACKOFF)
            if wait > MAX_WAIT:
                break
            self.say(f"{problem} while {doing}; trying again in {wait:g} s (attempt {attempt + 1} of "
                     f"{self.max_attempts})")
            self.sleep(wait)
        if response is None:
            failure = HarvestError(f"{problem} while {doing} ({where}), {self.max_attempts} attempts: check the "
                                   f"network and --base-url, then run {self.rerun} again (it resumes where it "
                                   "stopped)")
        else:
            status = response.status_code
            said = f"{status} {response.reason} on {where}" + self._detail(response)
            if status == 429 or status >= 500:
                failure = HarvestError(f"{self.service} kept failing while {doing} ({said}), {self.max_attempts} "
                                       f"attempts; wait a few minutes, then run {self.rerun} again (it resumes "
                                       "where it stopped)")
            else:
                failure = HarvestError(f"{self.service} refused {doing} ({said}); check the query and the options "
                                       f"(an API key must be one NCBI issued), then run {self.rerun} again")
        failure = HarvestError(self.scrub(str(failure)))
        raise failure

    def _detail(self, response: requests.Response) -> str:
        """The server's explanation, from NCBI's JSON error body or the first words of the text, scrubbed."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            error = body.get("error") or body.get("ERROR") or body.get("message")
            if error:
                parts = [str(error)]
                if body.get("count") is not None and body.get("limit") is not None:
                    parts.append(f"{body['count']} requests, limit {body['limit']} a second")
                text = "; ".join(parts)
            else:
                text = ""
        else:
            text = " ".join(response.text[:DETAIL_CHARS].split()) if "html" not in response.headers.get(
                "Content-Type", "") else ""
        text = self.scrub(text)
        return f": {text[:DETAIL_CHARS]}" if text else ""
