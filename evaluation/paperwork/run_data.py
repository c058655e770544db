"""A finished run folder as the letters read it: its manifest, results and tender (from the
run's own input copies, re-scored and checked against the results)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.common.errors import EvaluationError
from evaluation.core.evaluation import Evaluation
from evaluation.core.scoring import evaluate_tender
from evaluation.core.tender import Tender
from evaluation.data.tender import load_tender


class NoticeError(EvaluationError, ValueError):
    """A run folder that cannot give notices (incomplete, or its inputs no longer match)."""


@dataclass(frozen=True)
class RunData:
    """A finished run folder, its tender (from the run's own input copies) and its numbers."""

    folder: Path
    manifest: dict[str, Any]
    results: dict[str, Any]
    tender: Tender
    evaluation: Evaluation

    def proposal(self, pid: str) -> dict[str, Any]:
        return next(p for p in self.results["proposals"] if p["id"] == pid)


def tender_copy(run: Path, manifest: dict[str, Any]) -> Path:
    """Return the run's copy of the tender folder (recorded paths rebased onto ``run``)."""
    from evaluation.runs.manifest import find_tender_copy

    found = find_tender_copy(run, manifest)
    if found is None:
        raise NoticeError(f"{run}: inputs/: no tender copy (found no tender.yaml, expected a "
                          "complete run folder)")
    return found


def open_run(run: Path | str) -> RunData:
    """Return a complete run folder's data; the tender is re-scored from its input copies."""
    run = Path(run).resolve()
    try:
        manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
        results = json.loads((run / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NoticeError(f"{run}: not a complete run folder ({exc})") from exc
    tender = load_tender(tender_copy(run, manifest))
    if tender.quality_only:  # runs made before run refused them
        raise NoticeError(f"{run}: price_opening: after_seal and the tender was not sealed: the "
                          "run scored quality only, and an award notice needs the prices; seal "
                          "the quality scores (evaluation seal) and make a new run")
    evaluation = evaluate_tender(tender)
    if (evaluation.winner, list(evaluation.partners)) != (results.get("winner"),
                                                          results.get("partners")):
        raise NoticeError(f"{run}: the input copies no longer give the run's results; run "
                          "`evaluation audit` on the folder")
    return RunData(run, manifest, results, tender, evaluation)


def run_name(data: RunData) -> str:
    """Return the run's name as its manifest records it."""
    return str(data.manifest.get("run", data.folder.name))
