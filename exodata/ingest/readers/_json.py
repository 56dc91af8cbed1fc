"""JSON read with the span of every value, for the JSON readers (CSL-JSON, Europe PMC JSON).

Python's own ``json`` decoder does the parsing; its pure-Python scanner is wrapped so that every string,
number, object and array it returns carries the span it was read from (JSON escapes stay in the span, the
decoded string goes to ``decoded``).  Nesting deeper than :data:`~exodata.ingest.readers._nesting.MAX_NESTING` is
refused by a linear pre-scan before the recursive decoder sees it.
"""

from __future__ import annotations

import json
import re

from exodata.ingest.model import Located
from exodata.ingest.readers._guard import Part, Refused
from exodata.ingest.readers._locate import line_number
from exodata.ingest.readers._nesting import MAX_NESTING, nesting_depth_exceeds


class JsonStr(str):
    start: int
    end: int


class JsonInt(int):
    start: int
    end: int


class JsonDict(dict):
    start: int
    end: int


class JsonList(list):
    start: int
    end: int


def load_with_spans(text: str):
    """``json.loads(text)`` whose strings, ints, objects and arrays carry ``start``/``end`` offsets.

    For a string the span is its content between the quotes; for the rest, the whole value.  A well-formed
    document is read by :func:`load_spanned_fast`; anything it does not accept goes through the json module's
    own pure-Python scanner, so malformed JSON raises exactly the error ``json`` raises.
    """
    try:
        return load_spanned_fast(text)
    except Exception:
        return _load_spanned_by_json(text)


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


class TooDeep(ValueError):
    """An array or object nested deeper than the ``max_depth`` given to :func:`load_spanned_fast`."""


def load_spanned_fast(text: str, max_depth: int | None = None):
    """:func:`load_with_spans` for well-formed JSON, in one small recursive reader (raises on anything else).

    It accepts exactly what ``json`` accepts (strings by json's own ``scanstring``, numbers by its
    ``NUMBER_RE``, white space as json reads it) and nothing more, so a document it reads gives the same
    values and spans; the json module's scanner, rebuilt per value to carry spans, was half of the reader's time.
    With ``max_depth``, an array or object nested deeper raises :class:`TooDeep` before it is recursed into.
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
            found = JsonStr(found)
            found.start, found.end = at + 1, end - 1
            return found, end
        if char == "{":
            depth += 1
            if depth > limit:
                raise TooDeep(at)
            found = JsonDict()
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
                raise TooDeep(at)
            found = JsonList()
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
            found = JsonInt(int(integer))
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

    # what json's scanner makes, exactly
    spanned_type = {str: JsonStr, int: JsonInt, dict: JsonDict, list: JsonList}.get

    def tag(value, start: int, end: int):
        kind = spanned_type(type(value))
        if kind is None:  # bool, None, float: nothing the reader locates
            return value
        if kind is JsonStr:
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


def load_refusing(text: str, what: str):
    """The spanned JSON of ``text``, or :class:`Refused` saying why it cannot be read (``what``: "CSL item").

    Well-formed JSON no deeper than MAX_NESTING (every real export) is read at once: its nesting is the one the
    pre-scan would find, so the pre-scan, two regex passes over the whole text (a measurable share of a JSON
    reader), can only say "not too deep".  Anything else takes the checked way: the nesting pre-scan, then the
    json module's own scanner with its exact errors.
    """
    try:
        return load_spanned_fast(text, MAX_NESTING)
    except Exception:
        pass
    deep = nesting_depth_exceeds(text, "[{", "]}") if _may_nest_too_deep(text) else None
    if deep is not None:
        raise Refused(f"JSON nested deeper than {MAX_NESTING} levels at line {line_number(text, deep)}; "
                      f"refused (no {what} nests so deep)")
    try:
        return load_with_spans(text)
    except json.JSONDecodeError as err:
        raise Refused(f"malformed JSON at line {err.lineno}, column {err.colno}: {err.msg}") from err
    except (ValueError, RecursionError) as err:
        raise Refused(f"JSON could not be read: {type(err).__name__}: {err}") from err


def object_parts(text: str, values: list, what: str) -> list[Part]:
    """A :class:`Part` per value of a JSON array (the value as content); one that is not an object is broken."""
    parts = []
    for value in values:
        start, end = getattr(value, "start", 0), getattr(value, "end", len(text))
        if isinstance(value, JsonStr):
            start, end = start - 1, end + 1  # the whole JSON string, quotes included
        broken = None if isinstance(value, dict) else (
            f"a {what} must be a JSON object, found {type(value).__name__.removeprefix('Json').lower() or 'value'}")
        parts.append(Part(start, end, value, broken))
    return parts


def located(text: str, value) -> Located | None:
    """A scalar JSON value as a Located: the characters as written, ``decoded`` when escapes were resolved."""
    if isinstance(value, list) and value:
        return located(text, value[0])  # CSL allows a one-element list for some string fields
    if not isinstance(value, (JsonStr, JsonInt)):
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
