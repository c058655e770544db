"""``evaluation dashboard TENDER``: the committee notebook served by Voila, without code.

A feature module of the command line (see ``FEATURES`` in :mod:`evaluation.cli`). For members
who should see the ranking, the charts and the weight panel but no code: the notebook runs
with its sources stripped. The template is copied to a temporary folder with the parameters
cell pointing at the tender, so the template itself is never changed.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaluation.common.labels import LANGUAGES
from evaluation.runs.folder import NOTEBOOKS

Handler = Callable[[argparse.Namespace], int]
TEMPLATE = NOTEBOOKS / "committee.ipynb"
DEFAULT_PORT = 8866
LAB_ONLY = "lab-only"  # a template cell for JupyterLab and runs, not for the dashboard


def parameterise(template: Path, target: Path, parameters: dict[str, Any],
                 drop_tag: str | None = None) -> Path:
    """Write ``template`` to ``target`` with the ``parameters`` cell's defaults replaced, and
    without the cells tagged ``drop_tag`` if given.

    Each ``name: type = value  # comment`` line named in ``parameters`` gets ``repr(value)``;
    comments, types and the other parameters are kept.
    """
    notebook = json.loads(template.read_text(encoding="utf-8"))
    if drop_tag is not None:
        notebook["cells"] = [c for c in notebook["cells"]
                             if drop_tag not in c.get("metadata", {}).get("tags", [])]
    cells = [c for c in notebook["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise ValueError(f"{template}: no cell tagged 'parameters'")
    cell = cells[0]
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    for name, value in parameters.items():
        pattern = re.compile(rf"^({re.escape(name)}\s*(?::[^=]+)?=\s*)([^#\n]*?)(\s*#.*)?$",
                             re.MULTILINE)
        source, count = pattern.subn(lambda m, v=value: m.group(1) + repr(v) + (m.group(3) or ""),
                                     source, count=1)
        if count != 1:
            raise ValueError(f"{template}: the parameters cell has no {name!r}")
    cell["source"] = source.splitlines(keepends=True)
    target.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n",
                      encoding="utf-8")
    return target


def voila_command(notebook: Path, port: int, no_browser: bool) -> list[str]:
    """Return the command serving ``notebook`` with Voila on 127.0.0.1, sources stripped."""
    return [sys.executable, "-m", "voila", str(notebook), "--strip_sources=True",
            f"--port={port}", "--Voila.ip=127.0.0.1", *(["--no-browser"] if no_browser else [])]


def _dashboard(args: argparse.Namespace) -> int:
    from evaluation.data.tender import load_tender

    tender = load_tender(args.tender)  # bad input: InputError, exit status 2
    language = args.language or tender.model.language
    folder = Path(args.tender).resolve()
    with tempfile.TemporaryDirectory(prefix="evaluation-dashboard-") as tmp:
        # the dashboard shows no text for developers (how the notebook is run, the payload)
        notebook = parameterise(TEMPLATE, Path(tmp) / "committee.ipynb",
                                {"tender": str(folder), "language": language}, LAB_ONLY)
        url = f"http://127.0.0.1:{args.port}/"
        print(("Dashboard for " if language == "en" else "Dashbord for ") + f"{folder.name}: "
              f"{url}" + (" (Ctrl-C to stop)" if language == "en" else " (Ctrl-C stopper)"),
              flush=True)
        return _serve(voila_command(notebook, args.port, args.no_browser), Path(tmp))


def _serve(argv: list[str], cwd: Path) -> int:
    """Run Voila until it ends; Ctrl-C or SIGTERM stops it (and its kernels) cleanly."""
    from evaluation.cli.lab import jupyter_env

    process = subprocess.Popen(argv, cwd=cwd, env=jupyter_env())

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


def register(sub: argparse._SubParsersAction, command: Callable[[str], Callable[[Handler],
                                                                                 Handler]]
             ) -> None:
    """Add ``dashboard`` to the command line."""
    help_ = "serve the committee notebook without code (Voila) for the evaluation committee"
    p = sub.add_parser("dashboard", help=help_, description=help_)
    p.add_argument("tender", type=Path, metavar="TENDER", help="a tender folder")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"port on 127.0.0.1 (default: {DEFAULT_PORT})")
    p.add_argument("--language", choices=LANGUAGES, help="language of the dashboard "
                   "(default: the model's)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    command("dashboard")(_dashboard)
