"""Executes notebooks with papermill (its Python API) and reads back their result payloads.

Shared by ``evaluation run`` and ``evaluation audit``. Workers run in a process pool; each
starts its own kernel (``kernel_name="python3"``), gets parameters as plain JSON values with
absolute paths, never ``cwd=``, does not save after every cell and stores no widget state.
A kernel that fails to start is retried once; a kernel is stopped at once after the last cell.
Workers pass :data:`KERNEL_ENV` to their kernels (see ``runs.execute_jobs``).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from evaluation.common.payload import RESULT_MIMETYPE

KERNEL = "python3"
ENGINE = "evaluation"
# Kernels run side by side, one per core: numerical libraries use one thread each. Without
# this, every kernel that imports numpy starts an OpenBLAS thread per core (about 0.2 s of CPU
# on two cores), and the bits of a threaded BLAS result may depend on the thread count; fixed,
# a re-run gives the same bits whatever the pool size. Recorded in the manifest.
KERNEL_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def jupyter_path() -> str:
    """Return ``JUPYTER_PATH`` with this environment's ``share/jupyter`` first.

    Outside a virtual environment Jupyter looks for a kernel named ``python3`` in the user's
    folders before this environment's; one installed there for another Python (Anaconda, a
    system Jupyter) would run the notebooks without this package, or with another version.
    """
    own = os.path.join(sys.prefix, "share", "jupyter")
    rest = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != own]
    return os.pathsep.join([own, *rest])


@dataclass(frozen=True)
class Job:
    """One notebook to execute: template (or executed copy), output and parameters."""

    name: str  # e.g. "proposals/001.ipynb", relative to the run folder
    source: str  # absolute path of the notebook to execute
    output: str  # absolute path to write the executed notebook to
    parameters: dict[str, Any] | None  # None: re-execute with the recorded parameters


@dataclass(frozen=True)
class Outcome:
    """What happened to one job."""

    name: str
    ok: bool
    seconds: float
    cell: int | None = None
    error: str | None = None
    attempts: int = 1


@functools.cache
def _engine() -> Any:
    """Return papermill's nbclient engine, registered as ``evaluation``, keeping the notebook
    it executes: papermill writes nothing when a kernel dies (no save after every cell), and
    the cell it died in is then read from here."""
    from papermill.engines import NBClientEngine, papermill_engines

    class RecordingEngine(NBClientEngine):
        current: Any = None  # one job at a time per worker process

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            RecordingEngine.current = nb_man.nb
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register(ENGINE, RecordingEngine)
    return RecordingEngine


def _last_started_cell(nb: Any) -> int | None:
    """Return the index of the last cell the kernel started in ``nb``, or ``None``."""
    started = [k for k, cell in enumerate(getattr(nb, "cells", None) or [])
               if cell.get("metadata", {}).get("papermill", {}).get("start_time")]
    return started[-1] if started else None


def _keep_stopped_copy(nb: Any, cell: int, exc: BaseException, output: str) -> None:
    """Write the notebook whose kernel stopped during ``cell``, marked as such: papermill
    writes nothing then, and its own bookkeeping calls that cell, and the ones never run,
    ``completed``."""
    text = f"{type(exc).__name__}: {exc} (the kernel stopped during this cell)"
    nb.cells[cell].metadata.setdefault("papermill", {}).update(status="failed", exception=True)
    nb.cells[cell].setdefault("outputs", []).append(nbformat.v4.new_output(
        "error", ename=type(exc).__name__, evalue=str(exc), traceback=[text]))
    for later in nb.cells[cell + 1:]:
        later.metadata.setdefault("papermill", {})["status"] = "pending"
    with contextlib.suppress(OSError):  # a copy that cannot be written must not stop the pool
        nbformat.write(nb, output)


def execute_job(job: Job) -> Outcome:
    """Execute one notebook; return its outcome (errors are returned, not raised).

    A failure before any cell started (the kernel did not start, or did not answer) is retried
    once; a kernel that dies during a cell is not, and the outcome names that cell.
    """
    import time

    import papermill
    from papermill.exceptions import PapermillExecutionError

    engine = _engine()
    began = time.perf_counter()
    attempts = 0
    while True:
        attempts += 1
        engine.current = None
        try:
            papermill.execute_notebook(
                job.source, job.output, parameters=job.parameters, kernel_name=KERNEL,
                progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                store_widget_state=False,
                # every output is in once the last cell has replied; the polite shutdown
                # waits 0.1-0.3 s, and 2.5 s more (until SIGTERM) when ipykernel 7.4's main
                # thread stops the IOPub thread while the control thread still flushes
                shutdown_kernel="immediate", engine_name=ENGINE)
            return Outcome(job.name, True, time.perf_counter() - began, attempts=attempts)
        except PapermillExecutionError as exc:
            first = (exc.source or "").strip().splitlines()[:1]
            where = f" in `{first[0][:60]}`" if first else ""
            return Outcome(job.name, False, time.perf_counter() - began, cell=exc.cell_index,
                           error=f"{exc.ename}: {exc.evalue}{where}", attempts=attempts)
        except Exception as exc:  # a kernel or I/O failure must not stop the other notebooks
            cell = _last_started_cell(engine.current)
            if attempts == 1 and cell is None:
                continue
            if cell is not None:
                _keep_stopped_copy(engine.current, cell, exc, job.output)
            return Outcome(job.name, False, time.perf_counter() - began, cell=cell,
                           error=f"{type(exc).__name__}: {exc}", attempts=attempts)


def read_payload(path: Path) -> dict[str, Any] | None:
    """Return the result payload of an executed notebook (its last such output), or None."""
    nb = nbformat.read(str(path), as_version=4)
    payload = None
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if RESULT_MIMETYPE in data:
                payload = data[RESULT_MIMETYPE]
    if isinstance(payload, str):  # some writers store JSON mime data as text
        payload = json.loads(payload)
    return payload


def recorded_parameters(path: Path) -> dict[str, Any]:
    """Return the parameters papermill recorded in an executed notebook's metadata."""
    nb = nbformat.read(str(path), as_version=4)
    return dict(nb.metadata.get("papermill", {}).get("parameters", {}))
