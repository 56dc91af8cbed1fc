"""What every scraped-page reader shares: one record per page, and never an exception."""

from __future__ import annotations

from collections.abc import Callable

from exodata.model import RawRecord


def read_page(text: str, accepts: Callable[[str], bool], read_one: Callable[[str], RawRecord], fmt: str,
              label: str) -> list[RawRecord]:
    """``[read_one(text)]`` for a page of this layout, ``[]`` for other text; a reader bug becomes a quarantined
    record that says where it broke (a reader never raises)."""
    try:
        if not accepts(text):
            return []
        return [read_one(text)]
    except Exception as error:
        return [RawRecord(format=fmt, index=0, span=(0, len(text)),
                          quarantine=f"{label} could not be read ({type(error).__name__}: {error})")]
