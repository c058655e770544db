"""A real browser on a gate's report: the targets × arenas heat table draws, holds the values
in its cells, and shows value, threshold and verdict when a person holds the mouse over a cell.

Debian's chromium through Playwright, offline (``file:`` only). Screenshots go to
``tests/artifacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]


def _need_browser() -> None:
    import importlib.util

    missing = [what for what, ok in ((f"{CHROMIUM} (apt-get install chromium)",
                                      CHROMIUM.exists()),
                                     ("the playwright package",
                                      importlib.util.find_spec("playwright") is not None))
               if not ok]
    if missing:
        (pytest.fail if os.environ.get("CI") == "true" else pytest.skip)(
            f"missing: {', '.join(missing)}")


@pytest.fixture(scope="module")
def gate_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of a gate run after phase 2 of a copy of the demo."""
    _need_browser()
    from evaluation.launch.run import start_run

    root = tmp_path_factory.mktemp("gate-browser")
    shutil.copytree(ROOT / "tenders" / "1000-bygg", root / "tenders" / "1000-bygg")
    shutil.copytree(ROOT / "criteria", root / "criteria")
    result = start_run(root / "tenders" / "1000-bygg", out=root / "runs", jobs=2,
                       progress=False, stage="gate-2")
    assert result.ok, [o for o in result.outcomes if not o.ok]
    return result.folder / "report.html"


@contextlib.contextmanager
def opened(report: Path, charts: int) -> Iterator[Any]:
    """Yield a chromium page showing ``report`` once its ``charts`` charts are drawn; fail
    when it asked anything of the network or opened a dialog."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(
                ("file:", "data:", "blob:", "about:")) else None)
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(report.as_uri(), timeout=60_000)
            drawn = page.locator(".plotly-graph-div")
            drawn.nth(charts - 1).locator(".main-svg").first.wait_for(state="attached",
                                                                        timeout=30_000)
            assert charts == drawn.count()
            yield page
        finally:
            browser.close()
    assert [] == outside  # offline
    assert [] == dialogs


def _cell_centre(box: dict[str, float], rows: int, columns: int, row: int, column: int
                 ) -> tuple[float, float]:
    return (box["x"] + (column + 0.5) * box["width"] / columns,
            box["y"] + (row + 0.5) * box["height"] / rows)


def test_the_heat_table_shows_every_cell_and_its_threshold_on_hover(gate_report: Path) -> None:
    with opened(gate_report, 3) as page:  # two partners' heat tables and the payments
        charts = page.locator(".plotly-graph-div")
        heat = charts.nth(1)  # 003's, the partner that misses a target
        heat.scroll_into_view_if_needed()
        text = heat.inner_text().replace("\u00a0", " ")
        assert "Delmål × arenaer: 003 etter fase 2" in text
        for cell in ("48 %", "52 %", "59 %", "4,05 av 5"):
            assert cell in text, cell
        for arena in ("Bergen", "Oslo", "Askøy", "Lørenskog", "Samlet etter regelen"):
            assert arena in text, arena
        heat.screenshot(path=str(ARTIFACTS / "gate-heat-table.png"))
        box: Any = heat.locator(".nsewdrag").first.bounding_box()
        assert box is not None
        # row 3 (planned maintenance), column 3 (Askøy): 48 % against ≥ 55 %
        page.mouse.move(*_cell_centre(box, 4, 5, 2, 2))
        hover = heat.locator(".hoverlayer")
        hover.locator("text").first.wait_for(timeout=10_000)
        shown = (hover.text_content() or "").replace("\u00a0", " ")
        assert "Planlagt vedlikehold · Askøy" in shown, shown
        assert "Målt: 48 %" in shown and "Terskel: ≥ 55 % (minst 3 arenaer)" in shown, shown
        assert "ikke nådd" in shown, shown
        heat.screenshot(path=str(ARTIFACTS / "gate-heat-table-hover.png"))
        # the rule's column: the 3rd best value, 52 %, short of 55 %
        page.mouse.move(*_cell_centre(box, 4, 5, 2, 4))
        page.wait_for_timeout(300)
        shown = (heat.locator(".hoverlayer").text_content() or "").replace("\u00a0", " ")
        assert "minst 3 arenaer: 52 %" in shown, shown
        page.screenshot(path=str(ARTIFACTS / "gate-report.png"), full_page=True)


def test_the_purchase_report_draws_its_charts_offline(tmp_path: Path) -> None:
    """The purchase run's report: the performance levels, the volume against the announced
    value and the followers' yearly cost draw, offline, with the uncovered follower named."""
    _need_browser()
    from evaluation.launch.run import start_run

    shutil.copytree(ROOT / "tenders" / "1000-bygg", tmp_path / "tenders" / "1000-bygg")
    shutil.copytree(ROOT / "criteria", tmp_path / "criteria")
    result = start_run(tmp_path / "tenders" / "1000-bygg", out=tmp_path / "runs", jobs=1,
                       progress=False, stage="purchase")
    assert result.ok
    with opened(result.folder / "report.html", 3) as page:
        charts = page.locator(".plotly-graph-div")
        volume = charts.nth(1).inner_text().replace("\u00a0", " ")
        assert "Kunngjort verdi: 60 000 000 kr" in volume
        cost = charts.nth(2)
        cost.scroll_into_view_if_needed()
        text = cost.inner_text()
        assert "Lauvåsen kommune (fiktiv)" in text and "ikke dekket av kunngjøringen" in text
        charts.nth(1).screenshot(path=str(ARTIFACTS / "purchase-volume.png"))
        cost.screenshot(path=str(ARTIFACTS / "purchase-followers.png"))
