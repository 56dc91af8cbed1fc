"""Quantities a record states about the vesicles: sizes ("a modal diameter of 118 nm"), doses ("200 μg of
exosomes", "1 × 10^10 particles") and particle concentrations ("2.4 × 10^12 particles/mL").

What is taken (the methods-layer gold, ``tests/data/methods/README.md`` decisions 26-31):

* a number, a range ("30–150 nm", "10 to 200 µg", "1 × 10^8 to 5 × 10^10 particles"), a list sharing one unit
  ("2 × 10^9, 8 × 10^9 or 2 × 10^10 particles": one quantity from its smallest to its largest value) or a mean with
  its dispersion ("112.4 ± 8.3 nm": the mean), followed by a unit;
* numbers as written: plain, with thousands separators, and in scientific notation ("1 × 10^10", "1.5×10⁹",
  "2e9", "10^11"), parsed to floats by :func:`parse_number`;
* the kind from the unit: a length (nm, µm) is the vesicles' ``diameter`` (``radius`` where the record says
  radius), a mass, a mass per kilogram or a particle count is a ``dose``, particles per millilitre a
  ``particle_concentration``; units are normalised (``µg`` with the micro sign, ``particles/mL``);
* only what belongs to the vesicles: a mass dose counts where a vesicle word is its object ("200 μg of exosomes",
  "2 mg/kg EVs", "exosomes (50 µg ...)", "a low (25 µg) ... dose of H-Exos") or a dose word introduces it
  ("Doses ranged from 10 to 200 µg"), so drug doses ("cisplatin (20 mg/kg)") are not taken; lengths of filter
  pores, sections, wavelengths and of non-vesicular particles (exomeres) are not taken either; volumes, cell
  numbers, g-forces, kDa cut-offs, molar and mass concentrations have no unit here.

``text`` runs from the first number to the unit, exactly as written (``text == field_text[start:end]``); the
words around it (about, per animal, in diameter) stay outside.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# -- numbers -------------------------------------------------------------------------------------------------------

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TO_PLAIN = str.maketrans(_SUPERSCRIPTS + "⁻⁺−", "0123456789-+-")
_MANTISSA = r"\d+(?:\.\d+)?"
#: "^11", "^ -3", "^−3" or superscript digits ("⁹", "⁻³")
_EXPONENT = rf"(?:\^\s*[-−+]?\d+|[⁻⁺]?[{_SUPERSCRIPTS}]+)"
_TIMES = r"\s*[×xX*·]\s*"
#: One written number.  Scientific forms first (their mantissa would match as a plain number), the bare power
#: before the plain number ("10^11" is not "10"), thousands separators without a space ("120,000").
NUMBER = (
    rf"(?:{_MANTISSA}{_TIMES}10{_EXPONENT}"
    rf"|{_MANTISSA}[eE][-+]?\d+(?![\w])"
    rf"|10{_EXPONENT}"
    rf"|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?!\d)"
    rf"|{_MANTISSA})"
)
_NUMBER_PARTS = re.compile(
    rf"^(?:(?P<m>{_MANTISSA}){_TIMES}10(?P<p>{_EXPONENT})|(?P<e>{_MANTISSA}[eE][-+]?\d+)|10(?P<bare>{_EXPONENT})"
    rf"|(?P<plain>[\d,]+(?:\.\d+)?))$"
)


def parse_number(written: str) -> float:
    """The value of one number as records write it: "118", "120,000", "1 × 10^10", "1.5×10⁹", "2e9", "10^11"."""
    parts = _NUMBER_PARTS.match(written.strip())
    if parts is None:
        raise ValueError(f"not a number: {written!r}")
    if parts.group("m") is not None:  # through the decimal string: 5.1e11, not 5.1 * 10.0 ** 11 (= 509999999999.99994)
        return float(f"{parts.group('m')}e{_exponent(parts.group('p'))}")
    if parts.group("e") is not None:
        return float(parts.group("e"))
    if parts.group("bare") is not None:
        return float(f"1e{_exponent(parts.group('bare'))}")
    return float(parts.group("plain").replace(",", ""))


def _exponent(written: str) -> int:
    return int(written.translate(_TO_PLAIN).lstrip("^").replace(" ", ""))


# -- units ---------------------------------------------------------------------------------------------------------

_MICRO = "[µμu]"
#: (pattern, normalised unit), longest first; matched case-sensitively ("nM" is nanomolar, not a length).
_UNIT_PATTERNS = (
    (r"particles?\s*(?:/\s*m[lL]|per\s+m[lL]|m[lL]\s*[-−⁻]\s*[1¹])", "particles/mL"),
    (rf"{_MICRO}g\s*/\s*kg", "µg/kg"),
    (r"mg\s*/\s*kg", "mg/kg"),
    (r"particles?", "particles"),
    (r"nm|nanomet(?:er|re)s", "nm"),
    (rf"{_MICRO}m|micromet(?:er|re)s", "µm"),
    (rf"{_MICRO}g|micrograms?", "µg"),
    (r"mg|milligrams?", "mg"),
)
_UNIT = "|".join(f"(?P<u{i}>{pattern})" for i, (pattern, _) in enumerate(_UNIT_PATTERNS))
_INNER_UNIT = "|".join(pattern for pattern, _ in _UNIT_PATTERNS)  # a unit repeated inside a range, unnamed
#: A unit ends the statement: no letter, digit or "/" runs on ("µg/mL", "nmol", "particles/µg" are other units).
_UNIT_END = r"(?![A-Za-z0-9/])"
_SEPARATOR = r"\s*(?:[-\u2010\u2011\u2012\u2013\u2014\u2212~\uff5e]|to|and|or|,(?:\s*(?:or|and))?)\s*"

_QUANTITY = re.compile(
    rf"(?<![\w.,/^-])(?P<first>{NUMBER})"
    rf"(?:\s*±\s*(?P<spread>{NUMBER})"
    rf"|(?P<more>(?:(?:\s*(?:{_INNER_UNIT}))?{_SEPARATOR}{NUMBER})+))?"
    rf"\s*(?:{_UNIT}){_UNIT_END}"
)
_LISTED = re.compile(NUMBER)
#: One number (with its dispersion) and its unit: what a statement is when the numbers before it join no list.
_SINGLE = re.compile(rf"(?P<first>{NUMBER})(?:\s*±\s*(?P<spread>{NUMBER}))?(?P<more>)\s*(?:{_UNIT}){_UNIT_END}")
_INNER_UNITS = re.compile(_INNER_UNIT)
#: Every match of ``_QUANTITY`` holds one of these (every unit follows the last digit of a number): most abstracts
#: hold none and are ruled out at once.
_PREFILTER = re.compile(rf"[\d{_SUPERSCRIPTS}]\s*(?:nm|nanomet|{_MICRO}[mg]|mg|micro|milli|particle)")


# -- what the quantity is about --------------------------------------------------------------------------------------

#: Words naming the vesicles or a fraction of them (as the object of a dose).
_VESICLE = (
    r"\b(?:[\w]+-)*(?:[sl]?EVs?|[Ee]xosomes?|[Ee]xos?|[Ee]xosomal|[Vv]esicles?|[Nn]anovesicles?|[Mm]icrovesicles?|"
    r"[Ee]xtracellular vesicles?|[Ss]ecretome|[Ff]ractions?|[Pp]reparations?|particles)\b"
)
_DOSE_OBJECT = re.compile(
    rf"\s*(?:of\s+)?(?:(?:the|each|either|both|labell?ed|unlabell?ed|loaded|empty|native|purified|engineered|"
    rf"lyophili[sz]ed|isolated|[\w]+-(?:derived|treated|loaded|primed|preconditioned)|MSC|MSCs?)\s+){{0,3}}"
    rf"{_VESICLE}"
)
#: How the vesicles were given, between the vesicle word and its dose: "exosome eye drops (10 µg".
_VEHICLE = (
    r"(?:(?:eye|nasal|ear)\s+)?(?:drops|sprays?|suspensions?|solutions?|injections?|infusions?|hydrogels?|gels?|"
    r"patch(?:es)?|scaffolds?|dressings?|treatment|therapy)"
)
#: A vesicle word just before: "exosomes (50 µg", "EVs at a dose of 100 µg", "sEVs: 10 µg".
_VESICLE_BEFORE = re.compile(
    rf"{_VESICLE}(?:\s+{_VEHICLE})?\s*(?:[(:,]|\b(?:at|in|with|a|an|the|dose|doses|of)\b|\s)*$"
)
#: A dose word introducing the number: "Doses ranged from", "doses spanned", "at a dose of".
_DOSE_BEFORE = re.compile(
    r"\bdos(?:e|es|ed|ing)\b(?:\s*(?:ranged|ranging|spanned|spanning|varied|varying|was|were|of|from|between|is|"
    r"are|used|given|tested|at|up to|about|approximately|around|above|below|over|under|exceeding|beyond|"
    r"(?:more|less|greater|higher|lower) than|[(:,]))*\s*$",
    re.IGNORECASE,
)
#: "a low (25 µg) or high (100 µg) dose of H-Exos": a dose level in parentheses, the vesicles later in the sentence.
_DOSE_LEVEL_BEFORE = re.compile(r"\b(?:low|high|medium|middle|intermediate)(?:[- ]dose)?\s*\(\s*$", re.IGNORECASE)
_LENGTH_NOT_VESICLE_AFTER = re.compile(
    r"\s*(?:[-\u2010]?\s*(?:pore|filters?|membranes?|mesh|cut-?off|syringe|thick|sections?|thickness|long|wide|"
    r"deep|depth|beads?|needle|laser|wavelength|excitation|emission)\b)",
    re.IGNORECASE,
)
_LENGTH_NOT_VESICLE_BEFORE = re.compile(
    r"(?:\b(?:pores?|pore size|filters?|filtered|absorbance|absorption|wavelength|excitation|emission|excited|"
    r"laser|optical density|exomeres?|non-vesicular|lipoproteins?|sections?|gold nanoparticles?)\b|λ)[^.;]{0,40}$",
)
_RADIUS = re.compile(r"\bradi(?:us|i)\b[^.;]{0,30}$|^\s*(?:in\s+)?radius\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.;!?](?:\s|$)")


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


def _one_list(more: str, unit: str) -> bool:
    """Whether the numbers after the first make one range or list with the closing unit: a unit repeated inside
    it is the same ("1 × 10^8 particles to 5 × 10^10 particles", not "104 nm and 2.4 × 10^12 particles/mL"), and
    a comma list closes with "or"/"and" ("2, 8 or 20 µg", not "at day 7, 100 µg")."""
    separators = _LISTED.sub("#", more)
    for inner in _INNER_UNITS.finditer(separators):
        if _normalised(inner.group(0)) != unit:
            return False
    return "," not in separators or bool(re.search(r"\b(?:or|and)\s*#\s*$", separators))


def _normalised(written: str) -> str | None:
    for pattern, unit in _UNIT_PATTERNS:
        if re.fullmatch(pattern, written):
            return unit
    return None


def _unit_of(match: re.Match[str]) -> str:
    """The normalised unit of the statement (the one ``u{i}`` group that matched: the closing unit)."""
    for i, (_, unit) in enumerate(_UNIT_PATTERNS):
        if match.group(f"u{i}") is not None:
            return unit
    raise ValueError(f"no unit in {match.group(0)!r}")  # pragma: no cover - every match ends with a unit


def _sentence_before(text: str, start: int, reach: int = 120) -> str:
    before = text[max(0, start - reach):start]
    ends = list(_SENTENCE_END.finditer(before))
    return before[ends[-1].end():] if ends else before


def _sentence_after(text: str, end: int, reach: int = 160) -> str:
    after = text[end:end + reach]
    stop = _SENTENCE_END.search(after)
    return after[:stop.start()] if stop else after


def _mass_dose_of_vesicles(text: str, start: int, end: int) -> bool:
    if _DOSE_OBJECT.match(text, end):
        return True
    before = _sentence_before(text, start, 60)
    if _VESICLE_BEFORE.search(before) or _DOSE_BEFORE.search(before):
        return True
    return bool(_DOSE_LEVEL_BEFORE.search(before) and re.search(_VESICLE, _sentence_after(text, end)))


def _length_of_vesicles(text: str, start: int, end: int) -> bool:
    if _LENGTH_NOT_VESICLE_AFTER.match(text, end):
        return False
    return not _LENGTH_NOT_VESICLE_BEFORE.search(_sentence_before(text, start, 60))


def extract_quantities(field: str, text: str | None) -> list[Quantity]:
    """Every vesicle size, dose or particle concentration the text states, with the exact span that states it."""
    if not text or _PREFILTER.search(text) is None:
        return []
    found = []
    position = 0
    while (match := _QUANTITY.search(text, position)) is not None:
        if match.group("more") and not _one_list(match.group("more"), _unit_of(match)):
            # the numbers join no list: the first stands alone with its own unit, if it has one
            single = _SINGLE.match(text, match.start())
            if single is None:
                position = match.end("first")
                continue
            match = single
        position = match.end()
        unit = _unit_of(match)
        start, end = match.start(), match.end()
        if match.group("more"):
            values = [parse_number(n.group(0)) for n in _LISTED.finditer(text, start, match.end("more"))]
            low, high = min(values), max(values)
        else:
            low = high = parse_number(match.group("first"))
        if unit in ("nm", "µm"):
            if not _length_of_vesicles(text, start, end):
                continue
            radius = _RADIUS.search(_sentence_before(text, start, 40)) or _RADIUS.match(text, end)
            quantity = "radius" if radius else "diameter"
        elif unit == "particles/mL":
            quantity = "particle_concentration"
        elif unit == "particles":
            quantity = "dose"
        else:
            if not _mass_dose_of_vesicles(text, start, end):
                continue
            quantity = "dose"
        found.append(Quantity(quantity, low, high, unit, field, start, end, text[start:end]))
    return found
