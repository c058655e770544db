"""The evaluation workbook: score, rank and audit supplier proposals against award criteria.

The public face a notebook author uses (the notebook templates import only from here, so
later moves inside the package never touch them)::

    from evaluation import load_tender, evaluate_tender, score_object
    tender = load_tender("tenders/1000-bygg")
    result = score_object(evaluate_tender(tender))

Names are imported on first use, so ``import evaluation`` stays cheap in every kernel.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from evaluation.common.version import __version__

# jsonschema (imported by nbformat, papermill and nbconvert) loads ``rfc3987_syntax`` when it
# is installed, only to check "iri" formats; that package compiles a Lark grammar on import,
# about 1.5 s per process. Notebook validation never checks IRIs, so the launcher and the
# audit skip it: jsonschema then treats those formats as unchecked.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

_EXPORTS = {
    "load_model": "evaluation.data.criteria",
    "load_tender": "evaluation.data.tender",
    "evaluate_tender": "evaluation.core.scoring",
    "score_object": "evaluation.core.results",
    "analyse": "evaluation.analysis.sensitivity",
    "run_model_test": "evaluation.analysis.modeltest",
    "start_run": "evaluation.launch.run",
    "audit_run": "evaluation.runs.audit",
    "CommitteeView": "evaluation.views.committee",
    "ProposalView": "evaluation.views.proposal",
    "SelectionView": "evaluation.views.selection",
    "GateView": "evaluation.views.gate",
    "GateSummaryView": "evaluation.views.gate",
    "PurchaseView": "evaluation.views.purchase",
    "ModelTestView": "evaluation.views.modeltest",
    "WeightPanel": "evaluation.views.panel",
}

__all__ = [
    "CommitteeView",
    "GateSummaryView",
    "GateView",
    "ModelTestView",
    "ProposalView",
    "PurchaseView",
    "SelectionView",
    "WeightPanel",
    "__version__",
    "analyse",
    "audit_run",
    "evaluate_tender",
    "load_model",
    "load_tender",
    "run_model_test",
    "score_object",
    "start_run",
]

if TYPE_CHECKING:
    from evaluation.analysis.modeltest import run_model_test
    from evaluation.analysis.sensitivity import analyse
    from evaluation.core.results import score_object
    from evaluation.core.scoring import evaluate_tender
    from evaluation.data.criteria import load_model
    from evaluation.data.tender import load_tender
    from evaluation.launch.run import start_run
    from evaluation.runs.audit import audit_run
    from evaluation.views.committee import CommitteeView
    from evaluation.views.gate import GateSummaryView, GateView
    from evaluation.views.modeltest import ModelTestView
    from evaluation.views.panel import WeightPanel
    from evaluation.views.proposal import ProposalView
    from evaluation.views.purchase import PurchaseView
    from evaluation.views.selection import SelectionView


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'evaluation' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
