"""HTTP for the Zenodo client: one session, the Bearer token, bounded retries, and one-line errors.

The token is held by one small callable (the session's ``auth``) and is sent only as the
``Authorization: Bearer`` header, only to the host of the base URL, and only over HTTPS (plain HTTP is allowed
for loopback addresses, where the tests' fake Zenodo listens). It is never put in a URL, a message, a progress
line or an exception; text that comes back from the server is scrubbed of it too, in case a server echoes it.

Retries follow Zenodo's documentation ("Rate limiting", "HTTP status codes"): 429 and 5xx answers, dropped
connections and timeouts are tried again, up to ``max_attempts`` sends of the same request, waiting as long as
``Retry-After`` or ``X-RateLimit-Reset`` asks, or else an exponentially growing delay. Other 4xx answers are
the caller's mistake and are not retried. A successful answer that says the rate limit is used up
(``X-RateLimit-Remaining: 0``) delays the next request until the limit resets. Every wait goes through the
injected ``sleep``. An upload is re-sent from the start of the file on every attempt.

Errors are raised as :class:`ZenodoError` outside any ``except`` block, so they carry no chained exception
(a ``requests`` exception holds the prepared request, headers included).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import requests

RERUN_COMMAND = "exodata release --upload"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
FIRST_BACKOFF = 1.0  # seconds before the second attempt; doubled for each further one
MAX_BACKOFF = 60.0
MAX_WAIT = 15 * 60.0  # the longest rate-limit wait honoured; a longer one fails, saying when to come back
RESET_MARGIN = 1.0  # added to a wait computed from X-RateLimit-Reset, which has a resolution of one second
DETAIL_CHARS = 400  # server-provided detail kept in a message


class ZenodoError(Exception):
    """An expected failure talking to Zenodo.

    ``str()`` is one line: what happened, on which request or file, and what to do next. ``status`` is the
    HTTP status of the answer that failed, or None when there was none (network failure, local problem).
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(" ".join(message.split()))
        self.status = status


class _Bearer:
    """The session's auth: adds the Bearer header to each request, and hides the token from ``repr``."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "_Bearer(<hidden>)"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default_port = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or default_port


class Api:
    """A Zenodo API session: JSON in and out, retries, rate limits, and errors rendered as :class:`ZenodoError`."""

    def __init__(self, base_url: str, token: str, *, progress: Callable[[str], None], sleep: Callable[[float], None],
                 max_attempts: int, timeout: float, rerun_command: str = RERUN_COMMAND) -> None:
        self.rerun = rerun_command
        if not token or not token.strip():
            raise ZenodoError("no Zenodo token was given: set ZENODO_TOKEN to a personal access token with the "
                              f"deposit:write and deposit:actions scopes, then run `{self.rerun}` again")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        scheme, host, _ = _origin(base_url)
        if scheme != "https" and not (scheme == "http" and host in LOOPBACK_HOSTS):
            raise ZenodoError(f"refusing to send the Zenodo token to {base_url!r}: Zenodo's API is only served "
                              "over HTTPS; use https://zenodo.org or https://sandbox.zenodo.org")
        self.base_url = base_url.rstrip("/")
        self.root = f"{self.base_url}/api"
        self.host = host
        self._token = token
        self._progress = progress
        self._sleep = sleep
        self.max_attempts = max_attempts
        self.timeout = timeout
        self._wait_before_next = 0.0

        import requests

        from exodata import __version__

        self._requests = requests
        self._session = requests.Session()
        self._session.auth = _Bearer(token)  # an auth object also keeps requests from reading ~/.netrc
        self._session.headers.update({"Accept": "application/json", "User-Agent": f"exodata/{__version__}"})

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._session.close()

    # -- what the flow calls ---------------------------------------------------------------------------------

    def say(self, line: str) -> None:
        """Pass one human-readable progress line on, scrubbed of the token."""
        self._progress(self.scrub(line))

    def scrub(self, text: str) -> str:
        return text.replace(self._token, "<token>") if self._token in text else text

    def get(self, url: str, *, doing: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.json(self.call("GET", url, doing=doing, params=params), doing)

    def post(self, url: str, *, doing: str, payload: Any = None) -> Any:
        return self.json(self.call("POST", url, doing=doing, payload=payload), doing)

    def put(self, url: str, *, doing: str, payload: Any = None, upload: Path | None = None) -> Any:
        return self.json(self.call("PUT", url, doing=doing, payload=payload, upload=upload), doing)

    def delete(self, url: str, *, doing: str) -> None:
        """DELETE; a 404 counts as done (an earlier attempt may have deleted it before its answer was lost)."""
        self.call("DELETE", url, doing=doing, also_fine=(404,))

    def json(self, response: requests.Response, doing: str) -> Any:
        try:
            return response.json()
        except ValueError:
            where = f"{response.request.method} {urlsplit(response.url).path}"
            failure = ZenodoError(f"Zenodo answered {doing} ({where}) with something that is not JSON; check the "
                                  f"base URL points at Zenodo, then run `{self.rerun}` again",
                                  status=response.status_code)
        raise failure

    def call(self, method: str, url: str, *, doing: str, params: Mapping[str, Any] | None = None,
             payload: Any = None, upload: Path | None = None, also_fine: tuple[int, ...] = ()) -> requests.Response:
        """Send one request, retrying what can be retried; return the answer or raise :class:`ZenodoError`.

        ``doing`` names the step in messages ("uploading exodata-data-0.4.0.zip"); ``upload`` streams a file as
        the body (re-opened, so re-sent from its start, on each attempt); ``also_fine`` lists error statuses that
        count as success.
        """
        self._check_same_origin(url, doing)
        where = f"{method} {urlsplit(url).path}"
        requests = self._requests
        for attempt in range(1, self.max_attempts + 1):
            self._wait_for_rate_limit()
            response = None
            try:
                response = self._send(method, url, params=params, payload=payload, upload=upload)
            except requests.Timeout:
                problem = f"Zenodo did not answer within {self.timeout:g} s"
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                problem = "the connection to Zenodo failed or was dropped"
            if response is not None:
                status = response.status_code
                if status < 400 or status in also_fine:
                    self._note_rate_limit(response.headers)
                    return response
                if status != 429 and status < 500:
                    break
                problem = f"Zenodo answered {status} {response.reason}"
                wait = _wait_asked_for(response.headers)
            else:
                wait = None
            if attempt == self.max_attempts:
                break
            if wait is None:
                wait = min(FIRST_BACKOFF * 2 ** (attempt - 1), MAX_BACKOFF)
            if wait > MAX_WAIT:
                raise self._too_long_a_wait(wait, where, doing)
            self.say(f"{problem} while {doing}; trying again in {wait:g} s "
                     f"(attempt {attempt + 1} of {self.max_attempts})")
            self._sleep(wait)
        if response is None:
            raise ZenodoError(f"{problem} while {doing} ({where}), {self.max_attempts} attempts: check the network "
                              f"can reach {self.host}, then run `{self.rerun}` again (it resumes where it stopped)")
        raise self._http_error(response, where, doing, attempt)

    # -- inside ------------------------------------------------------------------------------------------------

    def _send(self, method: str, url: str, *, params: Mapping[str, Any] | None, payload: Any,
              upload: Path | None) -> requests.Response:
        if upload is None:
            return self._session.request(method, url, params=params, json=payload, timeout=self.timeout)
        with upload.open("rb") as body:
            return self._session.request(method, url, params=params, data=body, timeout=self.timeout,
                                         headers={"Content-Type": "application/octet-stream"})

    def _check_same_origin(self, url: str, doing: str) -> None:
        if _origin(url) != _origin(self.base_url):
            shown = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
            raise ZenodoError(f"Zenodo pointed {doing} at another host ({shown}, not {self.base_url}); refusing to "
                              "send the token there: check the base URL (zenodo.org or sandbox.zenodo.org)")

    def _note_rate_limit(self, headers: Mapping[str, str]) -> None:
        """After a successful answer: if the rate limit is used up, the next request waits for its reset."""
        if headers.get("X-RateLimit-Remaining", "").strip() == "0":
            self._wait_before_next = _seconds_until_reset(headers.get("X-RateLimit-Reset")) or 0.0

    def _wait_for_rate_limit(self) -> None:
        wait, self._wait_before_next = self._wait_before_next, 0.0
        if wait <= 0:
            return
        if wait > MAX_WAIT:
            raise self._too_long_a_wait(wait, "the next request", "continuing")
        self.say(f"Zenodo's rate limit is used up; waiting {wait:g} s for it to reset")
        self._sleep(wait)

    def _too_long_a_wait(self, wait: float, where: str, doing: str) -> ZenodoError:
        when = time.strftime("%H:%M", time.localtime(time.time() + wait))
        return ZenodoError(f"Zenodo's rate limit asks to wait {wait:.0f} s while {doing} ({where}): run "
                           f"`{self.rerun}` again after {when} (it resumes where it stopped)", status=429)

    def _http_error(self, response: requests.Response, where: str, doing: str, attempts: int) -> ZenodoError:
        status = response.status_code
        detail = self.scrub(error_detail(response))
        said = f"{status} {response.reason} on {where}" + (f": {detail}" if detail else "")
        again = f"run `{self.rerun}` again"
        if status in (401, 403):
            message = (f"Zenodo refused the token while {doing} ({said}); check ZENODO_TOKEN is a personal access "
                       f"token made on {self.host} (zenodo.org and the sandbox need separate tokens) with the "
                       f"deposit:write and deposit:actions scopes, then {again}")
        elif status == 429 or status >= 500:
            message = (f"Zenodo kept failing while {doing} ({said}), {attempts} attempts; wait a few minutes, then "
                       f"{again} (it resumes where it stopped)")
        elif status == 400:
            message = (f"Zenodo rejected {doing} ({said}); fix what it names (for metadata, in the release "
                       f"metadata exodata generates), then {again}")
        elif status == 404:
            message = (f"Zenodo found nothing while {doing} ({said}); check the concept record id, the base URL "
                       f"(zenodo.org or the sandbox) and that the token's account owns the record, then {again}")
        elif status == 409:
            message = (f"Zenodo is still processing the deposition ({said}) while {doing}; wait a few minutes, "
                       f"then {again}")
        elif status == 413:
            message = (f"Zenodo refused a file as too large while {doing} ({said}); Zenodo takes at most 50 GB "
                       "per record: split the release files")
        else:
            message = f"Zenodo refused {doing} ({said}); {again} once the cause is fixed"
        return ZenodoError(message, status=status)


def error_detail(response: requests.Response) -> str:
    """The server's explanation of an error answer, from either documented JSON shape, as one short line.

    Zenodo's legacy shape: ``{"status": 400, "message": "Validation error.", "errors": [{"field":
    "metadata.title", "message": "..."}]}``; InvenioRDM's: ``{"errors": [{"field": "...", "messages": ["...",
    "..."]}]}`` (with ``status`` and ``message`` beside it when present). Anything else gives "".
    """
    try:
        body = response.json()
    except ValueError:
        return ""
    return describe_error_body(body)


def describe_error_body(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    parts = []
    message = body.get("message")
    if isinstance(message, str) and message.strip():
        parts.append(message.strip().rstrip("."))
    errors = body.get("errors")
    for error in errors if isinstance(errors, list) else []:
        if isinstance(error, str):
            parts.append(error)
            continue
        if not isinstance(error, dict):
            continue
        texts = error.get("messages")
        if not isinstance(texts, list):
            texts = [error.get("message")]
        said = " / ".join(str(text).strip() for text in texts if text)
        field = error.get("field")
        parts.append(f"{field}: {said}" if field else said)
    text = " ".join("; ".join(part for part in parts if part).split())
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"


def _wait_asked_for(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait before retrying, as ``Retry-After`` or Zenodo's ``X-RateLimit-*`` headers ask; or None."""
    retry_after = headers.get("Retry-After", "").strip()
    if retry_after:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(retry_after)
            except (TypeError, ValueError):
                when = None
            if when is not None and when.tzinfo is not None:
                return max(0.0, when.timestamp() - time.time())
    if headers.get("X-RateLimit-Remaining", "0").strip() == "0":
        return _seconds_until_reset(headers.get("X-RateLimit-Reset"))
    return None


def _seconds_until_reset(reset: str | None) -> float | None:
    """``X-RateLimit-Reset`` is the Unix time at which the limit resets; a small number is read as seconds."""
    try:
        value = float((reset or "").strip())
    except ValueError:
        return None
    if value > 1e9:  # a Unix timestamp
        return max(0.0, value - time.time()) + RESET_MARGIN
    return max(0.0, value)
