"""Builds small tender folders on disk for tests: a model, proposals, scores, consensus."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from evaluation.core.evaluation import Evaluation
from evaluation.core.results import score_object
from evaluation.core.scoring import evaluate_tender
from evaluation.data.tender import load_tender

# `make mutate` runs the fast tests once per mutant: fewer Hypothesis examples, derandomised
MUTATING = bool(os.environ.get("EVALUATION_MUTATE"))


def examples(count: int) -> int:
    """Return ``count`` Hypothesis examples, or at most 8 while mutation testing."""
    return min(count, 8) if MUTATING else count


def write_csv(path: Path, rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None
              ) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = list(columns or (rows[0].keys() if rows else []))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


NO_ENVIRONMENT_CRITERIA = "Test case: a published case without climate criteria (FOA § 7-9)"


def write_tender(root: Path, model: Mapping[str, Any], proposals: Sequence[Mapping[str, Any]],
                 scores: Mapping[str, Sequence[Mapping[str, Any]]] | None = None, *,
                 consensus: Sequence[Mapping[str, Any]] | None = None,
                 prices: Sequence[Mapping[str, Any]] | None = None,
                 partners: int = 1, name: str = "case") -> Path:
    """Write a tender folder under ``root`` and return it; evaluators are the keys of scores."""
    scores = scores or {}
    # published cases come from procurements without FOA § 7-9's 30 % climate share
    model = {"environment_exception": NO_ENVIRONMENT_CRITERIA, **model}
    (root / "criteria").mkdir(parents=True, exist_ok=True)
    (root / "criteria" / f"{name}.yaml").write_text(yaml.safe_dump(dict(model),
                                                                   allow_unicode=True))
    folder = root / "tenders" / name
    folder.mkdir(parents=True, exist_ok=True)
    tender = {"title": name, "criteria": f"../../criteria/{name}.yaml", "currency": "NOK",
              "partners": partners, "evaluators": list(scores)}
    (folder / "tender.yaml").write_text(yaml.safe_dump(tender))
    write_csv(folder / "proposals.csv", proposals)
    for evaluator, rows in scores.items():
        write_csv(folder / "scores" / f"{evaluator}.csv", rows,
                  ["proposal_id", "criterion_id", "score", "justification"])
    if consensus is not None:
        write_csv(folder / "consensus.csv", consensus,
                  ["proposal_id", "criterion_id", "score", "justification"])
    if prices is not None:
        write_csv(folder / "prices.csv", prices)
    return folder


def score_rows(table: Mapping[str, Mapping[str, float]]) -> list[dict[str, Any]]:
    """Return score rows from ``{proposal: {criterion: score}}`` with a justification each."""
    return [{"proposal_id": p, "criterion_id": c, "score": s, "justification": "test"}
            for p, crit in table.items() for c, s in crit.items()]


def leaf(cid: str, weight: float, **extra: Any) -> dict[str, Any]:
    return {"id": cid, "title": cid, "weight": weight, **extra}


def evaluate(folder: Path) -> Evaluation:
    return evaluate_tender(load_tender(folder))


def result(folder: Path) -> dict[str, Any]:
    """Return the ``score --format json`` object, round-tripped through JSON."""
    return json.loads(json.dumps(score_object(evaluate(folder))))


def by_id(obj: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in obj["proposals"]}


def tender_in_memory(model_path: Path, proposals: Mapping[str, Mapping[str, float]],
                     scores: Mapping[str, Mapping[str, Mapping[str, float]]], *,
                     partners: int = 1) -> Any:
    """Return a Tender built without files: ``proposals`` maps id → {price field: price};
    ``scores`` maps evaluator → proposal → criterion → score (``aggregation`` must not be
    ``consensus``)."""
    import numpy as np
    import pandas as pd

    from evaluation.common.labels import Label
    from evaluation.core.tender import Tender
    from evaluation.data.criteria import load_model

    model = load_model(model_path)
    ids = list(proposals)
    fields = list(dict.fromkeys(leaf.price.field for leaf in model.price_leaves
                                if leaf.price is not None))
    prices = pd.DataFrame({f: [float(proposals[p][f]) for p in ids] for f in fields},
                          index=pd.Index(ids, name="proposal_id"), dtype=np.float64)
    frame = pd.DataFrame({"supplier": ids, "admissible": True, "rejection_reason": ""},
                         index=pd.Index(ids, name="proposal_id"))
    rows = [{"evaluator": e, "proposal_id": p, "criterion_id": c, "score": float(s),
             "justification": "x"}
            for e, table in scores.items() for p, crit in table.items() for c, s in crit.items()]
    long = pd.DataFrame(rows, columns=["evaluator", "proposal_id", "criterion_id", "score",
                                       "justification"])
    return Tender(folder=model_path.parent, title=Label("t", "t"), model=model, currency="NOK",
                  partners=partners, evaluators=tuple(scores), proposals=frame, prices=prices,
                  scores=long, consensus=None, files=())


# Script as a supplier, an evaluator or a committee might paste it, one per kind of boundary:
# the end of a <script> element, an HTML attribute, a tag, Markdown links and plotly's markup.
PAYLOADS = ("</script><svg onload=alert(1)>", "<img src=x onerror=alert(2)>",
            '"><script>alert(3)</script>', "[click](javascript:alert(4))",
            '<a href="javascript:alert(5)">five</a>', "'><iframe srcdoc='<script>alert(6)"
            "</script>'>", "\u2028</script><script>alert(7)</script>")


def hostile_demo(root: Path) -> Path:
    """Return a copy of the demo tender (``root/tenders/1000-bygg``, model in
    ``root/criteria``, unsealed) whose every free text carries a script payload: the tender,
    model and criterion titles and guidance, supplier names, justifications, notice texts,
    declaration statements, recusal reasons, rejection reasons and bases, and explanations."""
    import shutil

    import pandas as pd

    demo = Path(__file__).resolve().parents[1]
    (root / "criteria").mkdir(parents=True, exist_ok=True)
    folder = root / "tenders" / "1000-bygg"
    shutil.copytree(demo / "tenders" / "1000-bygg", folder)
    from conftest import plain_award

    plain_award(folder)  # one award: the final round's files at the root
    (folder / "seal.json").unlink()
    cycle = iter(PAYLOADS * 1000)

    def text(plain: str) -> str:
        return f"{plain} {next(cycle)}"

    model = yaml.safe_load((demo / "criteria" / "1000-bygg.yaml").read_text(encoding="utf-8"))
    model["title"] = {"nb": text("Modell"), "en": text("Model")}

    def retitle(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            node["title"] = {"nb": text(node["id"]), "en": text(node["id"])}
            if "guidance" in node:
                node["guidance"] = text("guidance")
            retitle(node.get("criteria", []))

    retitle(model["criteria"])
    (root / "criteria" / "1000-bygg.yaml").write_text(
        yaml.safe_dump(model, allow_unicode=True, sort_keys=False), encoding="utf-8")
    settings = yaml.safe_load((folder / "tender.yaml").read_text(encoding="utf-8"))
    settings.pop("price_opening")
    settings["title"] = {"nb": text("Konkurranse"), "en": text("Competition")}
    (folder / "tender.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True),
                                        encoding="utf-8")
    columns = {"proposals.csv": ("supplier",), "consensus.csv": ("justification", "notice_text"),
               "declarations.csv": ("statement",), "recusals.csv": ("reason",),
               "explanations.csv": ("answer", "decision"),
               **{f"scores/{p.name}": ("justification",)
                  for p in sorted((folder / "scores").glob("*.csv"))}}
    for name, fields in columns.items():
        path = folder / name
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, sep=None, engine="python",
                            encoding="utf-8-sig")
        for field in fields:
            frame[field] = [text(v) for v in frame[field]]
        if name == "proposals.csv":  # one rejected proposal, with a reason and a basis
            frame["admissible"] = ["ja"] * (len(frame) - 1) + ["nei"]
            frame["rejection_reason"] = [""] * (len(frame) - 1) + [text("avvist")]
            frame["rejection_basis"] = [""] * (len(frame) - 1) + [text("hjemmel")]
        frame.to_csv(path, index=False)
    return folder
