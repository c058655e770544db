"""``evaluation lab``: JupyterLab on a working copy of the workbook's notebooks, with the
kernel that has the package (the ``python3`` kernel of this environment).

JupyterLab saves (and autosaves) what it opens. The templates in ``notebooks/`` are what a run
copies and hashes and what an audit trusts, so lab never opens them: it opens ``work/``
(git-ignored), beside ``notebooks/`` so that the templates' relative paths
(``../tenders/1000-bygg``) still find the demo tender. A template is copied there only when
``work/`` has no notebook of that name: an analyst's saved notebook is never overwritten.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaluation.runs.folder import NOTEBOOKS

WORK = NOTEBOOKS.parent / "work"  # git-ignored; see .gitignore


def working_copies(folder: Path, templates: Path = NOTEBOOKS) -> list[Path]:
    """Copy every template notebook that ``folder`` does not hold yet into it; return the
    notebooks copied (one already there, saved by an analyst, is kept as it is)."""
    folder.mkdir(parents=True, exist_ok=True)
    copied = []
    for template in sorted(templates.glob("*.ipynb")):
        target = folder / template.name
        if not target.exists():
            shutil.copyfile(template, target)
            copied.append(target)
    return copied


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
    p = sub.add_parser("lab", help="open JupyterLab on working copies of the notebooks (the "
                       "interactive panel is in committee.ipynb)",
                       description="open JupyterLab on work/, working copies of the notebook "
                       "templates (git-ignored; the templates themselves are never opened)")
    p.add_argument("--notebooks", type=Path, default=WORK,
                   help="the working folder to open (default: work/ beside notebooks/, "
                   "git-ignored); missing notebooks are copied from the templates, none is "
                   "overwritten")
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--no-browser", action="store_true")

    @command("lab")
    def _lab(args: argparse.Namespace) -> int:
        folder = Path(args.notebooks).resolve()
        if folder == NOTEBOOKS.resolve():
            print(f"{args.notebooks}: --notebooks: the notebook templates, which runs copy and "
                  "audits trust; JupyterLab saves what it opens (found the templates folder, "
                  "expected a working folder such as work/)", file=sys.stderr)
            return 2
        if folder.exists() and not folder.is_dir():
            print(f"{args.notebooks}: --notebooks: not a folder (found a file, expected a "
                  "working folder)", file=sys.stderr)
            return 2
        copied = working_copies(folder)
        print(f"JupyterLab on {folder} (working copies; the templates in {NOTEBOOKS} are "
              "never opened)" + (f"; copied: {', '.join(p.name for p in copied)}" if copied
                                 else ""), flush=True)
        return serve(lab_command(folder, args.port, args.no_browser), jupyter_env())


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
