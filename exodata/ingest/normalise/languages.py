"""Language names and codes to ISO 639-1.

pycountry knows ISO 639-1/2/3 codes and English names; the alias table adds the Spanish and Chinese names
that catalogue interfaces print (Inglés, Chino, 英文, 中文…).  A language with no ISO 639-1 code, or a name
nothing recognises, gives None: the caller records a problem instead of guessing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from exodata.ingest.normalise.text import clean_text

#: Names pycountry does not know (Spanish and Chinese interface names, common variants), lower-cased.
LANGUAGE_ALIASES: dict[str, str] = {
    "inglés": "en", "ingles": "en", "英文": "en", "英语": "en", "英語": "en",
    "chino": "zh", "中文": "zh", "汉语": "zh", "漢語": "zh", "简体中文": "zh", "繁体中文": "zh",
    "mandarin": "zh", "chinese (simplified)": "zh", "chinese (traditional)": "zh",
    "español": "es", "espanol": "es", "castellano": "es", "西班牙文": "es", "西班牙语": "es",
    "francés": "fr", "frances": "fr", "法文": "fr", "法语": "fr",
    "alemán": "de", "aleman": "de", "德文": "de", "德语": "de",
    "japonés": "ja", "japones": "ja", "日文": "ja", "日语": "ja",
    "coreano": "ko", "韩文": "ko", "韩语": "ko", "朝鲜语": "ko",
    "portugués": "pt", "portugues": "pt", "葡萄牙文": "pt", "葡萄牙语": "pt",
    "ruso": "ru", "俄文": "ru", "俄语": "ru",
    "italiano": "it", "意大利文": "it", "意大利语": "it",
    "greek": "el", "griego": "el", "persian": "fa", "farsi": "fa",
}

_SEPARATORS = re.compile(r"\s*(?:[,;/|]|\band\b|\by\b|和|、)\s*")


@lru_cache(maxsize=512)
def _one_language(name: str) -> str | None:
    key = name.strip().strip(".").strip().lower()
    if not key:
        return None
    if key in LANGUAGE_ALIASES:
        return LANGUAGE_ALIASES[key]
    import pycountry  # heavy-ish: only when a language is actually normalised

    found = None
    if len(key) == 2 and key.isascii():
        found = pycountry.languages.get(alpha_2=key)
    elif len(key) == 3 and key.isascii():
        found = pycountry.languages.get(alpha_3=key) or pycountry.languages.get(bibliographic=key)
    if found is None and len(key) > 3:
        for attribute in ("name", "common_name", "inverted_name"):
            try:
                found = pycountry.languages.get(**{attribute: key})
            except (KeyError, LookupError):
                found = None
            if found is not None:
                break
    return getattr(found, "alpha_2", None) if found is not None else None


def language_code(value: str | None) -> str | None:
    """The ISO 639-1 code of a language field (``English``, ``Inglés``, ``英文``, ``eng`` → ``en``).

    A field naming several languages gives the first one recognised.  Idempotent (``en`` → ``en``).
    """
    text = clean_text(value)
    if text is None:
        return None
    whole = _one_language(text)
    if whole is not None:
        return whole
    for part in _SEPARATORS.split(text):
        code = _one_language(part)
        if code is not None:
            return code
    return None
