"""Prints a run's reports (``report.html`` and ``report-public.html``) to PDF with headless
chromium.

Debian's chromium, offline: no background networking, no component updates, a throw-away
profile. ``--virtual-time-budget`` lets plotly draw every chart before the page is printed;
the window is as wide as the printed page (A4 less the margins set in the report template's
``@page`` rule), so responsive charts are drawn at the width they are printed and stay whole.

Every page gets a footer: the run, the sha256 of its ``manifest.json`` and "page n of m". The
report cannot hold that hash (the manifest hashes the report), so the footer is added to a
copy that is printed: CSS paged-media margin boxes (``@bottom-left``, ``counter(page)``),
which chromium draws with its own header and footer turned off.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from evaluation.common.errors import EvaluationError
from evaluation.common.hashing import sha256_file
from evaluation.common.labels import pick as _t
from evaluation.common.markup import css_string

CHROMIUM = "/usr/bin/chromium"
PAGE_WIDTH_PX = 700  # A4 (210 mm) less 2 × 12 mm margins at 96 px per inch ≈ 703 px
RENDER_BUDGET_MS = 15000
TIMEOUT_S = 180
VARIANTS = (("report.html", "report.pdf"), ("report-public.html", "report-public.pdf"))


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


def footer_style(run: Path) -> str:
    """Return the ``<style>`` giving every printed page the run, the manifest's sha256 and
    the page number, in the run's language (``results.json``; bokmål otherwise)."""
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    try:
        language = json.loads((run / "results.json").read_text(encoding="utf-8"))["language"]
    except (OSError, ValueError, KeyError, TypeError):
        language = "nb"
    name = str(manifest.get("run", run.name)) if isinstance(manifest, dict) else run.name
    digest = sha256_file(run / "manifest.json")
    left = _t(language, f"Kjøring {name} · manifest.json sha256 {digest}",
              f"Run {name} · manifest.json sha256 {digest}")
    page, of = _t(language, "Side ", "Page "), _t(language, " av ", " of ")
    return ("<style>@page { margin: 12mm 12mm 16mm 12mm;\n"
            f"  @bottom-left {{ content: {css_string(left)}; font: 6.5pt sans-serif; "
            "color: #444; }\n"
            f"  @bottom-right {{ content: {css_string(page)} counter(page) {css_string(of)} "
            "counter(pages); font: 8pt sans-serif; color: #444; } }</style>")


def print_pdf(source: Path, target: Path, *, chromium: str | None = None,
              head: str = "") -> Path:
    """Print the HTML file ``source`` to the PDF ``target`` and return ``target``; ``head``
    (markup for the page's head, e.g. the footer's style) is added to a copy printed instead."""
    if not source.is_file():
        raise PdfError(f"{source}: no such report (is this a complete run folder?)")
    executable = find_chromium(chromium)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="evaluation-chromium-") as tmp:
        printed = source
        if head:
            page = source.read_text(encoding="utf-8")
            cut = page.find("</head>")
            printed = Path(tmp) / source.name
            printed.write_text(page[:cut] + head + page[cut:] if cut >= 0 else head + page,
                               encoding="utf-8")
        profile = Path(tmp) / "profile"
        try:
            done = subprocess.run(chromium_command(executable, printed, partial, profile),
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


def print_report(run: Path | str, *, chromium: str | None = None) -> list[Path]:
    """Print the run's reports (``report.html`` to ``report.pdf``, and ``report-public.html``
    to ``report-public.pdf`` where the run has one) with the footer; return the PDFs' paths."""
    run = Path(run).resolve()
    if not (run / "report.html").is_file():
        raise PdfError(f"{run / 'report.html'}: no such report (is this a complete run folder?)")
    head = footer_style(run) if (run / "manifest.json").is_file() else ""
    return [print_pdf(run / html, run / pdf, chromium=chromium, head=head)
            for html, pdf in VARIANTS if (run / html).is_file()]
