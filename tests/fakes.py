"""Builds run folders for the paperwork tests without executing notebooks (fast)."""

from __future__ import annotations

import shutil
from pathlib import Path

from evaluation.common.payload import dumps
from evaluation.core.results import score_object
from evaluation.core.scoring import evaluate_tender
from evaluation.data.tender import load_tender
from evaluation.runs.manifest import file_entry


def fake_run(root: Path, tender: Path, language: str = "nb") -> Path:
    """Return a run folder of ``tender`` (laid out as ``make_tender`` does) with inputs copies,
    ``results.json`` and a manifest recording paths under a temporary ``executed_in`` folder,
    as a real run does; no notebooks are executed."""
    run = root / "runs" / "fake-run"
    executed = root / "runs" / ".fake-run.partial"
    copy = run / "inputs" / "tenders" / tender.name
    shutil.copytree(tender, copy)
    shutil.copytree(tender.parent.parent / "criteria", run / "inputs" / "criteria")
    results = score_object(evaluate_tender(load_tender(copy)), language)
    (run / "results.json").write_text(dumps(results), encoding="utf-8")
    inputs = sorted(p for p in (run / "inputs").rglob("*") if p.is_file())
    manifest = {
        "run": "fake-run", "status": "complete", "executed_in": str(executed),
        "language": language, "model": {"id": results["model"]},
        "inputs": [file_entry(p, run) for p in inputs], "templates": [],
        "notebooks": [{"path": "committee.ipynb", "status": "ok", "parameters": {
            "tender": str(executed / "inputs" / "tenders" / tender.name),
            "run_dir": str(executed), "language": language, "interactive": False}}],
    }
    (run / "manifest.json").write_text(dumps(manifest), encoding="utf-8")
    return run


def unseal(folder: Path) -> Path:
    """Return the tender ``folder`` without a seal, so that tests may edit its score files.

    The seal (``seal.json``) refuses changed quality files; ``price_opening: after_seal``
    without a seal would hide the prices, so that line goes too.
    """
    (folder / "seal.json").unlink(missing_ok=True)
    settings = folder / "tender.yaml"
    lines = settings.read_text(encoding="utf-8").splitlines(keepends=True)
    settings.write_text("".join(line for line in lines if not line.startswith("price_opening:")),
                        encoding="utf-8")
    return folder
