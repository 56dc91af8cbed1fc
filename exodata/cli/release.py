"""``exodata release``: the release files of this version, and (``--upload``) their Zenodo deposition."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

from exodata.cli._common import console, fail, fail_usage, require_extra


def root_metadata(root: Path) -> dict[str, str]:
    """What CITATION.cff and .zenodo.json at the repository root must hold (generated from the metadata source
    and the package's publications)."""
    from exodata.release.citation import cff_text, source_dois, zenodo_metadata

    zenodo = zenodo_metadata(source_dois(root))
    return {"CITATION.cff": cff_text(), ".zenodo.json": json.dumps(zenodo, indent=2, ensure_ascii=False) + "\n"}


def stale_metadata(root: Path) -> list[str]:
    """The root metadata files that are missing or differ from what the metadata source generates."""
    wanted = root_metadata(root)
    return [name for name, text in wanted.items()
            if not (root / name).is_file() or (root / name).read_text(encoding="utf-8") != text]


def preflight(root: Path, package: Path) -> None:
    """Refuse (``ReleaseError``) what would make a wrong release: no release date for this version, a package of
    another version or an invalid one, no CHANGELOG section, stale CITATION.cff or .zenodo.json."""
    from exodata.metadata.project import project
    from exodata.package.loading import read_descriptor
    from exodata.package.validate import validate_package
    from exodata.release.archive import ReleaseError

    about = project()
    try:
        about.release  # noqa: B018 - reading it raises when the release is not described
    except ValueError as missing:
        raise ReleaseError(str(missing)) from None
    version = read_descriptor(package).get("version")
    if version != about.version:
        raise ReleaseError(f"the package in {package} is version {version}, this exodata is {about.version}; "
                           "run `exodata build` first")
    problems = validate_package(package)
    if problems:
        raise ReleaseError(f"the package in {package} is invalid ({len(problems)} problem(s), first: {problems[0]}); "
                           "run `exodata validate` and rebuild")
    changelog = root / "CHANGELOG.md"
    if not changelog.is_file() or f"## [{about.version}]" not in changelog.read_text(encoding="utf-8"):
        raise ReleaseError(f"CHANGELOG.md has no section '## [{about.version}]'; write it (its data part from "
                           "`exodata diff vPREVIOUS .  --markdown`) before releasing")
    stale = stale_metadata(root)
    if stale:
        raise ReleaseError(f"{' and '.join(stale)} at the repository root are stale; run `exodata release "
                           "--metadata` and commit them")


def command(
    out: Path = typer.Option(Path("dist"), "--out", help="Directory to write the release files into."),
    package: Path = typer.Option(Path("."), "--package", help="The package to release (default: this checkout)."),
    metadata: bool = typer.Option(False, "--metadata", help="Only rewrite CITATION.cff and .zenodo.json at the "
                                                            "repository root from the metadata source."),
    distributions: bool = typer.Option(True, "--dist/--no-dist", help="Also build the wheel and sdist."),
    upload: bool = typer.Option(False, "--upload", help="Upload the release to Zenodo (token: ZENODO_TOKEN)."),
    publish: bool = typer.Option(False, "--publish", help="With --upload: publish (otherwise leave a draft to "
                                                          "review)."),
    sandbox: bool = typer.Option(False, "--sandbox", help="With --upload: use Zenodo's sandbox."),
    zenodo_url: str | None = typer.Option(None, "--zenodo-url", help="With --upload: a server speaking "
                                                                        "Zenodo's deposit API."),
) -> None:
    """Write the release files of this version into --out: the data archive, wheel, sdist, SHA256SUMS and the
    Zenodo deposition metadata; with --upload, deposit them on Zenodo (a draft unless --publish)."""
    from exodata.release.archive import ReleaseError, make_release

    root = Path(".")
    if metadata:
        for name, text in root_metadata(root).items():
            (root / name).write_text(text, encoding="utf-8")
            console().print(f"wrote {name}")
        return
    if distributions or upload:
        require_extra("release", "release")
    if (publish or sandbox or zenodo_url) and not upload:
        fail_usage("release", "--publish, --sandbox and --zenodo-url go with --upload")
    token = os.environ.get("ZENODO_TOKEN", "")
    if upload and not token:
        fail_usage("release", "set ZENODO_TOKEN to a Zenodo token with the deposit:write and deposit:actions "
                              "scopes (a sandbox token with --sandbox)")
    say = console(stderr=True)
    try:
        if not (package / "datapackage.json").is_file():
            raise ReleaseError(f"no datapackage.json in {package}; run `exodata build` in the repository first")
        preflight(root, package)
        from exodata.metadata.dictionary import data_dictionary
        from exodata.release.card import dataset_card
        from exodata.release.citation import source_dois, zenodo_metadata
        from exodata.report import INSTALL_HINT, missing_libraries

        if missing_libraries():  # the archive holds the report
            raise ReleaseError(INSTALL_HINT.replace("exodata report", "the release's report.html"))
        from exodata.report.render import report_html

        files = make_release(package, root, out, readme=dataset_card(package), dictionary=data_dictionary(),
                             zenodo=zenodo_metadata(source_dois(package)), distributions=distributions,
                             progress=lambda text: say.print(text, markup=False), report=report_html(package))
    except ReleaseError as refused:
        fail("release", str(refused))
    for path in (files.archive, files.wheel, files.sdist, files.zenodo, files.sums):
        if path is not None:
            console().print(f"wrote {path}", markup=False)
    if upload:
        _upload(files, token, sandbox, zenodo_url, publish)


def _upload(files, token: str, sandbox: bool, zenodo_url: str | None, publish: bool) -> None:
    from exodata.metadata.project import project
    from exodata.release.zenodo import SANDBOX_URL, ZENODO_URL, ZenodoError, upload_release

    about = project()
    base = zenodo_url or (SANDBOX_URL if sandbox else ZENODO_URL)
    metadata = json.loads(files.zenodo.read_text(encoding="utf-8"))
    rerun = "exodata release --upload" + (" --sandbox" if sandbox else "") + (
        f" --zenodo-url {zenodo_url}" if zenodo_url else "") + (" --publish" if publish else "")
    say = console(stderr=True)
    try:
        result = upload_release(files.uploads, metadata, token=token, base_url=base,
                                concept_record_id=about.concept_record_id, publish=publish,
                                progress=lambda text: say.print(text, markup=False), rerun_command=rerun)
    except ZenodoError as error:
        fail("release", str(error))
    state = "published" if result.published else "a draft to review (publish it there, or run again with --publish)"
    console().print(f"Zenodo deposition {result.deposition_id}: {state}; DOI {result.doi}; {result.html_url}",
                    markup=False)
    if result.published:
        console().print(
            f"record it in exodata/metadata/project.toml: doi = \"{result.doi}\" in the [[releases]] entry of "
            f"{about.version}" + ("" if about.concept_record_id else
                                  f", and concept_record_id = \"{result.concept_record_id}\" / concept_doi = "
                                  f"\"{result.concept_doi}\" under [zenodo]") + "; then commit", markup=False)
