"""``evaluation dashboard TENDER``: the committee notebook served by Voila, without code.

A feature module of the command line (see ``FEATURES`` in :mod:`evaluation.cli`). For members
who should see the ranking, the charts and the weight panel but no code: the notebook runs
with its sources stripped. The template is copied to a temporary folder with the parameters
cell pointing at the tender, so the template itself is never changed.

The server is locked like ``evaluation lab``: it listens on 127.0.0.1 only and asks for a
token (new each start, printed in the URL, handed to Voila in its environment so that other
users cannot read it from the process list); a kernel whose page was closed is shut down
after ``--cull-idle`` seconds; the page comes from the package's ``evaluation`` Voila template,
which asks nothing of a CDN.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaluation.cli import positive_int
from evaluation.common.cell_tags import for_reader
from evaluation.common.labels import LANGUAGES
from evaluation.runs.folder import NOTEBOOKS

Handler = Callable[[argparse.Namespace], int]
TEMPLATE = NOTEBOOKS / "committee.ipynb"
DEFAULT_PORT = 8866
CULL_IDLE = 300  # seconds a kernel without a page may idle before it is shut down
# A Jupyter data folder holding the package's Voila template ``evaluation``.
SHARE = Path(__file__).resolve().parent / "share"


def parameterise(template: Path, target: Path, parameters: dict[str, Any],
                 reader: str | None = None) -> Path:
    """Write ``template`` to ``target`` with the ``parameters`` cell's defaults replaced, and
    with ``reader`` (a language) only the cells for a reader in that language (no ``lab-only``
    cell, no guide in the other language: :func:`evaluation.common.cell_tags.for_reader`).

    Each ``name: type = value  # comment`` line named in ``parameters`` gets ``repr(value)``;
    comments, types and the other parameters are kept.
    """
    notebook = json.loads(template.read_text(encoding="utf-8"))
    if reader is not None:
        notebook["cells"] = [c for c in notebook["cells"] if for_reader(c, reader)]
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


def voila_command(notebook: Path, port: int, cull_idle: int = CULL_IDLE) -> list[str]:
    """Return the command serving ``notebook`` with Voila on 127.0.0.1, sources stripped,
    behind a token (given in the environment, see :func:`voila_env`), idle kernels culled.

    Voila opens a browser without the token, so the command opens it itself.
    """
    return [sys.executable, "-m", "voila", str(notebook), "--strip_sources=True",
            f"--port={port}", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0",
            "--Voila.auto_token=True", "--template=evaluation", "--no-browser",
            f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
            f"--MappingKernelManager.cull_interval={max(1, min(60, cull_idle // 2))}",
            "--MappingKernelManager.cull_connected=False"]


def voila_env(token: str) -> dict[str, str]:
    """Return the environment for Voila: this environment's kernel, the package's template,
    and the token (Jupyter reads ``JUPYTER_TOKEN``; a process's environment, unlike its
    command line, is readable only by its user)."""
    from evaluation.cli.lab import jupyter_env

    env = jupyter_env()
    first, *rest = env["JUPYTER_PATH"].split(os.pathsep)
    return {**env, "JUPYTER_PATH": os.pathsep.join([first, str(SHARE), *rest]),
            "JUPYTER_TOKEN": token}


def _dashboard(args: argparse.Namespace) -> int:
    from evaluation.data.tender import load_tender

    tender = load_tender(args.tender)  # bad input: InputError, exit status 2
    language = args.language or tender.model.language
    folder = Path(args.tender).resolve()
    token = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory(prefix="evaluation-dashboard-") as tmp:
        # the dashboard shows no text for developers (how the notebook is run, the payload)
        notebook = parameterise(TEMPLATE, Path(tmp) / "committee.ipynb",
                                {"tender": str(folder), "language": language}, language)
        url = f"http://127.0.0.1:{args.port}/?token={token}"
        print(("Dashboard for " if language == "en" else "Dashbord for ") + f"{folder.name}: "
              f"{url}" + (" (Ctrl-C to stop)" if language == "en" else " (Ctrl-C stopper)"),
              flush=True)
        if not args.no_browser:
            threading.Thread(target=_open_when_listening, args=(args.port, url),
                             daemon=True).start()
        from evaluation.cli.lab import serve

        return serve(voila_command(notebook, args.port, args.cull_idle), voila_env(token),
                     Path(tmp))


def _open_when_listening(port: int, url: str, wait: float = 120.0) -> None:
    """Open ``url`` (with its token) in a browser once the server accepts connections."""
    import webbrowser

    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                webbrowser.open(url, new=2)
                return
        except OSError:
            time.sleep(0.5)


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
    p.add_argument("--cull-idle", type=positive_int, default=CULL_IDLE, metavar="SECONDS",
                   help="shut down a kernel whose page has been closed for this long "
                   f"(default: {CULL_IDLE})")
    command("dashboard")(_dashboard)
