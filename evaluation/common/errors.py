"""Every exception the package raises, under one base class.

Input problems are collected, not raised one at a time: a committee fixing a file wants every
mistake in it at once. Each :class:`Problem` renders as
``file[:line]: field: what is wrong (found X, expected Y)``.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class EvaluationError(Exception):
    """Base class of every error the workbook raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file."""

    file: str
    field: str
    message: str
    line: int | str | None = None
    found: object = None
    expected: object = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if isinstance(self.line, str) and self.line.startswith("["):
            where = f"{self.file}{self.line}"  # Excel: file[sheet]:row
        detail = []
        if self.found is not None:
            detail.append(f"found {_show(self.found)}")
        if self.expected is not None:
            detail.append(f"expected {_show(self.expected, quote=False)}")
        tail = f" ({', '.join(detail)})" if detail else ""
        return f"{where}: {self.field}: {self.message}{tail}"


def _show(value: object, *, quote: bool = True) -> str:
    """Render a found or expected value: text quoted, whole floats as integers (-25, not -25.0)."""
    if isinstance(value, str):
        return repr(value) if quote else value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


class InputError(EvaluationError, ValueError):
    """Bad input files: carries every problem found; the command line exits with status 2."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class CriteriaError(InputError):
    """An evaluation model (criteria YAML) that breaks the data contract."""


class TenderError(InputError):
    """A tender folder whose files break the data contract."""


class FrozenModelError(EvaluationError, ValueError):
    """A model changed after it was frozen (exit status 2 unless explicitly allowed)."""


class RunError(EvaluationError, RuntimeError):
    """A batch run in which at least one notebook failed."""


class RunInterrupted(EvaluationError):
    """A run stopped with Ctrl-C; its partial folder is kept as ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        super().__init__(str(folder))


STORAGE_FULL = {errno.ENOSPC, errno.EDQUOT}


class StorageError(EvaluationError):
    """The disk (or quota) filled up while a run was written; the partial folder is kept."""

    def __init__(self, parent: Path, kept: Path, cause: OSError) -> None:
        self.parent, self.kept = parent, kept
        super().__init__(f"{parent}: {cause.strerror or cause}; the partial run is kept as "
                         f"{kept} (not complete)")


class AuditError(EvaluationError, RuntimeError):
    """An audit that could not be carried out (as opposed to one that found differences)."""


class ProblemList(list[Problem]):
    """Collects problems of one or more files; ``raise_if_any`` raises them together."""

    def add(self, file: str, field: str, message: str, *, line: int | str | None = None,
            found: object = None, expected: object = None) -> None:
        self.append(Problem(file, field, message, line, found, expected))

    def raise_if_any(self, kind: type[InputError] = InputError) -> None:
        if self:
            raise kind(self)
