"""Prints a run's ``report.html`` (with its protocol) to ``report.pdf`` with headless chromium.

Debian's chromium, offline: no background networking, no component updates, a throw-away
profile. ``--virtual-time-budget`` lets plotly draw every chart before the page is printed;
the window is as wide as the printed page (A4 less the margins set in the report template's
``@page`` rule), so responsive charts are drawn at the width they are printed and stay whole.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from evaluation.common.errors import EvaluationError

CHROMIUM = "/usr/bin/chromium"
PAGE_WIDTH_PX = 700  # A4 (210 mm) less 2 × 12 mm margins at 96 px per inch ≈ 703 px
RENDER_BUDGET_MS = 15000
TIMEOUT_S = 180


class PdfError(EvaluationError, RuntimeError):
    """Printing to PDF failed or is impossible here (no chromium)."""


def find_chromium(path: str | None = None) -> str:
    """Return the chromium executable to use; raise :class:`PdfError` when there is none."""
    candidates = [path] if path else [os.environ.get("EVALUATION_CHROMIUM"), CHROMIUM,
                                      shutil.which("chromium"), shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise PdfError("chromium not found (looked for /usr/bin/chromium): install Debian's "
                   "chromium (apt-get install chromium) to print the report to PDF")


def chromium_command(chromium: str, source: Path, target: Path, profile: Path) -> list[str]:
    """Return the command line printing ``source`` (an HTML file) to ``target``."""
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--no-default-browser-check",
            f"--user-data-dir={profile}", "--run-all-compositor-stages-before-draw",
            f"--virtual-time-budget={RENDER_BUDGET_MS}",
            f"--window-size={PAGE_WIDTH_PX},1000", "--no-pdf-header-footer",
            f"--print-to-pdf={target}", source.resolve().as_uri()]


def print_pdf(source: Path, target: Path, *, chromium: str | None = None) -> Path:
    """Print the HTML file ``source`` to the PDF ``target`` and return ``target``."""
    if not source.is_file():
        raise PdfError(f"{source}: no such report (is this a complete run folder?)")
    executable = find_chromium(chromium)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="evaluation-chromium-") as profile:
        try:
            done = subprocess.run(chromium_command(executable, source, partial, Path(profile)),
                                  capture_output=True, text=True, timeout=TIMEOUT_S,
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"chromium did not finish printing {source} within {TIMEOUT_S} s"
                           ) from exc
    if done.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        partial.unlink(missing_ok=True)
        raise PdfError(f"chromium could not print {source} (exit {done.returncode}): {tail}")
    partial.replace(target)
    return target


def print_report(run: Path | str, *, chromium: str | None = None) -> Path:
    """Print ``RUN_DIR/report.html`` to ``RUN_DIR/report.pdf`` and return the PDF's path."""
    run = Path(run).resolve()
    return print_pdf(run / "report.html", run / "report.pdf", chromium=chromium)
