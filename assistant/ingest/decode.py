"""Read a file's bytes safely and turn them into text: size limit, binary detection, encoding detection."""

from __future__ import annotations

import codecs
import errno
import os
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from assistant.errors import InputError


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, or an InputError naming why they cannot be read."""
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            raise InputError(str(path), f"file is {_mb(size)} MB, over the {_mb(max_bytes)} MB limit "
                             "(raise FACTCHECK_MAX_FILE_MB to allow it)")
        with open(path, "rb") as handle:
            return handle.read(max_bytes + 1)
    except InputError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(str(path), "symbolic link loop") from None
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None


def _mb(size: int) -> str:
    """Sizes in the unit of FACTCHECK_MAX_FILE_MB (MiB), so a limit of 50 reads "50 MB", and 0.01 is not "0.0"."""
    return f"{size / 2**20:.3g}"


@dataclass(frozen=True)
class Decoded:
    """A file's text, with what decoding it involved: a byte-order mark removed, bytes replaced."""

    text: str
    bom: bool = False
    warning: str | None = None  # set when part of the file could not be decoded and was replaced


_WESTERN_MARGIN = 0.05


def decode_text(path: Path, data: bytes) -> Decoded:
    """UTF-8 (with or without BOM) when valid, else the encoding charset-normalizer detects; binary is refused.

    A file that is mostly UTF-8 with some bytes of another encoding (pasted from a legacy system) is decoded as
    UTF-8 with U+FFFD for the bytes that are not, and a warning counts them: reading it all as cp1252 would
    garble every accented letter of the UTF-8 part, and refusing it would lose the whole file."""
    if not data.strip():
        raise InputError(str(path), "file is empty")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(str(path), "binary file, not text")
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        return Decoded(data.decode("utf-8-sig"), bom=bom)
    except UnicodeDecodeError:
        pass
    replaced = data.decode("utf-8-sig", errors="replace")
    bad = replaced.count("\ufffd")
    if any(ord(c) > 0x7F and c != "\ufffd" for c in replaced):  # real UTF-8 sequences too: mixed encodings
        return Decoded(replaced, bom=bom, warning=_replaced(bad))
    best = from_bytes(data).best()
    # On short Western text detection often picks a sibling code page ("très" read as cp1250 gives "trčs",
    # "célébré à" as cp1257 "célébré ą"); cp1252, the most common legacy encoding, wins whenever it reads the
    # bytes about as cleanly (a margin of a character or two in the mess measure). Text in another script
    # (cp1250 Polish, cp1251 Russian) does not decode cleanly as cp1252 at all.
    western = from_bytes(data, cp_isolation=["cp1252"]).best()
    if western is not None and (best is None or western.chaos <= best.chaos + _WESTERN_MARGIN):
        return Decoded(str(western))
    if best is None or best.encoding is None:
        return Decoded(replaced, bom=bom, warning=_replaced(bad))
    return Decoded(str(best))


def _replaced(count: int) -> str:
    return (f"mixed or unknown text encoding: {count} character{'s' if count != 1 else ''} could not be decoded "
            "and were replaced with U+FFFD")
