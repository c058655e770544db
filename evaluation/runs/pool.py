"""Executes notebook jobs in a process pool sized to the usable cores, with progress on stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    wait,
)
from pathlib import Path

from evaluation.runs.execute import (
    KERNEL_ENV,
    Job,
    Outcome,
    execute_job,
    jupyter_path,
)


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
