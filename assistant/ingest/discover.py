"""Find the files to ingest under the given paths: recursive, symlink-loop safe, hidden files skipped."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from assistant.ingest.loaders import SUPPORTED_SUFFIXES
from assistant.types import IngestProblem

_NOT_REGULAR = "not a regular file or folder (a pipe, socket or device); skipped"


def discover(paths: Sequence[Path], problems: list[IngestProblem]) -> Iterator[Path]:
    """Yield each supported file once. Unreadable paths and loops become problems, not exceptions."""
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()
    for root in paths:
        if not os.path.lexists(root):
            problems.append(IngestProblem(path=str(root), reason="no such file or directory"))
            continue
        try:
            real = os.path.realpath(root, strict=True)
        except OSError as exc:
            problems.append(IngestProblem(path=str(root), reason=_reason(exc)))
            continue
        if os.path.isfile(real):
            if real not in seen_files:  # a file named explicitly is read whatever its suffix; load_file judges it
                seen_files.add(real)
                yield Path(real)
            continue
        if not os.path.isdir(real):
            problems.append(IngestProblem(path=str(root), reason=_NOT_REGULAR))
            continue
        yield from _walk(Path(real), seen_dirs, seen_files, problems)


def _walk(top: Path, seen_dirs: set[str], seen_files: set[str], problems: list[IngestProblem]) -> Iterator[Path]:
    if str(top) in seen_dirs:
        return
    seen_dirs.add(str(top))
    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError as exc:
        problems.append(IngestProblem(path=str(top), reason=_reason(exc)))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            real = os.path.realpath(path, strict=True)
        except OSError as exc:
            problems.append(IngestProblem(path=str(path), reason=_reason(exc)))
            continue
        if os.path.isdir(real):
            if top.is_relative_to(real):  # a link to this folder or one above it: following it never ends
                problems.append(IngestProblem(path=str(path), reason=f"symbolic link loop (points to {real}, "
                                              "a folder that contains it)"))
                continue
            yield from _walk(Path(real), seen_dirs, seen_files, problems)
        elif path.suffix.lower() in SUPPORTED_SUFFIXES and real not in seen_files:
            if not os.path.isfile(real):  # reading a pipe or a device would block or never end
                problems.append(IngestProblem(path=str(path), reason=_NOT_REGULAR))
                continue
            seen_files.add(real)
            yield Path(real)


def _reason(exc: OSError) -> str:
    if isinstance(exc, RuntimeError) or "loop" in str(exc).lower() or exc.errno == 40:
        return "symbolic link loop"
    return f"cannot read: {exc.strerror or exc}"
