"""Vesicle quantities: ranges and single values with units, typed, with exact provenance."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exodata.ingest.vocabulary import extract_quantities


def one(text):
    found = extract_quantities("abstract", text)
    assert len(found) == 1, found
    q = found[0]
    assert text[q.start : q.end] == q.text
    return q


def test_diameter_of_about_range():
    q = one("MSC exosomes are extracellular vesicles with a diameter of about 50-200 nm. Exosomes contain")
    assert (q.quantity, q.value_min, q.value_max, q.unit) == ("diameter", 50.0, 200.0, "nm")
    assert q.text == "a diameter of about 50-200 nm"


def test_range_followed_by_in_diameter():
    q = one("These vesicles, 30 to 100 nm in diameter, transfer proteins")
    assert (q.quantity, q.value_min, q.value_max) == ("diameter", 30.0, 100.0)
    assert q.text == "30 to 100 nm in diameter"


def test_size_without_a_size_word_and_en_dash():
    q = one("Small extracellular vesicles of 30\u2013150 nm released by cells")
    assert (q.quantity, q.value_min, q.value_max, q.unit) == ("size", 30.0, 150.0, "nm")


def test_single_value_and_micrometres():
    q = one("particles with a mean size of 120 nm")
    assert (q.quantity, q.value_min, q.value_max) == ("size", 120.0, 120.0)
    q = one("vesicles up to 1 μm in diameter")
    assert q.unit == "µm" and q.quantity == "diameter"


def test_dose():
    q = one("mice received 100 μg/kg of EVs")
    assert (q.quantity, q.unit) == ("dose", "µg/kg")


def test_no_quantity():
    assert extract_quantities("abstract", "no numbers here, 2020 and 50 patients") == []
    assert extract_quantities("abstract", None) == []


@settings(max_examples=300)
@given(st.text(max_size=200))
def test_never_raises_and_offsets_hold(text):
    for q in extract_quantities("abstract", text):
        assert text[q.start : q.end] == q.text
        assert q.value_min <= q.value_max
