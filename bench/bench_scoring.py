"""Scoring speed: 1,000 proposals × 100 leaf criteria × 5 evaluators (issue 1/6).

Targets: <= 1 s in memory, <= 3 s for `evaluation score` from CSV files, printed next to the
floor of reading the same CSVs with pandas alone.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from common import best_time

PROPOSALS, LEAVES, EVALUATORS = 1000, 100, 5


def write_tender(root: Path) -> Path:
    """Write a synthetic tender of the benchmark's size and return its folder."""
    rng = np.random.default_rng(20261126)
    groups = [{"id": f"g{g}", "title": f"Group {g}", "weight": 10,
               "criteria": [{"id": f"c{g}_{k}", "title": f"Criterion {g}.{k}", "weight": 10}
                            for k in range(10)]} for g in range(9)]
    groups.append({"id": "price", "title": "Price", "weight": 10,
                   "criteria": [{"id": f"p{k}", "title": f"Price {k}", "weight": 10,
                                 "price": {"model": "linear", "field": f"price_{k}"}}
                                for k in range(10)]})
    model = {"id": "bench", "title": "bench", "aggregation": "mean", "criteria": groups,
             "environment_exception": "benchmark: no climate criteria"}
    (root / "criteria").mkdir()
    (root / "criteria" / "bench.yaml").write_text(yaml.safe_dump(model))
    folder = root / "tenders" / "bench"
    (folder / "scores").mkdir(parents=True)
    evaluators = [f"e{e}" for e in range(EVALUATORS)]
    (folder / "tender.yaml").write_text(yaml.safe_dump({
        "title": "bench", "criteria": "../../criteria/bench.yaml", "partners": 3,
        "evaluators": evaluators}))
    ids = [f"{i:04d}" for i in range(PROPOSALS)]
    prices = pd.DataFrame({"proposal_id": ids, "supplier": [f"Supplier {i}" for i in ids],
                           **{f"price_{k}": rng.uniform(1e5, 3e5, PROPOSALS).round(2)
                              for k in range(10)}})
    prices.to_csv(folder / "proposals.csv", index=False)
    leaves = [f"c{g}_{k}" for g in range(9) for k in range(10)]
    for e in evaluators:
        frame = pd.DataFrame({
            "proposal_id": np.repeat(ids, len(leaves)),
            "criterion_id": np.tile(leaves, PROPOSALS),
            "score": rng.integers(0, 11, PROPOSALS * len(leaves)),
            "justification": "Begrunnelse for poengene",
        })
        frame.to_csv(folder / "scores" / f"{e}.csv", index=False)
    return folder



def bench() -> list[str]:
    """Return the printed lines: times, targets and the ratio to the pandas floor."""
    from evaluation.cli import main
    from evaluation.core.scoring import evaluate_tender
    from evaluation.data.tender import load_tender

    with tempfile.TemporaryDirectory() as tmp:
        folder = write_tender(Path(tmp))
        files = [folder / "proposals.csv", *sorted((folder / "scores").glob("*.csv"))]
        floor = best_time(lambda: [pd.read_csv(f, dtype=str, keep_default_na=False)
                               for f in files])
        tender = load_tender(folder)
        in_memory = best_time(lambda: evaluate_tender(tender))

        def cli() -> None:  # the generated model is not frozen: its warning is not a result
            with contextlib.redirect_stdout(io.StringIO()), \
                    contextlib.redirect_stderr(io.StringIO()):
                assert main(["score", str(folder), "--format", "json"]) == 0

        from_csv = best_time(cli)
    return [
        f"scoring {PROPOSALS} proposals × {LEAVES} leaves × {EVALUATORS} evaluators",
        f"  in memory (evaluate_tender)        {in_memory:7.3f} s   target <= 1 s   "
        f"{'OK' if in_memory <= 1 else 'SLOW'}",
        f"  evaluation score from CSV files    {from_csv:7.3f} s   target <= 3 s   "
        f"{'OK' if from_csv <= 3 else 'SLOW'}",
        f"  floor: pandas.read_csv of the CSVs {floor:7.3f} s   "
        f"score/floor = {from_csv / floor:5.1f}×",
    ]


if __name__ == "__main__":
    print("\n".join(bench()))
