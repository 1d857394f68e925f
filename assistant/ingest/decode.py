"""Read a file's bytes safely and turn them into text: size limit, binary detection, encoding detection."""

from __future__ import annotations

import errno
import os
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


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM) when valid, else the encoding charset-normalizer detects; binary is refused."""
    if not data.strip():
        raise InputError(str(path), "file is empty")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(str(path), "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    # On short Western text detection often picks a sibling code page ("très" read as cp1250 gives "trčs");
    # cp1252, the most common legacy encoding, wins whenever it reads the bytes at least as cleanly.
    western = from_bytes(data, cp_isolation=["cp1252"]).best()
    if western is not None and (best is None or western.chaos <= best.chaos):
        return str(western)
    if best is None or best.encoding is None:
        raise InputError(str(path), "not valid UTF-8 and no text encoding could be detected")
    return str(best)
