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


@pytest.mark.notebooks
def test_demo_report_prints_to_a_readable_pdf(demo_run, tmp_path, run):
    require("/usr/bin/chromium")
    pdftoppm, pdfinfo = require("pdftoppm"), require("pdfinfo")
    folder = Path(shutil.copytree(demo_run, tmp_path / demo_run.name))
    status, out, err = run("report", folder, "--pdf")
    assert 0 == status, err
    target = folder / "report.pdf"
    assert f"pdf: {target}" in out
    assert target.read_bytes().startswith(b"%PDF")
    info = subprocess.run([pdfinfo, str(target)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    assert pages >= 5  # notebook sections, charts and the protocol
    subprocess.run([pdftoppm, "-png", "-gray", "-r", "50", "-f", "1", "-l", "1", str(target),
                    str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    width, height, pixels = png_gray_pixels(png.read_bytes())
    assert width > 300 and height > 400  # A4 at 50 dpi is 413 × 585
    ink = sum(1 for v in pixels if v < 200) / len(pixels)
    assert 0.005 < ink < 0.5, f"page 1 looks blank or black: {ink:.3%} dark pixels"
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True)
    if text.returncode == 0:
        assert "Evalueringsprotokoll" in text.stdout
