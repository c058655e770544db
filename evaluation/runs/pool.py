"""Executes notebook jobs in a process pool sized to the usable cores, with progress on stderr."""

from __future__ import annotations

import contextlib
import os
import signal
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


def _stop_worker(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # papermill's cleanup then shuts the kernel down


def _init_worker(log: str | None) -> None:
    """Pool initializer: kernels inherit the worker's environment (:data:`KERNEL_ENV`) and its
    stderr, which goes to a log to keep their chatter off the screen.

    Ctrl-C reaches every process of the terminal's group: the workers leave it to the main
    process, which stops them with SIGTERM; a stopped worker shuts its kernel down on the way
    out (and a kernel whose worker is gone exits by itself: ipykernel's parent poller).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
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
    pool = ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs))),
                               initializer=_init_worker,
                               initargs=(str(log) if log else None,))
    try:
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
    except BaseException:  # Ctrl-C: stop every worker and its kernel, leave nothing running
        _stop_pool(pool)
        raise
    pool.shutdown()
    return [outcomes[j.name] for j in jobs]


def _stop_pool(pool: ProcessPoolExecutor, grace: float = 10.0) -> None:
    """Terminate the pool's workers (each shuts its kernel down) and wait for them."""
    # the executor exposes no way to stop a running job before Python 3.14
    # (ProcessPoolExecutor.terminate_workers); its process table is the only handle
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.terminate()
    for process in processes:
        process.join(grace)
        if process.is_alive():
            process.kill()
            process.join()
