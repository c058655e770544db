"""The model test as evidence in a run folder: ``model_test.html``, rendered without a kernel.

The same sections as ``notebooks/model_test.ipynb``
(:class:`evaluation.views.modeltest.ModelTestView`), collected into a notebook object and
exported like the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evaluation.analysis.modeltest import (
    Settings,
    read_settings,
    run_model_test,
)
from evaluation.common.labels import pick as _t
from evaluation.core.model import Model
from evaluation.views.modeltest import Bundle, ModelTestView


def export_model_test(model: Model, target: Path, language: str,
                      settings: Settings | None = None, *, banner_html: str = "") -> Path:
    """Write the model test of ``model`` as an offline HTML report (no kernel) to ``target``."""
    import nbformat

    from evaluation.paperwork.report import export_report

    result = run_model_test(model, settings or read_settings(model))
    cells: list[Any] = []

    def collect(bundle: Bundle) -> None:
        if "text/markdown" in bundle:
            cells.append(nbformat.v4.new_markdown_cell(bundle["text/markdown"]))
            return
        cell = nbformat.v4.new_code_cell("")
        cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
        cells.append(cell)

    view = ModelTestView(result, language, {}, sink=collect)
    view.sections()
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    title = _t(language, "Test av evalueringsmodellen", "Testing the evaluation model")
    return export_report(nb, target, title=f"{title}: {model.id}", language=language,
                         banner_html=banner_html)


def export_run_model_test(run: Path, model: Model, frozen: dict[str, Any] | None,
                          language: str) -> str:
    """Write ``model_test.html`` into a run folder and return its name (for the manifest).

    A frozen model is tested with the seed and settings its lock recorded, so the evidence is
    the test the committee saw when it froze the model; otherwise with the model's settings
    and at most :data:`RUN_COMPETITIONS` competitions, to keep runs quick.
    """
    from evaluation.analysis.modeltest import Settings
    from evaluation.process.freeze import FreezeStatus

    status = FreezeStatus.from_dict(frozen) if frozen else None
    recorded = (status.model_test or {}).get("settings") if status and status.frozen else None
    if recorded:
        settings = Settings.from_dict(recorded)
    else:
        settings = read_settings(model)
        settings = read_settings(model, {"competitions": min(settings.competitions,
                                                             RUN_COMPETITIONS)})
    banner = status.banner_html(language) if status else ""
    export_model_test(model, run / "model_test.html", language, settings, banner_html=banner)
    return "model_test.html"


RUN_COMPETITIONS = 2000
