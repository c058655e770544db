"""Weight panel speed: one slider callback (recompute, ranking, table, chart) for 50 proposals
(issue 4/6). Target: <= 30 ms median, measured over 100 slider moves without a browser.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from comm.base_comm import BaseComm

PROPOSALS, EVALUATORS, MOVES = 50, 3, 100
TARGET_MS = 30.0


def build_tender(root: Path) -> Any:
    """Return a synthetic tender (four quality groups of three leaves, a price group of two
    leaves) with ``PROPOSALS`` proposals, built in memory around a model file in ``root``."""
    from evaluation.common.labels import Label
    from evaluation.core.tender import Tender
    from evaluation.data.criteria import load_model

    rng = np.random.default_rng(20261126)
    groups = [{"id": f"g{g}", "title": f"Group {g}", "weight": 20,
               "criteria": [{"id": f"c{g}_{k}", "title": f"Criterion {g}.{k}",
                             "weight": [40, 30, 30][k]} for k in range(3)]} for g in range(4)]
    groups.append({"id": "price", "title": "Price", "weight": 20,
                   "criteria": [{"id": f"p{k}", "title": f"Price {k}", "weight": 50,
                                 "price": {"model": "linear", "field": f"price_{k}"}}
                                for k in range(2)]})
    path = root / "bench.yaml"
    path.write_text(yaml.safe_dump({"id": "bench", "title": "bench", "aggregation": "mean",
                                    "environment_exception": "benchmark: no climate criteria",
                                    "criteria": groups}))
    model = load_model(path)
    ids = [f"{i:03d}" for i in range(1, PROPOSALS + 1)]
    index = pd.Index(ids, name="proposal_id")
    prices = pd.DataFrame({f"price_{k}": rng.uniform(4e6, 9e6, PROPOSALS) for k in range(2)},
                          index=index)
    proposals = pd.DataFrame({"supplier": [f"Supplier {i}" for i in ids], "admissible": True,
                              "rejection_reason": ""}, index=index)
    leaves = [leaf.id for leaf in model.quality_leaves]
    scores = pd.DataFrame([{"evaluator": f"e{e}", "proposal_id": p, "criterion_id": c,
                            "score": float(rng.integers(3, 11)), "justification": "x"}
                           for e in range(EVALUATORS) for p in ids for c in leaves])
    return Tender(folder=root, title=Label("bench", "bench"), model=model, currency="NOK",
                  partners=3, evaluators=tuple(f"e{e}" for e in range(EVALUATORS)),
                  proposals=proposals, prices=prices, scores=scores, consensus=None, files=())


class WireComm(BaseComm):
    """A comm that serialises every message to JSON as a kernel would, and counts the bytes."""

    sent = 0

    def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None,
                    buffers: Any = None, **keys: Any) -> None:
        WireComm.sent += len(json.dumps(data, default=str)) + sum(
            memoryview(b).nbytes for b in buffers or ())


def _moves(sliders: dict[str, Any], rng: np.random.Generator) -> list[float]:
    """Return the time of each of ``MOVES`` slider moves to random values (whole tenths)."""
    names = list(sliders)
    times = []
    for move in range(MOVES):
        slider = sliders[names[move % len(names)]]
        value = int(rng.integers(0, slider.max + 1))
        if value == slider.value:
            value = slider.max - value if 2 * value != slider.max else value + 1
        t0 = time.perf_counter()
        slider.value = value
        times.append(time.perf_counter() - t0)
    return times


def bench() -> list[str]:
    """Return the printed lines: median and 90th percentile per slider move, and the target.

    Measured twice: with ipywidgets' default comm outside a kernel (the computation and the
    widget updates), and with every outgoing message serialised to JSON as a kernel does.
    """
    import comm

    from evaluation.analysis.sensitivity import DEFAULT_SAMPLES
    from evaluation.core.scoring import evaluate_tender
    from evaluation.views.panel import WeightPanel

    with tempfile.TemporaryDirectory() as tmp:
        evaluation = evaluate_tender(build_tender(Path(tmp)))
    lines = [f"weight panel, {PROPOSALS} proposals, {len(evaluation.leaves)} leaves, "
             f"{MOVES} slider moves per line"]
    default = comm.create_comm
    for wire in (False, True):
        if wire:
            comm.create_comm = WireComm
        try:
            start = time.perf_counter()
            panel = WeightPanel(evaluation, "nb")
            built = time.perf_counter() - start
            lines.append(f"  {'JSON-serialised messages' if wire else 'no kernel'}: panel "
                         f"built in {built:.2f} s (SMAA {DEFAULT_SAMPLES} draws, widgets; "
                         "no ranges announced, so no range verdict)")
            rng = np.random.default_rng(1)
            for kind, sliders in (("main", panel.sliders), ("sub", panel.sub_sliders)):
                WireComm.sent = 0
                times = _moves(sliders, rng)
                median = 1e3 * statistics.median(times)
                p90 = 1e3 * float(np.percentile(times, 90))
                sent = f"   {WireComm.sent / MOVES / 1024:5.1f} KiB/move" if wire else ""
                lines.append(f"    {kind:4} slider callback  median {median:6.2f} ms   p90 "
                             f"{p90:6.2f} ms   target <= {TARGET_MS:.0f} ms   "
                             f"{'OK' if median <= TARGET_MS else 'SLOW'}{sent}")
                panel.reset()
        finally:
            comm.create_comm = default
    return lines


if __name__ == "__main__":
    print("\n".join(bench()))
