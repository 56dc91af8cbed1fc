"""Reader for BibTeX / BibLaTeX (``@article{key, field = {value}, ...}``).

bibtexparser 2 splits the file into blocks, resolves ``@string`` macros and reports blocks it could not
parse (each becomes a quarantined record, with its line).  Each field value is located by finding the
field inside its own entry; the span is the value as written (braces and LaTeX kept) and ``decoded`` holds
it with LaTeX accents and braces resolved (pylatexenc, which bibtexparser already depends on).  Authors
are cut at the top-level ``and`` and decoded to 'Family, Given'.
"""

from __future__ import annotations

import re
from functools import lru_cache

from exodata.ingest.model import Located, RawAuthor, RawRecord
from exodata.ingest.readers._guard import Part, Refused, read_guarded
from exodata.ingest.readers._locate import first_chars, year_in

FORMAT = "bibtex"

_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_NOT_RECORDS = ("string", "preamble", "comment")
#: What pylatexenc reads as more than text and grouping braces: macros, specials, math, comments, quotes.
_LATEX_SPECIAL = re.compile(r"[\\~$%&#^_`]|--|''")
_VALUE_MARKS = re.compile(r'[\\{}",)]')
_BRACES = re.compile(r"[{}]")
_SPLIT_MARKS = re.compile(r"[{} \t\r\n;,]")


def accepts(text: str) -> bool:
    """True when the text opens (after blank lines and % comments) with an ``@type{`` entry."""
    head = first_chars(text, 800)
    return head[:1] in ("@", "%") and _ENTRY_START.search(head) is not None


def read(text: str) -> list[RawRecord]:
    """One record per entry, in file order; blocks bibtexparser could not parse come back quarantined."""
    return read_guarded(text, FORMAT, accepts, _read_entry, _entry_parts, noun="entry")


def _entry_parts(text: str) -> list[Part]:
    """The part of each block bibtexparser found, in file order, the block as content; a block it could not
    parse is a broken part.  Raises Refused when bibtexparser cannot read the file at all."""
    try:
        import logging

        import bibtexparser

        logging.getLogger("bibtexparser").setLevel(logging.ERROR)  # failures are reported as quarantined records
        library = bibtexparser.parse_string(text)
    except Exception as err:  # RecursionError included
        raise Refused(f"BibTeX could not be parsed: {type(err).__name__}: {err}") from err
    starts = _line_starts(text)
    blocks = [(block.start_line, block, False) for block in library.entries]
    blocks += [(block.start_line, block, True) for block in library.failed_blocks]
    blocks.sort(key=lambda item: item[0])
    parts = []
    for line, block, failed in blocks:
        start = _block_start(text, starts, block)
        broken = f"bibtexparser could not use this block: {_failure_reason(block)}" if failed else None
        parts.append(Part(start, start + len(block.raw), block, broken, line=line + 1))
    return parts


def _failure_reason(block) -> str:
    """bibtexparser's reason for a failed block, on one line."""
    error = getattr(block, "error", None)
    reason = getattr(error, "abort_reason", None) or str(error or "") or type(block).__name__
    return " ".join(reason.split()) or type(block).__name__


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for found in re.finditer("\n", text):
        starts.append(found.end())
    return starts


def _block_start(text: str, starts: list[int], block) -> int:
    line = min(max(block.start_line, 0), len(starts) - 1)
    at = text.find(block.raw, starts[line]) if block.raw else -1
    return at if at >= 0 else starts[line]


def _value_span(text: str, after_equals: int, end: int) -> tuple[int, int]:
    """(start, end) of a field's value after its '=': inside the outer braces/quotes, or the bare expression.

    Only the characters that can end or nest a value are visited (found by a regex), as values such as
    abstracts run to thousands of characters; a backslash escapes the character after it.
    """
    position = after_equals
    while position < end and text[position].isspace():
        position += 1
    depth, quoted, escaped_until = 0, False, position
    stop = None
    for found in _VALUE_MARKS.finditer(text, position, end):
        at = found.start()
        if at < escaped_until:
            continue
        char = text[at]
        if char == "\\":
            escaped_until = at + 2
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                stop = at
                break
            depth -= 1
        elif depth == 0:
            if char == '"':
                quoted = not quoted
            elif not quoted:  # ',' or ')'
                stop = at
                break
    if stop is None:
        stop = max(end, escaped_until)  # an escape at the very end steps one past it, as it always has
    while stop > position and text[stop - 1].isspace():
        stop -= 1
    if (stop - position >= 2 and (text[position], text[stop - 1]) in (("{", "}"), ('"', '"'))
            and _one_group(text[position:stop])):
        return position + 1, stop - 1
    return position, stop


def _one_group(expression: str) -> bool:
    """True when ``expression`` is a single {...} or "..." group (not '{a} # {b}')."""
    if expression[0] == '"':
        return '"' not in expression[1:-1].replace('\\"', "")
    if expression[0] not in "{}":
        return len(expression) == 1
    depth = 0
    last = len(expression) - 1
    for found in _BRACES.finditer(expression):
        depth += 1 if found.group() == "{" else -1
        if depth == 0 and found.start() < last:
            return False
    return True


def decode_latex(value: str) -> str:
    """``value`` with LaTeX accents, commands and grouping braces resolved ('Th{\\'e}ry' -> 'Théry').

    Most values (numbers, DOIs, plain titles) have no markup and are returned as they are, without a parse.
    Many more only protect words with braces ('{{MSC}-derived exosomes}'): with no other character that
    LaTeX treats specially, pylatexenc's reading is just the text without its braces (checked against
    pylatexenc in tests/readers/test_bibtex.py), so no parse is needed for those either.
    """
    if "\\" not in value and "{" not in value and "~" not in value and "--" not in value:
        return value
    if _LATEX_SPECIAL.search(value) is None:
        return " ".join(value.replace("{", "").replace("}", "").split())
    common = _decode_common_markup(value)
    return common if common is not None else _decode_markup(value)


#: The accent macros of names ('\\'{e}', '\\"o', '\\c{s}'), pylatexenc's combining mark for each.
_ACCENTS = {
    "'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303", "=": "\u0304", ".": "\u0307",
    "c": "\u0327", "H": "\u030b", "k": "\u0328", "b": "\u0331", "d": "\u0323", "r": "\u030a", "u": "\u0306",
    "v": "\u030c",
}
#: Letter macros ('{\\O}', '{\\ss}') and escaped specials ('\\&'), as pylatexenc writes them.
_SYMBOLS = {
    "oe": "\u0153", "OE": "\u0152", "ae": "\u00e6", "AE": "\u00c6", "aa": "\u00e5", "AA": "\u00c5",
    "o": "\u00f8", "O": "\u00d8", "ss": "\u00df", "l": "\u0142", "L": "\u0141",
    "&": "&", "%": "%", "_": "_", "#": "#", "$": "$",
}
#: The common macros in the forms read here; anything else (another macro, an accent on a space, a dotless
#: \\i, a letter macro not closed by '}' and so perhaps eating the space after it) is left to pylatexenc.
_COMMON_MACRO = re.compile(
    r"""\\(?P<symbol_accent>['`"^~=.])(?:\{(?P<braced>[A-Za-z])\}|(?P<bare>[A-Za-z]))"""
    r"|\\(?P<letter_accent>[cHkbdruv])\{(?P<argument>[A-Za-z])\}"
    r"|\\(?P<symbol>oe|OE|ae|AE|aa|AA|o|O|ss|l|L)(?=\})"
    r"|\\(?P<escaped>[&%_#$])"
)


def _decode_common_markup(value: str) -> str | None:
    """pylatexenc's reading of a value whose only markup is common accent and letter macros, else None.

    Names are most of the values with markup ('Ay{\\c{s}}e', 'J{\\"u}rgen', '{\\O}degaard'); parsing each
    with pylatexenc costs more than the rest of reading the entry (docs/benchmarks.md).  Here the macros are
    replaced from a table (the accent combined with its letter in NFC, as pylatexenc does) and grouping braces
    dropped.  The text between macros must hold nothing else LaTeX reads specially, and braces must balance
    (pylatexenc reads unbalanced ones in its own way): otherwise None, and the caller parses.
    tests/readers/test_bibtex.py checks this against pylatexenc on generated values.
    """
    import unicodedata

    parts = []
    position = 0
    for found in _COMMON_MACRO.finditer(value):
        parts.append(value[position:found.start()])
        accent = found.group("symbol_accent") or found.group("letter_accent")
        if accent is not None:
            letter = found.group("braced") or found.group("bare") or found.group("argument")
            parts.append(unicodedata.normalize("NFC", letter + _ACCENTS[accent]))
        else:
            parts.append(_SYMBOLS[found.group("symbol") or found.group("escaped")])
        position = found.end()
    if position == 0:
        return None
    parts.append(value[position:])
    between = parts[0::2]
    if any("\\" in text or _LATEX_SPECIAL.search(text) for text in between):
        return None
    depth = 0
    for text in between:
        for found in _BRACES.finditer(text):
            depth += 1 if found.group() == "{" else -1
            if depth < 0:
                return None
    if depth:
        return None
    return " ".join("".join(parts).replace("{", "").replace("}", "").split())


@lru_cache(maxsize=2048)
def _decode_markup(value: str) -> str:
    """:func:`decode_latex` of a value with markup; cached, as names and journal titles repeat within an export."""
    try:
        from pylatexenc.latexwalker import LatexWalker

        converter, context = _latex_converter()
        escaped = re.sub(r"(?<!\\)%", r"\\%", value)
        nodes = LatexWalker(escaped, latex_context=context).get_latex_nodes()[0]
        decoded = converter.nodelist_to_text(nodes)
    except (Exception, RecursionError):
        decoded = value.replace("{", "").replace("}", "")
    return " ".join(decoded.split())


@lru_cache(maxsize=1)
def _latex_converter():
    """pylatexenc's converter and the parser's macro table, built once.

    ``LatexNodes2Text.latex_to_text`` would build both afresh for every value (more work than the parse
    itself); neither is changed by converting, so one of each serves every value.
    """
    from pylatexenc.latex2text import LatexNodes2Text
    from pylatexenc.latexwalker import get_default_latex_context_db

    return LatexNodes2Text(math_mode="verbatim"), get_default_latex_context_db()


def _located(text: str, start: int, end: int, resolved: str | None = None, pages: bool = False) -> Located | None:
    raw = Located.of(text, start, end).strip()
    if not raw:
        return None
    base = resolved if resolved is not None else raw.text
    decoded = re.sub(r"\s*-{2,3}\s*", "-", base) if pages else decode_latex(base)
    return raw if decoded == raw.text else Located(raw.text, raw.start, raw.end, decoded)


@lru_cache(maxsize=1024)
def _field_start(key: str) -> re.Pattern[str]:
    """The pattern of ``key =`` at the start of a field (any case), compiled once per field name.

    Escaping the key and finding the pattern in ``re``'s own cache per field was a measurable share of this
    reader; the few field names of an export repeat in every entry.
    """
    return re.compile(r"(?<![\w-])" + re.escape(key) + r"\s*=", re.IGNORECASE)


def _read_entry(text: str, part: Part) -> RawRecord:
    start, end, entry, where = part.start, part.end, part.content, part.where
    record = RawRecord(FORMAT, part.index, part.span)
    if entry.entry_type.lower() in _NOT_RECORDS:
        record.quarantine = f"{where}: @{entry.entry_type} is not a bibliographic entry"
        return record
    fields = {}
    search_from = start
    for field in entry.fields:
        found = _field_start(field.key).search(text, search_from, end)
        if found is None:
            continue
        value_start, value_end = _value_span(text, found.end(), end)
        search_from = value_end
        resolved = field.value if isinstance(field.value, str) else None
        fields[field.key.lower()] = (value_start, value_end, resolved)

    def get(*names: str, pages: bool = False) -> Located | None:
        for name in names:
            if name in fields:
                found = _located(text, *fields[name], pages=pages)
                if found:
                    return found
        return None

    record.set("title", get("title"))
    record.set("journal", get("journal", "journaltitle"))
    record.set("year", year_in(get("year")) or year_in(get("date")))
    record.set("volume", get("volume"))
    record.set("issue", get("number", "issue"))
    pages = get("pages", pages=True)
    record.set("pages", pages)
    if not pages:
        record.set("first_page", get("eid", "article-number", "articleno"))
    record.set("doi", get("doi"))
    record.set("pmid", get("pmid"))
    record.set("pmcid", get("pmcid"))
    eprint_type = get("eprinttype")
    if eprint_type and eprint_type.value.lower() == "pubmed" and "pmid" not in record.fields:
        record.set("pmid", get("eprint"))
    record.set("language", get("language", "langid"))
    record.set("abstract", get("abstract"))
    record.set("publisher", get("publisher"))
    record.links = [link for link in [get("url")] if link]
    keywords = get("keywords", "keyword")
    if keywords:
        separator = ";" if ";" in keywords.text else ","
        record.keywords = [part for part in _split_located(keywords, re.escape(separator)) if part]
    authors = get("author")
    if authors:
        record.authors = [RawAuthor(name) for name in _authors(authors) if name]
    if "title" not in record.fields and "doi" not in record.fields:
        record.quarantine = f"{where}: entry '{entry.key}' has no title and no doi; nothing identifies it"
    return record


def _split_located(value: Located, separator: str) -> list[Located]:
    """``value`` cut at top-level matches of ``separator`` (outside braces), each part trimmed and decoded."""
    parts, begin, depth = [], 0, 0
    cuts: list[tuple[int, int]] = []
    pattern = re.compile(separator)
    for mark in _SPLIT_MARKS.finditer(value.text):  # braces, and where a separator may start
        char, i = mark.group(), mark.start()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0:
            found = pattern.match(value.text, i)
            if found and found.end() > i and (not cuts or i >= cuts[-1][1]):
                cuts.append((i, found.end()))
    for cut_start, cut_end in cuts:
        parts.append(value.sub(begin, cut_start))
        begin = cut_end
    parts.append(value.sub(begin, len(value.text)))
    located = []
    for part in parts:
        part = part.strip()
        decoded = decode_latex(part.text)
        located.append(part if decoded == part.text else Located(part.text, part.start, part.end, decoded))
    return located


def _authors(value: Located) -> list[Located]:
    """Each person of an author field, located, with ``decoded`` 'Family, Given' (LaTeX resolved)."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    names = []
    for part in _split_located(Located(value.text, value.start, value.end), r"\s+and\s+"):
        if not part:
            continue
        try:
            parts = parse_single_name_into_parts(part.text, strict=False)
            family = decode_latex(" ".join(parts.von + parts.last))
            given = decode_latex(" ".join(parts.first))
            jr = decode_latex(" ".join(parts.jr))
        except (Exception, RecursionError):
            names.append(part)
            continue
        written = ", ".join(piece for piece in (family, jr, given) if piece)
        names.append(part if written == part.text else Located(part.text, part.start, part.end, written))
    return names
