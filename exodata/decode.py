"""Decode: the bytes of one seed become text, with its encoding and sha256.

Offsets everywhere else in exodata refer to the text this module returns.  (Placeholder until the
encoding detector lands: UTF-8 with or without BOM only.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

MAX_SEED_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str | None
    encoding: str | None
    sha256: str
    problem: str | None = None


def decode(data: bytes) -> Decoded:
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_SEED_BYTES:
        return Decoded(None, None, digest, f"file is {len(data)} bytes, over the {MAX_SEED_BYTES}-byte limit")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return Decoded(None, None, digest, f"undecodable bytes at byte offset {err.start}: {err.reason}")
    return Decoded(text, "utf-8", digest)
