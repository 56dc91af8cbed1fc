"""Publication-date ranges for PubMed: whole days, inclusive at both ends, and how one is cut in two.

ESearch and EFetch reach only the first 10,000 records of a result, so a search with more is cut by
publication date (``datetype=pdat``, ``mindate``/``maxdate``) until every slice holds at most 10,000.
Slices are inclusive day ranges that follow each other without gap or overlap (``a..m`` then ``m+1..b``),
and every date sent is a whole day (``YYYY/MM/DD``): a partial ``maxdate`` such as ``2020/03`` would leave it
to the service to decide which day it means.

PubMed dates a record with only a year, a month or a season at the first day of it (year → 1 January, month
→ its 1st, season → the first day of its first month, per PubMed's help on [dp]); that day lies in exactly one
slice, so the record is found once.  A record with two publication dates (print and electronic) can be found
in two slices: the fetch writes it once (it skips identifiers already written), and checks at the end that the
slices together returned every identifier the whole range did.

Cuts fall on calendar boundaries while they can (a year, then a month, then a day), so slices read as
``20150101-20171231`` rather than arbitrary days.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from exodata.harvest import HarvestError

#: The range searched when no --mindate / --maxdate is given: wider than PubMed's records on both sides.
EARLIEST = date(1700, 1, 1)
LATEST = date(2999, 12, 31)
ONE_DAY = timedelta(days=1)

_DATE = re.compile(r"^(\d{4})(?:[/-](\d{1,2})(?:[/-](\d{1,2}))?)?$")


def parse_date(text: str, *, last: bool, option: str) -> date:
    """``Y``, ``Y/M`` or ``Y/M/D`` (or with ``-``) as a day: the first day it covers, or the last with ``last``."""
    found = _DATE.match(text.strip())
    if found is None:
        raise HarvestError(f"{option} {text!r} is not a date: write YYYY, YYYY/MM or YYYY/MM/DD")
    year, month, day = (int(part) if part else None for part in found.groups())
    try:
        if month is None:
            return date(year, 12, 31) if last else date(year, 1, 1)
        if day is None:
            first = date(year, month, 1)
            return (date(year + (month == 12), month % 12 + 1, 1) - ONE_DAY) if last else first
        return date(year, month, day)
    except ValueError:
        problem = HarvestError(f"{option} {text!r} is not a date of the calendar")
    raise problem


def date_range(mindate: str | None, maxdate: str | None) -> tuple[date, date]:
    low = parse_date(mindate, last=False, option="--mindate") if mindate else EARLIEST
    high = parse_date(maxdate, last=True, option="--maxdate") if maxdate else LATEST
    if low > high:
        raise HarvestError(f"--mindate {mindate} is after --maxdate {maxdate}; swap them")
    return low, high


def split(low: date, high: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """Two ranges that together are ``low..high``, without gap or overlap; on a year boundary when the range
    spans years, else a month boundary, else a day.  A single day cannot be split (ValueError)."""
    if low >= high:
        raise ValueError("a single day cannot be split")
    if low.year != high.year:
        cut = date((low.year + high.year + 1) // 2, 1, 1)
    elif low.month != high.month:
        cut = date(low.year, (low.month + high.month + 1) // 2, 1)
    else:
        cut = low + timedelta(days=(high - low).days // 2 + 1)
    return (low, cut - ONE_DAY), (cut, high)


def label(low: date, high: date) -> str:
    """How file names and the manifest name a slice: ``YYYYMMDD-YYYYMMDD``."""
    return f"{low:%Y%m%d}-{high:%Y%m%d}"


def ncbi(day: date) -> str:
    """A day as E-utilities takes it: ``YYYY/MM/DD``."""
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"
