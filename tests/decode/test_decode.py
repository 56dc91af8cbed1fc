"""Decoding seeds: every encoding the seeds come in, the refusals, and mojibake repair that never harms."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import zipfile

import pytest

from exodata.ingest import decode as decode_module
from exodata.ingest.compile import read_seed
from exodata.ingest.decode import Decoded, decode, detector_sample, repair_mojibake

ZH_ABSTRACT = (
    "间充质干细胞来源的外泌体是直径约50-200 nm的细胞外囊泡，携带miR-21等多种生物活性物质。"
    "本文综述了间充质干细胞外泌体在脓毒症、急性肝衰竭和骨再生中的作用及其机制，"
    "包括调节炎症反应、抑制细胞凋亡、促进血管新生和组织修复。"
)
ZH_TRADITIONAL = (
    "間充質幹細胞來源的外泌體是直徑約50-200 nm的細胞外囊泡，攜帶多種生物活性物質。"
    "本文綜述了間充質幹細胞外泌體在膿毒症、急性肝衰竭和骨再生中的作用及其機制，"
    "包括調節發炎反應、抑制細胞凋亡、促進血管新生和組織修復。"
)
SPANISH = "Aplicación de exosomas de células madre mesenquimales en la insuficiencia hepática aguda: año, niño, ¿qué?"
CURLY = "The “Cuiying Technology Innovation” Planning Project — it’s the drug‐loading system… x\u00a0y"


def reencoded(decoded: Decoded) -> bytes:
    """The bytes ``decoded`` says it came from: its BOM (if any) then its text in its encoding."""
    assert decoded.text is not None and decoded.encoding is not None
    body = decoded.text.encode(decoded.encoding)
    if not decoded.bom:
        return body
    return "\ufeff".encode(decoded.encoding) + body


def assert_decodes(data: bytes, text: str, encoding: str, *, bom: bool = False) -> Decoded:
    decoded = decode(data)
    assert decoded.problem is None, decoded.problem
    assert decoded.text == text
    assert decoded.encoding == encoding
    assert decoded.bom is bom
    assert decoded.repaired is False
    assert decoded.sha256 == hashlib.sha256(data).hexdigest()
    assert reencoded(decoded) == data
    return decoded


# --- Each encoding -----------------------------------------------------------------------------------


def test_plain_utf8_needs_no_detector(monkeypatch):
    def no_detector(sample):
        raise AssertionError("the detector must not run on valid UTF-8")

    monkeypatch.setattr(decode_module, "detect_encodings", no_detector)
    text = f"TI  - {SPANISH}\nAB  - {ZH_ABSTRACT}\n{CURLY}\n"
    decoded = assert_decodes(text.encode("utf-8"), text, "utf-8")
    assert decoded.warnings == ()


def test_utf8_with_bom_drops_the_mark_from_the_text():
    text = "TY  - JOUR\r\nTI  - Exosomes\r\n"
    assert_decodes(codecs.BOM_UTF8 + text.encode(), text, "utf-8", bom=True)


def test_gb18030_chinese_abstract():
    text = f"Title: Research progress\nAbstract: {ZH_ABSTRACT}\nKeywords: 间充质干细胞; 外泌体\n"
    assert_decodes(text.encode("gb18030"), text, "gb18030")


def test_gb18030_characters_outside_gbk():
    text = f"{ZH_ABSTRACT} 𠀀 € ·\n"  # a four-byte GB18030 character and the euro sign
    assert_decodes(text.encode("gb18030"), text, "gb18030")


def test_big5_traditional_chinese():
    text = f"標題：研究進展\n摘要：{ZH_TRADITIONAL}\n"
    decoded = decode(text.encode("big5"))
    assert decoded.problem is None
    assert decoded.text == text
    assert decoded.encoding in ("big5", "cp950", "big5hkscs")
    assert reencoded(decoded) == text.encode("big5")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_by_nul_pattern(encoding):
    text = f"PMID- 35990308\nTI  - Exosomes\nAB  - {ZH_ABSTRACT}\n"
    assert_decodes(text.encode(encoding), text, encoding)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_unicode_with_bom(encoding):
    text = f"TI  - {SPANISH}\r\nAB  - {ZH_ABSTRACT}\r\n"
    data = "\ufeff".encode(encoding) + text.encode(encoding)
    assert_decodes(data, text, encoding, bom=True)


def test_python_utf16_codec_output_with_bom():
    text = "TI  - Exosomes “MSC”\n"
    native = "utf-16-le" if codecs.BOM_UTF16 == codecs.BOM_UTF16_LE else "utf-16-be"
    assert_decodes(text.encode("utf-16"), text, native, bom=True)


def test_windows_1252_curly_quotes():
    text = "TI  - The “Cuiying” project — it’s a “drug‐free” approach… with 5 € funding\n".replace("‐", "-")
    assert_decodes(text.encode("cp1252"), text, "windows-1252")


def test_latin1_accents():
    text = f"TI  - {SPANISH}\nAU  - Núñez, José\nAD  - Universität Zürich, Genève, São Paulo\n"
    decoded = decode(text.encode("latin-1"))
    assert decoded.problem is None
    assert decoded.text == text
    # Windows-1252 and Latin-1 agree on every byte this text uses; either name re-encodes it exactly.
    assert decoded.encoding in ("windows-1252", "iso-8859-1")
    assert reencoded(decoded) == text.encode("latin-1")


@pytest.mark.parametrize(
    "text",
    [
        "Aplicación año niño España Málaga información científica",
        "AU  - Núñez, José\nTI  - Células madre mesenquimales en la insuficiencia hepática aguda\n",
        "Müller Größe Straße Übersicht Ärzte Öffnung",
        "Les cellules souches mésenchymateuses et leurs vésicules dans la réparation osseuse",
    ],
)
def test_western_text_whose_bytes_are_also_valid_gb18030_stays_windows_1252(text):
    # An accented letter followed by a letter is a valid GB18030 pair: the detector must still say 1252.
    decoded = decode(text.encode("cp1252"))
    assert decoded.encoding == "windows-1252"
    assert decoded.text == text


def test_english_heavy_gb18030_with_some_chinese_is_gb18030():
    record = (
        "TI  - Mesenchymal stem cell exosomes attenuate sepsis by regulating “macrophage polarization”…\n"
        "AU  - García, José\nAD  - Department of Critical Care Medicine, Zhongshan Hospital, Shanghai, China.\n"
        "TT  - 间充质干细胞外泌体在脓毒症中作用的研究进展\n\n"
    ) * 400
    decoded = decode(record.encode("gb18030"))
    assert decoded.encoding == "gb18030"
    assert decoded.text == record


def test_latin1_with_bytes_windows_1252_leaves_undefined():
    data = "Genève ".encode("latin-1") * 20 + b"\x81" + "São Paulo".encode("latin-1")
    decoded = decode(data)
    # 0x81 is undefined in Windows-1252; a clean reading needs true ISO-8859-1 or says where the byte is.
    if decoded.text is not None:
        assert decoded.encoding == "iso-8859-1"
        assert reencoded(decoded) == data
    else:
        assert "byte offset 140" in decoded.problem


def test_legacy_text_after_a_long_ascii_head_is_still_detected():
    head = ("PMID- 1\nTI  - Mesenchymal stem cell exosomes in sepsis\n" * 3000).encode()
    assert len(head) > 2 * decode_module.DETECTOR_SAMPLE_BYTES
    data = head + f"AB  - {ZH_ABSTRACT}\n".encode("gb18030") * 20
    decoded = decode(data)
    assert decoded.encoding == "gb18030"
    assert decoded.text.endswith(f"AB  - {ZH_ABSTRACT}\n")


def test_newlines_are_kept_exactly():
    text = "line one\r\nline two\rline three\n\n"
    assert assert_decodes(text.encode(), text, "utf-8").text.count("\r\n") == 1
    assert decode(text.encode("gb18030")).text == text


# --- Mojibake ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "broken, fixed",
    [
        ("Universit\u00c3\u00a9 de Gen\u00c3\u00a8ve", "Université de Genève"),
        ("the drug\u00e2\u20ac\u2122s effect", "the drug’s effect"),
        ("\u00e2\u20ac\u0153MSC exosomes\u00e2\u20ac\u009d", "“MSC exosomes”"),
        ("A\u00c3\u00b1o de publicaci\u00c3\u00b3n", "Año de publicación"),
    ],
)
def test_mojibake_is_repaired_and_flagged(broken, fixed):
    text = f"TI  - Exosomes in sepsis\nAD  - {broken}\nAB  - {ZH_ABSTRACT}\n"
    decoded = decode(text.encode("utf-8"))
    assert decoded.problem is None
    assert decoded.repaired is True
    assert decoded.text == f"TI  - Exosomes in sepsis\nAD  - {fixed}\nAB  - {ZH_ABSTRACT}\n"
    assert any("line 2" in warning for warning in decoded.warnings)


def test_whole_file_mojibake_with_c1_controls_is_repaired_not_refused():
    import ftfy.bad_codecs  # noqa: F401 - the codec real mojibake comes from

    original = f"TI  - “MSC‐derived” exosomes… año\r\nAB  - {ZH_ABSTRACT}\r\n" * 50
    broken = original.encode("utf-8").decode("sloppy-windows-1252")
    assert "\x9d" in broken  # the C1 control that the closing quote's last byte becomes
    decoded = decode(broken.encode("utf-8"))
    assert decoded.problem is None
    assert decoded.text == original
    assert decoded.repaired is True


def test_only_the_broken_lines_of_a_mixed_file_change():
    text = "AD  - Université de Genève\nAD  - Universit\u00c3\u00a9 de Gen\u00c3\u00a8ve\nAD  - Zürich “ok”\n"
    fixed, lines = repair_mojibake(text)
    assert fixed == "AD  - Université de Genève\nAD  - Université de Genève\nAD  - Zürich “ok”\n"
    assert lines == [2]


@pytest.mark.parametrize(
    "correct",
    [
        ZH_ABSTRACT,
        ZH_TRADITIONAL,
        SPANISH,
        CURLY,
        "nbsp:\u00a0here, non-breaking\u00a0space",
        "MSC\u2010derived exosomes (U+2010 hyphen) and drug\u2011loading",
        "Descripción… and “quoted” ‘single’ — en–dash",
        "SÃO PAULO, INFORMAÇÃO, ÉTUDE, Ångström, Ørsted, Œuvre",
        "Price: £5, 5 °C, ± 2 µm, ¿Qué? ¡Sí! « guillemets »",
        "Müller, Gómez, Şahin, Łukasz, Dvořák",
        "“Cuiying Technology Innovation” Planning Project",
    ],
)
def test_correct_text_is_never_altered(correct):
    for data, encoding in ((correct.encode("utf-8"), "utf-8"), (codecs.BOM_UTF8 + correct.encode(), "utf-8")):
        decoded = decode(data)
        assert decoded.text == correct
        assert decoded.encoding == encoding
        assert decoded.repaired is False
    assert repair_mojibake(correct) == (correct, [])


def test_correct_text_in_legacy_encodings_is_never_altered():
    for text, encoding in ((ZH_ABSTRACT, "gb18030"), (SPANISH, "cp1252"), (CURLY.replace("‐", "-"), "cp1252")):
        decoded = decode(text.encode(encoding))
        assert decoded.text == text
        assert decoded.repaired is False


# --- Refusals ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", codecs.BOM_UTF8,
                                  codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")])
def test_empty_files(data):
    decoded = decode(data)
    assert decoded.text is None
    assert decoded.problem.startswith("empty file")
    assert decoded.sha256 == hashlib.sha256(data).hexdigest()


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export.ris", "TY  - JOUR\nER  - \n")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data, evidence",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
        (_zip_bytes(), "ZIP"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (gzip.compress(b"TY  - JOUR\nER  - \n", mtime=0), "GZIP"),
        (b"TY  - JOUR\nTI  - A title\x00\x00\x00ER  - \n", "NUL byte at byte offset 24"),
        (bytes(range(1, 32)) * 10 + b"some text", "control characters"),
    ],
)
def test_binary_files_are_refused_with_a_reason(data, evidence):
    decoded = decode(data)
    assert decoded.text is None
    assert decoded.problem.startswith("binary file (")
    assert decoded.problem.endswith("detected), not a text export")
    assert evidence in decoded.problem


@pytest.mark.parametrize("text", ["RIFF", "GIF89 is a year", "%PDF-export notes", "PAR1 results", "MZ-B1 cells", "BZh"])
def test_text_that_starts_like_a_signature_is_still_text(text):
    assert decode(f"{text} of the MSC exosome review\n".encode()).text == f"{text} of the MSC exosome review\n"


def test_a_few_control_characters_do_not_make_text_binary():
    text = "TI  - Exosomes\x1a in \x0bsepsis " + "and more words " * 20
    assert decode(text.encode()).text == text


def test_size_limit(monkeypatch):
    monkeypatch.setattr(decode_module, "MAX_SEED_BYTES", 1000)
    decoded = decode(b"x" * 1001)
    assert decoded.text is None
    assert "1,001 bytes" in decoded.problem and "1,000-byte" in decoded.problem
    assert decode(b"x" * 1000).text == "x" * 1000


def test_a_huge_seed_is_refused_without_being_held(tmp_path, monkeypatch):
    """Over the size limit, a seed is hashed block by block (its row names its sha256) but never read whole."""
    path = tmp_path / "huge.nbib"
    with open(path, "wb") as handle:
        handle.truncate(decode_module.MAX_SEED_BYTES + 1)  # sparse: costs no disk

    def no_read_bytes(*args, **kwargs):
        raise AssertionError("read_seed must not read an oversized file whole")

    monkeypatch.setattr(type(path), "read_bytes", no_read_bytes)
    data, sha256, refused = read_seed(path)
    assert data is None
    assert sha256 == hashlib.sha256(b"\0" * (decode_module.MAX_SEED_BYTES + 1)).hexdigest()
    assert f"{decode_module.MAX_SEED_BYTES + 1:,} bytes" in refused
    assert "64 MiB" in refused


def test_a_normal_seed_is_read_and_decoded(tmp_path):
    path = tmp_path / "a.ris"
    path.write_bytes(f"TY  - JOUR\r\nTI  - {ZH_ABSTRACT}\r\nER  - \r\n".encode("gb18030"))
    data, sha256, refused = read_seed(path)
    assert refused is None and data == path.read_bytes()
    decoded = decode(data, sha256)
    assert decoded.encoding == "gb18030"
    assert decoded.text == f"TY  - JOUR\r\nTI  - {ZH_ABSTRACT}\r\nER  - \r\n"
    assert decoded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


# --- Undecodable bytes: where -------------------------------------------------------------------------


def test_stray_latin1_byte_in_utf8_reports_its_offset():
    good = f"TI  - {SPANISH}\n".encode()
    data = good + b"AU  - Jos\xe9\n" + "AD  - Zürich\n".encode()
    decoded = decode(data)
    assert decoded.text is None
    offset = len(good) + len(b"AU  - Jos")
    assert decoded.problem.startswith(f"undecodable bytes at byte offset {offset} (utf-8")


def test_bad_bytes_after_a_utf8_bom_count_the_mark():
    data = codecs.BOM_UTF8 + "Título ".encode() + b"\xff\xfe tail"
    decoded = decode(data)
    assert decoded.problem.startswith(f"undecodable bytes at byte offset {3 + len('Título '.encode())} (utf-8")


def test_truncated_utf16_with_bom():
    data = codecs.BOM_UTF16_LE + "TI  - Exosomes\n".encode("utf-16-le") + b"\x41"
    decoded = decode(data)
    assert decoded.problem.startswith(f"undecodable bytes at byte offset {len(data) - 1} (utf-16-le")


def test_bad_byte_in_gb18030_reported_under_gb18030():
    good = f"标题：研究进展\n摘要：{ZH_ABSTRACT}\n".encode("gb18030")
    data = good + b"\xff" + f"{ZH_ABSTRACT}\n".encode("gb18030")
    decoded = decode(data)
    assert decoded.text is None
    assert decoded.problem.startswith(f"undecodable bytes at byte offset {len(good)} (gb18030")


def test_bad_byte_far_into_a_large_gb18030_file():
    good = f"摘要：{ZH_ABSTRACT}\n".encode("gb18030") * 2000
    data = good + b"\x80\n" + good
    decoded = decode(data)
    assert decoded.problem.startswith(f"undecodable bytes at byte offset {len(good)} (gb18030")


# --- Helpers ----------------------------------------------------------------------------------------------


def test_detector_sample_is_bounded_and_built_from_non_ascii_stretches():
    lines = [b"line %d of the export\n" % n for n in range(100_000)]
    lines[50_000] = "line 50000 摘要：外泌体\n".encode("gb18030")
    lines[90_000] = f"line 90000 {ZH_ABSTRACT}\n".encode("gb18030") * 200
    data = b"".join(lines)
    sample = detector_sample(data)
    assert len(sample) <= decode_module.DETECTOR_SAMPLE_BYTES
    assert "摘要：外泌体".encode("gb18030") in sample
    assert sample.decode("gb18030")  # no character cut
    assert detector_sample(b"short") == b"short"


def test_seeds_decode_as_utf8_unchanged():
    from tests.conftest import SEEDS

    for path in sorted(SEEDS.iterdir()):
        decoded = decode(path.read_bytes())
        assert decoded.problem is None, path
        assert decoded.encoding == "utf-8"
        assert decoded.text == path.read_bytes().decode("utf-8-sig")
        assert decoded.repaired is False
