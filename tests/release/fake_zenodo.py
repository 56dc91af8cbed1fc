"""A fake Zenodo on 127.0.0.1 for the upload client's end-to-end tests.

It speaks the documented deposit API (developers.zenodo.org: "Deposit", "Deposition files", "Deposition
actions", the files API with buckets, "Errors", "Rate limiting") closely enough for ``exodata.release.zenodo``
to run against it as it would against Zenodo:

* ``GET/POST /api/deposit/depositions`` (list with ``page``, ``size`` <= 100, ``status``, ``all_versions``;
  create), ``GET/PUT/DELETE /api/deposit/depositions/:id``, ``GET .../files``, ``DELETE .../files/:file_id``,
  ``POST .../actions/publish`` and ``.../actions/newversion`` (the answer is the original deposition, the new
  draft is at ``links.latest_draft``; while that draft is open, asking again changes nothing);
* ``GET /api/files/:bucket``, ``PUT`` and ``DELETE /api/files/:bucket/:key`` (the answer carries
  ``checksum: "md5:<hex>"``; a published deposition's bucket is locked);
* state: depositions with concept ids, versions, buckets and files (md5 computed here), drafts and published
  records, pre-reserved DOIs ``10.5072/zenodo.<id>`` (the sandbox prefix);
* the Bearer token is checked on every request (a wrong or missing one gets 401 with Zenodo's error JSON);
  ``scopes`` can be narrowed to get the 403 of a token without ``deposit:actions``; publishing checks the
  required metadata and that there is a file, answering in the legacy error shape;
* every request is recorded (method, path, query, headers without the Authorization value, body size);
* faults can be injected on the N-th matching request: any status with any headers and body (a 429 with
  ``Retry-After`` / ``X-RateLimit-*``, a 500, errors in either documented shape), a connection dropped
  halfway through the body, a stored file whose md5 differs from what was sent, or rate-limit headers
  saying the limit is used up on an otherwise normal answer.

``FakeZenodo`` is the server and its test-facing controls; ``ZenodoState`` holds the data; ``_Handler`` turns
HTTP into calls on the state. The ``fake_zenodo`` fixture starts one per test on an ephemeral port.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import secrets
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

UPLOAD_TYPES = {"publication", "poster", "presentation", "dataset", "image", "video", "software", "lesson",
                "physicalobject", "other"}
REQUIRED_TO_PUBLISH = ("upload_type", "title", "creators", "description")
ALL_SCOPES = frozenset({"deposit:write", "deposit:actions"})
UNAUTHORIZED = ("The server could not verify that you are authorized to access the URL requested. You either "
                "supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to "
                "supply the credentials required.")


class ApiError(Exception):
    """An error answer: status and JSON body (Zenodo's legacy shape unless a body is given)."""

    def __init__(self, status: int, message: str, errors: list[dict] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"status": status, "message": message}
        if errors:
            self.body["errors"] = errors


# -- what was received -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Received:
    """One request as the fake saw it. The Authorization header's value is not kept, only its scheme."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    auth_scheme: str | None
    body_size: int


@dataclass
class Fault:
    """Answer the matching requests after the first ``skip`` with ``kind`` instead, ``times`` times.

    kinds: "status" (answer ``status`` with ``headers`` and ``body``), "drop" (read half the body, then close
    the connection without answering), "corrupt" (store an upload with one byte changed), "headers" (answer
    normally, with ``headers`` added).
    """

    method: str
    path_contains: str
    kind: str
    skip: int = 0
    times: int = 1
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    seen: int = 0
    fired: int = 0

    def fires_on(self, method: str, path: str) -> bool:
        if method != self.method or self.path_contains not in path:
            return False
        self.seen += 1
        if self.seen > self.skip and self.fired < self.times:
            self.fired += 1
            return True
        return False


# -- the data --------------------------------------------------------------------------------------------------

@dataclass
class StoredFile:
    id: str
    name: str
    data: bytes

    @property
    def md5(self) -> str:
        return hashlib.md5(self.data).hexdigest()


@dataclass
class Deposition:
    id: int
    concept: int
    metadata: dict
    bucket: str
    files: dict[str, StoredFile] = field(default_factory=dict)
    submitted: bool = False
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat())


class ZenodoState:
    """Depositions, concepts, buckets and files, changed only under ``lock``; ids count up as Zenodo's do."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.lock = threading.RLock()
        self.depositions: dict[int, Deposition] = {}
        self._next_id = 1000

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def get(self, deposition_id: int | str) -> Deposition:
        found = self.depositions.get(int(deposition_id)) if str(deposition_id).isdigit() else None
        if found is None:
            raise ApiError(404, "Deposition not found")
        return found

    def by_bucket(self, bucket: str) -> Deposition:
        for deposition in self.depositions.values():
            if deposition.bucket == bucket:
                return deposition
        raise ApiError(404, "Bucket does not exist.")

    def concept_members(self, concept: int) -> list[Deposition]:
        return sorted((d for d in self.depositions.values() if d.concept == concept), key=lambda d: d.id)

    def open_draft_of(self, concept: int) -> Deposition | None:
        return next((d for d in self.concept_members(concept) if not d.submitted), None)

    # operations of the API

    def create(self, metadata: dict) -> Deposition:
        concept = self._new_id()
        deposition = Deposition(self._new_id(), concept, copy.deepcopy(metadata), str(uuid.uuid4()))
        self.depositions[deposition.id] = deposition
        return deposition

    def update(self, deposition: Deposition, metadata: dict) -> None:
        if deposition.submitted:
            raise ApiError(403, "You do not have permission to edit a published deposition (use actions/edit).")
        bad = metadata.get("upload_type")
        if bad is not None and bad not in UPLOAD_TYPES:
            raise ApiError(400, "Validation error.", [{"field": "metadata.upload_type",
                                                       "message": "Not a valid choice."}])
        deposition.metadata = copy.deepcopy(metadata)

    def new_version(self, deposition: Deposition) -> Deposition:
        if deposition.submitted is False:
            raise ApiError(400, "A new version can only be made of a published deposition.")
        members = self.concept_members(deposition.concept)
        latest = max((d for d in members if d.submitted), key=lambda d: d.id)
        if latest.id != deposition.id:
            raise ApiError(400, "The id used to create a new version has to be the id of the latest version.")
        open_draft = self.open_draft_of(deposition.concept)
        if open_draft is not None:
            return open_draft  # "calling new version action multiple times will have no effect"
        draft = Deposition(self._new_id(), deposition.concept, copy.deepcopy(deposition.metadata),
                           str(uuid.uuid4()))
        draft.files = {name: StoredFile(str(uuid.uuid4()), name, stored.data)
                       for name, stored in deposition.files.items()}
        self.depositions[draft.id] = draft
        return draft

    def publish(self, deposition: Deposition) -> None:
        if deposition.submitted:
            raise ApiError(400, "Deposition is already published.")
        errors = [{"field": f"metadata.{name}", "message": "Missing data for required field."}
                  for name in REQUIRED_TO_PUBLISH if not deposition.metadata.get(name)]
        if not deposition.files:
            errors.append({"message": "Minimum one file must be provided.", "code": 10})
        if errors:
            raise ApiError(400, "Validation error.", errors)
        deposition.submitted = True

    def put_file(self, deposition: Deposition, name: str, data: bytes) -> StoredFile:
        if deposition.submitted:
            raise ApiError(403, "Bucket is locked: the deposition is published.")
        stored = StoredFile(str(uuid.uuid4()), name, data)
        deposition.files.pop(name, None)
        deposition.files[name] = stored
        return stored

    def delete_file(self, deposition: Deposition, file_id: str) -> None:
        if deposition.submitted:
            raise ApiError(403, "Deleting a file of a published deposition is not allowed.")
        name = next((n for n, stored in deposition.files.items() if stored.id == file_id), None)
        if name is None:
            raise ApiError(404, "File not found.")
        del deposition.files[name]

    # JSON as the API shows it

    def deposition_json(self, deposition: Deposition) -> dict:
        api = f"{self.base}/api/deposit/depositions/{deposition.id}"
        doi = f"10.5072/zenodo.{deposition.id}"
        metadata = {**copy.deepcopy(deposition.metadata), "prereserve_doi": {"doi": doi, "recid": deposition.id}}
        open_draft = self.open_draft_of(deposition.concept)
        latest_draft = open_draft.id if open_draft is not None else deposition.id
        links = {
            "self": api, "html": f"{self.base}/deposit/{deposition.id}", "files": f"{api}/files",
            "publish": f"{api}/actions/publish", "edit": f"{api}/actions/edit", "discard": f"{api}/actions/discard",
            "newversion": f"{api}/actions/newversion",
            "latest_draft": f"{self.base}/api/deposit/depositions/{latest_draft}",
            "latest_draft_html": f"{self.base}/deposit/{latest_draft}",
        }
        body: dict[str, Any] = {
            "id": deposition.id, "conceptrecid": str(deposition.concept), "record_id": deposition.id,
            "created": deposition.created, "modified": deposition.created, "owner": 1,
            "title": deposition.metadata.get("title", ""), "metadata": metadata,
            "state": "done" if deposition.submitted else "unsubmitted", "submitted": deposition.submitted,
            "files": [self.deposition_file_json(deposition, stored) for stored in deposition.files.values()],
            "links": links,
        }
        if deposition.submitted:
            metadata["doi"] = doi
            links.update({"record": f"{self.base}/api/records/{deposition.id}",
                          "record_html": f"{self.base}/records/{deposition.id}", "doi": f"https://doi.org/{doi}"})
            body.update({"doi": doi, "doi_url": f"https://doi.org/{doi}",
                         "conceptdoi": f"10.5072/zenodo.{deposition.concept}",
                         "record_url": f"{self.base}/records/{deposition.id}"})
        else:
            links["bucket"] = f"{self.base}/api/files/{deposition.bucket}"
        return body

    def deposition_file_json(self, deposition: Deposition, stored: StoredFile) -> dict:
        return {"id": stored.id, "filename": stored.name, "filesize": len(stored.data), "checksum": stored.md5,
                "links": {"self": f"{self.base}/api/deposit/depositions/{deposition.id}/files/{stored.id}",
                          "download": f"{self.base}/api/files/{deposition.bucket}/{stored.name}"}}

    def bucket_file_json(self, deposition: Deposition, stored: StoredFile) -> dict:
        url = f"{self.base}/api/files/{deposition.bucket}/{stored.name}"
        now = datetime.now(UTC).isoformat()
        return {"key": stored.name, "mimetype": "application/octet-stream", "checksum": f"md5:{stored.md5}",
                "version_id": str(uuid.uuid4()), "size": len(stored.data), "created": now, "updated": now,
                "is_head": True, "delete_marker": False,
                "links": {"self": url, "version": f"{url}?versionId=1", "uploads": f"{url}?uploads"}}


# -- HTTP ------------------------------------------------------------------------------------------------------

DEPOSITIONS = re.compile(r"^/api/deposit/depositions/?$")
DEPOSITION = re.compile(r"^/api/deposit/depositions/(?P<id>[^/]+)/?$")
DEPOSITION_FILES = re.compile(r"^/api/deposit/depositions/(?P<id>[^/]+)/files/?$")
DEPOSITION_FILE = re.compile(r"^/api/deposit/depositions/(?P<id>[^/]+)/files/(?P<file_id>[^/]+)$")
ACTION = re.compile(r"^/api/deposit/depositions/(?P<id>[^/]+)/actions/(?P<action>[a-z]+)$")
BUCKET = re.compile(r"^/api/files/(?P<bucket>[^/]+)/?$")
BUCKET_KEY = re.compile(r"^/api/files/(?P<bucket>[^/]+)/(?P<key>.+)$")


class _Handler(BaseHTTPRequestHandler):
    fake: FakeZenodo  # set on the subclass each FakeZenodo makes

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read ``fake.received`` instead of a log."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        fake = self.fake
        url = urlsplit(self.path)
        path = unquote(url.path)
        length = int(self.headers.get("Content-Length") or 0)
        fault = fake._fault_for(method, path)
        if fault is not None and fault.kind == "drop":
            self._drop(method, url, length)
            return
        body = self.rfile.read(length) if length else b""
        fake._record(method, url, self.headers, len(body))
        if fault is not None and fault.kind == "status":
            self._answer(fault.status, fault.body if fault.body is not None else {"status": fault.status},
                         fault.headers)
            return
        extra = fault.headers if fault is not None and fault.kind == "headers" else {}
        try:
            self._check_token()
            with fake.state.lock:
                status, answer = self._route(method, path, parse_qs(url.query), body,
                                             corrupt=fault is not None and fault.kind == "corrupt")
        except ApiError as error:
            status, answer = error.status, error.body
        self._answer(status, answer, extra)

    def _check_token(self) -> None:
        given = self.headers.get("Authorization", "")
        if not secrets.compare_digest(given.encode(), f"Bearer {self.fake.token}".encode()):
            raise ApiError(401, UNAUTHORIZED)

    def _need(self, scope: str) -> None:
        if scope not in self.fake.scopes:
            raise ApiError(403, "The access token does not have the required scope(s): " + scope)

    def _json_body(self, body: bytes) -> Any:
        if not body:
            return {}
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            raise ApiError(415, "Invalid 'Content-Type' header. Expected one of: application/json")
        try:
            return json.loads(body)
        except ValueError:
            raise ApiError(400, "Could not load data.") from None

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: bytes, *,
               corrupt: bool) -> tuple[int, Any]:
        state = self.fake.state
        if method == "GET" and DEPOSITIONS.match(path):
            return 200, self._list(query)
        if method == "POST" and DEPOSITIONS.match(path):
            self._need("deposit:write")
            data = self._json_body(body)
            return 201, state.deposition_json(state.create(data.get("metadata") or {}))
        if match := ACTION.match(path):
            if method != "POST":
                raise ApiError(405, "Method not allowed.")
            self._need("deposit:actions")
            deposition = state.get(match["id"])
            if match["action"] == "publish":
                state.publish(deposition)
                return 202, state.deposition_json(deposition)
            if match["action"] == "newversion":
                state.new_version(deposition)
                return 201, state.deposition_json(deposition)
            raise ApiError(400, f"The fake does not implement the {match['action']} action.")
        if match := DEPOSITION_FILE.match(path):
            deposition = state.get(match["id"])
            if method == "DELETE":
                self._need("deposit:write")
                state.delete_file(deposition, match["file_id"])
                return 204, None
            stored = next((s for s in deposition.files.values() if s.id == match["file_id"]), None)
            if method != "GET" or stored is None:
                raise ApiError(404 if stored is None else 405, "File not found.")
            return 200, state.deposition_file_json(deposition, stored)
        if match := DEPOSITION_FILES.match(path):
            deposition = state.get(match["id"])
            if method != "GET":
                raise ApiError(405, "The fake takes uploads through the bucket (the new files API) only.")
            return 200, [state.deposition_file_json(deposition, s) for s in deposition.files.values()]
        if match := DEPOSITION.match(path):
            deposition = state.get(match["id"])
            if method == "GET":
                return 200, state.deposition_json(deposition)
            if method == "PUT":
                self._need("deposit:write")
                data = self._json_body(body)
                if not isinstance(data.get("metadata"), dict):
                    raise ApiError(400, "Validation error.", [{"field": "metadata", "message": "Field is required."}])
                state.update(deposition, data["metadata"])
                return 200, state.deposition_json(deposition)
            if method == "DELETE":
                self._need("deposit:write")
                if deposition.submitted:
                    raise ApiError(403, "A published deposition cannot be deleted.")
                del state.depositions[deposition.id]
                return 204, None
        if match := BUCKET_KEY.match(path):
            deposition = state.by_bucket(match["bucket"])
            if method == "PUT":
                self._need("deposit:write")
                data = bytes([body[0] ^ 0xFF]) + body[1:] if corrupt and body else body
                stored = state.put_file(deposition, match["key"], data)
                return 201, state.bucket_file_json(deposition, stored)
            if method == "DELETE":
                self._need("deposit:write")
                stored = deposition.files.get(match["key"])
                if stored is None:
                    raise ApiError(404, "Object does not exists.")
                state.delete_file(deposition, stored.id)
                return 204, None
        if method == "GET" and (match := BUCKET.match(path)):
            deposition = state.by_bucket(match["bucket"])
            contents = [state.bucket_file_json(deposition, s) for s in deposition.files.values()]
            return 200, {"id": deposition.bucket, "locked": deposition.submitted, "contents": contents,
                         "size": sum(len(s.data) for s in deposition.files.values())}
        raise ApiError(404, "The requested URL was not found on the server.")

    def _list(self, query: dict[str, list[str]]) -> list[dict]:
        def arg(name: str, default: str) -> str:
            return query.get(name, [default])[0]

        page, size = int(arg("page", "1")), int(arg("size", "10"))
        if size > 100 or size < 1 or page < 1:
            raise ApiError(400, "Validation error.", [{"field": "size", "message": "Must be between 1 and 100."}])
        state = self.fake.state
        chosen = sorted(state.depositions.values(), key=lambda d: d.id, reverse=True)
        status = arg("status", "")
        if status in ("draft", "published"):
            chosen = [d for d in chosen if d.submitted == (status == "published")]
        if arg("all_versions", "false").lower() not in ("true", "1"):
            newest = {}
            for deposition in chosen:
                newest.setdefault(deposition.concept, deposition)
            chosen = [d for d in chosen if newest[d.concept] is d]
        return [state.deposition_json(d) for d in chosen[(page - 1) * size: page * size]]

    def _answer(self, status: int, body: Any, extra_headers: dict[str, str]) -> None:
        payload = b"" if body is None or status == 204 else json.dumps(body).encode()
        self.send_response(status)
        headers = {"Content-Type": "application/json", "Content-Length": str(len(payload)),
                   "X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "99",
                   "X-RateLimit-Reset": str(int(time.time()) + 60), **extra_headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _drop(self, method: str, url: Any, length: int) -> None:
        """Read half the body, then reset the connection without answering."""
        received = self.rfile.read(length // 2) if length else b""
        self.fake._record(method, url, self.headers, len(received))
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


# -- the server and its controls -------------------------------------------------------------------------------

class FakeZenodo:
    """The fake server: ``url`` to point the client at, ``token`` to authenticate, ``received`` to assert on."""

    def __init__(self) -> None:
        self.token = "zt-" + secrets.token_hex(16)
        self.scopes: set[str] = set(ALL_SCOPES)
        self.received: list[Received] = []
        self.faults: list[Fault] = []
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.state = ZenodoState(self.url)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-zenodo",
                                        daemon=True)

    def start(self) -> FakeZenodo:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    # faults

    def fail(self, method: str, path_contains: str, status: int, *, headers: dict[str, str] | None = None,
             body: Any = None, skip: int = 0, times: int = 1) -> Fault:
        """Answer the matching requests after ``skip`` of them with ``status`` (and ``body``), ``times`` times."""
        return self._add(Fault(method, path_contains, "status", skip, times, status, dict(headers or {}), body))

    def rate_limit(self, method: str, path_contains: str, *, retry_after: str | None = None,
                   reset_in: int | None = None, skip: int = 0, times: int = 1) -> Fault:
        """A 429 as Zenodo sends it: ``Retry-After`` and/or the ``X-RateLimit-*`` headers (reset in seconds)."""
        headers = {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0"}
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        headers["X-RateLimit-Reset"] = str(int(time.time()) + (reset_in if reset_in is not None else 60))
        body = {"status": 429, "message": "Too many requests. Please try again later."}
        return self.fail(method, path_contains, 429, headers=headers, body=body, skip=skip, times=times)

    def limit_used_up(self, method: str, path_contains: str, *, reset_in: int, skip: int = 0) -> Fault:
        """Answer normally, saying in the headers that the rate limit is used up until ``reset_in`` seconds."""
        headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(time.time()) + reset_in)}
        return self._add(Fault(method, path_contains, "headers", skip, 1, headers=headers))

    def fail_upload(self, nth: int, status: int = 500, *, times: int = 1, body: Any = None) -> Fault:
        """Answer the ``nth`` upload (PUT into a bucket, counted from now) with ``status``."""
        return self.fail("PUT", "/api/files/", status, body=body, skip=nth - 1, times=times)

    def drop_upload(self, nth: int, *, times: int = 1) -> Fault:
        """Drop the connection halfway through the body of the ``nth`` upload (and of ``times - 1`` more)."""
        return self._add(Fault("PUT", "/api/files/", "drop", nth - 1, times))

    def corrupt_upload(self, nth: int, *, times: int = 1) -> Fault:
        """Store the ``nth`` upload with one byte changed, so its md5 is not the sender's."""
        return self._add(Fault("PUT", "/api/files/", "corrupt", nth - 1, times))

    def _add(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def _fault_for(self, method: str, path: str) -> Fault | None:
        with self._lock:
            fired = [fault for fault in self.faults if fault.fires_on(method, path)]
        return fired[0] if fired else None

    def _record(self, method: str, url: Any, headers: Any, body_size: int) -> None:
        authorization = headers.get("Authorization")
        kept = {name: value for name, value in headers.items() if name.lower() != "authorization"}
        scheme = authorization.split(" ", 1)[0] if authorization else None
        with self._lock:
            self.received.append(Received(method, unquote(url.path), url.query, kept, scheme, body_size))

    # reading and seeding the state

    def requests_to(self, method: str, path_contains: str = "") -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.method == method and path_contains in r.path]

    def deposition(self, deposition_id: int) -> dict:
        with self.state.lock:
            return self.state.deposition_json(self.state.get(deposition_id))

    def files_of(self, deposition_id: int) -> dict[str, bytes]:
        with self.state.lock:
            return {name: stored.data for name, stored in self.state.get(deposition_id).files.items()}

    def depositions(self) -> list[dict]:
        with self.state.lock:
            return [self.state.deposition_json(d) for d in sorted(self.state.depositions.values(), key=lambda d: d.id)]

    def seed_published(self, metadata: dict, files: dict[str, bytes]) -> dict:
        """A published deposition made without HTTP, as an earlier release would have left it."""
        with self.state.lock:
            deposition = self.state.create(metadata)
            for name, data in files.items():
                self.state.put_file(deposition, name, data)
            self.state.publish(deposition)
            return self.state.deposition_json(deposition)

    def seed_new_version_draft(self, record_id: int, *, files: dict[str, bytes] | None = None) -> dict:
        """An open new-version draft of ``record_id`` (inherited files, or ``files``), as a stopped run leaves it."""
        with self.state.lock:
            draft = self.state.new_version(self.state.get(record_id))
            if files is not None:
                draft.files = {}
                for name, data in files.items():
                    self.state.put_file(draft, name, data)
            return self.state.deposition_json(draft)


@pytest.fixture
def fake_zenodo():
    """A started fake Zenodo on 127.0.0.1 and an ephemeral port, stopped after the test."""
    server = FakeZenodo().start()
    try:
        yield server
    finally:
        server.stop()
