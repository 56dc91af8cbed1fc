"""Vesicle quantities: sizes, doses and particle concentrations, typed, with exact provenance.

The conventions are the methods-layer gold's (``tests/data/methods/README.md`` decisions 26-31): the text runs from
the first number to the unit; only quantities of the vesicles are taken.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exodata.ingest.vocabulary import extract_quantities
from exodata.ingest.vocabulary.quantities import parse_number
from exodata.metadata.tables import QUANTITY_KINDS, QUANTITY_UNITS


def found(text):
    quantities = extract_quantities("abstract", text)
    for q in quantities:
        assert text[q.start : q.end] == q.text
        assert q.quantity in QUANTITY_KINDS and q.unit in QUANTITY_UNITS
    return [(q.quantity, q.value_min, q.value_max, q.unit, q.text) for q in quantities]


def one(text):
    quantities = found(text)
    assert len(quantities) == 1, quantities
    return quantities[0]


# -- sizes -----------------------------------------------------------------------------------------------------------


def test_a_range_is_one_diameter_without_the_words_around_it():
    assert one("MSC exosomes are extracellular vesicles with a diameter of about 50-200 nm. Exosomes contain") == (
        "diameter", 50.0, 200.0, "nm", "50-200 nm")
    assert one("These vesicles, 30 to 100 nm in diameter, transfer proteins") == (
        "diameter", 30.0, 100.0, "nm", "30 to 100 nm")


def test_any_vesicle_size_is_a_diameter():
    assert one("Small extracellular vesicles of 30\u2013150 nm released by cells")[0] == "diameter"
    assert one("particles with a mean size of 120 nm") == ("diameter", 120.0, 120.0, "nm", "120 nm")
    assert one("NTA gave a modal size of 104 nm") == ("diameter", 104.0, 104.0, "nm", "104 nm")
    assert one("vesicles up to 1 μm in diameter") == ("diameter", 1.0, 1.0, "µm", "1 μm")
    assert one("a hydrodynamic radius of 60 nm") == ("radius", 60.0, 60.0, "nm", "60 nm")


def test_mean_and_dispersion_is_one_quantity_of_the_mean():
    assert one("NTA (mean diameter 112.4 ± 8.3 nm for H-Exos)") == ("diameter", 112.4, 112.4, "nm", "112.4 ± 8.3 nm")


def test_lengths_that_are_not_vesicles():
    assert found("filtered through a 0.22 µm filter") == []
    assert found("after filtration through a 0.22-µm filter") == []
    assert found("a non-vesicular nanoparticle fraction (exomeres, about 35 nm)") == []
    assert found("absorbance was read at 562 nm") == []
    assert found("Loaded exosomes were active at 50 nM equivalent miRNA") == []  # nanomolar, not nanometres
    assert found("wounds (10 mm) and 8-mm biopsies") == []


# -- doses ----------------------------------------------------------------------------------------------------------


def test_doses_of_the_vesicles():
    assert one("mice received 100 μg/kg of EVs") == ("dose", 100.0, 100.0, "µg/kg", "100 μg/kg")
    assert one("rats received 200 μg of exosomes in 0.5 mL PBS") == ("dose", 200.0, 200.0, "µg", "200 μg")
    assert one("mice received 2 mg/kg EVs of either preparation") == ("dose", 2.0, 2.0, "mg/kg", "2 mg/kg")
    assert one("Exosomes (10 μg per mouse) or PBS were injected") == ("dose", 10.0, 10.0, "µg", "10 μg")
    assert one("Doses ranged from 10 to 200 µg per animal") == ("dose", 10.0, 200.0, "µg", "10 to 200 µg")
    assert found("treated with a low (25 µg) or high (100 µg) dose of H-Exos") == [
        ("dose", 25.0, 25.0, "µg", "25 µg"), ("dose", 100.0, 100.0, "µg", "100 µg")]


def test_doses_after_how_the_vesicles_were_given_or_a_threshold():
    """Found on the blind split (0.6): a vehicle between the vesicles and the dose, and a dose threshold."""
    assert one("wounds were covered with an exosome hydrogel (50 µg per wound)") == ("dose", 50.0, 50.0, "µg", "50 µg")
    assert one("sEV nasal drops (5 µg in 20 µL) were applied") == ("dose", 5.0, 5.0, "µg", "5 µg")
    assert one("benefit was seen only with doses over 50 μg") == ("dose", 50.0, 50.0, "µg", "50 μg")
    assert one("doses greater than 2 mg/kg were toxic") == ("dose", 2.0, 2.0, "mg/kg", "2 mg/kg")
    assert found("an exosome-free gel (30 µg/mL collagen)") == []


def test_drug_doses_are_not_vesicle_quantities():
    assert found("challenged with LPS (5 mg/kg) by intratracheal instillation") == []
    assert found("a single intraperitoneal injection of cisplatin (20 mg/kg)") == []
    assert found("Kunming mice received D-galactose (150 mg/kg) subcutaneously") == []
    assert found("mice were sensitised with 20 μg ovalbumin") == []
    assert found("EVs at 10 µg/mL in culture") == []  # a mass concentration


def test_particle_counts_and_concentrations():
    assert one("each wound received 1 × 10^10 particles embedded in a hydrogel") == (
        "dose", 1e10, 1e10, "particles", "1 × 10^10 particles")
    assert one("TRPS measured 3.2 × 10^11 particles/mL") == (
        "particle_concentration", 3.2e11, 3.2e11, "particles/mL", "3.2 × 10^11 particles/mL")
    assert one("added at 1.5×10⁹ particles/ml") == (
        "particle_concentration", 1.5e9, 1.5e9, "particles/mL", "1.5×10⁹ particles/ml")
    assert one("EVs at 2e9 particles/mL inhibited") == (
        "particle_concentration", 2e9, 2e9, "particles/mL", "2e9 particles/mL")
    assert found("(1.1 × 10^9 versus 3.4 × 10^9 particles/µg)") == []  # a particle-to-protein ratio
    assert found("xenografts (5 × 10^6 cells per flank)") == []


def test_ranges_lists_and_separate_values():
    assert one("from 1 × 10^8 to 5 × 10^10 particles where counts") == (
        "dose", 1e8, 5e10, "particles", "1 × 10^8 to 5 × 10^10 particles")
    assert one("inhaled 2 × 10^9, 8 × 10^9 or 2 × 10^10 particles daily") == (
        "dose", 2e9, 2e10, "particles", "2 × 10^9, 8 × 10^9 or 2 × 10^10 particles")
    assert found("5.1 × 10^11 particles/mL versus 1.9 × 10^11 particles/mL") == [
        ("particle_concentration", 5.1e11, 5.1e11, "particles/mL", "5.1 × 10^11 particles/mL"),
        ("particle_concentration", 1.9e11, 1.9e11, "particles/mL", "1.9 × 10^11 particles/mL")]
    assert found("a modal size of 104 nm and 2.4 × 10^12 particles/mL") == [
        ("diameter", 104.0, 104.0, "nm", "104 nm"),
        ("particle_concentration", 2.4e12, 2.4e12, "particles/mL", "2.4 × 10^12 particles/mL")]
    assert one("on day 7, 100 µg of exosomes") == ("dose", 100.0, 100.0, "µg", "100 µg")  # no list without or/and


def test_no_quantity():
    assert extract_quantities("abstract", "no numbers here, 2020 and 50 patients") == []
    assert extract_quantities("abstract", None) == []
    assert found("spun at 120,000 × g for 70 min through a 100-kDa membrane") == []


# -- numbers: round trips of the notations ---------------------------------------------------------------------------

_MANTISSAS = st.decimals(min_value="1", max_value="9.99", places=2, allow_nan=False, allow_infinity=False)
_EXPONENTS = st.integers(min_value=-3, max_value=15)
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _writings(mantissa: str, exponent: int) -> list[str]:
    return [
        f"{mantissa} × 10^{exponent}", f"{mantissa}×10^{exponent}", f"{mantissa} x 10^{exponent}",
        f"{mantissa} × 10{str(exponent).translate(_SUPERSCRIPT)}",
        f"{mantissa}×10{str(exponent).translate(_SUPERSCRIPT)}",
        f"{mantissa}e{exponent}", f"{mantissa}E{exponent}", f"{mantissa} × 10^{str(exponent).replace('-', '−')}",
    ]


@settings(max_examples=200, deadline=None)
@given(_MANTISSAS, _EXPONENTS)
def test_scientific_notations_parse_to_the_value_written(mantissa, exponent):
    expected = float(f"{mantissa}e{exponent}")
    for written in _writings(str(mantissa), exponent):
        assert parse_number(written) == expected, written


@settings(max_examples=200, deadline=None)
@given(_MANTISSAS, _EXPONENTS, st.sampled_from(["particles", "particles/mL", "particles/ml", "particles per mL"]))
def test_scientific_notations_round_trip_through_the_extractor(mantissa, exponent, unit):
    for written in _writings(str(mantissa), exponent):
        text = f"The vesicles were given at {written} {unit} to each animal."
        (quantity,) = extract_quantities("abstract", text)
        assert quantity.text == f"{written} {unit}"
        assert quantity.value_min == quantity.value_max == float(f"{mantissa}e{exponent}")
        assert quantity.unit == ("particles" if unit == "particles" else "particles/mL")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=999_999), st.integers(min_value=0, max_value=3))
def test_plain_numbers_round_trip(integer, decimals):
    written = f"{integer:,}" if decimals == 0 else f"{integer / 10 ** decimals:.{decimals}f}"
    assert parse_number(written) == float(written.replace(",", ""))
    (quantity,) = extract_quantities("abstract", f"vesicles with a mean diameter of {written} nm were seen")
    assert quantity.text == f"{written} nm" and quantity.value_min == float(written.replace(",", ""))


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=500), st.integers(min_value=1, max_value=500),
       st.sampled_from(["–", "-", " to ", " – "]))
def test_ranges_round_trip_in_order(low, high, dash):
    low, high = min(low, high), max(low, high)
    (quantity,) = extract_quantities("abstract", f"Doses ranged from {low}{dash}{high} µg per animal")
    assert (quantity.value_min, quantity.value_max, quantity.unit) == (float(low), float(high), "µg")
    assert quantity.text == f"{low}{dash}{high} µg"


def test_a_bare_power_of_ten():
    assert parse_number("10^11") == 1e11 and parse_number("10⁹") == 1e9
    with pytest.raises(ValueError):
        parse_number("ten")


@settings(max_examples=300)
@given(st.text(max_size=200))
def test_never_raises_and_offsets_hold(text):
    for q in extract_quantities("abstract", text):
        assert text[q.start : q.end] == q.text
        assert q.value_min <= q.value_max


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["1 × 10^10 particles", "2e9 particles/mL", "50 µg of EVs", "118 nm", " and ", ", ",
                                  "(", ")", "mice", "10^", "×", "±", "5 mg/kg", "0.22 µm filter", " to ", "–", "7"]),
                max_size=12))
def test_never_raises_on_near_misses(parts):
    text = "".join(parts)
    for q in extract_quantities("abstract", text):
        assert text[q.start : q.end] == q.text
        assert q.value_min <= q.value_max


# -- the methods-layer fixtures: every gold quantity, exactly --------------------------------------------------------


def test_methods_dev_fixture_quantities_exactly(fixtures_dir):
    """Each methods-dev document's quantities, in order, as its gold lists them (the records compiled as the build
    compiles them; tests/vocabulary/test_methods_layer.py scores the built package)."""
    from exodata.ingest.compile import compile_file

    folder = fixtures_dir / "methods-dev"
    if not folder.is_dir():
        pytest.skip(f"needs {folder}: set EXODATA_FIXTURES to the shared fixtures folder")
    for gold_path in sorted((folder / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        results = compile_file(folder / "docs" / gold["doc"], gold["doc"], lambda seed: list(seed.records))
        (record,) = [result.record for result in results]
        got = [(q.quantity, q.value_min, q.value_max, q.unit, q.text) for q in record.quantities]
        expected = [(q["quantity"], float(q["value_min"]), float(q["value_max"]), q["unit"], q["text"])
                    for q in gold["quantities"]]
        assert got == expected, gold["doc"]
