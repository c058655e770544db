"""A large synthetic tender for the benchmarks: 50 proposals, 20 main criteria, with group
minimums and normalised groups (written to a temporary folder and loaded like any tender)."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from evaluation.core.evaluation import Evaluation
from evaluation.core.scoring import evaluate_tender
from evaluation.data.tender import load_tender


def _node(cid: str, weight: float, **extra: Any) -> dict[str, Any]:
    return {"id": cid, "title": cid, "weight": weight, **extra}


def large_model(main: int = 20) -> dict[str, Any]:
    """Return ``main`` main criteria: four groups of two leaves (two normalised, proportional
    and shift; two with a minimum in points), two price leaves, the rest quality leaves."""
    weights = [100.0 / main] * main
    groups = [
        _node("g0", weights[0], normalisation="proportional",
              criteria=[_node("g0a", 60), _node("g0b", 40)]),
        _node("g1", weights[1], normalisation="shift", minimum=1.5,
              criteria=[_node("g1a", 50), _node("g1b", 50)]),
        _node("g2", weights[2], minimum=2.0, criteria=[_node("g2a", 30), _node("g2b", 70)]),
        _node("g3", weights[3], criteria=[_node("g3a", 50, minimum=1), _node("g3b", 50)]),
    ]
    prices = [_node("price", weights[4], price={"model": "linear", "field": "price"}),
              _node("lcc", weights[5], price={"model": "proportional", "field": "lcc"})]
    leaves = [_node(f"c{j}", weights[j]) for j in range(6, main)]
    return {"id": "large", "title": "large", "aggregation": "mean", "points": 100,
            "environment_exception": "benchmark: no climate criteria",
            "tie_break": ["quality", "price"], "criteria": [*groups, *prices, *leaves]}


def large_tender(root: Path, proposals: int = 50, main: int = 20, seed: int = 7) -> Path:
    """Write the tender under ``root`` and return its folder."""
    rng = np.random.default_rng(seed)
    model = large_model(main)
    (root / "criteria").mkdir(parents=True, exist_ok=True)
    (root / "criteria" / "large.yaml").write_text(yaml.safe_dump(model))
    folder = root / "tenders" / "large"
    (folder / "scores").mkdir(parents=True, exist_ok=True)
    tender = {"title": "large", "criteria": "../../criteria/large.yaml", "currency": "NOK",
              "partners": 3, "evaluators": ["e1"]}
    (folder / "tender.yaml").write_text(yaml.safe_dump(tender))
    ids = [f"{i:03d}" for i in range(proposals)]
    with (folder / "proposals.csv").open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["proposal_id", "supplier", "price", "lcc"])
        for pid in ids:
            out.writerow([pid, f"s{pid}", round(float(rng.uniform(80, 160)), 2),
                          round(float(rng.uniform(900, 1500)), 2)])
    leaves = [leaf["id"] for node in model["criteria"] if "price" not in node
              for leaf in (node.get("criteria") or [node])]
    level = rng.uniform(3, 9, proposals)
    with (folder / "scores" / "e1.csv").open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["proposal_id", "criterion_id", "score", "justification"])
        for i, pid in enumerate(ids):
            for cid in leaves:
                score = int(np.clip(round(level[i] + rng.normal(0, 2)), 0, 10))
                out.writerow([pid, cid, score, "bench"])
    return folder


def large_evaluation(proposals: int = 50, main: int = 20) -> Evaluation:
    """Return the evaluation of a freshly written large tender."""
    with tempfile.TemporaryDirectory() as tmp:
        return evaluate_tender(load_tender(large_tender(Path(tmp), proposals, main)))
