"""Timings of decode on large inputs (run by hand, not collected by pytest).

    python benchmarks/bench_decode.py

Prints the time to decode a 50 MB UTF-8 export (the fast path: no detector), a 5 MB GB18030 export
(detector on a bounded sample, then one strict decode), a 5 MB UTF-16 file and a 5 MB UTF-8 file with
mojibake on every tenth line (ftfy on those lines only).
"""

from __future__ import annotations

import time

from exodata.ingest.decode import decode

RECORD = (
    "PMID- 35990308\nTI  - Mesenchymal stem cell‐derived small extracellular vesicles carry miR‑21 …\n"
    "AB  - Exosomes from bone marrow MSCs attenuate sepsis, acute liver failure and “fibrosis”.\n"
    "AD  - 昆明医科大学第四附属医院(云南省第二人民医院)重症医学科, 云南昆明 650021\n\n"
)
ZH = "AB  - 间充质干细胞来源的外泌体是直径约50-200 nm的细胞外囊泡，携带miR-21等多种生物活性物质。\n"


def timed(label: str, data: bytes) -> None:
    start = time.perf_counter()
    decoded = decode(data)
    elapsed = time.perf_counter() - start
    size = len(data) / 1e6
    print(
        f"{label:<34} {size:6.1f} MB  {elapsed:6.3f} s  {size / elapsed:7.1f} MB/s  "
        f"encoding={decoded.encoding} repaired={decoded.repaired} problem={decoded.problem}"
    )


def main() -> None:
    record = RECORD.encode()
    timed("UTF-8, 50 MB", record * (50_000_000 // len(record)))
    zh = ZH.encode("gb18030")
    timed("GB18030, 5 MB", zh * (5_000_000 // len(zh)))
    utf16 = (RECORD + ZH).encode("utf-16-le")
    timed("UTF-16-LE without BOM, 5 MB", utf16 * (5_000_000 // len(utf16)))
    moji = ("".join([RECORD] * 9) + "AD  - Universit\u00c3\u00a9 de Gen\u00c3\u00a8ve\n").encode()
    timed("UTF-8 with mojibake lines, 5 MB", moji * (5_000_000 // len(moji)))
    import ftfy.bad_codecs  # noqa: F401

    whole = RECORD.encode().decode("sloppy-windows-1252").encode()
    timed("UTF-8 all mojibake, 50 MB", whole * (50_000_000 // len(whole)))
    latin = "AU  - Núñez, José; Genève; “curly” — año\n".encode("cp1252")
    timed("Windows-1252, 5 MB", latin * (5_000_000 // len(latin)))


if __name__ == "__main__":
    main()
