"""Upload a release to Zenodo through its documented deposit API, resumably.

``upload_release`` takes the release files and the Zenodo (legacy deposit) metadata that the caller generated,
and leaves them on Zenodo as a draft for a person to review, or published when ``publish=True``:

1. find the deposition to work on:
   * first release (no ``concept_record_id``): reuse an unpublished draft with the same title and version
     (left by an interrupted run), or create one (``POST /api/deposit/depositions``);
   * later release: among the depositions of the concept, reuse an open draft (a new version left by an
     interrupted run, reported through ``progress``), or ask for a new version of the latest published one
     (``POST .../actions/newversion``) and follow ``links.latest_draft`` to it;
   * when that title and version are already published (a run whose answer to "publish" was lost, or a
     re-run), nothing is uploaded again: the published record is returned if its files are the release's,
     and a :class:`ZenodoError` says to pick a new version number otherwise;
2. make the draft's files the release's: delete those that are not part of it or whose md5 differs (a new
   version inherits its predecessor's files), upload each missing one with ``PUT {links.bucket}/{name}``
   (streamed from disk) and compare Zenodo's md5 with the local one (a mismatch is uploaded once more);
3. set the metadata (``PUT /api/deposit/depositions/{id}``);
4. publish (``POST .../actions/publish``) only when asked; otherwise say where the draft can be reviewed.

Any failure midway leaves a draft that the same call, run again, finds and completes: files already there with
the right checksum are not uploaded again. HTTP details (token, retries, rate limits, error messages) are in
``exodata.release._http``; docs/releasing.md describes the flow and what each error means.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from exodata.release._http import RERUN_COMMAND, Api, ZenodoError

__all__ = ["SANDBOX_URL", "ZENODO_URL", "UploadResult", "ZenodoError", "upload_release"]

ZENODO_URL = "https://zenodo.org"
SANDBOX_URL = "https://sandbox.zenodo.org"

PAGE_SIZE = 100  # the most Zenodo returns per page of depositions
MAX_PAGES = 100  # stop listing there, whatever the server says (10,000 depositions)
CHUNK = 1 << 20


@dataclass(frozen=True)
class UploadResult:
    """Where a release ended up on Zenodo, and what this call changed."""

    deposition_id: int
    record_id: int | None
    concept_record_id: str | None
    doi: str | None  # the DOI when published, else the DOI Zenodo pre-reserved for the draft
    concept_doi: str | None  # the DOI of all versions, when Zenodo has given it
    state: str  # "draft" or "published"
    html_url: str | None  # the draft's page to review it, or the published record's page
    uploaded: tuple[str, ...]
    skipped: tuple[str, ...]  # already on the draft with the same md5
    deleted: tuple[str, ...]  # removed from the draft: not part of this release, or a different md5

    @property
    def published(self) -> bool:
        return self.state == "published"


@dataclass(frozen=True)
class _LocalFile:
    path: Path
    name: str
    size: int
    md5: str


def upload_release(files: Sequence[Path], metadata: dict, *, token: str, base_url: str = ZENODO_URL,
                   concept_record_id: str | None = None, publish: bool = False,
                   progress: Callable[[str], None] | None = None, max_attempts: int = 6,
                   sleep: Callable[[float], None] = time.sleep, timeout: float = 60,
                   rerun_command: str = RERUN_COMMAND) -> UploadResult:
    """Upload ``files`` with ``metadata`` to Zenodo as a draft, or as a published version when ``publish``.

    ``metadata`` is Zenodo's legacy deposit metadata (upload_type, title, creators, description, license,
    version, ...), sent as it is; its title and version identify the release when a first release is resumed.
    ``concept_record_id`` (the record id of "all versions") makes this a new version of that concept.
    ``progress`` receives human-readable lines; ``sleep`` does every wait (retries, rate limits);
    ``max_attempts`` bounds the sends of each request; ``timeout`` is per request, in seconds;
    ``rerun_command`` is the command that error messages tell the user to run again.

    Raises :class:`ZenodoError` (one line: what, where, what next) on any expected failure; running the same
    call again then resumes. Raises ValueError for arguments that are wrong whatever the server says.
    """
    say_progress = progress or (lambda line: None)
    title, version = _title_and_version(metadata)
    local = _local_files(files, rerun_command)
    concept = _concept_id(concept_record_id)
    with Api(base_url, token, progress=say_progress, sleep=sleep, max_attempts=max_attempts, timeout=timeout,
             rerun_command=rerun_command) as api:
        depositions = _list_depositions(api)
        if concept is None:
            deposition = _first_release_deposition(api, depositions, metadata, title, version)
        else:
            deposition = _new_version_deposition(api, depositions, concept, version)
        if deposition.get("submitted"):
            return _already_published(api, deposition, local, title, version)
        uploaded, skipped, deleted = _sync_files(api, deposition, local)
        deposition = api.put(_self_url(api, deposition), payload={"metadata": metadata},
                             doing=f"setting the metadata of draft {deposition['id']}")
        if publish:
            deposition = _publish(api, deposition)
        result = _result(deposition, uploaded, skipped, deleted)
        if result.published:
            api.say(f"published {_label(title, version)}: DOI {result.doi} ({result.html_url})")
        else:
            api.say(f"draft {result.deposition_id} is ready for review at {result.html_url} (reserved DOI "
                    f"{result.doi}); publish it there, or run again with publishing on")
        return result


# -- arguments -------------------------------------------------------------------------------------------------

def _title_and_version(metadata: dict) -> tuple[str, str | None]:
    if not isinstance(metadata, dict) or not str(metadata.get("title") or "").strip():
        raise ValueError("metadata must be a dict of Zenodo deposit metadata with a title")
    version = metadata.get("version")
    return str(metadata["title"]), (str(version) if version is not None else None)


def _label(title: str, version: str | None) -> str:
    return f"{title} {version}" if version else title


def _local_files(paths: Sequence[Path], rerun: str) -> list[_LocalFile]:
    if not paths:
        raise ValueError("a release needs at least one file")
    found: dict[str, _LocalFile] = {}
    for path in map(Path, paths):
        if not path.is_file():
            raise ZenodoError(f"the release file {path} is missing: build the release first, then run `{rerun}` "
                              "again")
        if path.name in found:
            raise ValueError(f"two release files are named {path.name!r} ({found[path.name].path} and {path}); "
                             "Zenodo keeps one file per name")
        found[path.name] = _LocalFile(path, path.name, path.stat().st_size, _md5_of_file(path))
    return list(found.values())


def _md5_of_file(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _concept_id(value: str | int | None) -> str | None:
    """The concept record id, also accepted as its DOI (``10.5281/zenodo.123`` gives ``123``)."""
    if value is None:
        return None
    text = str(value).strip().rsplit("zenodo.", 1)[-1]
    if not text.isdigit():
        raise ZenodoError(f"{value!r} is not a Zenodo concept record id: it is the number at the end of the "
                          "'Cite all versions' DOI (123 in 10.5281/zenodo.123)")
    return text


# -- finding the deposition ------------------------------------------------------------------------------------

def _list_depositions(api: Api) -> list[dict]:
    """Every deposition of the token's account, all versions, drafts and published (documented "List")."""
    found: list[dict] = []
    for page in range(1, MAX_PAGES + 1):
        batch = api.get(f"{api.root}/deposit/depositions", doing="listing your depositions",
                        params={"page": page, "size": PAGE_SIZE, "all_versions": "true"})
        if not isinstance(batch, list):
            raise ZenodoError("Zenodo answered the list of depositions with something that is not a list; check "
                              f"the base URL points at Zenodo, then run `{api.rerun}` again")
        found.extend(batch)
        if len(batch) < PAGE_SIZE:
            break
    return found


def _is_draft(deposition: dict) -> bool:
    return not deposition.get("submitted")


def _newest(depositions: list[dict]) -> dict | None:
    return max(depositions, key=lambda deposition: int(deposition["id"]), default=None)


def _first_release_deposition(api: Api, depositions: list[dict], metadata: dict, title: str,
                              version: str | None) -> dict:
    same = [deposition for deposition in depositions
            if (deposition.get("metadata") or {}).get("title") == title
            and _version_of(deposition) == version]
    published = _newest([deposition for deposition in same if not _is_draft(deposition)])
    if published is not None:
        return _fetch(api, published)
    draft = _newest([deposition for deposition in same if _is_draft(deposition)])
    if draft is not None:
        api.say(f"resuming draft {draft['id']} ({_label(title, version)}), left by an earlier run")
        return _fetch(api, draft)
    api.say(f"creating a new deposition for {_label(title, version)}")
    return api.post(f"{api.root}/deposit/depositions", payload={"metadata": metadata},
                    doing="creating the deposition")


def _new_version_deposition(api: Api, depositions: list[dict], concept: str, version: str | None) -> dict:
    family = [deposition for deposition in depositions if str(deposition.get("conceptrecid")) == concept]
    latest = _newest([deposition for deposition in family if not _is_draft(deposition)])
    if latest is not None and version is not None and _version_of(latest) == version:
        return _fetch(api, latest)
    draft = _newest([deposition for deposition in family if _is_draft(deposition)])
    if draft is not None:
        api.say(f"reusing draft {draft['id']}, an unpublished new version of concept {concept} left by an "
                "earlier run (its files and metadata are replaced by this release's)")
        return _fetch(api, draft)
    if latest is None:
        raise ZenodoError(f"no published version of concept record {concept} is among the depositions of this "
                          f"token's account on {api.host}: check the concept record id and the base URL "
                          "(zenodo.org or the sandbox), or leave the concept out for a first release")
    api.say(f"creating a new version of record {latest['id']} (concept {concept})")
    answer = api.post(f"{api.root}/deposit/depositions/{latest['id']}/actions/newversion",
                      doing=f"creating a new version of record {latest['id']}")
    latest_draft = ((answer or {}).get("links") or {}).get("latest_draft")
    if not latest_draft:
        raise ZenodoError(f"Zenodo's answer to the new version of record {latest['id']} has no links.latest_draft; "
                          f"run `{api.rerun}` again (it finds the draft if one was made)")
    return api.get(latest_draft, doing="reading the new version's draft")


def _version_of(deposition: dict) -> str | None:
    version = (deposition.get("metadata") or {}).get("version")
    return str(version) if version is not None else None


def _self_url(api: Api, deposition: dict) -> str:
    return (deposition.get("links") or {}).get("self") or f"{api.root}/deposit/depositions/{deposition['id']}"


def _fetch(api: Api, deposition: dict) -> dict:
    """The deposition as it is now (a listing may be a little behind, and may leave out files)."""
    return api.get(_self_url(api, deposition), doing=f"reading deposition {deposition['id']}")


def _already_published(api: Api, deposition: dict, local: list[_LocalFile], title: str,
                       version: str | None) -> UploadResult:
    remote = {entry.get("filename"): _md5_of_entry(entry) for entry in deposition.get("files") or []}
    if remote != {file.name: file.md5 for file in local}:
        raise ZenodoError(f"{_label(title, version)} is already published as record {deposition.get('record_id')} "
                          "with other files, and a published version's files cannot change: give this release a "
                          f"new version number, then run `{api.rerun}` again")
    result = _result(deposition, (), tuple(file.name for file in local), ())
    api.say(f"{_label(title, version)} is already published with these files: DOI {result.doi} "
            f"({result.html_url}); nothing to upload")
    return result


# -- files -----------------------------------------------------------------------------------------------------

def _md5_of_entry(entry: dict) -> str:
    """A file's md5 from Zenodo: ``md5:<hex>`` in the files API, bare ``<hex>`` in the deposition files API."""
    return str(entry.get("checksum") or "").removeprefix("md5:").lower()


def _sync_files(api: Api, deposition: dict,
                local: list[_LocalFile]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Make the draft's files exactly ``local``; return the names uploaded, skipped and deleted."""
    draft_id = deposition["id"]
    wanted = {file.name: file for file in local}
    kept: set[str] = set()
    deleted = []
    for entry in deposition.get("files") or []:
        name = entry.get("filename")
        mine = wanted.get(name)
        if mine is not None and _md5_of_entry(entry) == mine.md5:
            kept.add(name)
            continue
        reason = "not part of this release" if mine is None else "its md5 differs from the local file's"
        api.say(f"removing {name} from draft {draft_id} ({reason})")
        api.delete(f"{api.root}/deposit/depositions/{draft_id}/files/{entry['id']}",
                   doing=f"removing {name} from draft {draft_id}")
        deleted.append(name)
    bucket = (deposition.get("links") or {}).get("bucket")
    uploaded, skipped = [], []
    for file in local:
        if file.name in kept:
            api.say(f"already on the draft: {file.name}")
            skipped.append(file.name)
            continue
        if not bucket:
            raise ZenodoError(f"draft {draft_id} has no links.bucket to upload {file.name} into (is it still a "
                              f"draft?); run `{api.rerun}` again")
        _upload(api, bucket, file)
        uploaded.append(file.name)
    return tuple(uploaded), tuple(skipped), tuple(deleted)


def _upload(api: Api, bucket: str, file: _LocalFile) -> None:
    """PUT the file into the bucket and check Zenodo's md5; a mismatch is uploaded once more, then fails."""
    url = f"{bucket}/{quote(file.name)}"
    api.say(f"uploading {file.name} ({human_size(file.size)})")
    for attempt in (1, 2):
        answer = api.put(url, upload=file.path, doing=f"uploading {file.name}")
        stored = _md5_of_entry(answer if isinstance(answer, dict) else {})
        if stored == file.md5:
            return
        if attempt == 1:
            api.say(f"Zenodo's md5 of {file.name} ({stored or 'none'}) is not the local file's ({file.md5}); "
                    "uploading it again")
    raise ZenodoError(f"Zenodo's md5 of {file.name} ({stored or 'none'}) differed from the local file's "
                      f"({file.md5}) after two uploads (PUT {bucket}/...); check nothing changes the file while it "
                      f"uploads, then run `{api.rerun}` again")


def human_size(size: int) -> str:
    """A byte count as people read it: 512 bytes, 1.2 MB (powers of 1000)."""
    if size < 1000:
        return f"{size} bytes"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1000
        if value < 1000 or unit == "TB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


# -- publishing and the result ---------------------------------------------------------------------------------

def _publish(api: Api, deposition: dict) -> dict:
    """Publish the draft; if that failed after Zenodo may have done it (answer lost), check before failing."""
    draft_id = deposition["id"]
    api.say(f"publishing draft {draft_id}")
    url = (deposition.get("links") or {}).get("publish") or f"{api.root}/deposit/depositions/{draft_id}/actions/publish"
    try:
        return api.post(url, doing=f"publishing draft {draft_id}")
    except ZenodoError as error:
        failure = error
    current = api.get(_self_url(api, deposition), doing=f"checking whether draft {draft_id} was published")
    if current.get("submitted"):
        return current
    raise failure


def _result(deposition: dict, uploaded: Sequence[str], skipped: Sequence[str],
            deleted: Sequence[str]) -> UploadResult:
    links = deposition.get("links") or {}
    published = bool(deposition.get("submitted"))
    reserved = ((deposition.get("metadata") or {}).get("prereserve_doi") or {})
    record_id = deposition.get("record_id") or (reserved.get("recid") if isinstance(reserved, dict) else None)
    concept = deposition.get("conceptrecid")
    return UploadResult(
        deposition_id=int(deposition["id"]),
        record_id=int(record_id) if record_id is not None else None,
        concept_record_id=str(concept) if concept is not None else None,
        doi=deposition.get("doi") or (reserved.get("doi") if isinstance(reserved, dict) else None),
        concept_doi=deposition.get("conceptdoi"),
        state="published" if published else "draft",
        html_url=(links.get("record_html") if published else None) or links.get("html")
        or links.get("latest_draft_html"),
        uploaded=tuple(uploaded),
        skipped=tuple(skipped),
        deleted=tuple(deleted),
    )
