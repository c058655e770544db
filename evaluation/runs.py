"""``evaluation run``: the batch run of one tender, an auditable run folder.

The folder ``runs/<tender>/<UTC time>-<short hash>/`` (the hash is over the copied inputs and
templates) is written under a temporary name (``.<UTC time>-<random>.partial``) and renamed
when complete; a run with a failed notebook is renamed
``<name>-failed``; an earlier run is never overwritten. Inside: ``inputs/`` (copies of every
input file, the notebooks read these), ``templates/``, ``proposals/<id>.ipynb``,
``committee.ipynb``, ``results.json``, ``report.html`` and ``manifest.json``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import os
import secrets
import shutil
import sys
from collections.abc import Callable
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .changes import change_record
from .errors import InputError, Problem, ProblemList, RunError, TenderError
from .execute import KERNEL_ENV, Job, Outcome, execute_job, jupyter_path, read_payload
from .manifest import environment, file_entry, sha256_file
from .outputs import write_evidence, write_outputs
from .results import dumps
from .tender import Tender, load_tender

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class RunResult:
    """Where a run went and how it ended."""

    folder: Path
    ok: bool
    outcomes: tuple[Outcome, ...]
    manifest: dict[str, Any]
    manifest_sha256: str = ""


def input_files(tender: Tender) -> list[Path]:
    """Return every file of the tender folder (hidden and lock files left out) and its model."""
    files = [p for p in sorted(tender.folder.rglob("*")) if p.is_file()
             and not any(part.startswith((".", "~$")) for part in
                         p.relative_to(tender.folder).parts)]
    return [*files, tender.model.source]


def _copy_inputs(files: list[Path], target: Path) -> tuple[Path, list[tuple[Path, Path]]]:
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


def check_templates(folder: Path) -> list[Path]:
    """Return the two notebook templates in ``folder`` after checking each is a notebook with
    one cell tagged ``parameters``; raise :class:`InputError` before anything is written."""
    import nbformat

    problems = ProblemList()
    templates = [folder / "proposal.ipynb", folder / "committee.ipynb"]
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


def _runs_folder(out: Path, tender: Tender) -> Path:
    """Return ``out/<tender>`` after checking ``out`` can hold runs (nothing is created)."""
    resolved = out.resolve()
    runs = (resolved / tender.id).resolve()  # where this tender's runs go
    problem = None
    if resolved.exists() and not resolved.is_dir():
        problem = "is a file, not a folder"
    elif runs == tender.folder or tender.folder in runs.parents:
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
    return resolved / tender.id


def _reservation(final: Path) -> Path:
    return final.parent / f".{final.name}.reserved"


def _free_name(parent: Path, name: str) -> Path:
    """Return a run folder name no other run has or is about to take, and reserve it: a hidden
    ``.<name>.reserved`` folder made atomically (two runs of the same inputs in the same
    second must not both finish under one name). The launcher removes it after the rename."""
    candidate, n = parent / name, 1
    while True:
        if not (candidate.exists() or (parent / f"{candidate.name}-failed").exists()):
            try:
                _reservation(candidate).mkdir()
                return candidate
            except FileExistsError:
                pass
        n += 1
        candidate = parent / f"{name}.{n}"


def available_cores() -> int:
    """Return the cores this process may use (a container's CPU set, not the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _progress(total: int) -> Callable[[int, list[str]], None]:
    """Return a callback printing ``[done/total] running: …`` on stderr (tqdm when a TTY)."""
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - papermill depends on tqdm
        tqdm = None
    bar = tqdm(total=total, unit="notebook", file=sys.stderr, disable=None) if tqdm else None
    last = [0]

    def update(done: int, running: list[str]) -> None:
        if bar is not None and not bar.disable:
            bar.update(done - last[0])
            bar.set_postfix_str(", ".join(running)[:60])
            if done == total:
                bar.close()
        else:
            print(f"[{done}/{total}] " + (f"running: {', '.join(running)}" if running
                                          else "done"), file=sys.stderr)
        last[0] = done
    return update


def _init_worker(log: str | None) -> None:
    """Pool initializer: kernels inherit the worker's environment (:data:`KERNEL_ENV`) and its
    stderr, which goes to a log to keep their chatter off the screen."""
    os.environ.update(KERNEL_ENV)
    os.environ["JUPYTER_PATH"] = jupyter_path()  # "python3" is this environment's kernel
    if log:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 2)
        os.close(fd)


def execute_jobs(jobs: list[Job], workers: int, progress: bool = True,
                 log: Path | None = None) -> list[Outcome]:
    """Execute ``jobs`` in a process pool; a failure never stops the others."""
    update = _progress(len(jobs)) if progress else (lambda done, running: None)
    outcomes: dict[str, Outcome] = {}
    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs))),
                             initializer=_init_worker,
                             initargs=(str(log) if log else None,)) as pool:
        pending: dict[Future[Outcome], Job] = {pool.submit(execute_job, j): j for j in jobs}
        order = [j.name for j in jobs]
        update(0, order[:workers])
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                job = pending.pop(future)
                outcomes[job.name] = future.result()
            running = [n for n in order if n not in outcomes][:workers]
            update(len(outcomes), running)
    return [outcomes[j.name] for j in jobs]


def _in_background(fn: Callable[..., list[str]], *args: Any) -> list[str]:
    """Run ``fn`` in this thread at a lower priority, so the kernels come first."""
    import threading

    with contextlib.suppress(AttributeError, OSError):  # Linux: a nice value per thread
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    return fn(*args)


def _mark_failed(work: Path, target: Path, exc: BaseException) -> None:
    """Record why a run stopped and rename its folder ``<name>-failed``."""
    try:
        (work / "FAILED.txt").write_text(f"{type(exc).__name__}: {exc}\n", encoding="utf-8")
        work.rename(target)
    except OSError:  # the folder keeps its temporary name: still clearly not complete
        pass


def start_run(tender_path: Path | str, *, out: Path | str = "runs", jobs: int | None = None,
              language: str | None = None, progress: bool = True,
              now: dt.datetime | None = None, notebooks: Path = NOTEBOOKS,
              allow_unfrozen: bool = False) -> RunResult:
    """Validate the tender, execute every notebook and return the finished run folder.

    A model changed after it was frozen is refused before any folder is created
    (:class:`~evaluation.errors.FrozenModelError`) unless ``allow_unfrozen``.
    """
    from .freeze import check_frozen

    tender = load_tender(tender_path)  # validation first: bad input never creates a folder
    if Path(str((tender.settings or {}).get("criteria", ""))).is_absolute():
        raise TenderError([Problem(
            f"{tender.id}/tender.yaml", "criteria", "a run needs the model's path relative to "
            "the tender folder, so that the run folder is complete on its own",
            found=str((tender.settings or {})["criteria"]),
            expected="e.g. ../../criteria/<model>.yaml")])
    templates = check_templates(Path(notebooks).resolve())
    parent = _runs_folder(Path(out), tender)
    frozen = check_frozen(tender.model.source, allow_unfrozen=allow_unfrozen,
                          sha256=tender.model.sha256)
    language = language or tender.model.language
    now = now or dt.datetime.now(dt.UTC)
    files = input_files(tender)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        work = parent / f".{now.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(4)}.partial"
        work.mkdir()  # the final name comes from the copies' hashes
    except OSError as exc:
        raise InputError([Problem("--out", "runs folder", "cannot be written",
                                  found=f"{parent} ({exc.strerror or exc})",
                                  expected="a folder this user may write to")]) from None
    name = work.name[1:-len(".partial")]
    try:
        # the notebooks execute the copies, and the run is named after the copies' hashes:
        # an original saved during the run changes neither
        root, pairs = _copy_inputs(files, work / "inputs")
        (work / "templates").mkdir()
        for t in templates:
            shutil.copy2(t, work / "templates" / t.name)
        templates_run = [work / "templates" / t.name for t in templates]
        recorded = {"inputs": [file_entry(dest, work, original=src) for src, dest in pairs],
                    "templates": [file_entry(copy, work, original=t)
                                  for copy, t in zip(templates_run, templates, strict=True)]}
        short = run_digest([*recorded["inputs"], *recorded["templates"]])
        final = _free_name(parent, f"{now.strftime('%Y%m%dT%H%M%SZ')}-{short}")
        name = final.name
        tender_copy = work / "inputs" / tender.folder.relative_to(root)
        base = {"tender": str(tender_copy), "run_dir": str(work), "language": language}
        job_list = [Job(f"proposals/{pid}.ipynb", str(templates_run[0]),
                        str(work / "proposals" / f"{pid}.ipynb"), {**base, "proposal_id": pid})
                    for pid in sorted(tender.proposal_ids)]
        job_list.append(Job("committee.ipynb", str(templates_run[1]), str(work / "committee.ipynb"),
                            {**base, "interactive": False}))
        (work / "proposals").mkdir()
        started = dt.datetime.now(dt.UTC)
        with ThreadPoolExecutor(max_workers=1) as side:  # the main process only waits otherwise
            evidence = side.submit(_in_background, write_evidence, work, tender.model,
                                   frozen.as_dict(), language)
            log = work / "kernels.log"  # the kernels' stderr: kept only in a failed run
            # the committee notebook is the longest: started first, it does not run alone at
            # the end while the other workers idle
            queue = [job_list[-1], *job_list[:-1]]
            done = {o.name: o for o in execute_jobs(queue, jobs or available_cores(),
                                                    progress, log=log)}
            evidence_files = evidence.result()
        ok = all(o.ok for o in done.values())
        target = final if ok else parent / f"{final.name}-failed"
        # an error that names a file names it where the run folder will be
        outcomes = [dataclasses.replace(o, error=o.error.replace(str(work), str(target)))
                    if o.error else o for o in (done[j.name] for j in job_list)]
        if ok:
            log.unlink(missing_ok=True)
        manifest: dict[str, Any] = {
            "manifest_version": MANIFEST_VERSION,
            "tender": tender.id,
            "run": target.name,
            "status": "complete" if ok else "failed",
            "executed_in": str(work),
            "language": language,
            "started": started.isoformat(timespec="seconds"),
            "environment": environment(),
            "model": {"id": tender.model.id, "sha256": tender.model.sha256,
                      "frozen": frozen.as_dict()},
            "changes": change_record(parent, tender),
            **recorded,
            "notebooks": [{"path": o.name, "status": "ok" if o.ok else "failed",
                           "parameters": j.parameters, "seconds": round(o.seconds, 3),
                           "cell": o.cell, "error": o.error, "attempts": o.attempts}
                          for j, o in zip(job_list, outcomes, strict=True)],
        }
        derived: list[str] = []
        if ok:
            payload = read_payload(work / "committee.ipynb")
            if payload is None:
                raise RunError("committee.ipynb: no result payload in the executed notebook")
            derived = write_outputs(work, tender_copy, payload, language, manifest)
        derived += evidence_files
        manifest["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        manifest["outputs"] = [file_entry(work / name, work) for name in
                               [*(j.name for j in job_list if (work / j.name).exists()), *derived]]
        (work / "manifest.json").write_text(dumps(manifest), encoding="utf-8")
        work.rename(target)
        _reservation(final).rmdir()
        return RunResult(target, ok, tuple(outcomes), manifest,
                         sha256_file(target / "manifest.json"))
    except BaseException as exc:  # an interrupted or broken run must not look complete
        _mark_failed(work, parent / f"{name}-failed", exc)
        if name != work.name[1:-len(".partial")]:  # the final name was reserved
            with contextlib.suppress(OSError):
                _reservation(parent / name).rmdir()
        raise
