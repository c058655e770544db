"""``evaluation lab``: JupyterLab on the workbook's notebooks, with the kernel that has the
package (the ``python3`` kernel of this environment)."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaluation.runs.folder import NOTEBOOKS


def lab_command(notebooks: Path, port: int | None, no_browser: bool) -> list[str]:
    """Return the command line that starts JupyterLab on ``notebooks``."""
    cmd = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={notebooks}",
           "--ServerApp.ip=127.0.0.1"]
    if port is not None:
        cmd.append(f"--ServerApp.port={port}")
    if no_browser:
        cmd.append("--no-browser")
    return cmd


def register(sub: argparse._SubParsersAction, command: Callable[..., Any]) -> None:
    """Add ``lab`` to the command line."""
    p = sub.add_parser("lab", help="open JupyterLab on the notebooks (the interactive panel "
                       "is in committee.ipynb)",
                       description="open JupyterLab on the workbook's notebooks")
    p.add_argument("--notebooks", type=Path, default=NOTEBOOKS,
                   help="folder to open (default: the workbook's notebooks/)")
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--no-browser", action="store_true")

    @command("lab")
    def _lab(args: argparse.Namespace) -> int:
        if not Path(args.notebooks).is_dir():
            print(f"{args.notebooks}: folder: no such folder (found nothing, expected the "
                  "notebooks folder)", file=sys.stderr)
            return 2
        return serve(lab_command(Path(args.notebooks).resolve(), args.port, args.no_browser),
                     jupyter_env())


def serve(argv: list[str], env: dict[str, str], cwd: Path | None = None) -> int:
    """Run a Jupyter server (``lab``, Voila) until it ends; Ctrl-C or SIGTERM stops it, and
    its kernels, too (a plain wait would leave it running, listening, when this ends)."""
    process = subprocess.Popen(argv, cwd=cwd, env=env)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def jupyter_env() -> dict[str, str]:
    """The environment for Jupyter: its ``python3`` kernel is this environment's."""
    from evaluation.runs.execute import jupyter_path

    return {**os.environ, "JUPYTER_PATH": jupyter_path()}
