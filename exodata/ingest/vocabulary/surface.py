"""Surface forms: the spellings under which a curated term may appear in a record.

Curators list a term once; this module derives the variants real records use, so that the vocabulary files
stay short and reviewable:

* a *match key* that ignores case, spaces, hyphens (ASCII and U+2010-U+2015, U+2212) and apostrophes, so that
  "cell-free therapy" = "cell free therapy", "broncho-pulmonary dysplasia" = "bronchopulmonary dysplasia" and
  "Wharton’s jelly" = "Wharton's jelly";
* British/American spellings ("ischaemic"/"ischemic", "tumour"/"tumor", "haemorrhage"/"hemorrhage");
* the plural of the head noun ("stem cells", "bodies", "metastases").

Offsets are never computed on the key: :func:`match_key` also returns, for every key character, the index of the
text character it came from, so a match maps back to exact ``text[start:end]`` spans.
"""

from __future__ import annotations

import re
from functools import cache

HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad"
APOSTROPHES = "'\u2019\u2018\u02bc`"
#: Characters the match key drops besides white space.
_SKIPPED = HYPHENS + APOSTROPHES

# (American, British) pairs, applied as substrings in both directions.
SPELLINGS = [
    ("ischem", "ischaem"),
    ("hemorrh", "haemorrh"),
    ("hemato", "haemato"),
    ("hemost", "haemost"),
    ("hemo", "haemo"),
    ("anemi", "anaemi"),
    ("leukemi", "leukaemi"),
    ("edema", "oedema"),
    ("esophag", "oesophag"),
    ("estrogen", "oestrogen"),
    ("fetal", "foetal"),
    ("fetus", "foetus"),
    ("pediatric", "paediatric"),
    ("orthoped", "orthopaed"),
    ("tumor", "tumour"),
    ("color", "colour"),
    ("fiber", "fibre"),
    ("center", "centre"),
    ("ization", "isation"),
    ("izing", "ising"),
    ("ize", "ise"),
    ("yze", "yse"),
    ("celiac", "coeliac"),
    ("gynecolog", "gynaecolog"),
    ("dyspnea", "dyspnoea"),
    ("diarrhea", "diarrhoea"),
    ("behavior", "behaviour"),
    ("leukocyte", "leucocyte"),
    ("signaling", "signalling"),
    ("modeling", "modelling"),
    ("labeling", "labelling"),
]

_IRREGULAR_PLURALS = {
    "child": "children",
    "foot": "feet",
    "tooth": "teeth",
    "mouse": "mice",
    "datum": "data",
    "medium": "media",
    "criterion": "criteria",
    "phenomenon": "phenomena",
    "vertebra": "vertebrae",
    "nucleus": "nuclei",
    "stimulus": "stimuli",
    "bacterium": "bacteria",
    "epithelium": "epithelia",
    "endothelium": "endothelia",
}


def match_key(text: str) -> tuple[str, list[int]]:
    """The case-folded text without spaces, hyphens and apostrophes, and the source index of each key char.

    This runs on every title, abstract and keyword, so the per-character work is done in C: numpy (already
    required by Biopython) marks the dropped characters through a lookup table and lists the kept indices,
    and ``split``/``replace`` build the key.  ``str.split()`` and the table agree on white space: both use
    ``str.isspace``.
    """
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    index = np.flatnonzero(_kept_table()[np.minimum(codes, _BEYOND_BMP)]).tolist()
    return _key_of_kept(text), index


_BEYOND_BMP = 0x10000


@cache
def _kept_table():
    """True for each character :func:`match_key` keeps, by code point; one last entry for all beyond the BMP.

    (Every white-space character is in the Basic Multilingual Plane.)
    """
    import numpy as np

    return np.array([not chr(code).isspace() and chr(code) not in _SKIPPED for code in range(_BEYOND_BMP)]
                    + [True], dtype=bool)


@cache
def _point_tables():
    """Per code point (one last entry for all beyond the BMP): kept by the key (bool); a Latin letter or digit
    (0/1 bytes)."""
    import numpy as np

    kept = _kept_table()
    word = np.zeros(len(kept), dtype=np.uint8)
    word[[ord(char) for char in _WORD_CHARS]] = 1
    return kept, word


_WORD_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def match_key_and_junctions(text: str) -> tuple[str, memoryview, bytes]:
    """:func:`match_key`, plus where a match may not start or end, from one pass over the code points.

    Returns ``(key, index, glued)``: ``key`` and ``index`` as :func:`match_key` gives them (``index`` as a
    memoryview of ints: turning it into a list costs more than the few look-ups a text needs), and ``glued``,
    ``len(text) + 1`` bytes where ``glued[i]`` is 1 when ``text[i - 1]`` and ``text[i]`` are both Latin letters or
    digits.  A span ``text[s:e]`` is then on word boundaries exactly when ``glued[s] == glued[e] == 0``: the
    annotator tests every automaton hit, so this test is two byte look-ups instead of four string ones.

    This runs on every title and abstract, and numpy calls on arrays of a few hundred items cost about as much
    as their overhead, so each step takes the cheapest route (docs/benchmarks.md): ASCII texts get their 0/1
    class bytes from ``bytes.translate``; other texts index the per-code-point tables with ``intp`` indices
    (uint16/uint32 indices are converted on every call); ``nonzero`` runs on booleans (cheaper than on uint8);
    and ``glued`` is the AND of the letter-or-digit bytes with themselves shifted by one, done on one Python
    int.
    """
    import numpy as np

    if text.isascii():  # most texts: one byte per character, and bytes.translate builds the key in one C call
        data = text.encode("ascii")
        index = np.frombuffer(data.translate(_ASCII_KEPT), dtype=np.bool_).nonzero()[0]
        word = data.translate(_ASCII_WORD)
        key = data.translate(_ASCII_LOWER, _ASCII_SKIPPED).decode("ascii")
    else:
        kept, word_table = _point_tables()
        data = text.encode("utf-16-le", "surrogatepass")
        if len(data) == 2 * len(text):  # all in the BMP: two bytes per character
            codes = np.frombuffer(data, dtype=np.uint16)
            points = codes.astype(np.intp)
        else:
            codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            points = np.minimum(codes, _BEYOND_BMP).astype(np.intp)
        index = kept[points].nonzero()[0]
        # the kept characters are at hand as code points: taken in C, not by a split and a replace per character
        # (as UTF-32: two lone surrogates brought together must not decode as one pair)
        key = _lowered(codes[index].astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass"))
        word = word_table[points].tobytes()
    # byte i of ``bits & (bits << 8)`` is word[i] & word[i - 1]; bytes 0 and len(text) come out 0
    bits = int.from_bytes(word, "little")
    glued = (bits & (bits << 8)).to_bytes(len(text) + 1, "little")
    return key, memoryview(index), glued


#: ``bytes.translate`` arguments giving the key of an ASCII text: upper case to lower; white space (as
#: ``str.isspace`` has it, which includes U+001C-U+001F), hyphen, apostrophe and backtick dropped.
_ASCII_LOWER = bytes(range(256)).lower()
_ASCII_SKIPPED = bytes(code for code in range(128) if chr(code).isspace() or chr(code) in _SKIPPED)
#: ``bytes.translate`` tables giving, per ASCII character, 1 if the key keeps it / if it is a letter or digit.
_ASCII_KEPT = bytes(0 if code in _ASCII_SKIPPED else 1 for code in range(256))
_ASCII_WORD = bytes(1 if chr(code) in _WORD_CHARS else 0 for code in range(256))


def _key_of_kept(text: str) -> str:
    """The key string of :func:`match_key` (without the index)."""
    kept = "".join(text.split())
    for char in _SKIPPED:
        if char in kept:
            kept = kept.replace(char, "")
    return _lowered(kept)


def _lowered(kept: str) -> str:
    """The key of the kept characters: each lower-cased, but one that lower-cases to several stays as written."""
    lowered = kept.lower()
    if len(lowered) == len(kept):
        return lowered
    return "".join(char.lower() if len(char.lower()) == 1 else char for char in kept)


def key_of(term: str) -> str:
    """The key of :func:`match_key` alone (without the index, whose numpy work was most of building the
    annotator: 6,000 vocabulary terms in every worker process)."""
    return _key_of_kept(term)


def plural_of(word: str) -> list[str]:
    """Regular and learned plurals of one English noun ("cell" -> ["cells"])."""
    lower = word.lower()
    if lower in _IRREGULAR_PLURALS:
        return [_IRREGULAR_PLURALS[lower]]
    if not word or not word[-1].isalpha() or word.isupper():
        return []  # all-capital words are abbreviations: their plurals are listed or derived case-sensitively
    if word[-1].isupper():
        return [word + "s"]  # "microRNA" -> "microRNAs"
    forms = []
    if lower.endswith("is") and len(lower) > 4:
        forms.append(word[:-2] + "es")  # metastasis -> metastases
    elif lower.endswith("us") and len(lower) > 4:
        forms.append(word[:-2] + "i")
        forms.append(word + "es")
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        forms.append(word + "es")
    elif lower.endswith("y") and len(lower) > 2 and lower[-2] not in "aeiou":
        forms.append(word[:-1] + "ies")
    elif lower.endswith("um") and len(lower) > 4:
        forms.append(word[:-2] + "a")
        forms.append(word + "s")
    else:
        forms.append(word + "s")
    return forms


def plurals(term: str) -> list[str]:
    """Plural forms of a term: the head noun is the last word, or the word before " of " ("injuries of ...")."""
    words = term.split(" ")
    head = words.index("of") - 1 if " of " in term else len(words) - 1
    if head < 0:
        return []
    # a hyphenated head ("re-epithelialization") pluralises its last part
    last = words[head]
    if "-" in last:
        stem, _, tail = last.rpartition("-")
        forms = [f"{stem}-{p}" for p in plural_of(tail)]
    else:
        forms = plural_of(last)
    return [" ".join(words[:head] + [form] + words[head + 1 :]) for form in forms]


def spelling_variants(term: str) -> list[str]:
    """The term with each American spelling turned British and each British spelling turned American."""
    variants = set()
    lower = term.lower()
    for american, british in SPELLINGS:
        if british in lower:
            variants.add(re.sub(british, american, term, flags=re.IGNORECASE))
        elif american in lower:
            variants.add(re.sub(american, british, term, flags=re.IGNORECASE))
    variants.discard(term)
    return sorted(variants)


def full_term_forms(term: str) -> list[str]:
    """Every written form a full (case-insensitive) term is matched under, the term itself first."""
    forms = [term]
    for base in [term, *spelling_variants(term)]:
        if base not in forms:
            forms.append(base)
        for plural in plurals(base):
            if plural not in forms:
                forms.append(plural)
    return forms


def abbreviation_forms(abbreviation: str) -> list[str]:
    """Case-sensitive forms of an abbreviation: itself, and "MSCs" for "MSC" (a capital final letter)."""
    forms = [abbreviation]
    if len(abbreviation) >= 2 and abbreviation[-1].isupper():
        forms.append(abbreviation + "s")
    return forms
