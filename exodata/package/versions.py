"""Which version a data change requires: bump levels, the required version and the check a release must pass.

The levels follow the Frictionless "data package version" recipe (see ``docs/versions.md``): **major** when a
consumer's code or assumptions can break (a table or field removed, a type changed, a constraint tightened, the
primary key changed, rows removed), **minor** when something was added (tables, fields, rows, a constraint
loosened), **patch** when values were corrected or descriptive metadata changed, **none** when nothing changed.

While the major version is 0 the data model is still settling (as in SemVer's ``0.y.z`` and Cargo's convention),
so every level shifts one place right: a major change requires ``0.(y+1).0``, a minor or patch change
``0.y.(z+1)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Bump = Literal["none", "patch", "minor", "major"]

#: The bump levels, weakest first: ``LEVELS.index`` orders them.
LEVELS: tuple[Bump, ...] = ("none", "patch", "minor", "major")


def strongest(levels: list[Bump] | tuple[Bump, ...]) -> Bump:
    """The strongest of ``levels`` (``"none"`` for no levels at all)."""
    return max(levels, key=LEVELS.index, default="none")


def _parse(version: str, what: str):
    from packaging.version import InvalidVersion, Version

    try:
        return Version(str(version))
    except InvalidVersion:
        raise ValueError(f"{what} version {version!r} is not a version number; write it as X.Y.Z "
                         "(the package descriptor's `version`)") from None


def _check_level(bump: str) -> None:
    if bump not in LEVELS:
        raise ValueError(f"bump must be one of {', '.join(LEVELS)}, not {bump!r}")


def required_version(old_version: str, bump: Bump) -> str:
    """The smallest version a release following ``old_version`` needs for a change of level ``bump``.

    From X.Y.Z: major → (X+1).0.0, minor → X.(Y+1).0, patch → X.Y.(Z+1), none → X.Y.Z; while X is 0: major →
    0.(Y+1).0, minor and patch → 0.Y.(Z+1).  Only the release numbers of ``old_version`` count (a pre-release
    or local suffix is dropped).
    """
    _check_level(bump)
    release = (*_parse(old_version, "old").release, 0, 0)
    major, minor, patch = release[:3]
    if major == 0 and bump != "none":
        bump = "minor" if bump == "major" else "patch"  # 0.x: every level one place to the right
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    if bump == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return f"{major}.{minor}.{patch}"


@dataclass(frozen=True)
class VersionCheck:
    """The outcome of :func:`check_version`: whether NEW passes, the least version it needs and a one-line
    message saying so."""

    passed: bool
    required: str
    message: str

    def __bool__(self) -> bool:
        return self.passed


def check_version(old: str, new: str, bump: Bump) -> VersionCheck:
    """Does version ``new`` follow ``old`` far enough for a change of level ``bump``?

    ``new`` passes when it is at least :func:`required_version` (``old``, ``bump``); a ``new`` below ``old``
    always fails ("version went backwards").  Versions are compared as ``packaging`` versions, so a
    pre-release of the required version (``0.4.0rc1`` < ``0.4.0``) is not enough.
    """
    required = required_version(old, bump)
    old_v, new_v = _parse(old, "old"), _parse(new, "new")
    if new_v < old_v:
        return VersionCheck(False, required, f"version went backwards: {new} is lower than {old}; "
                                             f"set the new version to at least {required}")
    if new_v < _parse(required, "required"):
        return VersionCheck(False, required, f"version {new} is not bumped enough for a {bump} change from "
                                             f"{old}: set it to at least {required}")
    return VersionCheck(True, required, f"version {new} is enough for a {bump} change from {old} "
                                        f"(at least {required})")
