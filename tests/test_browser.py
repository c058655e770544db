"""A real browser: a member opens the committee notebook, drags the price slider and presses
the arrow keys, as a person would.

In JupyterLab (``committee.ipynb`` run with Run All Cells) and in the code-free Voila dashboard
(``evaluation dashboard``). And a hostile tender, whose free texts carry script: its report,
model test, notices and dashboard open no dialog and draw every chart, the dashboard needs its
token and asks no CDN, and closed dashboard pages leave no kernel behind. Debian's chromium
(``/usr/bin/chromium``) is driven by Playwright for Python; browsers are never downloaded.
Without chromium the tests are skipped, except under ``CI=true`` where they fail (``.ci/run``
installs it). Screenshots after the drag are saved in ``tests/artifacts/`` (git-ignored) for
a person to look at.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import stop

from evaluation.core.scoring import evaluate_tender
from evaluation.data.tender import load_tender

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
BUDGET_S = 120.0  # every wait after the server is started shares this


@dataclass
class Server:
    url: str
    log: Path
    deadline: float

    def left_ms(self) -> float:
        """Return what is left of the budget, in ms (fail when it is spent)."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"browser test over its {BUDGET_S:.0f} s budget; server log: {self.log}")
        return 1000.0 * left


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _require_browser() -> None:
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is missing"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def _serve(argv: list[str], ready: Callable[[], bool], url: str, tmp_path: Path, name: str,
           cwd: Path) -> Iterator[Server]:
    """Start ``argv``, wait until ``ready()``, yield, then stop it (SIGTERM, then kill)."""
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    # No news prompt over the panel in the screenshot.
    settings = tmp_path / "config" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}')
    log = tmp_path / f"{name}.log"
    with log.open("wb") as out:
        server = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    deadline = time.monotonic() + BUDGET_S
    try:
        while not ready():
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{name} did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.25)
        yield Server(url, log, deadline)
    finally:
        stop(server)


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[Server, str]]:
    """JupyterLab on 127.0.0.1 serving a copy of the notebooks, the demo tender and its model,
    laid out as in the repository; yields the server and its token."""
    _require_browser()
    root = tmp_path / "workbook"
    shutil.copytree(ROOT / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "tenders" / "1000-bygg", root / "tenders" / "1000-bygg")
    shutil.copytree(ROOT / "criteria", root / "criteria")
    port, token = _free_port(), secrets.token_hex(16)
    argv = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root / 'notebooks'}", "--ServerApp.port_retries=0",
            "--LabApp.news_url=None", "--ServerApp.disable_check_xsrf=True",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])]
    url = f"http://127.0.0.1:{port}"
    for server in _serve(argv, lambda: _http_ok(f"{url}/api/status?token={token}"), url,
                         tmp_path, "jupyterlab", root / "notebooks"):
        yield server, token


@pytest.fixture
def evaluation_lab(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    """``evaluation lab --notebooks <workbook>/work`` on a copy of the demo tender and its
    model laid out as in the repository; yields the server (its URL with the token it
    printed) and the working folder."""
    _require_browser()
    root = tmp_path / "workbook"
    shutil.copytree(ROOT / "tenders" / "1000-bygg", root / "tenders" / "1000-bygg")
    shutil.copytree(ROOT / "criteria", root / "criteria")
    config = tmp_path / "config"
    config.mkdir()
    settings = {"ServerApp": {"disable_check_xsrf": True, "port_retries": 0},
                "LabApp": {"news_url": None, "extension_manager": "readonly",
                           "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"}}
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        settings["ServerApp"]["allow_root"] = True
    (config / "jupyter_server_config.json").write_text(json.dumps(settings))
    port = _free_port()
    argv = [sys.executable, "-m", "evaluation", "lab", "--notebooks", str(root / "work"),
            "--no-browser", "--port", str(port)]
    log = tmp_path / "evaluation-lab.log"

    def ready() -> bool:
        found = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=(\w+)",
                          log.read_text(errors="replace")) if log.exists() else None
        return bool(found) and _http_ok(f"http://127.0.0.1:{port}/api/status?token="
                                        f"{found.group(1)}")

    for server in _serve(argv, ready, "", tmp_path, "evaluation-lab", root):
        token = re.search(r"token=(\w+)", server.log.read_text(errors="replace")).group(1)
        server.url = f"http://127.0.0.1:{port}/lab/tree/committee.ipynb?token={token}"
        yield server, root / "work"


@contextlib.contextmanager
def serve_dashboard(tmp_path: Path, tender: Path, *options: str) -> Iterator[Server]:
    """Run ``evaluation dashboard`` (Voila) on ``tender`` in English; yield it with the URL it
    printed (its token included), once it answers."""
    port = _free_port()
    argv = [sys.executable, "-m", "evaluation", "dashboard", str(tender), "--port", str(port),
            "--no-browser", "--language", "en", *options]
    for server in _serve(argv, lambda: _listening(port), f"http://127.0.0.1:{port}", tmp_path,
                         "dashboard", tmp_path):
        printed = re.search(rf"http://127\.0\.0\.1:{port}/\?token=[\w-]{{40,}}",
                            server.log.read_text(encoding="utf-8", errors="replace"))
        assert printed, "no URL with a token printed:\n" + server.log.read_text()[-2000:]
        server.url = printed.group(0)
        yield server


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[Server]:
    """``evaluation dashboard`` (Voila) on the demo tender, in English."""
    _require_browser()
    with serve_dashboard(tmp_path, ROOT / "tenders" / "1000-bygg") as server:
        yield server


ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots for a person to look at (git-ignored)
MAIN = ("nytte", "klima", "gjennomforing", "pris")


def published_winner() -> str:
    evaluation = evaluate_tender(load_tender(ROOT / "tenders" / "1000-bygg"))
    assert evaluation.winner is not None
    return evaluation.winner


def rescored_winner(weights: dict[str, float]) -> str | None:
    """Return the winner of the demo scored from scratch with these main weights."""
    evaluation = evaluate_tender(load_tender(ROOT / "tenders" / "1000-bygg"))
    model = evaluation.model
    criteria = tuple(dataclasses.replace(c, weight=weights[c.id]) for c in model.criteria)
    tender = dataclasses.replace(evaluation.tender,
                                 model=dataclasses.replace(model, criteria=criteria))
    return evaluate_tender(tender).winner


SNAPSHOT = """() => {
  const panel = document.querySelector('.evaluation-weight-panel');
  return JSON.stringify({
    sliders: [...panel.querySelectorAll('.noUi-handle')].map(h => h.getAttribute('aria-valuenow')),
    readouts: [...panel.querySelectorAll('.evaluation-readout')].map(r => r.textContent),
    table: [...panel.querySelectorAll('table.evaluation-ranking td')].map(td => td.textContent),
  });
}"""


def settle(page: Any, server: Server, quiet_ms: int = 1500) -> str:
    """Return the panel's state once it has not changed for ``quiet_ms`` (the kernel has
    answered every message already sent)."""
    last, since = page.evaluate(SNAPSHOT), time.monotonic()
    while time.monotonic() - since < quiet_ms / 1000:
        server.left_ms()
        page.wait_for_timeout(100)
        now = page.evaluate(SNAPSHOT)
        if now != last:
            last, since = now, time.monotonic()
    return str(last)


def readouts(page: Any) -> dict[str, Decimal]:
    """Return the main weights the readouts show, as exact decimals."""
    out = {}
    for cid in MAIN:
        text = page.locator(f'.evaluation-readout[data-criterion="{cid}"]').first.text_content()
        out[cid] = Decimal(text.replace("\xa0", "").replace(",", "."))
    return out


def drag_and_press(page: Any, server: Server, price_label: str, passes: str,
                   shot: Path) -> None:
    """Drag the price slider with the mouse (20 moves over 1 s) to about 26 %, press the left
    arrow 10 times quickly, release; then check that the panel holds still for 5 s, that the
    readouts sum to 100.0, that the banner's winner is the tender re-scored with the weights
    shown, and that the crossing line names the price criterion."""
    from playwright.sync_api import expect

    panel = page.locator(".evaluation-weight-panel")
    panel.wait_for(state="attached", timeout=server.left_ms())
    first = panel.locator("table.evaluation-ranking tbody tr").first
    expect(first).to_have_attribute("data-proposal", published_winner(),
                                    timeout=server.left_ms())
    expect(panel.locator(".evaluation-verdict")).to_contain_text("003",
                                                                 timeout=server.left_ms())
    row = panel.locator(".evaluation-weight-row").filter(
        has=page.get_by_text(price_label, exact=True))
    expect(row).to_have_count(1, timeout=server.left_ms())
    row.scroll_into_view_if_needed(timeout=server.left_ms())
    handle, base = row.locator(".noUi-handle"), row.locator(".noUi-base")
    box, track = handle.bounding_box(), base.bounding_box()
    assert box and track
    x0, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    x1 = track["x"] + 0.26 * track["width"]
    page.mouse.move(x0, y)
    page.mouse.down()
    for k in range(1, 21):
        page.mouse.move(x0 + (x1 - x0) * k / 20, y)
        page.wait_for_timeout(50)
    page.mouse.up()
    handle.focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    calm = settle(page, server)
    page.wait_for_timeout(5000)
    assert calm == page.evaluate(SNAPSHOT), "the panel moved by itself after the release"
    weights = readouts(page)
    assert Decimal("100.0") == sum(weights.values()), weights
    assert 24.0 <= weights["pris"] <= 27.0, weights
    signal = panel.locator(".evaluation-signal")
    winner = signal.get_attribute("data-winner")
    assert rescored_winner({c: float(v) for c, v in weights.items()}) == winner
    assert "003" == winner  # Pris above 22.9 %, the others rescaled
    expect(panel.locator(".evaluation-crossing")).to_contain_text(f"{price_label} {passes}")
    ARTIFACTS.mkdir(exist_ok=True)
    panel.screenshot(path=str(shot), timeout=server.left_ms())
    print(f"screenshot: {shot}")


def run_all_cells(page: Any, server: Server) -> None:
    """Choose Run → Run All Cells once the kernel is idle; again if the first cell did not
    start (a click before the kernel's session is connected can be lost)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]',
                           timeout=server.left_ms())
    page.locator(".jp-StatusBar-Item", has_text="Idle").first.wait_for(timeout=server.left_ms())
    prompt = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").first
    for _ in range(3):
        page.locator(".lm-MenuBar-item", has_text="Run").first.click(timeout=server.left_ms())
        page.locator('.lm-Menu-item[data-command="runmenu:run-all"], '
                     '.lm-Menu-item[data-command="notebook:run-all-cells"]').first.click(
            timeout=server.left_ms())
        try:
            page.wait_for_function("el => /\\[[0-9*]+\\]/.test(el.textContent)",
                                   arg=prompt.element_handle(),
                                   timeout=min(10_000, server.left_ms()))
            return
        except PlaywrightTimeout:
            continue
    pytest.fail("Run All Cells did not start the notebook")


def _browse(server: Server, tmp_path: Path, url: str, steps: Any,
            before: Any = None) -> None:
    """Open ``url`` in a fresh Chromium page (``before(page)`` first) and run ``steps(page)``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 2000})
        if before is not None:
            before(page)
        try:
            page.goto(url, timeout=server.left_ms())
            steps(page)
        except Exception:
            page.screenshot(path=str(tmp_path / "failure.png"))
            print(f"failure screenshot: {tmp_path / 'failure.png'}; server log: {server.log}")
            raise
        finally:
            browser.close()


def test_jupyterlab_drag_and_keys_leave_a_calm_truthful_panel(
        lab: tuple[Server, str], tmp_path: Path) -> None:
    server, token = lab
    shot = ARTIFACTS / "jupyterlab-after-drag.png"

    def steps(page: Any) -> None:
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=server.left_ms())
        run_all_cells(page, server)
        drag_and_press(page, server, "Pris", "passerer 22,9", shot)

    _browse(server, tmp_path, f"{server.url}/lab/tree/committee.ipynb?token={token}", steps)
    assert shot.stat().st_size > 10_000


def test_dashboard_opens_with_the_panel_and_holds_still(dashboard: Server,
                                                        tmp_path: Path) -> None:
    shot = ARTIFACTS / "dashboard-after-drag.png"

    def steps(page: Any) -> None:
        from playwright.sync_api import expect

        panel = page.locator(".evaluation-weight-panel")
        panel.wait_for(state="attached", timeout=dashboard.left_ms())
        page.screenshot(path=str(ARTIFACTS / "dashboard-opened.png"))
        top = panel.bounding_box()
        assert top and top["y"] < 700, top  # the panel opens the page, under a short summary
        verdict = panel.locator(".evaluation-verdict").bounding_box()
        assert verdict and verdict["y"] < 2000, verdict  # in the first screen
        expect(panel).to_contain_text("The published weights are binding.")
        drag_and_press(page, dashboard, "Price", "passes 22.9", shot)
        assert 0 == page.locator(".jp-InputArea-editor:visible").count()
        assert 0 == page.get_by_text("CommitteeView.open").count()
        assert 0 == page.get_by_text("result payload").count()
        assert 0 == page.get_by_text("Run by `evaluation run`").count()
        assert 0 == page.get_by_text("Kjøres av").count()
        page.screenshot(path=str(ARTIFACTS / "dashboard-page.png"), full_page=True)
        recovers_from_model_not_found(page, dashboard)

    _browse(dashboard, tmp_path, dashboard.url, steps)
    assert shot.stat().st_size > 10_000


def recovers_from_model_not_found(page: Any, server: Server) -> None:
    """The widget library now and then shows "Error displaying widget: model not found" for
    the panel although its kernel holds the model (a race in the browser's widget manager,
    about one page load in 25). The page then reloads, at most twice, and shows the panel; a
    third time it says in both languages what to do. The fault is injected here."""
    from playwright.sync_api import expect

    key = "evaluation-dashboard-reloads"
    inject = """() => { const d = document.createElement('div');
        d.textContent = 'Error displaying widget: model not found';
        d.className = 'jupyter-widgets';
        document.getElementById('rendered_cells').appendChild(d); }"""
    server.deadline += 60.0  # one more page load
    with page.expect_navigation(timeout=server.left_ms()):
        page.evaluate(inject)
    page.locator(".evaluation-weight-panel").wait_for(state="attached", timeout=server.left_ms())
    page.wait_for_function(f"() => sessionStorage.getItem('{key}') === null",
                           timeout=server.left_ms())  # cleared once the panel is shown
    page.evaluate(f"() => sessionStorage.setItem('{key}', '2')")
    page.evaluate(inject)  # a third fault in a row: no reload, words instead
    expect(page.get_by_text("The weight panel could not be shown. Reload the page.")).to_be_visible(
        timeout=server.left_ms())
    expect(page.get_by_text("Vektpanelet kunne ikke vises.")).to_be_visible()
    assert 1 == page.locator(".evaluation-weight-panel").count()  # the same page, not reloaded


# --- script from input files never runs (issue 11) ---------------------------------------------

# What a payload could leave in the page if it became markup instead of text.
LIVE_MARKUP = ("svg[onload]", "img[onerror]", "iframe", "script:not([src]):not([type])",
               'a[href^="javascript:" i]', '[href^="javascript:" i]')


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run (and its notices in both languages) of the demo with a script payload in every
    free text: titles, supplier names, justifications, notice texts, declarations."""
    import datetime as dt

    from builders import hostile_demo

    from evaluation.launch.run import start_run
    from evaluation.paperwork.notice import write_notices

    _require_browser()
    root = tmp_path_factory.mktemp("hostile")
    result = start_run(hostile_demo(root), out=root / "runs", jobs=2, progress=False)
    assert result.ok, [o for o in result.outcomes if not o.ok]
    for language in ("nb", "en"):
        write_notices(result.folder, language=language, date=dt.date(2026, 12, 15))
    return result.folder


def check_page_is_inert(page: Any, charts: int, timeout_ms: float) -> None:
    """Fail on any dialog (recorded by the caller), any live markup from a payload, any chart
    not drawn, or any payload not shown as text."""
    from builders import PAYLOADS

    page.wait_for_load_state("load", timeout=timeout_ms)
    divs = page.locator(".plotly-graph-div")
    assert charts == divs.count(), f"{divs.count()} charts, expected {charts}"
    for k in range(charts):  # drawn: plotly put its SVG in the div
        divs.nth(k).locator(".main-svg").first.wait_for(state="attached", timeout=timeout_ms)
    for selector in LIVE_MARKUP:
        assert 0 == page.locator(selector).count(), selector
    text = page.inner_text("body")
    assert any(p.strip() in text for p in PAYLOADS[:3]), "no payload is shown as text"


def test_script_in_input_files_never_runs_in_the_reports_model_test_or_a_notice(
        hostile_run: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    pages = {hostile_run / "report.html": 5, hostile_run / "report-public.html": 5,
             hostile_run / "model_test.html": 3,
             **{p: 0 for p in sorted((hostile_run / "notices").rglob("*.html"))}}
    # both reports, the model test, 2 × 6 letters and the caseworker's 2 checklists
    assert 17 == len(pages)
    dialogs: list[str] = []
    outside: list[str] = []
    deadline = time.monotonic() + BUDGET_S
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=CHROMIUM_ARGS)
        try:
            for path, charts in pages.items():
                page = browser.new_page()
                page.on("dialog", lambda d, name=path.name: (dialogs.append(
                    f"{name}: {d.message}"), d.dismiss()))
                page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(
                    ("file:", "data:", "blob:", "about:")) else None)
                page.goto(path.as_uri(), timeout=1000 * (deadline - time.monotonic()))
                page.wait_for_timeout(500)  # an <img onerror> fires once its load has failed
                assert [] == dialogs
                check_page_is_inert(page, charts, min(15_000, 1000 * (deadline -
                                                                      time.monotonic())))
                page.close()
        finally:
            browser.close()
    assert [] == dialogs
    assert [] == outside  # offline: not one request leaves the machine


def _requests_off(page: Any, port: int, seen: list[str]) -> None:
    """Record every request of ``page`` that goes anywhere but this server."""
    local = (f"http://127.0.0.1:{port}/", f"ws://127.0.0.1:{port}/", "data:", "blob:",
             "about:")
    page.on("request", lambda r: None if r.url.startswith(local) else seen.append(r.url))


def test_the_dashboard_needs_its_token_runs_no_script_from_input_and_asks_no_cdn(
        tmp_path: Path) -> None:
    """Voila behind the printed token; a tender whose free texts carry script; every request
    recorded (voila's page linked Font Awesome on a CDN)."""
    from builders import hostile_demo
    from playwright.sync_api import expect

    _require_browser()
    tender = hostile_demo(tmp_path / "hostile")
    with serve_dashboard(tmp_path, tender) as server:
        port = int(server.url.split(":")[2].split("/")[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as anonymous:
            assert "/login" in anonymous.url  # no token: the login page, not the evaluation
            assert "Competition" not in anonymous.read().decode("utf-8", "replace")
        dialogs: list[str] = []
        outside: list[str] = []
        CHARTS = 6  # the five sections' charts and the weight panel's (one SMAA per page)

        def steps(page: Any, server: Server = server) -> None:
            panel = page.locator(".evaluation-weight-panel")
            panel.wait_for(state="attached", timeout=server.left_ms())
            charts = page.locator(".js-plotly-plot")
            expect(charts).to_have_count(CHARTS, timeout=server.left_ms())
            for k in range(CHARTS):
                charts.nth(k).locator(".main-svg").first.wait_for(state="attached",
                                                                  timeout=server.left_ms())
            page.wait_for_timeout(1000)  # an <img onerror> fires once its load has failed
            assert [] == dialogs
            for selector in LIVE_MARKUP[:3] + LIVE_MARKUP[4:]:
                assert 0 == page.locator(selector).count(), selector
            assert "<img src=x onerror=alert(2)>" in page.inner_text("body")

        def watch(page: Any) -> None:
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            _requests_off(page, port, outside)

        _browse(server, tmp_path, server.url, steps, before=watch)
        assert [] == dialogs
        assert [] == outside, outside


def test_kernels_of_closed_dashboard_pages_do_not_pile_up(tmp_path: Path) -> None:
    """Ten page loads, each page closed once drawn: with --cull-idle every kernel is shut
    down (each used to stay, ~130 MB apiece). At every page load, the kernels still running are
    at most the pages closed too recently to have been culled (idle time, one culling interval
    and a margin) plus the open one; at the end none is left. The idle time is 20 s: a kernel
    is idle and unconnected between running the notebook and the browser's connecting, which
    takes a few seconds on a loaded two-core machine. (CI's failures of this test were the
    widget library's "model not found", which the page now recovers from by reloading; see
    recovers_from_model_not_found.)"""
    from playwright.sync_api import sync_playwright

    from evaluation.cli.dashboard import voila_command

    _require_browser()
    idle = 20
    command = " ".join(voila_command(Path("x.ipynb"), 0, idle))
    interval = int(re.search(r"cull_interval=(\d+)", command).group(1))  # type: ignore[union-attr]
    culled_within = idle + interval + 10.0  # seconds after a page closes its kernel is gone
    with serve_dashboard(tmp_path, ROOT / "tenders" / "1000-bygg", "--cull-idle",
                         str(idle)) as server:
        server.deadline = time.monotonic() + 3 * BUDGET_S  # ten page loads, then the culling
        found = re.search(r"Storing connection files in (\S+?)\.?$",
                          server.log.read_text(encoding="utf-8"), re.MULTILINE)
        assert found, server.log.read_text()[-2000:]
        kernels = Path(found.group(1))

        def running() -> int:
            return len(list(kernels.glob("kernel-*.json")))

        closed: list[float] = []  # when each page was closed
        loads: list[float] = []  # seconds from each page's request to its panel
        seen: list[tuple[int, int, int]] = []  # (page, kernels running, allowed)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                        args=CHROMIUM_ARGS)
            try:
                for k in range(10):
                    page = browser.new_page()
                    console: list[str] = []
                    page.on("console", lambda m, c=console: c.append(f"{m.type}: {m.text}"))
                    loaded: list[float] = []  # when the page (and each reload of it) loaded
                    page.on("load", lambda _, t=loaded: t.append(time.monotonic()))
                    opened = time.monotonic()
                    page.goto(server.url, timeout=server.left_ms())
                    try:
                        page.locator(".evaluation-weight-panel").wait_for(
                            state="attached", timeout=min(120_000, server.left_ms()))
                    except Exception:
                        page.screenshot(path=str(tmp_path / f"page-{k}.png"))
                        print(f"page {k}: console:", *console[-30:], sep="\n")
                        print("page loads (s):", loads, "server log:",
                              server.log.read_text(encoding="utf-8")[-6000:], sep="\n")
                        raise
                    now = time.monotonic()
                    loads.append(round(now - opened, 1))
                    # a reload (the page recovering from "model not found") leaves the kernel
                    # of the load before it to the culler, as a closed page would
                    closed.extend(loaded[1:])
                    recent = sum(1 for t in closed if now - t < culled_within)
                    seen.append((k, running(), recent + 1))
                    page.close()
                    closed.append(time.monotonic())
            finally:
                browser.close()
        while running() and server.left_ms() > 1000:
            time.sleep(0.5)
        print("page loads (s):", loads)
        assert 0 == running()
        assert all(n <= allowed for _, n, allowed in seen), seen
        assert all(n >= 1 for _, n, _ in seen), seen  # the open page's kernel was counted


# --- JupyterLab cannot break an audit (issue 16) ------------------------------------------------


def _executed(path: Path) -> int:
    """Return how many code cells of the notebook at ``path`` hold outputs (as saved)."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return 0
    return sum(1 for c in cells if c.get("cell_type") == "code" and c.get("outputs"))


@pytest.mark.notebooks
def test_lab_runs_and_saves_a_working_copy_and_an_earlier_run_still_audits(
        evaluation_lab: tuple[Server, Path], demo_run: Path, demo_workspace: Path,
        tmp_path: Path) -> None:
    """As the README says: ``make lab``, open committee.ipynb, Run All, save. JupyterLab
    saved the executed notebook over notebooks/committee.ipynb, the template runs copy and
    hash, and every earlier run then failed its audit. Now lab opens work/ (made from the
    templates, never overwritten): the templates keep their bytes and the earlier run audits."""
    from evaluation.cli import main
    from evaluation.cli.lab import working_copies
    from evaluation.runs.folder import NOTEBOOKS

    server, work = evaluation_lab
    templates = {p: p.read_bytes() for p in [*NOTEBOOKS.glob("*.ipynb"),
                                             *(demo_workspace / "notebooks").glob("*.ipynb")]}
    assert {"committee.ipynb", "proposal.ipynb", "model_test.ipynb"} <= \
        {p.name for p in work.glob("*.ipynb")}

    def steps(page: Any) -> None:
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=server.left_ms())
        run_all_cells(page, server)
        page.locator(".evaluation-weight-panel").wait_for(state="attached",
                                                          timeout=server.left_ms())
        page.wait_for_function("() => ![...document.querySelectorAll('.jp-InputPrompt')]"
                               ".some(p => p.textContent.includes('*'))",
                               timeout=server.left_ms())
        page.locator(".jp-Notebook").first.click()
        page.keyboard.press("Control+s")
        while _executed(work / "committee.ipynb") < 5:
            server.left_ms()
            page.wait_for_timeout(250)

    _browse(server, tmp_path, server.url, steps)
    assert _executed(work / "committee.ipynb") >= 5  # saved, executed, in the working copy
    assert [] == [p for p, data in templates.items() if p.read_bytes() != data]
    assert [] == working_copies(work)  # a second start keeps the analyst's notebook
    assert _executed(work / "committee.ipynb") >= 5
    assert 0 == main(["audit", str(demo_run), "--quiet"])
