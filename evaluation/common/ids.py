"""The one grammar of ids (proposal, applicant, evaluator, criterion) and the one way to make a
file name or a path from an id.

An id is typed by someone outside the package (a supplier's case number, an evaluator's
name) and later becomes a file name (``proposals/<id>.ipynb``, ``scores/<id>.csv``,
``notices/nb/<id>.html``). So an id is: Unicode letters and digits (combining marks after
them), ``-``, ``_`` and ``.``; it does not start with ``.``; at most :data:`MAX_LENGTH`
characters. That leaves no ``/``, ``\\``, control character or white space, so an id is always
one harmless path component. Ids (and column headers) are NFC-normalised when read, so an
``é`` typed as one character or as ``e`` plus an accent is one id.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from evaluation.common.errors import EvaluationError

MAX_LENGTH = 64
EXPECTED = ("letters, digits, '-', '_' and '.' (not first), at most 64 characters, "
            "e.g. 2026-002")
# Names Windows keeps for devices, with any extension ("CON.html" is the console).
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
            *(f"LPT{i}" for i in range(10))}


class UnsafePathError(EvaluationError, ValueError):
    """A path built from an id that would leave its folder (a bug or a bypassed check)."""


def nfc(text: str) -> str:
    """Return ``text`` in Unicode normal form C (one code point for ``é``, not two)."""
    return unicodedata.normalize("NFC", text)


def code_points(text: str) -> str:
    """Return the code points of ``text`` beyond ASCII, e.g. ``U+0410 CYRILLIC CAPITAL LETTER
    A`` (a lookalike of ``A``), or ``""`` when it is plain ASCII."""
    shown = [f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}" for c in text if ord(c) > 127]
    return ", ".join(dict.fromkeys(shown))


def show_id(text: str) -> str:
    """Return ``text`` for a message: as written, with its non-ASCII code points when any (two
    ids that look alike but differ show where)."""
    points = code_points(text)
    return f"{text} [{points}]" if points else text


def _allowed(char: str, first: bool) -> bool:
    if char in "-_":
        return True
    if char == ".":
        return not first
    category = unicodedata.category(char)
    if category[0] == "L" or category == "Nd":
        return True
    return category[0] == "M" and not first  # accents on letters with no single code point


def id_problem(text: str) -> tuple[str, str] | None:
    """Return ``(what is wrong, expected)`` when ``text`` breaks the id grammar, else ``None``.

    ``text`` should be NFC already (:func:`nfc`); an empty id is the caller's own message.
    """
    if "/" in text or "\\" in text:
        suggestion = text.replace("/", "-").replace("\\", "-")
        return ("an id cannot hold '/' or '\\' (it becomes a file name)",
                f"e.g. {suggestion}" if id_problem(suggestion) is None else EXPECTED)
    if len(text) > MAX_LENGTH:
        return f"id longer than {MAX_LENGTH} characters ({len(text)})", EXPECTED
    if text.startswith("."):
        return "an id cannot start with '.'", EXPECTED
    bad = [c for k, c in enumerate(text) if not _allowed(c, k == 0)]
    if bad:
        if any(c.isspace() for c in bad):
            what = "an id cannot hold white space"
        elif any(unicodedata.category(c)[0] == "C" for c in bad):
            what = "an id cannot hold control or invisible characters"
        else:
            what = "character not allowed in an id"
        shown = ", ".join(dict.fromkeys(f"U+{ord(c):04X}" + (f" {c!r}" if c.isprintable() and
                                                                not c.isspace() else "")
                                        for c in bad))
        return f"{what} ({shown})", EXPECTED
    return None


def is_id(text: str) -> bool:
    """Return whether ``text`` is a valid, non-empty id as written (already NFC)."""
    return bool(text) and text == nfc(text) and id_problem(text) is None


def fold(text: str) -> str:
    """Return the key under which two names are one file on a case-insensitive file system."""
    return nfc(text).casefold()


def file_names(ids: Iterable[str]) -> dict[str, str]:
    """Return a file name stem for every id, no two alike on any file system.

    An id is its own name unless another id differs from it only in case (``A1``, ``a1``:
    one file on Windows and macOS) or it is a Windows device name (``CON``); those get the
    first 8 hex digits of their sha256 appended, so each name depends on its id alone.
    """
    ids = list(dict.fromkeys(ids))
    counts: dict[str, int] = {}
    for i in ids:
        counts[fold(i)] = counts.get(fold(i), 0) + 1
    names = {i: i if counts[fold(i)] == 1 and i.split(".")[0].upper() not in _DEVICES
             else f"{i}-{hashlib.sha256(i.encode()).hexdigest()[:8]}" for i in ids}
    if len({fold(n) for n in names.values()}) != len(names):  # pragma: no cover - 2**-32
        raise UnsafePathError(f"file names of ids collide: {sorted(names)}")
    return names


def inside(folder: Path, *parts: str) -> Path:
    """Return ``folder`` joined with ``parts`` after checking that the result, links followed,
    stays inside ``folder``; raise :class:`UnsafePathError` otherwise."""
    path = folder.joinpath(*parts)
    root = folder.resolve()
    resolved = path.resolve()
    if resolved == root or not resolved.is_relative_to(root):
        raise UnsafePathError(f"{path}: leaves its folder (found {resolved}, expected a path "
                              f"inside {root})")
    return path


def id_path(folder: Path, name: str, suffix: str = "") -> Path:
    """Return ``folder/<name><suffix>`` for an id (or a name from :func:`file_names`) after
    checking the grammar and that the path stays inside ``folder``: every path the package
    builds from an id is made here."""
    problem = id_problem(name) if name else ("empty id", EXPECTED)
    if problem is not None or name != nfc(name):
        raise UnsafePathError(f"{folder}: {name!r}: not an id, cannot be a file name "
                              f"({problem[0] if problem else 'not NFC'})")
    return inside(folder, f"{name}{suffix}")
