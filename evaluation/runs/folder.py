"""The run folder: input files and their copies, the templates, the run's name and its reservation.

A run folder is written under a temporary name and renamed when complete; its name's short
hash is over the copied inputs and templates (:func:`run_digest`, recomputed by the audit).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evaluation.common.errors import InputError, Problem, ProblemList
from evaluation.runs.stages import Stage, award_stage, stage_files

if TYPE_CHECKING:
    from evaluation.core.tender import Tender

# The notebook templates of the workbook (a checkout or an editable install).
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def input_files(tender: Tender, stage: Stage | None = None) -> list[Path]:
    """Return the files of the tender folder a run of ``stage`` copies (hidden and lock files
    left out; default the award) and its model."""
    return [*stage_files(tender.folder, stage or award_stage()), tender.model.source]


def copy_inputs(files: list[Path], target: Path) -> tuple[Path, list[tuple[Path, Path]]]:
    """Copy files under ``target`` keeping their layout relative to their common folder."""
    root = Path(os.path.commonpath([str(f.parent) for f in files]))
    pairs = []
    for f in files:
        dest = target / f.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, dest)
        pairs.append((f, dest))
    return root, pairs


def run_digest(entries: list[dict[str, Any]]) -> str:
    """Return the short hash in a run folder's name: over ``name:sha256`` of every input file
    and template, in the manifest's order (the audit recomputes it from the manifest)."""
    digest = hashlib.sha256()
    for entry in entries:
        digest.update(f"{Path(entry['path']).name}:{entry['sha256']}\n".encode())
    return digest.hexdigest()[:8]


def check_templates(folder: Path, names: tuple[str, ...] = ("proposal.ipynb",
                                                             "committee.ipynb")) -> list[Path]:
    """Return the notebook templates ``names`` in ``folder`` after checking each is a notebook
    with one cell tagged ``parameters``; raise :class:`InputError` before anything is
    written."""
    import nbformat

    problems = ProblemList()
    templates = [folder / name for name in names]
    for path in templates:
        try:
            nb = nbformat.read(str(path), as_version=4)
        except OSError as exc:
            problems.add(str(path), "--notebooks", "missing notebook template",
                         found=exc.strerror or str(exc), expected="the workbook's template")
            continue
        except Exception as exc:  # nbformat raises several kinds for a damaged file
            problems.add(str(path), "--notebooks", "not a readable notebook",
                         found=f"{type(exc).__name__}: {str(exc)[:80]}", expected="a .ipynb")
            continue
        tagged = [k for k, c in enumerate(nb.cells)
                  if "parameters" in c.get("metadata", {}).get("tags", [])]
        if len(tagged) != 1:
            problems.add(str(path), "parameters", "the template needs exactly one cell tagged "
                         "'parameters'", found=f"{len(tagged)} cells", expected="1 cell")
    if problems:
        raise InputError(problems)
    return templates


def runs_folder(out: Path, folder: Path, subfolder: str = "") -> Path:
    """Return ``out/<tender>[/<subfolder>]`` (``folder`` the tender's) after checking ``out``
    can hold runs (nothing is created)."""
    resolved = out.resolve()
    runs = (resolved / folder.name).resolve()  # where this tender's runs go
    problem = None
    if resolved.exists() and not resolved.is_dir():
        problem = "is a file, not a folder"
    elif runs == folder or folder in runs.parents:
        problem = ("is inside the tender folder: the next run would copy this run's files "
                   "as inputs")
    else:
        existing = next((p for p in [resolved, *resolved.parents] if p.exists()), None)
        if existing is not None and not existing.is_dir():
            problem = f"cannot be created: {existing} is a file"
        elif existing is not None and not os.access(existing, os.W_OK | os.X_OK):
            problem = f"cannot be written: {existing} is read-only for this user"
    if problem:
        raise InputError([Problem("--out", "runs folder", problem, found=str(out),
                                  expected="a folder outside the tender, e.g. runs")])
    return resolved / folder.name / subfolder if subfolder else resolved / folder.name


def reservation(final: Path) -> Path:
    return final.parent / f".{final.name}.reserved"


def reserve_name(parent: Path, name: str) -> Path:
    """Return a run folder name no other run has or is about to take, and reserve it: a hidden
    ``.<name>.reserved`` folder made atomically (two runs of the same inputs in the same
    second must not both finish under one name). The launcher removes it after the rename."""
    candidate, n = parent / name, 1
    while True:
        if not (candidate.exists() or (parent / f"{candidate.name}-failed").exists()):
            try:
                reservation(candidate).mkdir()
                return candidate
            except FileExistsError:
                pass
        n += 1
        candidate = parent / f"{name}.{n}"


def mark_failed(work: Path, target: Path, exc: BaseException) -> Path:
    """Record why a run stopped, rename its folder ``target`` (``<name>-failed`` or
    ``<name>-interrupted``) and return where it is now."""
    with contextlib.suppress(OSError):  # a full disk: the name alone says it
        (work / "FAILED.txt").write_text(f"{type(exc).__name__}: {exc}\n", encoding="utf-8")
    try:
        work.rename(target)
    except OSError:  # the folder keeps its temporary name: still clearly not complete
        return work
    return target
