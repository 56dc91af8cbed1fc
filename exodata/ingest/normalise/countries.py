"""Country names to ISO 3166-1 alpha-2, for country fields and affiliation texts.

pycountry knows the official and common English names and the codes; the alias table adds the names
records actually print (England, USA, Korea (South), Spanish and Chinese names).  Unknown names give None:
the record gets a problem, never a guess.
"""

from __future__ import annotations

import re
from functools import lru_cache

from exodata.ingest.normalise.text import clean_text

#: Names pycountry does not resolve (or resolves ambiguously), lower-cased → alpha-2.
COUNTRY_ALIASES: dict[str, str] = {
    # United Kingdom and its parts
    "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB", "great britain": "GB",
    "uk": "GB", "u.k.": "GB", "united kingdom": "GB", "britain": "GB",
    # United States
    "usa": "US", "u.s.a.": "US", "u.s.": "US", "us": "US", "united states": "US",
    "united states of america": "US", "america": "US",
    # Frequently printed short or old forms
    "korea (south)": "KR", "south korea": "KR", "republic of korea": "KR", "korea": "KR", "korea, south": "KR",
    "korea (north)": "KP", "north korea": "KP", "russia": "RU", "turkey": "TR", "türkiye": "TR",
    "iran": "IR", "vietnam": "VN", "viet nam": "VN", "taiwan": "TW", "czech republic": "CZ", "czechia": "CZ",
    "the netherlands": "NL", "holland": "NL", "p. r. china": "CN", "p.r. china": "CN", "pr china": "CN",
    "people's republic of china": "CN", "peoples republic of china": "CN", "mainland china": "CN",
    "hong kong sar": "HK", "hong kong s.a.r.": "HK", "macau": "MO", "macao": "MO", "syria": "SY",
    "laos": "LA", "moldova": "MD", "tanzania": "TZ", "bolivia": "BO", "venezuela": "VE",
    "ivory coast": "CI", "the gambia": "GM", "uae": "AE", "brunei": "BN", "palestine": "PS",
    # Spanish interface names
    "estados unidos": "US", "reino unido": "GB", "inglaterra": "GB", "suiza": "CH", "alemania": "DE",
    "francia": "FR", "italia": "IT", "españa": "ES", "espana": "ES", "japón": "JP", "japon": "JP",
    "corea del sur": "KR", "nueva zelanda": "NZ", "países bajos": "NL", "paises bajos": "NL",
    "brasil": "BR", "méxico": "MX", "mexico": "MX", "canadá": "CA", "canada": "CA", "suecia": "SE",
    "bélgica": "BE", "belgica": "BE", "dinamarca": "DK", "noruega": "NO", "irlanda": "IE",
    "rusia": "RU", "turquía": "TR", "turquia": "TR", "irán": "IR", "egipto": "EG", "sudáfrica": "ZA",
    "polonia": "PL", "grecia": "GR", "finlandia": "FI", "singapur": "SG", "tailandia": "TH",
    # Chinese names
    "中国": "CN", "中华人民共和国": "CN", "美国": "US", "英国": "GB", "日本": "JP", "韩国": "KR",
    "德国": "DE", "法国": "FR", "瑞士": "CH", "加拿大": "CA", "澳大利亚": "AU", "新西兰": "NZ",
    "意大利": "IT", "西班牙": "ES", "荷兰": "NL", "瑞典": "SE", "新加坡": "SG", "印度": "IN",
    "俄罗斯": "RU", "巴西": "BR", "中国香港": "HK", "香港": "HK", "中国台湾": "TW", "台湾": "TW",
}

#: Chinese names that count as naming a country when they occur anywhere in a Chinese affiliation.
_CHINESE_NAMES = sorted((k for k in COUNTRY_ALIASES if not k.isascii()), key=len, reverse=True)

#: Names that are also common place names elsewhere (US states, Channel Islands): never taken from an
#: affiliation's tail, only from an explicit country field.
_AMBIGUOUS_IN_ADDRESSES = {"georgia", "jersey", "guernsey", "us", "u.s.", "in", "me", "ma", "ca", "co", "de",
                           "ga", "la", "md", "mo", "mt", "nc", "nm", "pa", "sc", "sd", "va", "al", "ar", "id",
                           "il", "ne", "nl", "tn", "ky", "mn", "ms", "mi", "ct", "ri", "wa", "wi", "or", "ok",
                           "ak", "az", "fl", "hi", "ia", "ks", "nd", "nh", "nj", "nv", "ny", "oh", "tx", "ut",
                           "vt", "wv", "wy", "america"}


@lru_cache(maxsize=2048)
def _lookup(name: str) -> str | None:
    key = name.strip().strip(".").strip().lower()
    if not key:
        return None
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    key = re.sub(r"^the\s+", "", key)
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    import pycountry  # only when a country is actually normalised

    try:
        return pycountry.countries.lookup(key).alpha_2
    except LookupError:
        return None


def country_code(value: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country field (``China``, ``中国``, ``England`` → ``GB``), or None.

    Idempotent (``CN`` → ``CN``).  Never guesses: an unknown name is None.
    """
    text = clean_text(value)
    if text is None:
        return None
    return _lookup(text)


_TAIL_SPLIT = re.compile(r"[,;，；]")
_POSTCODE = re.compile(r"[\d\-–]+")


def country_in_text(text: str | None) -> str | None:
    """The country an affiliation clearly names: its last comma-separated part (``…, Lanzhou , China``,
    ``…, MA 02115 USA``), or a Chinese country name anywhere in a Chinese affiliation; else None."""
    cleaned = clean_text(text)
    if cleaned is None:
        return None
    return _country_in_clean_text(cleaned)


def _country_in_clean_text(cleaned: str) -> str | None:
    """:func:`country_in_text` of a text :func:`clean_text` has cleaned (the normaliser has just cleaned each
    affiliation, and cleaning it again was a good part of this function's time)."""
    if not cleaned.isascii():
        for name in _CHINESE_NAMES:
            if name in cleaned:
                return COUNTRY_ALIASES[name]
    # the last non-empty part, if there are two or more (only those are looked at)
    parts = _TAIL_SPLIT.split(cleaned)
    if len(parts) < 2:
        return None
    last = None
    for part in reversed(parts):
        part = part.strip(" .")
        if part:
            if last is not None:
                break
            last = part
    else:
        return None
    tail = _POSTCODE.sub(" ", last)
    words = tail.split()
    # The whole last part, then its last one to four words ("MA 02115 USA" → "USA").
    candidates = [" ".join(words)] + [" ".join(words[-n:]) for n in range(min(4, len(words)), 0, -1)]
    for candidate in candidates:
        if not candidate or candidate.lower() in _AMBIGUOUS_IN_ADDRESSES and candidate not in {"US"}:
            continue
        if len(candidate) <= 3 and not candidate.isupper():
            continue
        code = _lookup(candidate)
        if code is not None:
            return code
    return None
