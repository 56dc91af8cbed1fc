"""What both harvests share: the progress a command shows, and the outcome it reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class Report:
    """Where a harvest says what it does; this one says nothing (the command gives one that shows it)."""

    def say(self, line: str) -> None:
        """One line worth reading (a retry, a warning)."""

    def start(self, description: str, total: int | None) -> None:
        """A stage that will advance ``total`` steps (None: unknown)."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more steps of the current stage are done."""


@dataclass
class SliceCount:
    """One slice of a harvest: its label and dates (None: no date limit) and the records the service counted."""

    label: str
    mindate: str | None
    maxdate: str | None
    count: int


@dataclass
class Outcome:
    """What a harvest did."""

    source: str
    query: str
    folder: Path
    slices: list[SliceCount] = field(default_factory=list)
    found: int = 0  # distinct records the service returned identifiers of
    already: int = 0  # of those, already in the seeds before this run
    added: int = 0  # records written by this run
    written: list[str] = field(default_factory=list)  # files written by this run (names inside folder)
    manifest: Path | None = None
    manifest_written: bool = False
    not_returned: list[str] = field(default_factory=list)
    partials_removed: list[str] = field(default_factory=list)
    requests: int = 0
    dry_run: bool = False
