"""Tests for evaluation.pdf: the report and protocol printed to PDF by headless chromium."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from evaluation.paperwork import pdf
from evaluation.paperwork.pdf import PdfError, chromium_command, print_report

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(tool: str) -> str:
    """Return the tool's path; skip when it is missing here, fail when it is missing in CI."""
    path = shutil.which(tool) or (tool if os.access(tool, os.X_OK) else None)
    if path is None:
        message = f"{tool} is not installed (apt-get install chromium poppler-utils)"
        if IN_CI:
            pytest.fail(message + "; CI must have it (.ci/run installs it)")
        pytest.skip(message)
    return path


def png_gray_pixels(data: bytes) -> tuple[int, int, bytes]:
    """Return ``(width, height, gray pixels)`` of an 8-bit gray or RGB, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = height = depth = color = interlace = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        elif kind == b"IEND":
            break
    assert depth == 8 and color in (0, 2) and interlace == 0
    bpp = 1 if color == 0 else 3
    stride = width * bpp
    raw = zlib.decompress(idat)
    out, previous = bytearray(), bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for x in range(stride):  # undo the PNG row filters (None, Sub, Up, Average, Paeth)
            a = line[x - bpp] if x >= bpp else 0
            b, c = previous[x], previous[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) \
                    & 255
        out += line if bpp == 1 else bytes(min(line[x:x + 3]) for x in range(0, stride, 3))
        previous = line
    return width, height, bytes(out)


def test_chromium_command_is_headless_offline_and_waits_for_charts(tmp_path):
    command = chromium_command("/usr/bin/chromium", tmp_path / "report.html",
                               tmp_path / "report.pdf", tmp_path / "profile")
    for flag in ("--headless", "--no-sandbox", "--disable-background-networking",
                 "--virtual-time-budget=15000", "--no-pdf-header-footer",
                 f"--print-to-pdf={tmp_path / 'report.pdf'}",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        assert flag in command
    assert command[-1] == (tmp_path / "report.html").as_uri()


def test_missing_chromium_is_a_clear_error(tmp_path, monkeypatch, run):
    (tmp_path / "report.html").write_text("<p>x</p>", encoding="utf-8")
    monkeypatch.setattr(pdf, "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    monkeypatch.delenv("EVALUATION_CHROMIUM", raising=False)
    with pytest.raises(PdfError, match="chromium not found"):
        print_report(tmp_path)
    status, out, err = run("report", tmp_path, "--pdf")
    assert 2 == status and "chromium not found" in err
    assert not (tmp_path / "report.pdf").exists()
    status, out, _ = run("report", tmp_path)
    assert 0 == status and str(tmp_path / "report.html") in out


def test_report_needs_a_run_folder(tmp_path, run):
    status, _, err = run("report", tmp_path, "--pdf")
    assert 2 == status and "no report" in err


ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"  # for a person to look at (git-ignored)


@pytest.fixture(scope="module")
def printed_run(demo_run, tmp_path_factory):
    """A copy of the demo run with both reports printed by ``evaluation report --pdf``."""
    from evaluation.cli import main

    require("/usr/bin/chromium")
    folder = Path(shutil.copytree(demo_run, tmp_path_factory.mktemp("printed") / demo_run.name))
    assert 0 == main(["report", str(folder), "--pdf"])
    return folder


def pdf_text(path: Path, *pages: str) -> str:
    return subprocess.run([require("pdftotext"), "-layout", *pages, str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.notebooks
def test_demo_report_prints_to_a_readable_pdf(printed_run, tmp_path, run):
    pdftoppm, pdfinfo = require("pdftoppm"), require("pdfinfo")
    status, out, err = run("report", printed_run)
    assert 0 == status, err
    target = printed_run / "report.pdf"
    assert f"{printed_run / 'report-public.html'}" in out
    assert target.read_bytes().startswith(b"%PDF")
    assert (printed_run / "report-public.pdf").read_bytes().startswith(b"%PDF")
    info = subprocess.run([pdfinfo, str(target)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    assert pages >= 5  # notebook sections, charts and the protocol
    assert re.search(r"^Page size:\s+59[45](\.\d+)? x 841(\.\d+)? pts \(A4\)", info.stdout, re.M)
    subprocess.run([pdftoppm, "-png", "-gray", "-r", "50", "-f", "1", "-l", "1", str(target),
                    str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    width, height, pixels = png_gray_pixels(png.read_bytes())
    assert width > 300 and height > 400  # A4 at 50 dpi is 413 × 585
    ink = sum(1 for v in pixels if v < 200) / len(pixels)
    assert 0.005 < ink < 0.5, f"page 1 looks blank or black: {ink:.3%} dark pixels"
    assert "Evalueringsprotokoll" in pdf_text(target)


@pytest.mark.notebooks
def test_every_total_status_page_number_and_the_footer_are_printed(printed_run):
    """The PDF cut the ranking table (totals read 68,0 for 68,04, no Status column), had no
    page numbers and nothing tying a page to its run (issue 16). pdftotext finds every total
    with two decimals beside its proposal, every status, "Side k av n" on every page, and the
    run and the manifest's sha256 in every page's footer. Pages 1–3 are saved as PNGs in
    tests/artifacts for a person to look at."""
    import json

    from evaluation.common.hashing import sha256_file
    from evaluation.common.labels import format_number

    results = json.loads((printed_run / "results.json").read_text(encoding="utf-8"))
    manifest_sha = sha256_file(printed_run / "manifest.json")
    for name in ("report.pdf", "report-public.pdf"):
        target = printed_run / name
        text = pdf_text(target)
        lines = text.splitlines()
        for p in results["proposals"]:
            if p["excluded"]:
                assert re.search(rf"\b{p['id']}\b.*ikke rangert: Kompetanse", text), p["id"]
                continue
            total = format_number(p["total"], "nb", 2)
            rows = [line for line in lines if re.search(
                rf"^\s*{p['rank']}\s+{p['id']}\s.*\s{re.escape(total)}\b", line)]
            assert rows, (name, p["id"], total)
            if p["partner"]:
                assert any("valgt partner" in row for row in rows), (name, rows)
        pages = len(text.split("\f")) - 1
        assert pages >= 5
        for k in range(1, pages + 1):
            page = pdf_text(target, "-f", str(k), "-l", str(k))
            assert f"Side {k} av {pages}" in page, (name, k)
            assert f"Kjøring {printed_run.name} · manifest.json sha256 {manifest_sha}" in page, \
                (name, k)
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("report-pdf-page-*.png"):
        old.unlink()
    subprocess.run([require("pdftoppm"), "-png", "-r", "70", "-f", "1", "-l", "3",
                    str(printed_run / "report.pdf"), str(ARTIFACTS / "report-pdf-page")],
                   check=True)
    assert 3 == len(list(ARTIFACTS.glob("report-pdf-page-*.png")))
