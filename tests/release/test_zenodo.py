"""End-to-end tests of the Zenodo upload client against the fake Zenodo (tests/release/fake_zenodo.py).

Nothing here mocks the client: each test runs ``upload_release`` over HTTP on 127.0.0.1 and looks at what the
fake received and holds. Waits go through a recording ``sleep``, so no test waits, and none reads the clock.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from exodata.release.zenodo import SANDBOX_URL, UploadResult, ZenodoError, human_size, upload_release
from tests.release.fake_zenodo import FakeZenodo

METADATA = {
    "upload_type": "dataset",
    "title": "exodata: research on MSC-derived exosomes",
    "creators": [{"name": "Doe, Jane", "affiliation": "exodata"}],
    "description": "<p>A versioned, schema-validated dataset.</p>",
    "access_right": "open",
    "license": "cc-by-4.0",
    "version": "0.4.0",
    "keywords": ["exosomes", "mesenchymal stem cells"],
}
BIG = 256 * 1024  # big enough that a dropped connection cuts the body in two


def content(seed: int, size: int = BIG) -> bytes:
    """``size`` bytes that differ for each seed."""
    return (bytes(range(251)) * (size // 251 + 2))[seed: seed + size]


def release(tmp_path: Path, files: dict[str, bytes], folder: str = "release") -> list[Path]:
    directory = tmp_path / folder
    directory.mkdir(exist_ok=True)
    paths = []
    for name, data in files.items():
        (directory / name).write_bytes(data)
        paths.append(directory / name)
    return paths


@dataclass
class Run:
    """Calls ``upload_release`` against the fake, keeping what ``progress`` and ``sleep`` received."""

    fake: FakeZenodo
    lines: list[str] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)
    errors: list[ZenodoError] = field(default_factory=list)

    def __call__(self, files: list[Path], metadata: dict | None = None, **options) -> UploadResult:
        options = {"token": self.fake.token, "base_url": self.fake.url, "progress": self.lines.append,
                   "sleep": self.sleeps.append, "timeout": 10, **options}
        return upload_release(files, metadata or METADATA, **options)

    def fails(self, files: list[Path], metadata: dict | None = None, **options) -> ZenodoError:
        with pytest.raises(ZenodoError) as caught:
            self(files, metadata, **options)
        self.errors.append(caught.value)
        return caught.value

    def said(self, fragment: str) -> bool:
        return any(fragment in line for line in self.lines)


@pytest.fixture
def run(fake_zenodo):
    runner = Run(fake_zenodo)
    yield runner
    assert_token_never_shown(fake_zenodo, runner, fake_zenodo.token)


def assert_token_never_shown(fake: FakeZenodo, runner: Run, token: str) -> None:
    """The token was sent as a Bearer header only: not in a URL, a progress line or an error."""
    for line in runner.lines:
        assert token not in line
    for error in runner.errors:
        assert token not in str(error) and token not in repr(error) and token not in repr(error.args)
        assert "\n" not in str(error)
        assert error.__cause__ is None and error.__context__ is None
    for request in fake.received:
        assert token not in request.path and token not in request.query and "access_token" not in request.query
        assert token not in repr(request.headers)
        assert request.auth_scheme == "Bearer"


def one_line(error: ZenodoError) -> str:
    text = str(error)
    assert "\n" not in text and "Traceback" not in text
    return text


# -- first release ---------------------------------------------------------------------------------------------

def test_first_release_is_left_as_a_draft_for_review(run, fake_zenodo, tmp_path):
    files = release(tmp_path, {"exodata-data-0.4.0.zip": content(1), "SHA256SUMS": b"abc  exodata-data-0.4.0.zip\n"})

    result = run(files)

    assert result.state == "draft" and not result.published
    assert result.uploaded == ("exodata-data-0.4.0.zip", "SHA256SUMS") and result.skipped == result.deleted == ()
    assert result.doi == f"10.5072/zenodo.{result.deposition_id}"  # pre-reserved
    assert result.html_url == f"{fake_zenodo.url}/deposit/{result.deposition_id}"
    assert fake_zenodo.files_of(result.deposition_id) == {path.name: path.read_bytes() for path in files}
    on_zenodo = fake_zenodo.deposition(result.deposition_id)
    assert on_zenodo["submitted"] is False
    assert {key: value for key, value in on_zenodo["metadata"].items() if key != "prereserve_doi"} == METADATA
    assert len(fake_zenodo.requests_to("POST", "/api/deposit/depositions")) == 1  # created, never published
    assert fake_zenodo.requests_to("POST", "/actions/") == []
    assert [r.headers.get("Content-Type") for r in fake_zenodo.requests_to("PUT", "/api/files/")] == [
        "application/octet-stream"] * 2
    assert run.said("creating a new deposition") and run.said("uploading exodata-data-0.4.0.zip (262.1 kB)")
    assert run.said(f"ready for review at {result.html_url}")
    assert run.sleeps == []


def test_first_release_published(run, fake_zenodo, tmp_path):
    files = release(tmp_path, {"exodata-data-0.4.0.zip": content(1), "SHA256SUMS": b"sums\n"})

    result = run(files, publish=True)

    assert result.published
    on_zenodo = fake_zenodo.deposition(result.deposition_id)
    assert on_zenodo["submitted"] is True
    assert result.doi == on_zenodo["doi"] == f"10.5072/zenodo.{result.deposition_id}"
    assert result.concept_record_id == on_zenodo["conceptrecid"]
    assert result.concept_doi == f"10.5072/zenodo.{result.concept_record_id}"
    assert result.html_url == f"{fake_zenodo.url}/records/{result.deposition_id}"
    assert fake_zenodo.files_of(result.deposition_id) == {path.name: path.read_bytes() for path in files}
    assert len(fake_zenodo.requests_to("POST", "/actions/publish")) == 1
    assert run.said(f"DOI {result.doi}")


def test_a_reviewed_draft_is_published_by_running_again_with_publish(run, fake_zenodo, tmp_path):
    files = release(tmp_path, {"exodata-data-0.4.0.zip": content(1)})
    draft = run(files)

    published = run(files, publish=True)

    assert published.deposition_id == draft.deposition_id and published.published
    assert published.uploaded == () and published.skipped == ("exodata-data-0.4.0.zip",)
    assert len(fake_zenodo.requests_to("POST", "/api/deposit/depositions")) == 1 + 1  # one create, one publish
    assert run.said(f"resuming draft {draft.deposition_id}")


def test_running_again_after_publishing_uploads_nothing(run, fake_zenodo, tmp_path):
    files = release(tmp_path, {"exodata-data-0.4.0.zip": content(1)})
    first = run(files, publish=True)
    before = len(fake_zenodo.received)

    again = run(files, publish=True)

    assert again.published and again.deposition_id == first.deposition_id and again.uploaded == ()
    assert [r.method for r in fake_zenodo.received[before:]] == ["GET", "GET"]  # list, read: nothing written
    changed = release(tmp_path, {"exodata-data-0.4.0.zip": content(2)}, folder="changed")
    error = run.fails(changed, publish=True)
    assert "already published" in one_line(error) and "new version number" in str(error)


# -- new version -----------------------------------------------------------------------------------------------

def test_new_version_replaces_inherited_files_sets_metadata_and_publishes(run, fake_zenodo, tmp_path):
    first = run(release(tmp_path, {"exodata-data.zip": content(1), "README.md": b"read me\n",
                                   "old-table.csv": b"a,b\n"}, folder="v1"), publish=True)
    metadata = {**METADATA, "version": "0.5.0"}
    files = release(tmp_path, {"exodata-data.zip": content(2), "README.md": b"read me\n", "new-table.csv": b"c\n"},
                    folder="v2")

    result = run(files, metadata, concept_record_id=first.concept_record_id, publish=True)

    assert fake_zenodo.requests_to("POST", f"/depositions/{first.deposition_id}/actions/newversion")
    assert result.published and result.deposition_id != first.deposition_id
    assert result.concept_record_id == first.concept_record_id and result.concept_doi == first.concept_doi
    assert set(result.deleted) == {"exodata-data.zip", "old-table.csv"}  # inherited: changed, and gone
    assert result.uploaded == ("exodata-data.zip", "new-table.csv") and result.skipped == ("README.md",)
    assert fake_zenodo.files_of(result.deposition_id) == {path.name: path.read_bytes() for path in files}
    assert fake_zenodo.files_of(first.deposition_id)["exodata-data.zip"] == content(1)  # v1 untouched
    assert fake_zenodo.deposition(result.deposition_id)["metadata"]["version"] == "0.5.0"
    assert result.doi == f"10.5072/zenodo.{result.deposition_id}"
    assert run.said(f"creating a new version of record {first.deposition_id}")
    assert run.said("removing old-table.csv") and run.said("already on the draft: README.md")


def test_a_stale_draft_of_the_concept_is_reused(run, fake_zenodo, tmp_path):
    v1 = fake_zenodo.seed_published(METADATA, {"exodata-data.zip": content(1), "README.md": b"read me\n"})
    stale = fake_zenodo.seed_new_version_draft(v1["id"], files={"README.md": b"read me\n",
                                                                "exodata-data.zip": b"half of an old upload"})
    files = release(tmp_path, {"exodata-data.zip": content(2), "README.md": b"read me\n"})

    result = run(files, {**METADATA, "version": "0.5.0"}, concept_record_id=v1["conceptrecid"])

    assert result.deposition_id == stale["id"] and result.state == "draft"
    assert fake_zenodo.requests_to("POST", "/actions/newversion") == []
    assert run.said(f"reusing draft {stale['id']}")
    assert result.deleted == ("exodata-data.zip",) and result.uploaded == ("exodata-data.zip",)
    assert result.skipped == ("README.md",)
    assert fake_zenodo.files_of(stale["id"])["exodata-data.zip"] == content(2)


def test_the_concept_record_id_may_be_given_as_its_doi(run, fake_zenodo, tmp_path):
    v1 = fake_zenodo.seed_published(METADATA, {"a.csv": b"1\n"})

    result = run(release(tmp_path, {"a.csv": b"2\n"}), {**METADATA, "version": "0.5.0"},
                 concept_record_id=f"10.5072/zenodo.{v1['conceptrecid']}")

    assert result.concept_record_id == v1["conceptrecid"] and result.deposition_id != v1["id"]


def test_an_unknown_concept_is_a_one_line_error(run, fake_zenodo, tmp_path):
    error = run.fails(release(tmp_path, {"a.csv": b"1\n"}), concept_record_id="424242")

    assert "no published version of concept record 424242" in one_line(error)
    assert fake_zenodo.requests_to("POST") == []


# -- retries and rate limits -----------------------------------------------------------------------------------

def test_a_429_waits_as_long_as_retry_after_says(run, fake_zenodo, tmp_path):
    fake_zenodo.rate_limit("GET", "/api/deposit/depositions", retry_after="7")

    result = run(release(tmp_path, {"a.csv": b"1\n"}))

    assert run.sleeps == [7.0]
    assert len(fake_zenodo.requests_to("GET", "/api/deposit/depositions")) >= 2 and result.uploaded == ("a.csv",)
    assert run.said("Zenodo answered 429") and run.said("trying again in 7 s (attempt 2 of 6)")


def test_a_429_retry_after_may_be_an_http_date(run, fake_zenodo, tmp_path):
    later = datetime.now(UTC) + timedelta(seconds=30)
    fake_zenodo.rate_limit("POST", "/api/deposit/depositions", retry_after=format_datetime(later, usegmt=True))

    run(release(tmp_path, {"a.csv": b"1\n"}))

    assert len(run.sleeps) == 1 and 20 < run.sleeps[0] <= 30


def test_a_429_without_retry_after_waits_for_the_rate_limit_reset(run, fake_zenodo, tmp_path):
    fake_zenodo.rate_limit("PUT", "/api/files/", reset_in=30)

    run(release(tmp_path, {"a.csv": b"1\n"}))

    assert len(run.sleeps) == 1 and 25 < run.sleeps[0] <= 32  # until X-RateLimit-Reset, plus a second


def test_a_used_up_rate_limit_delays_the_next_request(run, fake_zenodo, tmp_path):
    fake_zenodo.limit_used_up("GET", "/api/deposit/depositions", reset_in=20)

    run(release(tmp_path, {"a.csv": b"1\n"}))

    assert len(run.sleeps) == 1 and 15 < run.sleeps[0] <= 22
    assert run.said("rate limit is used up")


def test_a_rate_limit_wait_too_long_to_honour_is_an_error_saying_when_to_come_back(run, fake_zenodo, tmp_path):
    fake_zenodo.rate_limit("GET", "/api/deposit/depositions", retry_after="3600")

    error = run.fails(release(tmp_path, {"a.csv": b"1\n"}))

    assert "asks to wait 3600 s" in one_line(error) and "again after" in str(error) and error.status == 429
    assert run.sleeps == [] and len(fake_zenodo.received) == 1


def test_a_500_mid_upload_is_retried(run, fake_zenodo, tmp_path):
    files = release(tmp_path, {"a.bin": content(1), "b.bin": content(2), "c.bin": content(3)})
    fake_zenodo.fail_upload(2, status=500)

    result = run(files)

    assert result.uploaded == ("a.bin", "b.bin", "c.bin")
    assert [r.path.rsplit("/", 1)[1] for r in fake_zenodo.requests_to("PUT", "/api/files/")] == [
        "a.bin", "b.bin", "b.bin", "c.bin"]
    assert run.sleeps == [1.0]
    assert fake_zenodo.files_of(result.deposition_id) == {path.name: path.read_bytes() for path in files}


def test_an_upload_dropped_midway_is_sent_again_from_the_start(run, fake_zenodo, tmp_path):
    files = release(tmp_path, {"a.bin": content(1)})
    fake_zenodo.drop_upload(1)

    result = run(files)

    sizes = [r.body_size for r in fake_zenodo.requests_to("PUT", "/api/files/")]
    assert sizes == [BIG // 2, BIG]
    assert fake_zenodo.files_of(result.deposition_id) == {"a.bin": content(1)}
    assert run.said("connection to Zenodo failed or was dropped")


def test_retries_are_bounded_and_back_off_exponentially(run, fake_zenodo, tmp_path):
    fake_zenodo.fail("GET", "/api/deposit/depositions", 503, times=100)

    error = run.fails(release(tmp_path, {"a.csv": b"1\n"}), max_attempts=4)

    assert len(fake_zenodo.requests_to("GET")) == 4
    assert run.sleeps == [1.0, 2.0, 4.0]
    assert "503" in one_line(error) and "4 attempts" in str(error) and "exodata release --upload" in str(error)
    assert error.status == 503


def test_other_4xx_are_not_retried(run, fake_zenodo, tmp_path):
    fake_zenodo.fail("POST", "/api/deposit/depositions", 404, body={"status": 404, "message": "Not found"})

    error = run.fails(release(tmp_path, {"a.csv": b"1\n"}))

    assert len(fake_zenodo.requests_to("POST")) == 1 and run.sleeps == []
    assert error.status == 404 and "POST /api/deposit/depositions" in one_line(error)


# -- interrupted and resumed -----------------------------------------------------------------------------------

def test_an_interrupted_upload_is_resumed_by_running_again(run, fake_zenodo, tmp_path):
    files = release(tmp_path, {"a.bin": content(1), "b.bin": content(2), "c.bin": content(3)})
    fake_zenodo.drop_upload(2, times=3)  # every attempt at b.bin

    error = run.fails(files, max_attempts=3)

    text = one_line(error)
    assert "uploading b.bin" in text and "3 attempts" in text and "exodata release --upload" in text
    assert "resumes" in text and error.status is None
    (draft,) = fake_zenodo.depositions()
    assert set(fake_zenodo.files_of(draft["id"])) == {"a.bin"}
    uploads_before = len(fake_zenodo.requests_to("PUT", "/api/files/"))

    result = run(files, max_attempts=3)

    assert result.deposition_id == draft["id"]
    assert result.skipped == ("a.bin",) and result.uploaded == ("b.bin", "c.bin")
    assert len(fake_zenodo.requests_to("POST", "/api/deposit/depositions")) == 1  # not created twice
    resent = fake_zenodo.requests_to("PUT", "/api/files/")[uploads_before:]
    assert [(r.path.rsplit("/", 1)[1], r.body_size) for r in resent] == [("b.bin", BIG), ("c.bin", BIG)]
    assert fake_zenodo.files_of(draft["id"]) == {path.name: path.read_bytes() for path in files}
    assert run.said(f"resuming draft {draft['id']}")


# -- errors ----------------------------------------------------------------------------------------------------

def test_a_wrong_token_is_refused_with_the_fix_and_never_shown(fake_zenodo, tmp_path):
    runner = Run(fake_zenodo)
    wrong = "zt-wrong-" + "9" * 24

    error = runner.fails(release(tmp_path, {"a.csv": b"1\n"}), token=wrong)

    text = one_line(error)
    assert text.startswith("Zenodo refused the token") and "401" in text
    assert "deposit:write and deposit:actions" in text and "ZENODO_TOKEN" in text
    assert "127.0.0.1" in text and "run `exodata release --upload` again" in text
    assert len(fake_zenodo.received) == 1 and runner.sleeps == []  # not retried
    assert_token_never_shown(fake_zenodo, runner, wrong)


def test_a_token_without_the_actions_scope_is_refused_when_publishing(run, fake_zenodo, tmp_path):
    fake_zenodo.scopes = {"deposit:write"}

    error = run.fails(release(tmp_path, {"a.csv": b"1\n"}), publish=True)

    assert one_line(error).startswith("Zenodo refused the token while publishing draft")
    assert "403" in str(error) and "required scope" in str(error)


@pytest.mark.parametrize(("body", "expected"), [
    ({"status": 400, "message": "Validation error.",
      "errors": [{"field": "metadata.title", "message": "Title is too long."},
                 {"field": "metadata.creators.0.name", "message": "Name is required."}]},
     "Validation error; metadata.title: Title is too long.; metadata.creators.0.name: Name is required."),
    ({"errors": [{"field": "metadata.creators.0.person_or_org.name",
                  "messages": ["Name cannot be blank.", "Name is too short."]}]},
     "metadata.creators.0.person_or_org.name: Name cannot be blank. / Name is too short."),
], ids=["zenodo-legacy", "invenio-rdm"])
def test_both_documented_error_shapes_are_read_into_the_message(run, fake_zenodo, tmp_path, body, expected):
    fake_zenodo.fail("PUT", "/api/deposit/depositions/", 400, body=body)

    error = run.fails(release(tmp_path, {"a.csv": b"1\n"}))

    text = one_line(error)
    assert expected in text
    assert text.startswith("Zenodo rejected setting the metadata of draft") and "PUT /api/deposit/depositions/" in text
    assert len(fake_zenodo.requests_to("PUT", "/api/deposit/depositions/")) == 1  # a 400 is not retried


def test_publishing_incomplete_metadata_names_the_missing_fields(run, fake_zenodo, tmp_path):
    metadata = {key: value for key, value in METADATA.items() if key != "description"}

    error = run.fails(release(tmp_path, {"a.csv": b"1\n"}), metadata, publish=True)

    assert "metadata.description: Missing data for required field." in one_line(error)


def test_a_checksum_mismatch_is_uploaded_once_more(run, fake_zenodo, tmp_path):
    files = release(tmp_path, {"a.bin": content(1)})
    fake_zenodo.corrupt_upload(1)

    result = run(files)

    assert len(fake_zenodo.requests_to("PUT", "/api/files/")) == 2
    assert fake_zenodo.files_of(result.deposition_id) == {"a.bin": content(1)}
    assert run.said("uploading it again")


def test_a_checksum_mismatch_twice_is_an_error(run, fake_zenodo, tmp_path):
    files = release(tmp_path, {"a.bin": content(1)})
    fake_zenodo.corrupt_upload(1, times=2)

    error = run.fails(files)

    text = one_line(error)
    assert "md5 of a.bin" in text and "after two uploads" in text and "exodata release --upload" in text
    assert len(fake_zenodo.requests_to("PUT", "/api/files/")) == 2


def test_links_to_another_host_are_not_followed(run, fake_zenodo, tmp_path):
    fake_zenodo.state.base = fake_zenodo.url.replace("127.0.0.1", "127.0.0.2")  # links now name another host

    error = run.fails(release(tmp_path, {"a.csv": b"1\n"}))

    assert "refusing to send the token there" in one_line(error)
    assert all(request.path.startswith("/api/deposit/depositions") for request in fake_zenodo.received)


def test_the_token_is_never_sent_over_plain_http(tmp_path):
    with pytest.raises(ZenodoError, match="only served over HTTPS"):
        upload_release(release(tmp_path, {"a.csv": b"1\n"}), METADATA, token="t", base_url="http://zenodo.org")


def test_a_missing_release_file_is_reported_before_any_request(run, fake_zenodo, tmp_path):
    error = run.fails([tmp_path / "not-built.zip"])

    assert "not-built.zip is missing" in one_line(error) and fake_zenodo.received == []


# -- small parts -----------------------------------------------------------------------------------------------

def test_the_module_imports_requests_only_when_uploading():
    code = "import sys, exodata.release.zenodo; print('requests' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_sizes_read_as_people_read_them():
    assert [human_size(n) for n in (0, 999, 1000, 1_234_567, 5 * 10**12)] == [
        "0 bytes", "999 bytes", "1.0 kB", "1.2 MB", "5.0 TB"]
    assert SANDBOX_URL == "https://sandbox.zenodo.org"
