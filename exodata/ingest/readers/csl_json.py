"""Reader for CSL-JSON (an array of CSL items, or a single item), as Zotero, Crossref and citeproc export it.

Python's own ``json`` decoder does the parsing; its pure-Python scanner is wrapped so that every string,
number, object and array it returns carries the span it was read from (JSON escapes stay in the span, the
decoded string goes to ``decoded``).  Nesting deeper than :data:`~exodata.ingest.readers._nesting.MAX_NESTING` is
refused by a linear pre-scan before the recursive decoder sees it.
"""

from __future__ import annotations

import json
import re

from exodata.ingest.model import Located, RawAuthor, RawRecord
from exodata.ingest.readers._guard import Part, Refused, read_guarded
from exodata.ingest.readers._locate import add_affiliation, first_chars, line_number, year_in
from exodata.ingest.readers._nesting import MAX_NESTING, nesting_depth_exceeds

FORMAT = "csl_json"

_CSL_KEYS = re.compile(r'"(container-title|issued|citation-key|title-short|container-title-short|DOI|URL|'
                       r'author|page|volume|title|id)"\s*:')
#: CSL 1.0.2 item types (the "type" value every CSL item carries).
_CSL_TYPE = re.compile(r'"type"\s*:\s*"(article|article-journal|article-magazine|article-newspaper|bill|book|'
                       r'broadcast|chapter|classic|collection|dataset|document|entry|entry-dictionary|'
                       r'entry-encyclopedia|event|figure|graphic|hearing|interview|legal_case|legislation|'
                       r'manuscript|map|motion_picture|musical_score|pamphlet|paper-conference|patent|'
                       r'performance|periodical|personal_communication|post|post-weblog|regulation|report|'
                       r'review|review-book|software|song|speech|standard|thesis|treaty|webpage)"')


def accepts(text: str) -> bool:
    """True for a JSON array or object with a CSL item type and CSL keys (title, container-title, issued...)."""
    head = first_chars(text, 1500)
    if not head or head[0] not in "[{":
        return False
    keys = {found.group(1) for found in _CSL_KEYS.finditer(head)}
    return _CSL_TYPE.search(head) is not None and bool(keys & {"title", "container-title", "issued", "DOI",
                                                                 "citation-key", "author"})


class _Str(str):
    start: int
    end: int


class _Int(int):
    start: int
    end: int


class _Dict(dict):
    start: int
    end: int


class _List(list):
    start: int
    end: int


def load_with_spans(text: str):
    """``json.loads(text)`` whose strings, ints, objects and arrays carry ``start``/``end`` offsets.

    For a string the span is its content between the quotes; for the rest, the whole value.  A well-formed
    document is read by :func:`_load_spanned_fast`; anything it does not accept goes through the json module's
    own pure-Python scanner, so malformed JSON raises exactly the error ``json`` raises.
    """
    try:
        return _load_spanned_fast(text)
    except Exception:
        return _load_spanned_by_json(text)


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


class _TooDeep(ValueError):
    """An array or object nested deeper than the ``max_depth`` given to :func:`_load_spanned_fast`."""


def _load_spanned_fast(text: str, max_depth: int | None = None):
    """:func:`load_with_spans` for well-formed JSON, in one small recursive reader (raises on anything else).

    It accepts exactly what ``json`` accepts (strings by json's own ``scanstring``, numbers by its
    ``NUMBER_RE``, white space as json reads it) and nothing more, so a document it reads gives the same
    values and spans; the json module's scanner, rebuilt per value to carry spans, was half of the reader's time.
    With ``max_depth``, an array or object nested deeper raises :class:`_TooDeep` before it is recursed into.
    """
    from json.decoder import scanstring
    from json.scanner import NUMBER_RE

    skip = _JSON_SPACE.match
    number = NUMBER_RE.match
    constants = (("null", None), ("true", True), ("false", False), ("NaN", float("nan")),
                 ("Infinity", float("inf")), ("-Infinity", float("-inf")))

    limit = max_depth if max_depth is not None else float("inf")

    def value_at(at: int, depth: int = 0):
        char = text[at]
        if char == '"':
            found, end = scanstring(text, at + 1, False)
            found = _Str(found)
            found.start, found.end = at + 1, end - 1
            return found, end
        if char == "{":
            depth += 1
            if depth > limit:
                raise _TooDeep(at)
            found = _Dict()
            end = skip(text, at + 1).end()
            if text[end] == "}":
                end += 1
            else:
                while True:
                    if text[end] != '"':
                        raise ValueError("expecting a key")
                    key, end = scanstring(text, end + 1, False)
                    end = skip(text, end).end()
                    if text[end] != ":":
                        raise ValueError("expecting ':'")
                    item, end = value_at(skip(text, end + 1).end(), depth)
                    found[key] = item
                    end = skip(text, end).end()
                    char = text[end]
                    end += 1
                    if char == "}":
                        break
                    if char != ",":
                        raise ValueError("expecting ','")
                    end = skip(text, end).end()
            found.start, found.end = at, end
            return found, end
        if char == "[":
            depth += 1
            if depth > limit:
                raise _TooDeep(at)
            found = _List()
            end = skip(text, at + 1).end()
            if text[end] == "]":
                end += 1
            else:
                while True:
                    item, end = value_at(end, depth)
                    found.append(item)
                    end = skip(text, end).end()
                    char = text[end]
                    end += 1
                    if char == "]":
                        break
                    if char != ",":
                        raise ValueError("expecting ','")
                    end = skip(text, end).end()
            found.start, found.end = at, end
            return found, end
        matched = number(text, at)
        if matched is not None:
            integer, fraction, exponent = matched.groups()
            if fraction or exponent:
                return float(integer + (fraction or "") + (exponent or "")), matched.end()
            found = _Int(int(integer))
            found.start, found.end = at, matched.end()
            return found, matched.end()
        for word, constant in constants:
            if text.startswith(word, at):
                return constant, at + len(word)
        raise ValueError("expecting a value")

    value, end = value_at(len(text) - len(text.lstrip()))
    if text[end:].strip():
        raise ValueError("extra data")
    return value


def _load_spanned_by_json(text: str):
    """:func:`load_with_spans` by the json module's pure-Python scanner (its exact errors on malformed JSON)."""
    from json import decoder, scanner

    spanned_type = {str: _Str, int: _Int, dict: _Dict, list: _List}.get  # what json's scanner makes, exactly

    def tag(value, start: int, end: int):
        kind = spanned_type(type(value))
        if kind is None:  # bool, None, float: nothing the reader locates
            return value
        if kind is _Str:
            start, end = start + 1, end - 1
        value = kind(value)
        value.start, value.end = start, end
        return value

    context = json.JSONDecoder(strict=False)
    context.parse_object = lambda s_and_end, strict, _scan, *rest: decoder.JSONObject(
        s_and_end, strict, spanned, *rest)
    context.parse_array = lambda s_and_end, _scan: decoder.JSONArray(s_and_end, spanned)
    inner = scanner.py_make_scanner(context)

    def spanned(string: str, index: int):
        value, end = inner(string, index)
        return tag(value, index, end), end

    start = len(text) - len(text.lstrip())
    try:
        value, end = spanned(text, start)
    except StopIteration as err:
        raise json.JSONDecodeError("Expecting value", text, err.value) from None
    if text[end:].strip():
        raise json.JSONDecodeError("Extra data", text, end + len(text[end:]) - len(text[end:].lstrip()))
    return value


#: A JSON string as :func:`nesting_depth_exceeds` reads one: from a quote to the next unescaped quote, or to the
#: end of the text when it is never closed.
_JSON_STRING = re.compile(r'"[^"\\]*+(?:\\[\s\S][^"\\]*+)*+(?:"|\\?\Z)')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _may_nest_too_deep(text: str) -> bool:
    """False when no array or object of ``text`` nests deeper than MAX_NESTING (True: scan it to find where).

    The same reading as :func:`nesting_depth_exceeds` (strings skipped, a closer below depth 0 ignored), done
    with two regex substitutions and a loop over the brackets alone instead of one step per quote.
    """
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if brackets.count("[") + brackets.count("{") <= MAX_NESTING:
        return False
    depth = 0
    for char in brackets:
        if char == "[" or char == "{":
            depth += 1
            if depth > MAX_NESTING:
                return True
        elif depth:
            depth -= 1
    return False


def _load_checked(text: str):
    """The spanned JSON of ``text`` after the nesting pre-scan; raises Refused saying why it cannot be read."""
    deep = nesting_depth_exceeds(text, "[{", "]}") if _may_nest_too_deep(text) else None
    if deep is not None:
        raise Refused(f"JSON nested deeper than {MAX_NESTING} levels at line {line_number(text, deep)}; "
                      "refused (no CSL item nests so deep)")
    try:
        return load_with_spans(text)
    except json.JSONDecodeError as err:
        raise Refused(f"malformed JSON at line {err.lineno}, column {err.colno}: {err.msg}") from err
    except (ValueError, RecursionError) as err:
        raise Refused(f"JSON could not be read: {type(err).__name__}: {err}") from err


def read(text: str) -> list[RawRecord]:
    """One record per CSL item; malformed or hostile JSON gives one quarantined record saying why."""
    return read_guarded(text, FORMAT, accepts, _read_item, _item_parts, noun="item")


def _item_parts(text: str) -> list[Part]:
    """The part of each CSL item, the item as content; an item that is not a JSON object is a broken part."""
    try:
        # Well-formed JSON no deeper than MAX_NESTING (every real export) is read at once: its nesting is the
        # one the pre-scan below would find, so the pre-scan, two regex passes over the whole text (a measurable
        # share of this reader), can only say "not too deep".  Anything else takes the checked way below.
        data = _load_spanned_fast(text, MAX_NESTING)
    except Exception:
        data = _load_checked(text)
    parts = []
    for item in data if isinstance(data, list) else [data]:
        start, end = getattr(item, "start", 0), getattr(item, "end", len(text))
        if isinstance(item, _Str):
            start, end = start - 1, end + 1  # the whole JSON string, quotes included
        broken = None if isinstance(item, dict) else (
            f"a CSL item must be a JSON object, found {type(item).__name__.strip('_').lower() or 'value'}")
        parts.append(Part(start, end, item, broken))
    return parts


def _located(text: str, value) -> Located | None:
    """A scalar JSON value as a Located: the characters as written, ``decoded`` when escapes were resolved."""
    if isinstance(value, list) and value:
        return _located(text, value[0])  # CSL allows a one-element list for some string fields
    if not isinstance(value, (_Str, _Int)):
        return None
    start, end = value.start, value.end
    written = text[start:end]
    decoded = str(value)
    if written == decoded:  # no escapes: the value as written, trimmed (one Located, made directly)
        trimmed = written.strip()
        if not trimmed:
            return None
        if len(trimmed) == len(written):
            return Located(written, start, end)
        start += len(written) - len(written.lstrip())
        return Located(trimmed, start, start + len(trimmed))
    raw = Located(written, start, end)
    stripped = decoded.strip()
    if not stripped:
        return None
    return Located(raw.text, raw.start, raw.end, stripped)


def _year(text: str, item: dict) -> Located | None:
    for key in ("issued", "published-print", "published-online"):
        date = item.get(key)
        if not isinstance(date, dict):
            continue
        parts = date.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            found = year_in(_located(text, parts[0][0]))
            if found:
                return found
        for raw_key in ("raw", "literal"):
            found = year_in(_located(text, date.get(raw_key)))
            if found:
                return found
    return None


def _read_item(text: str, part: Part) -> RawRecord:
    item, where = part.content, part.where
    record = RawRecord(FORMAT, part.index, part.span)

    def get(*keys: str) -> Located | None:
        for key in keys:
            found = _located(text, item.get(key))
            if found:
                return found
        return None

    record.set("title", get("title"))
    record.set("journal", get("container-title", "container-title-short", "journalAbbreviation"))
    record.set("year", _year(text, item))
    record.set("volume", get("volume"))
    record.set("issue", get("issue"))
    pages = get("page")
    record.set("pages", pages)
    if not pages:
        record.set("first_page", get("page-first", "number", "article-number"))
    record.set("doi", get("DOI", "doi"))
    record.set("pmid", get("PMID", "pmid"))
    record.set("pmcid", get("PMCID", "pmcid"))
    record.set("language", get("language"))
    record.set("abstract", get("abstract"))
    record.set("publisher", get("publisher"))
    url = get("URL")
    record.links = [url] if url else []
    keywords = item.get("keyword")
    if isinstance(keywords, list):
        record.keywords = [found for found in map(lambda value: _located(text, value), keywords) if found]
    else:
        found = _located(text, keywords)
        if found:
            record.keywords = _split_keywords(found)
    authors = item.get("author")
    if isinstance(authors, list):
        for person in authors:
            if isinstance(person, dict):
                _add_author(text, record, person)
    if "title" not in record.fields and "doi" not in record.fields:
        record.quarantine = f"{where}: no title and no DOI; nothing identifies this record"
    return record


def _split_keywords(value: Located) -> list[Located]:
    """A CSL keyword string cut at ';' (or ',' when there is no ';'), when it holds no escapes.

    Each part is trimmed and located by hand, one Located a part (``sub`` then ``strip`` made two, and the
    pattern was escaped and looked up per value: together a tenth of this reader or so; docs/benchmarks.md).
    """
    if value.decoded is not None:
        return [value]
    text = value.text
    separator = ";" if ";" in text else ","
    parts, begin, length = [], 0, len(text)
    while begin <= length:
        cut = text.find(separator, begin)
        if cut < 0:
            cut = length
        piece = text[begin:cut]
        trimmed = piece.strip()
        if trimmed:
            at = value.start + begin + len(piece) - len(piece.lstrip())
            parts.append(Located(trimmed, at, at + len(trimmed)))
        begin = cut + 1
    return parts


def _add_author(text: str, record: RawRecord, person: dict) -> None:
    """A CSL name as 'family, given' (span from the first to the last of the two), with its affiliations."""
    family, given = _located(text, person.get("family")), _located(text, person.get("given"))
    if family and given:
        start, end = min(family.start, given.start), max(family.end, given.end)
        name = Located(text[start:end], start, end, f"{family.value}, {given.value}")
    else:
        name = family or _located(text, person.get("literal"))
    if not name:
        return
    author = RawAuthor(name)
    affiliations = person.get("affiliation")
    if isinstance(affiliations, list):
        for affiliation in affiliations:
            found = _located(text, affiliation.get("name") if isinstance(affiliation, dict) else affiliation)
            if found:
                position = add_affiliation(record, found)
                if position not in author.affiliations:
                    author.affiliations.append(position)
    record.authors.append(author)
