"""Scale: `evaluation score` of 10 000 and 100 000 proposals × 5 leaves × 2 evaluators from CSV
(issue 3/10).

Ten times the work should take at most twelve times as long (nothing grows faster than the
number of proposals), and 100 000 proposals under 60 s. Each size is scored by the command line
in its own process, as a committee would run it, so the time includes reading the CSVs,
validating, scoring, ranking and writing the JSON; the peak memory is that process's.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

SIZES = (10_000, 100_000)
LEAVES = ("q1", "q2", "q3", "q4")  # and the price leaf: 5 leaves
EVALUATORS = ("e1", "e2")


def write_tender(root: Path, proposals: int) -> Path:
    """Write a synthetic tender of ``proposals`` proposals and return its folder."""
    rng = np.random.default_rng(20261126)
    model = {"id": "scale", "title": "scale", "aggregation": "mean",
             "environment_exception": "benchmark: no climate criteria",
             "criteria": [*({"id": c, "title": c, "weight": 20} for c in LEAVES),
                          {"id": "pris", "title": "Pris", "weight": 20,
                           "price": {"model": "linear", "field": "price"}}]}
    (root / "criteria").mkdir(parents=True)
    (root / "criteria" / "scale.yaml").write_text(yaml.safe_dump(model))
    folder = root / "tenders" / "scale"
    (folder / "scores").mkdir(parents=True)
    (folder / "tender.yaml").write_text(yaml.safe_dump({
        "title": "scale", "criteria": "../../criteria/scale.yaml", "partners": 2,
        "evaluators": list(EVALUATORS)}))
    ids = [f"{i:06d}" for i in range(proposals)]
    pd.DataFrame({"proposal_id": ids, "supplier": [f"Leverandør {i}" for i in ids],
                  "price": rng.uniform(1e6, 3e6, proposals).round(2)}
                 ).to_csv(folder / "proposals.csv", index=False)
    for evaluator in EVALUATORS:
        pd.DataFrame({
            "proposal_id": np.repeat(ids, len(LEAVES)),
            "criterion_id": np.tile(LEAVES, proposals),
            "score": rng.integers(0, 11, proposals * len(LEAVES)),
            "justification": "Begrunnelse for poengene",
        }).to_csv(folder / "scores" / f"{evaluator}.csv", index=False)
    return folder


def score_in_process(folder: Path) -> tuple[float, float]:
    """Return the seconds `evaluation score --format json` takes and its peak memory (MB)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "evaluation", "score", str(folder), "--format",
                    "json"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    # the largest of the children waited for so far: sizes run smallest first
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak


def bench() -> list[str]:
    """Return the printed lines: time and peak memory per size, the ratio and the targets."""
    lines = [f"evaluation score from CSV: proposals × {len(LEAVES) + 1} leaves × "
             f"{len(EVALUATORS)} evaluators"]
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            folder = write_tender(Path(tmp) / str(size), size)
            seconds, peak = score_in_process(folder)
            times.append(seconds)
            lines.append(f"  {size:>7} proposals  {seconds:7.2f} s   peak memory {peak:7.0f} MB")
    ratio = times[1] / times[0]
    lines.append(f"  time ratio {SIZES[1] // SIZES[0]}× the work: {ratio:5.1f}×   target <= 12   "
                 f"{'OK' if ratio <= 12 else 'SLOW'}")
    lines.append(f"  {SIZES[1]} proposals: {times[1]:.1f} s   target < 60 s   "
                 f"{'OK' if times[1] < 60 else 'SLOW'}")
    return lines


if __name__ == "__main__":
    print("\n".join(bench()))
