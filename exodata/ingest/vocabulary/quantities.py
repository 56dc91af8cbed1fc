"""Quantities a record states about the vesicles: "a diameter of about 50-200 nm", "30 to 100 nm in diameter".

Only a number or range with a unit, in a sentence that says what is measured, is taken: a size word (diameter,
size, ...) within a few words before or after the numbers; a dose unit (mg/kg, µg) names a dose.  Nothing is
inferred: a range is reported as written (value_min, value_max), a single value as min == max, and the exact
span gives the provenance (``text == field_text[start:end]``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

_NUMBER = r"\d+(?:\.\d+)?"
_DASH = "-\u2010\u2011\u2012\u2013\u2014\u2212~\uff5e"
_UNITS = {
    "nm": "nm",
    "nanometers": "nm",
    "nanometres": "nm",
    "μm": "µm",
    "µm": "µm",
    "um": "µm",
    "micrometers": "µm",
    "micrometres": "µm",
    "mg/kg": "mg/kg",
    "μg/kg": "µg/kg",
    "µg/kg": "µg/kg",
    "ug/kg": "µg/kg",
    "μg": "µg",
    "µg": "µg",
    "ug": "µg",
    "mg": "mg",
}
_UNIT = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
_RANGE = re.compile(
    rf"(?P<min>{_NUMBER})\s*(?:(?P<unit1>{_UNIT})\s*)?(?:[{_DASH}]|\bto\b|\band\b)\s*(?P<max>{_NUMBER})\s*(?P<unit>{_UNIT})(?![A-Za-z])"
    rf"|(?P<single>{_NUMBER})\s*(?P<unit2>{_UNIT})(?![A-Za-z/])",
    re.IGNORECASE,
)
#: What every match of ``_RANGE`` contains: a digit, then (after white space) a unit.  The pattern opens with a
#: plain ``\d``, so the regex engine skips to digits in C; ``_RANGE`` opens with a group and is tried at every
#: character, several times slower.  Most abstracts state no size or dose, and this search rules them out.
#: Written with the units' shortest forms, factored ("mg/kg" holds "mg"): the same texts match, with less work.
_UNIT_AFTER_NUMBER = re.compile(r"\d\s*(?:nm|nanomet(?:er|re)s|[μµu][mg]|mg|micromet(?:er|re)s)", re.IGNORECASE)
_SIZE_WORDS = {
    "diameter": "diameter",
    "diameters": "diameter",
    "size": "size",
    "sizes": "size",
    "sized": "size",
    "radius": "radius",
    "width": "size",
}
_LOOKBEHIND = re.compile(
    r"(?P<word>diameters?|sizes?|sized|radius|width)\b(?:\s+(?:of|ranging|range|ranged|from|between|about|approximately|approx\.|around|roughly|nearly|is|was|were|are|in|the|a|an|mainly|mostly|typically|generally|usually|with|\(|:|,)){0,5}\s*$",
    re.IGNORECASE,
)
_LOOKAHEAD = re.compile(r"\s*(?:in\s+)?(?P<word>diameters?|sizes?|radius|width)\b", re.IGNORECASE)
_QUALIFIER = re.compile(
    r"(?:(?:a|an|the)\s+)?(?P<word>diameters?|sizes?|radius|width)\s+(?:of\s+)?(?:(?:about|approximately|around|roughly|nearly|ranging\s+from|from|between)\s+)*$",
    re.IGNORECASE,
)


class Quantity(NamedTuple):
    """A quantity stated about the vesicles, with the span of the phrase that states it."""

    quantity: str
    value_min: float
    value_max: float
    unit: str
    field: str
    start: int
    end: int
    text: str


def extract_quantities(field: str, text: str | None) -> list[Quantity]:
    """Every vesicle size (or dose) the text states, with the exact span of the phrase that states it."""
    if not text or _UNIT_AFTER_NUMBER.search(text) is None:
        return []
    found = []
    for match in _RANGE.finditer(text):
        unit_written = (match.group("unit") or match.group("unit2") or "").strip()
        unit = _UNITS.get(unit_written) or _UNITS.get(unit_written.lower())
        if unit is None:
            continue
        if match.group("single") is not None:
            low = high = float(match.group("single"))
        else:
            low, high = float(match.group("min")), float(match.group("max"))
            if low > high:
                continue
        start, end = match.start(), match.end()
        quantity = None
        if unit in {"mg/kg", "µg/kg", "µg", "mg"}:
            quantity = "dose"
        before = text[max(0, start - 60) : start]
        lead = _QUALIFIER.search(before)
        if lead:
            quantity = quantity or _SIZE_WORDS[lead.group("word").lower()]
            start = start - (len(before) - lead.start())
        else:
            behind = _LOOKBEHIND.search(before)
            if behind:
                quantity = quantity or _SIZE_WORDS[behind.group("word").lower()]
            after = _LOOKAHEAD.match(text, end) if quantity is None else None
            if after:
                quantity = _SIZE_WORDS[after.group("word").lower()]
                end = after.end()
        if quantity is None and unit in {"nm", "µm"}:
            quantity = "size"  # a length in nanometres in an EV abstract is a vesicle size
        found.append(Quantity(quantity, low, high, unit, field, start, end, text[start:end]))
    return found
