"""What a complete run writes besides the executed notebooks: results.json, results.xlsx and
the report in two variants: ``report.html`` (internal, exempt from public access: it quotes
the justifications) and ``report-public.html`` (the committee's approved texts instead).

Called by the launcher once every notebook succeeded; returns the files written (relative to
the run folder) so the manifest hashes them. Features that add run outputs (results.xlsx, the
model-test evidence, the protocol) hook in here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evaluation.common.payload import dumps


def write_outputs(run: Path, tender_copy: Path, payload: dict[str, Any], language: str,
                  manifest: dict[str, Any]) -> list[str]:
    """Write the run's derived outputs into ``run`` and return their relative paths."""
    from evaluation.data.tender import load_tender
    from evaluation.paperwork.cover import CONTENTS_MARKER, cover_html
    from evaluation.paperwork.protocol import protocol_html
    from evaluation.paperwork.report import export_report
    from evaluation.paperwork.sections import Context
    from evaluation.paperwork.workbook import write_results_workbook
    from evaluation.process.freeze import model_banner

    (run / "results.json").write_text(dumps(payload["results"]), encoding="utf-8")
    tender = load_tender(tender_copy)
    results = payload["results"]
    frozen = manifest.get("model", {}).get("frozen")
    write_results_workbook(run / "results.xlsx", results, tender, language)
    for name, public in (("report.html", False), ("report-public.html", True)):
        ctx = Context(run, tender, results, manifest, language, public)
        export_report(run / "committee.ipynb", run / name,
                      title=tender.title.get(language), language=language, public=public,
                      appendix_html=protocol_html(run, tender, results, manifest, language,
                                                  public=public),
                      banner_html=cover_html(ctx, model_banner(frozen, language)),
                      contents_marker=CONTENTS_MARKER)
    return ["results.json", "results.xlsx", "report.html", "report-public.html"]


def write_evidence(run: Path, model: Any, frozen: dict[str, Any] | None,
                   language: str) -> list[str]:
    """Write the outputs that do not depend on the notebooks (the model-test evidence).

    The launcher runs this beside the notebook pool, so it adds no time to a run; it also
    imports what :func:`write_outputs` needs, which then starts at once when the pool ends.
    """
    from evaluation.launch.evidence import export_run_model_test

    written = [export_run_model_test(run, model, frozen, language)]
    from evaluation.paperwork import cover, protocol, workbook  # noqa: F401  (imported ahead)
    from evaluation.process import freeze  # noqa: F401

    return written


def write_selection_outputs(run: Path, tender_copy: Path, payload: dict[str, Any],
                            language: str, manifest: dict[str, Any]) -> list[str]:
    """Write a selection run's ``results.json`` (the ``select`` object) and ``report.html``
    (the executed selection notebook without code, and the selection's protocol)."""
    from evaluation.core.prequalification import evaluate_selection
    from evaluation.core.scoring import evaluate_tender
    from evaluation.data.prequalification import load_prequalification
    from evaluation.paperwork.report import export_report
    from evaluation.paperwork.selection import selection_protocol_html

    (run / "results.json").write_text(dumps(payload["results"]), encoding="utf-8")
    pq = load_prequalification(tender_copy)
    result = evaluate_selection(pq, evaluate_tender(pq.competition))
    export_report(run / "selection.ipynb", run / "report.html",
                  title=pq.competition.model.title.get(language), language=language,
                  appendix_html=selection_protocol_html(run, result, manifest, language))
    return ["results.json", "report.html"]


def _plan_banner(manifest: dict[str, Any], language: str) -> str:
    """Return the report's top line: whether the plan is the frozen contract."""
    from evaluation.common.markup import escape_html
    from evaluation.process.contract import plan_text
    from evaluation.process.freeze import FreezeStatus

    frozen = manifest.get("model", {}).get("frozen")
    if not frozen:
        return ""
    label = "Kontrakt" if language == "nb" else "Contract"
    return (f'<p class="evaluation-banner" id="plan-frozen">{label}: '
            f"{escape_html(plan_text(FreezeStatus.from_dict(frozen), language))}</p>")


def write_gate_outputs(run: Path, tender_copy: Path, payload: dict[str, Any], language: str,
                       manifest: dict[str, Any]) -> list[str]:
    """Write a gate run's ``results.json`` (the gate of every partner) and ``report.html``
    (the summary notebook without code, and the partnership's record through the phase)."""
    from evaluation.data.partnership import load_partnership
    from evaluation.paperwork.partnership import gate_protocol_html
    from evaluation.paperwork.report import export_report

    (run / "results.json").write_text(dumps(payload["results"]), encoding="utf-8")
    phase = str(payload["parameters"]["phase"])
    partnership = load_partnership(tender_copy, through=phase)
    export_report(run / "summary.ipynb", run / "report.html",
                  title=partnership.award.title.get(language), language=language,
                  appendix_html=gate_protocol_html(partnership, phase, manifest, language),
                  banner_html=_plan_banner(manifest, language))
    return ["results.json", "report.html"]


def write_purchase_outputs(run: Path, tender_copy: Path, payload: dict[str, Any],
                           language: str, manifest: dict[str, Any]) -> list[str]:
    """Write the purchase run's ``results.json`` (the purchase check) and ``report.html`` (the
    notebook without code, the partnership's record and the purchase's protocol)."""
    from evaluation.data.partnership import load_partnership
    from evaluation.paperwork.purchase import purchase_protocol_html
    from evaluation.paperwork.report import export_report

    (run / "results.json").write_text(dumps(payload["results"]), encoding="utf-8")
    partnership = load_partnership(tender_copy, purchase=True)
    export_report(run / "purchase.ipynb", run / "report.html",
                  title=partnership.award.title.get(language), language=language,
                  appendix_html=purchase_protocol_html(partnership, manifest, language),
                  banner_html=_plan_banner(manifest, language))
    return ["results.json", "report.html"]
