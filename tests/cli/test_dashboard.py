"""Tests for evaluation.cli.dashboard: ``evaluation dashboard TENDER`` (Voila, no code)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evaluation.cli import dashboard


def parameters_cell(notebook: Path) -> str:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    return "".join(cell["source"])


def test_parameterise_sets_the_defaults_and_keeps_the_rest(tmp_path: Path) -> None:
    target = dashboard.parameterise(dashboard.TEMPLATE, tmp_path / "c.ipynb",
                                        {"tender": "/x/tenders/Bygg ø", "language": "en"})
    source = parameters_cell(target)
    assert "tender: str = '/x/tenders/Bygg ø'  # tender folder" in source
    assert "language: str = 'en'  # language" in source
    assert "interactive: bool = True" in source
    original = json.loads(dashboard.TEMPLATE.read_text(encoding="utf-8"))
    copied = json.loads(target.read_text(encoding="utf-8"))
    assert len(original["cells"]) == len(copied["cells"])
    assert 'tender: str = "../tenders/1000-bygg"' in parameters_cell(dashboard.TEMPLATE)


def test_dashboard_runs_voila_on_a_parameterised_copy(
        demo_tender: Path, run: Callable[..., tuple[int, str, str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    class Voila:
        def __init__(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
            seen["argv"], seen["source"] = argv, parameters_cell(Path(argv[3]))
            seen["copy"] = json.loads(Path(argv[3]).read_text(encoding="utf-8"))
            seen["env"] = env

        def wait(self) -> int:
            return 0

    monkeypatch.setattr(subprocess, "Popen", Voila)
    status, out, _ = run("dashboard", demo_tender, "--port", "8899", "--no-browser")
    assert 0 == status
    token = seen["env"]["JUPYTER_TOKEN"]
    assert len(token) >= 40 and f"http://127.0.0.1:8899/?token={token}" in out
    assert [sys.executable, "-m", "voila"] == seen["argv"][:3]
    assert {"--strip_sources=True", "--port=8899", "--Voila.ip=127.0.0.1", "--no-browser",
            "--Voila.auto_token=True", "--template=evaluation",
            "--MappingKernelManager.cull_idle_timeout=300",
            "--MappingKernelManager.cull_connected=False"} <= set(seen["argv"])
    # the token is not on the command line, which every user of the machine can read
    assert not any(token in a for a in seen["argv"])
    assert str(dashboard.SHARE) in seen["env"]["JUPYTER_PATH"].split(os.pathsep)
    assert (dashboard.SHARE / "voila" / "templates" / "evaluation" / "index.html.j2").is_file()
    assert f"tender: str = {str(demo_tender.resolve())!r}" in seen["source"]
    assert "language: str = 'nb'" in seen["source"]
    # the dashboard opens with the panel, without the developers' text
    sources = ["".join(c["source"]) for c in seen["copy"]["cells"]]
    assert not any("Kjøres av `evaluation run`" in s for s in sources)
    assert "view.publish()" not in sources
    calls = [s for s in sources if s.startswith("view.")]
    assert ["view.summary()", "view.panel(interactive)", "view.ranking()"] == calls[:3]
    # each step's guide in the dashboard's language only (issue 16)
    guides = [c for c in seen["copy"]["cells"] if c["cell_type"] == "markdown"]
    assert len(guides) >= 7
    assert all(["lang-nb"] == c["metadata"]["tags"] for c in guides)
    assert any(s.startswith("**Rangeringen**") for s in sources)
    # this environment's kernels come first, whatever the user installed as 'python3'
    assert seen["env"]["JUPYTER_PATH"].split(os.pathsep)[0] == os.path.join(
        sys.prefix, "share", "jupyter")


def test_dashboard_refuses_a_bad_tender(tmp_path: Path, run: Callable[..., tuple[int, str, str]],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: pytest.fail("voila started"))
    status, _, err = run("dashboard", tmp_path / "missing")
    assert 2 == status
    assert err


def test_each_dashboard_has_its_own_token_and_a_configurable_cull(
        demo_tender: Path, run: Callable[..., tuple[int, str, str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[list[str], str]] = []

    class Voila:
        def __init__(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
            seen.append((argv, env["JUPYTER_TOKEN"]))

        def wait(self) -> int:
            return 0

    monkeypatch.setattr(subprocess, "Popen", Voila)
    assert 0 == run("dashboard", demo_tender, "--no-browser", "--cull-idle", "45")[0]
    assert 0 == run("dashboard", demo_tender, "--no-browser")[0]
    assert seen[0][1] != seen[1][1]
    assert {"--MappingKernelManager.cull_idle_timeout=45",
            "--MappingKernelManager.cull_interval=22"} <= set(seen[0][0])
