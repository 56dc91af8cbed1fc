"""Author names: family and given name from the way a record writes them.

Records write names in four ways, and the record format tells them apart where the text alone cannot:

* ``Zhang, Shuqin`` / ``Hu, X`` — family first, after a comma;
* ``Qian PU`` — WPRIM: given name, then the family name in ALL CAPS;
* ``Lu Y`` / ``Wang LF`` — MEDLINE ``AU``: family name, then initials (``family_first=True``);
* ``Shuqin Zhang`` — plain ``Given Family`` (English VuFind): the last word is the family name.

ALL-CAPS family names become title case (hyphens and apostrophes kept: ``O'BRIEN`` → ``O'Brien``); given
names are kept as written (``Qin-Lu``, initials).
"""

from __future__ import annotations

import re

from exodata.ingest.normalise.text import clean_text

_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "da", "das", "dos", "du", "la", "le", "di",
              "ten", "ter", "bin", "ibn", "al", "el", "st.", "st"}
_INITIALS = re.compile(r"^(?:[A-Z]\.?(?:-?[A-Z]\.?){0,3})$")


def _is_caps(word: str) -> bool:
    """Two letters or more, all capitals, at least one of them ASCII (``ZHANG``, ``O'BRIEN``; not ``Zhang``,
    ``ΑΒΓ``)."""
    if word.isascii():  # the usual case, decided in C for most words: any lower-case letter rules it out
        return word.isupper() and sum(c.isalpha() for c in word) >= 2
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and any(c.isascii() for c in letters)


def _looks_like_initials(word: str) -> bool:
    """``Y``, ``LF``, ``J.-P.``: a single capital, or up to four capitals with no vowel among them."""
    if not _INITIALS.match(word):
        return False
    letters = [c for c in word if c.isalpha()]
    return len(letters) == 1 or not any(c in "AEIOUY" for c in letters)


def title_case_family(name: str) -> str:
    """An ALL-CAPS family name in title case (``PU`` → ``Pu``, ``O'BRIEN`` → ``O'Brien``); others as given."""
    if not _is_caps(name):
        return name
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0)[0].upper() + m.group(0)[1:].lower(), name)


def split_author_name(name: str | None, family_first: bool | None = None) -> tuple[str | None, str | None]:
    """``(family_name, given_name)`` of one author as written; ``(None, None)`` for a blank name.

    ``family_first`` says how a name without a comma is ordered when the format knows it: True for
    ``Family Initials`` (MEDLINE ``AU``), False for given name first (WPRIM, VuFind); None guesses from the
    text (a trailing lone capital or vowel-less capitals such as ``LF`` are initials).
    Idempotent on its own output: ``split_author_name(f"{family}, {given}")`` gives the same pair.
    """
    family, given = _split(name, family_first)
    family = (family or "").strip(" ,;") or None
    given = (given or "").strip(" ,;") or None
    if family is None and given is not None:
        return given, None
    return family, given


def _split(name: str | None, family_first: bool | None) -> tuple[str | None, str | None]:
    """How the name divides (see split_author_name), before separators are tidied away."""
    text = clean_text(name)
    if text is None:
        return None, None
    text = text.strip(" ;,")
    if not text:
        return None, None
    if "," in text:
        family, _, given = text.partition(",")
        family, given = family.strip(), clean_text(given.strip(" ,"))
        if family:
            return title_case_family(family), given
        text = given or ""
        if not text:
            return None, None
    words = text.split(" ")
    if len(words) == 1:
        return title_case_family(words[0]), None
    if family_first or (family_first is None and _looks_like_initials(words[-1]) and not _is_caps(words[0])
                        and not all(_looks_like_initials(w) for w in words)):
        # Family Initials (MEDLINE AU), family possibly several words ("van der Berg JH").
        split = len(words) - 1
        while split > 1 and _looks_like_initials(words[split - 1]):
            split -= 1
        return title_case_family(" ".join(words[:split])), " ".join(words[split:])
    caps = [i for i, w in enumerate(words) if _is_caps(w)]
    if caps and len(caps) < len(words):
        # Given FAMILY (WPRIM): the ALL-CAPS run is the family name; the rest is the given name.
        first = caps[-1]
        while first - 1 in caps:
            first -= 1
        family_words = words[first: caps[-1] + 1]
        given_words = words[:first] + words[caps[-1] + 1:]
        return title_case_family(" ".join(family_words)), " ".join(given_words) or None
    # Given Family: the last word (with any lower-case particles before it) is the family name.
    split = len(words) - 1
    while split > 1 and words[split - 1].lower() in _PARTICLES:
        split -= 1
    return title_case_family(" ".join(words[split:])), " ".join(words[:split])
