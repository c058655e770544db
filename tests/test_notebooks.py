"""The notebook templates: committed clean, one parameters cell, executed on the demo."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from evaluation.runs.execute import read_payload, recorded_parameters

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == []
            assert cell.execution_count is None


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_has_one_typed_commented_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for line in tagged[0].source.splitlines():
        name, _, rest = line.partition(":")
        assert name.isidentifier() and "=" in rest and "#" in rest, line
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_code_cells_hold_one_call_each(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"
            and "parameters" not in c.metadata.get("tags", [])]
    for cell in code:
        assert len(cell.source.strip().splitlines()) == 1, cell.source


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_every_step_is_explained_in_both_languages_before_its_code(path):
    """The notebooks were bare calls (issue 16): each code cell after the parameters has a
    short guide before it, in bokmål then English, tagged for the documents that keep only
    their language; the guide of a lab-only step is lab-only too (the report and the
    dashboard leave both out)."""
    nb = nbformat.read(path, as_version=4)
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        before = nb.cells[k - 2:k]
        lab = ["lab-only"] if "lab-only" in cell.metadata.get("tags", []) else []
        assert [c.cell_type for c in before] == ["markdown", "markdown"], cell.source
        if lab:
            assert all("lab-only" in c.metadata["tags"] for c in before), cell.source
        assert ["lang-nb", "lang-en"] == [
            next(t for t in c.metadata["tags"] if t.startswith("lang-")) for c in before]
        assert all(20 < len(c.source) < 400 and c.source.startswith("**") for c in before)


@pytest.mark.notebooks
def test_committee_payload_on_the_demo(demo_run):
    payload = read_payload(demo_run / "committee.ipynb")
    assert payload["schema_version"] == 1
    assert payload["notebook"] == "committee"
    assert payload["parameters"]["interactive"] is False
    results = payload["results"]
    assert results["winner"] == "001"
    assert results["partners"] == ["001", "003"]
    assert [p["id"] for p in results["proposals"]] == ["001", "003", "004", "002", "005", "006"]
    stored = json.loads((demo_run / "results.json").read_text(encoding="utf-8"))
    assert stored == results


@pytest.mark.notebooks
@pytest.mark.parametrize("pid", ["001", "002", "003", "004", "005", "006"])
def test_proposal_payloads_on_the_demo(demo_run, pid):
    path = demo_run / "proposals" / f"{pid}.ipynb"
    payload = read_payload(path)
    assert payload["notebook"] == "proposal"
    assert payload["parameters"]["proposal_id"] == pid
    assert recorded_parameters(path)["proposal_id"] == pid
    result = payload["results"]
    assert result["id"] == pid
    assert result["winner"] == "001"
    if pid == "006":
        assert result["excluded"] is True and result["needs"] == []
    elif pid == "001":
        assert result["gap"] < 0  # leads the field
    else:
        assert result["gap"] > 0
        price_needs = [n for n in result["needs"] if n["kind"] == "price"]
        assert price_needs and all(n["needed"] is None or n["needed"] < n["current"]
                                   for n in price_needs)


@pytest.mark.notebooks
def test_executed_notebooks_show_no_errors_and_no_code_is_needed_to_read_them(demo_run):
    for path in [demo_run / "committee.ipynb", *sorted((demo_run / "proposals").glob("*"))]:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                assert output.get("output_type") != "error", (path.name, output)
                assert output.get("name") != "stderr", (path.name, output.get("text"))


@pytest.mark.notebooks
def test_notebook_sizes(demo_run):
    assert (demo_run / "committee.ipynb").stat().st_size <= 1_000_000
    for path in (demo_run / "proposals").glob("*.ipynb"):
        assert path.stat().st_size <= 200_000
    assert (demo_run / "report.html").stat().st_size <= 8_000_000
