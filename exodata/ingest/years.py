"""What a publication year is, for every stage that looks for one: one rule, from the schema source.

A year is a four-digit number, not part of a longer number, within :data:`~exodata.metadata.tables.YEAR_RANGE`
(the bounds ``publications.year`` declares).  Readers locate the year-shaped number of a date field
(:func:`year_span`), the normaliser keeps it only when :func:`is_year` says it is one, and the composite
parsers (citation and 'Published' lines) use the same test, so no stage can hand the checks a year they would
reject: a number outside the range is no year, and the normaliser says so where it was written.
"""

from __future__ import annotations

import re

from exodata.metadata.tables import YEAR_RANGE

#: Four digits not inside a longer run of digits: what a year looks like before its value is judged.
FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")


def is_year(number: int) -> bool:
    """Whether ``number`` is a publication year the package accepts."""
    return YEAR_RANGE[0] <= number <= YEAR_RANGE[1]


def year_span(text: str) -> tuple[int, int] | None:
    """Where the year of a date field is in ``text`` ('2022 Aug 13' → (0, 4)): the first four-digit number that
    is a year, else the first four-digit number (no year, which the normaliser reports), else None."""
    first = None
    for found in FOUR_DIGITS.finditer(text):
        if is_year(int(found.group())):
            return found.span()
        if first is None:
            first = found.span()
    return first


def year_of(text: str | None) -> int | None:
    """The year ``text`` holds as an int (the first four-digit number that is a year), or None."""
    if not text:
        return None
    span = year_span(text)
    if span is None:
        return None
    number = int(text[span[0]:span[1]])
    return number if is_year(number) else None
