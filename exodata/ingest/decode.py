"""Decode: the bytes of one seed become text, with its encoding and sha256.

Offsets everywhere else in exodata refer to the text this module returns, so it returns that text exactly
as decoded: newlines are not normalised, and the only change ever made is the repair of real mojibake
(UTF-8 that was once decoded as Windows-1252 / Latin-1), flagged by ``repaired``.

The order of the checks is the order of their cost and of their certainty:

1. size over :data:`MAX_SEED_BYTES` → refused (the build checks with ``stat`` before reading:
   ``exodata.ingest.compile.read_seed``);
2. a magic number (PDF, ZIP, PNG, GZIP…) → refused as binary;
3. a byte-order mark → that Unicode encoding, strictly;
4. UTF-16 without BOM, recognised by its NUL-byte pattern;
5. any other NUL byte → refused as binary;
6. strict UTF-8 succeeds → UTF-8 (no detector run: large UTF-8 files stay fast);
7. otherwise charset-normalizer on a bounded sample, restricted to the encodings the seeds use
   (GB18030 and relatives, Big5 and relatives, Windows-1252, Latin-1), and a strict decode of the whole file.

Text that decoded is still refused when it is empty or mostly control characters.  Nothing here raises:
every failure is a ``problem`` a person can act on, with the byte offset when bytes are at fault.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field

MAX_SEED_BYTES = 64 * 1024 * 1024
#: How many bytes the encoding detector sees at most (a few slices spread over the file).
DETECTOR_SAMPLE_BYTES = 64 * 1024
#: Share of control characters (other than tab, newline, carriage return, form feed) above which a
#: file is taken for binary data rather than text.
MAX_CONTROL_SHARE = 0.01

#: Leading bytes of binary formats someone might save into a seeds folder by mistake.  Signatures made of
#: printable characters are matched with enough context that no text export can start with them.
MAGIC_NUMBERS: tuple[tuple[re.Pattern[bytes], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (rb"%PDF-\d\.\d", "PDF"),
        (rb"PK\x03\x04", "ZIP (also DOCX/XLSX/EPUB)"),
        (rb"PK\x05\x06", "ZIP (empty archive)"),
        (rb"\x89PNG\r\n\x1a\n", "PNG"),
        (rb"\x1f\x8b", "GZIP"),
        (rb"\xff\xd8\xff", "JPEG"),
        (rb"GIF8[79]a[\x00-\xff]{2}", "GIF"),
        (rb"BZh[1-9]1AY&SY", "BZIP2"),
        (rb"\xfd7zXZ\x00", "XZ"),
        (rb"\x28\xb5\x2f\xfd", "Zstandard"),
        (rb"7z\xbc\xaf\x27\x1c", "7-Zip"),
        (rb"Rar!\x1a\x07", "RAR"),
        (rb"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2 (legacy DOC/XLS)"),
        (rb"SQLite format 3\x00", "SQLite"),
        (rb"\x7fELF", "ELF executable"),
        (rb"RIFF[\x00-\xff]{4}(?:WAVE|AVI |WEBP)", "RIFF (WAV/AVI/WEBP)"),
    )
)

#: Byte-order marks, longest first (the UTF-32-LE mark begins with the UTF-16-LE one).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: What charset-normalizer may answer, and the codecs (tried strictly, in order) each answer stands for.
#: GBK and GB2312 are subsets of GB18030; Big5 files in the wild often use the CP950 or HKSCS extensions;
#: a "Latin-1" file is almost always Windows-1252 (which adds curly quotes in 0x80-0x9F), and true
#: ISO-8859-1 remains as the fallback that decodes every byte.
DETECTOR_FAMILIES: dict[str, tuple[str, ...]] = {
    "gb18030": ("gb18030",),
    "gbk": ("gb18030",),
    "gb2312": ("gb18030",),
    "big5": ("big5", "cp950", "big5hkscs"),
    "cp950": ("cp950", "big5hkscs"),
    "big5hkscs": ("big5hkscs",),
    "cp1252": ("windows-1252", "iso-8859-1"),
    "latin_1": ("windows-1252", "iso-8859-1"),
}

MULTI_BYTE = frozenset({"gb18030", "gbk", "gb2312", "big5", "cp950", "big5hkscs"})

_C0_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b not in _C0_CONTROL_BYTES)
_C0_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_C1_CONTROL_CHARS = re.compile("[\x80-\x9f]")
#: A character UTF-8 lead bytes become under Windows-1252/Latin-1, followed by one a continuation byte
#: becomes: the cheap sign that a line may hold mojibake (ftfy then decides whether it really does).
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


@dataclass(frozen=True, slots=True)
class Decoded:
    """The text of one seed, or the reason there is none.

    ``encoding`` is a codec name Python accepts (``utf-8``, ``utf-16-le``, ``gb18030``, ``big5``,
    ``windows-1252``…); ``bom`` says a byte-order mark preceded the text (it is not part of ``text``).
    Unless ``repaired``, ``(BOM if bom else b"") + text.encode(encoding)`` gives back the bytes.
    ``sha256`` is None only when the file was refused for its size without being read.
    """

    text: str | None
    encoding: str | None
    sha256: str | None
    problem: str | None = None
    bom: bool = False
    repaired: bool = False
    warnings: tuple[str, ...] = field(default_factory=tuple)


def oversize_problem(size: int) -> str:
    """The message for a file over the size limit."""
    return (
        f"file too large: {size:,} bytes, over the {MAX_SEED_BYTES:,}-byte ({MAX_SEED_BYTES // 2**20} MiB) "
        "limit for one seed; split the export into smaller files"
    )


def decode(data: bytes, sha256: str | None = None) -> Decoded:
    """Decode the bytes of one seed (see the module docstring for the order of the checks). Never raises.

    ``sha256`` is the hex digest of ``data`` when the caller has it already (a build hashes each seed as it
    reads it), so the bytes are not hashed twice.
    """
    digest = sha256 if sha256 is not None else hashlib.sha256(data).hexdigest()
    if len(data) > MAX_SEED_BYTES:
        return Decoded(None, None, digest, oversize_problem(len(data)))
    if not data or data.isspace():
        return Decoded(None, None, digest, "empty file: no text to read")
    magic = sniff_magic(data)
    if magic is not None:
        return Decoded(None, None, digest, binary_problem(f"{magic} signature"))
    try:
        attempt = _decode_unrepaired(data)
    except Exception as err:  # noqa: BLE001 - the decoder must never raise; say what happened instead
        return Decoded(None, None, digest, f"could not decode: unexpected {type(err).__name__}: {err}")
    if isinstance(attempt, str):
        return Decoded(None, None, digest, attempt)
    text, encoding, bom, warnings = attempt
    if text.isspace() or not text:
        return Decoded(None, encoding, digest, "empty file: only white space", bom=bom)
    c0 = count_c0_controls(text, data if _ascii_compatible(encoding) else None)
    if c0 > MAX_CONTROL_SHARE * len(text):
        return Decoded(None, encoding, digest, binary_problem(f"{c0:,} control characters in {len(text):,}"), bom=bom)
    try:  # before counting C1 controls: mojibake makes some
        repaired_text, repaired_lines = repair_mojibake(text)
    except Exception as err:  # noqa: BLE001 - a failed repair leaves the text as decoded
        repaired_text, repaired_lines = text, []
        warnings.append(f"mojibake repair skipped: unexpected {type(err).__name__}: {err}")
    controls = c0 + count_c1_controls(repaired_text)
    if controls > MAX_CONTROL_SHARE * len(repaired_text):
        evidence = f"{controls:,} control characters in {len(repaired_text):,}"
        return Decoded(None, encoding, digest, binary_problem(evidence), bom=bom)
    if repaired_lines:
        first = repaired_lines[0]
        warnings.append(
            f"repaired mojibake (UTF-8 once decoded as Windows-1252/Latin-1) on {len(repaired_lines):,} line(s), "
            f"first on line {first}; offsets refer to the repaired text"
        )
    return Decoded(repaired_text, encoding, digest, None, bom, bool(repaired_lines), tuple(warnings))


def binary_problem(evidence: str) -> str:
    return f"binary file ({evidence} detected), not a text export"


def sniff_magic(data: bytes) -> str | None:
    """The binary format whose magic number ``data`` starts with, or None."""
    for magic, name in MAGIC_NUMBERS:
        if magic.match(data):
            return name
    return None


def sniff_bom(data: bytes) -> tuple[str, int] | None:
    """(encoding, length of the mark) when ``data`` starts with a byte-order mark."""
    for mark, encoding in BOMS:
        if data.startswith(mark):
            return encoding, len(mark)
    return None


def sniff_utf16(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when NUL bytes sit on one parity only, as ASCII text in UTF-16 does.

    Looks at the first :data:`DETECTOR_SAMPLE_BYTES`.  Needs a quarter of the code units to carry a NUL
    high byte (ASCII spaces, digits, newlines and markup suffice even in Chinese text) and almost none
    on the other side.
    """
    sample = data[: DETECTOR_SAMPLE_BYTES & ~1]
    units = len(sample) // 2
    if units < 8:  # too short to tell a pattern from chance: NUL bytes then mean binary
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd >= units / 4 and even <= units / 50:
        return "utf-16-le"
    if even >= units / 4 and odd <= units / 50:
        return "utf-16-be"
    return None


def _decode_unrepaired(data: bytes) -> tuple[str, str, bool, list[str]] | str:
    """(text, encoding, bom, warnings), or the problem when no encoding decodes the bytes cleanly."""
    bom = sniff_bom(data)
    if bom is not None:
        encoding, length = bom
        try:
            return data[length:].decode(encoding), encoding, True, []
        except UnicodeDecodeError as err:
            return undecodable_problem(err, encoding, length, ", after its byte-order mark")
    utf16 = sniff_utf16(data)
    if utf16 is not None:
        try:
            return data.decode(utf16), utf16, False, [f"{utf16} recognised by its NUL-byte pattern (no BOM)"]
        except UnicodeDecodeError as err:
            return undecodable_problem(err, utf16, 0, ", recognised by its NUL-byte pattern")
    nul = data.find(b"\x00")
    if nul >= 0:
        return binary_problem(f"NUL byte at byte offset {nul}")
    try:
        return data.decode("utf-8"), "utf-8", False, []
    except UnicodeDecodeError as err:
        if mostly_utf8(data):
            return undecodable_problem(err, "utf-8", 0, " in a file that is otherwise UTF-8")
    return _decode_detected(data)


def _decode_detected(data: bytes) -> tuple[str, str, bool, list[str]] | str:
    """Ask charset-normalizer which legacy encoding the bytes are in, and decode the whole file with it."""
    ranked = detect_encodings(detector_sample(data))
    first_error: tuple[UnicodeDecodeError, str] | None = None
    for detected in ranked:
        for encoding in DETECTOR_FAMILIES[detected]:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as err:
                if first_error is None:
                    first_error = (err, encoding)
                continue
            note = f"encoding {encoding} chosen by charset-normalizer (detected {detected})"
            return text, encoding, False, [note]
    if first_error is not None:
        err, encoding = first_error
        return undecodable_problem(err, encoding, 0, ", the most plausible encoding")
    return implausible_problem(data)


_NON_ASCII_BYTE = re.compile(rb"[\x80-\xff]")
#: Bytes below 0x30 are never the 2nd-4th byte of a GB18030 or Big5 character: a cut before one is safe.
_BOUNDARY_BYTE = re.compile(rb"[\x00-\x2f]")


def detector_sample(data: bytes) -> bytes:
    """At most :data:`DETECTOR_SAMPLE_BYTES` of ``data`` for the detector: the stretches around non-ASCII bytes.

    ASCII reads the same in every candidate encoding, so the detector learns only from non-ASCII bytes; a
    file whose first thousand lines are plain ASCII still gets a sample of its Chinese or accented text.
    Each stretch starts inside an ASCII run and ends before a byte below 0x30, so no character is cut.
    """
    if len(data) <= DETECTOR_SAMPLE_BYTES:
        return data
    pieces: list[bytes] = []
    size = pos = 0
    while size < DETECTOR_SAMPLE_BYTES - 1:
        found = _NON_ASCII_BYTE.search(data, pos)
        if found is None:
            break
        start = max(pos, found.start() - 200)  # everything between pos and the non-ASCII byte is ASCII
        limit = min(len(data), start + DETECTOR_SAMPLE_BYTES - size - 1)  # - 1: the joining newline
        end = _cut_before(data, found.start(), min(found.start() + 4096, limit), limit)
        if end <= found.start():
            break
        pieces.append(data[start:end])
        size += end - start + 1
        pos = end
    return b"\n".join(pieces) if pieces else data[:DETECTOR_SAMPLE_BYTES]


def _cut_before(data: bytes, first: int, wanted: int, limit: int) -> int:
    """A character boundary in ``(first, limit]``: before the first byte below 0x30 from ``wanted`` on, else the
    last."""
    if limit >= len(data):
        return len(data)
    boundary = _BOUNDARY_BYTE.search(data, wanted, limit)
    if boundary is not None:
        return boundary.start()
    return max(data.rfind(byte, first, limit) for byte in (b"\n", b" ", b",", b".", b"\t", b"("))


def detect_encodings(sample: bytes) -> list[str]:
    """The encodings of :data:`DETECTOR_FAMILIES` charset-normalizer finds plausible for ``sample``, best first."""
    from charset_normalizer import from_bytes  # heavy: only files that are not UTF-8 pay for it

    matches = from_bytes(sample, cp_isolation=list(DETECTOR_FAMILIES), explain=False)
    # charset-normalizer prefers Latin-1 over GB18030 for English-heavy text with some Chinese (Latin-1
    # "reads" more coherently, at a slightly higher chaos).  Latin-1 decodes any bytes, so it proves
    # nothing; a double-byte encoding that decodes the sample with no more chaos is the stronger reading.
    ordered = sorted(matches, key=lambda match: (match.chaos, match.encoding not in MULTI_BYTE))
    ranked: list[str] = []
    for match in ordered:
        for name in (match.encoding, *match.could_be_from_charset):
            if name in DETECTOR_FAMILIES and name not in ranked:
                ranked.append(name)
    return ranked


def mostly_utf8(data: bytes) -> bool:
    """Whether ``data`` is UTF-8 with a few bad bytes: more valid multi-byte characters than invalid bytes.

    Legacy encodings (GB18030, Big5, Windows-1252) form valid multi-byte UTF-8 sequences only by
    accident; a UTF-8 file with a stray Latin-1 byte has many valid ones and one bad.
    """
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    ascii_chars = len(text.encode("ascii", "ignore"))
    valid_multibyte = len(text) - ascii_chars - text.count("\ufffd")
    return valid_multibyte > 2 * max(bad, 1)


#: The readings weighed when the detector finds no encoding plausible, to name the most plausible one.
FALLBACK_ENCODINGS = ("utf-8", "gb18030", "big5", "cp950", "windows-1252", "iso-8859-1")


def implausible_problem(data: bytes) -> str:
    """The problem when charset-normalizer finds no candidate encoding plausible for ``data``.

    Each of :data:`FALLBACK_ENCODINGS` reads the detector's sample leniently; the most plausible reading
    has the least mess (charset-normalizer's measure) plus share of undecodable characters.  Its first
    bad byte in the whole file is the offset reported; when it decodes every byte (Latin-1 always can),
    the text is gibberish in every encoding and the first non-ASCII byte is reported instead.
    """
    from charset_normalizer.md import mess_ratio

    sample = detector_sample(data)

    def implausibility(encoding: str) -> float:
        text = sample.decode(encoding, "replace")
        return mess_ratio(text, 1.0) + 2 * text.count("\ufffd") / max(len(text), 1)

    encoding = min(FALLBACK_ENCODINGS, key=implausibility)
    try:
        data.decode(encoding)
    except UnicodeDecodeError as err:
        return undecodable_problem(err, encoding, 0, ", the most plausible encoding")
    first = re.search(rb"[\x80-\xff]", data)
    return (
        f"undecodable bytes at byte offset {first.start() if first else 0} (no plausible encoding: the "
        f"bytes decode as {encoding} but read as gibberish to charset-normalizer; first non-ASCII byte)"
    )


def undecodable_problem(err: UnicodeDecodeError, encoding: str, shift: int, context: str) -> str:
    """``undecodable bytes at byte offset N (…)``, N counted from the start of the file."""
    offset = err.start + shift
    bad = err.object[err.start : min(err.end, err.start + 4)].hex(" ")
    return (
        f"undecodable bytes at byte offset {offset} ({encoding}{context}: {err.reason}, bytes {bad}); "
        "fix the bytes there or export the file again as UTF-8"
    )


def _ascii_compatible(encoding: str) -> bool:
    return not encoding.startswith(("utf-16", "utf-32"))


def count_c0_controls(text: str, data: bytes | None = None) -> int:
    """C0 control characters and DEL, other than tab, newline, carriage return and form feed.

    Counted on ``data``, the bytes of an ASCII-compatible encoding, when given (fast: no byte of a GB18030,
    Big5 or UTF-8 multi-byte character is below 0x20 or DEL).
    """
    if data is None:
        return len(_C0_CONTROL_CHARS.findall(text))
    return len(data.translate(None, _NOT_CONTROL_BYTES))


def count_c1_controls(text: str) -> int:
    """C1 control characters (U+0080-U+009F): in text, the trace of a wrong single-byte decoding."""
    if text.isascii():
        return 0
    return len(_C1_CONTROL_CHARS.findall(text))


def repair_mojibake(text: str) -> tuple[str, list[int]]:
    """``text`` with real mojibake fixed, and the 1-based numbers of the lines changed.

    Only lines showing a mojibake hint go to ftfy, and ftfy only fixes encoding errors (no quote
    uncurling, no Unicode normalisation, no HTML unescaping): correct text comes back unchanged.
    """
    if text.isascii() or _MOJIBAKE_HINT.search(text) is None:
        return text, []
    whole = repair_whole_file_mojibake(text)
    if whole is not None:
        return whole
    import ftfy

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=False,
        decode_inconsistent_utf8=True,
        fix_c1_controls=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )
    lines = text.splitlines(keepends=True)
    changed = []
    for number, line in enumerate(lines):
        if _MOJIBAKE_HINT.search(line) is None:
            continue
        body = line.rstrip("\r\n")
        fixed = ftfy.fix_text(body, config)
        if fixed != body:
            lines[number] = fixed + line[len(body) :]
            changed.append(number + 1)
    return ("".join(lines), changed) if changed else (text, [])


def repair_whole_file_mojibake(text: str) -> tuple[str, list[int]] | None:
    """The fast repair of a file that was mis-decoded as a whole, or None when it was not.

    When every non-ASCII character of ``text`` turns back into bytes under Windows-1252 (as ftfy extends it
    to all 256 bytes) or Latin-1, and those bytes are valid UTF-8, the whole file is one mojibake: fixed at
    C speed rather than line by line in ftfy (which is slow on a large file: docs/benchmarks.md).  Correct
    text fails this at its
    first accented letter or Chinese character.
    """
    import ftfy.bad_codecs  # noqa: F401 - registers "sloppy-windows-1252" (0x81, 0x8D… map to C1 controls)

    for encoding in ("sloppy-windows-1252", "latin-1"):
        try:
            fixed = text.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
        old_lines, new_lines = text.splitlines(), fixed.splitlines()
        if len(old_lines) != len(new_lines):
            return None  # a repair that moves line breaks is not one this fast path vouches for
        return fixed, [n for n, (a, b) in enumerate(zip(old_lines, new_lines), 1) if a != b]
    return None
