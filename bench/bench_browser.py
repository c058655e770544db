"""Weight panel in a real browser (issue 15): the Voila dashboard on the demo, driven by Debian's
chromium through Playwright. Measures the time from page load to a usable panel, and for key
presses on the price slider the latency to the ranking table and to the chart, and how many
times the table is redrawn per key press (goal: one redraw, table <= 150 ms, chart <= 300 ms).
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
PRESSES = 12
TABLE_MS, CHART_MS = 150.0, 300.0

OBSERVE = """() => {
  const panel = document.querySelector('.evaluation-weight-panel');
  window.__bench = {keys: [], table: [], chart: []};
  document.addEventListener('keydown', () => window.__bench.keys.push(performance.now()), true);
  const has = (n, sel) => n.nodeType === 1 && (n.matches(sel) || n.querySelector(sel));
  new MutationObserver(records => {
    const now = performance.now();
    for (const r of records) {
      const added = [...r.addedNodes];
      if (added.some(n => has(n, 'table.evaluation-ranking'))) window.__bench.table.push(now);
      if (added.some(n => has(n, '.main-svg'))) window.__bench.chart.push(now);
    }
  }).observe(panel, {childList: true, subtree: true});
}"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench() -> list[str]:
    """Return the printed lines: load time, key-press latencies and redraws per press."""
    if not CHROMIUM.exists():
        return [f"  skipped: {CHROMIUM} is missing"]
    from playwright.sync_api import sync_playwright

    port = _port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "JUPYTER_CONFIG_DIR": str(Path(tmp) / "config"),
               "JUPYTER_RUNTIME_DIR": str(Path(tmp) / "runtime")}
        log = Path(tmp) / "dashboard.log"
        with log.open("wb") as out:
            server = subprocess.Popen([sys.executable, "-m", "evaluation", "dashboard",
                                       str(ROOT / "tenders" / "1000-bygg"), "--port", str(port),
                                       "--no-browser"], env=env, stdout=out,
                                      stderr=subprocess.STDOUT, cwd=tmp)
        try:
            deadline = time.monotonic() + 60
            url = None  # printed with its token (the dashboard refuses a request without it)
            while time.monotonic() < deadline:
                found_url = re.search(rf"http://127\.0\.0\.1:{port}/\?token=[\w-]+",
                                      log.read_text(encoding="utf-8", errors="replace"))
                if found_url:
                    try:
                        socket.create_connection(("127.0.0.1", port), timeout=1).close()
                        url = found_url.group(0)
                        break
                    except OSError:
                        pass
                time.sleep(0.2)
            if url is None:
                return ["  failed: the dashboard printed no URL with a token within 60 s"]
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                            args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1400, "height": 1400})
                start = time.perf_counter()
                page.goto(url, timeout=120_000)
                row = page.locator(".evaluation-weight-row").filter(
                    has=page.get_by_text("Pris", exact=True))
                handle = row.locator(".noUi-handle")
                handle.wait_for(state="visible", timeout=120_000)
                page.locator(".evaluation-weight-panel .main-svg").first.wait_for(
                    timeout=120_000)
                usable = time.perf_counter() - start
                page.evaluate(OBSERVE)
                handle.focus()
                for _ in range(PRESSES):
                    page.keyboard.press("ArrowRight")
                    page.wait_for_timeout(1000)
                found = page.evaluate("() => window.__bench")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    keys = found["keys"]
    table_ms, chart_ms, redraws = [], [], []
    for k, t in enumerate(keys):
        end = keys[k + 1] if k + 1 < len(keys) else float("inf")
        tables = [x for x in found["table"] if t <= x < end]
        charts = [x for x in found["chart"] if t <= x < end]
        redraws.append(len(tables))
        if tables:
            table_ms.append(tables[0] - t)
        if charts:
            chart_ms.append(charts[0] - t)

    def verdict(value: float, goal: float) -> str:
        return "OK" if value <= goal else "SLOW"

    table, chart = statistics.median(table_ms or [float("nan")]), \
        statistics.median(chart_ms or [float("nan")])
    return [f"weight panel in chromium (Voila dashboard, demo, {PRESSES} arrow-key presses "
            "1 s apart)",
            f"  page load to usable panel       {usable:6.2f} s",
            f"  key press -> ranking table      median {table:6.1f} ms   target <= "
            f"{TABLE_MS:.0f} ms   {verdict(table, TABLE_MS)}",
            f"  key press -> chart drawn        median {chart:6.1f} ms   target <= "
            f"{CHART_MS:.0f} ms   {verdict(chart, CHART_MS)}",
            f"  table redraws per key press     median {statistics.median(redraws):4.1f}   "
            f"max {max(redraws)}   target 1   "
            f"{'OK' if max(redraws) <= 1 else 'TOO MANY'}"]


if __name__ == "__main__":
    print("\n".join(bench()))
