"""SMAA-2 and stability speed (issues 3/6 and 4/10), one run, the same draws for everyone.

- 100,000 Dirichlet weight draws on 50 proposals × 20 criteria with full rank acceptability,
  central weights and confidence factors: target <= 0.5 s, within 2× of a floor of one
  matrix multiply plus an argsort on the same data (measured side by side);
- the same on a tender with minimums and normalisation on (bench/tenders.py: two normalised
  groups, two group minimums that exclude proposals under some draws, relative price models):
  from the draws to the indices, every draw scored by the model, within 2× of the same floor;
- >= 30× faster than the fastest peer library called once per draw as its documentation
  shows (pymcdm, pyrepo-mcda, pyDecision, scikit-criteria from the ``bench`` extra; peers are
  timed on a subsample of draws and reported per draw; their rankings must be identical);
- stability intervals for 50 × 20: target <= 50 ms, for the plain kernel and for the whole
  model with minimums and normalisation on (every node of the tree, exact piecewise).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable

import numpy as np
from common import best_time

PROPOSALS, CRITERIA, DRAWS, PEER_DRAWS = 50, 20, 100_000, 300



def _peers(values: np.ndarray) -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    """Return each installed peer's "score once for these weights" call (higher is better)."""
    peers: dict[str, Callable[[np.ndarray], np.ndarray]] = {}
    types = np.ones(values.shape[1])
    warnings.filterwarnings("ignore")
    try:
        from pymcdm import normalizations as pn
        from pymcdm.methods import WSM

        wsm = WSM(normalization_function=pn.linear_normalization)
        peers["pymcdm WSM"] = lambda w: np.asarray(wsm(values, w, types))
    except ImportError:
        pass
    try:
        from pyrepo_mcda import normalizations as rn
        from pyrepo_mcda.mcda_methods import SAW

        saw = SAW(normalization_method=rn.linear_normalization)
        peers["pyrepo-mcda SAW"] = lambda w: np.asarray(saw(values, w, types))
    except ImportError:
        pass
    try:
        from pyDecision.algorithm import saw_method

        def pydecision(w: np.ndarray) -> np.ndarray:
            out = np.asarray(saw_method(values, ["max"] * values.shape[1], w, graph=False,
                                        verbose=False))
            scores = np.empty(len(out))
            scores[out[:, 0].astype(int) - 1] = out[:, 1]
            return scores
        peers["pyDecision SAW"] = pydecision
    except ImportError:
        pass
    try:
        import skcriteria as skc
        from skcriteria.agg.simple import WeightedSumModel

        model = WeightedSumModel()

        def skcriteria(w: np.ndarray) -> np.ndarray:
            result = model.evaluate(skc.mkdm(values, [max] * values.shape[1], weights=w))
            return -np.asarray(result.rank_, dtype=float)
        peers["scikit-criteria WSM"] = skcriteria
    except ImportError:
        pass
    return peers


def bench() -> list[str]:
    """Return the printed lines: times, per-draw times, ratios and targets."""
    from evaluation.analysis.draws import main_criteria, smaa_inputs
    from evaluation.analysis.ranks import ranks_from_values
    from evaluation.analysis.sampling import sample_dirichlet
    from evaluation.analysis.sensitivity import stability
    from evaluation.analysis.smaa import run_smaa
    from evaluation.analysis.stability import stability_intervals
    from tenders import large_evaluation

    rng = np.random.default_rng(20261126)
    values = rng.random((PROPOSALS, CRITERIA))
    values /= values.max(axis=0)  # column maxima 1: every peer's normalisation is the identity
    weights = sample_dirichlet(CRITERIA, DRAWS, rng)

    ours = best_time(lambda: run_smaa(values, weights, pairwise=False))
    floor = best_time(lambda: np.argsort(-(weights @ values.T), axis=1))
    order = np.argsort(-(values @ weights[0]))
    stab = best_time(lambda: stability_intervals(values, weights[0], order, 3), repeat=20)

    evaluation = large_evaluation(PROPOSALS, CRITERIA)
    main_values = main_criteria(evaluation)[0]

    def whole_model() -> object:
        given = smaa_inputs(evaluation, weights)
        return run_smaa(given.values, weights, included=given.included, sets=given.sets,
                        confidence_inputs=given.confidence, pairwise=False)

    sets = smaa_inputs(evaluation, weights).sets
    model_smaa = best_time(whole_model)
    model_floor = best_time(lambda: np.argsort(-(weights @ main_values.T), axis=1))
    model_stab = best_time(lambda: stability(evaluation), repeat=10)
    tie_values = values.copy()
    tie_values[[1, 7]] = tie_values[0]  # three equal proposals: a tie in every draw
    tie = best_time(lambda: run_smaa(tie_values, weights, pairwise=False))
    lines = [
        f"SMAA-2: {DRAWS} draws × {PROPOSALS} proposals × {CRITERIA} criteria",
        f"  run_smaa (acceptability, central w., confidence) {ours:6.3f} s   target <= 0.5 s"
        f"   {'OK' if ours <= 0.5 else 'SLOW'}",
        f"  floor: one matmul + argsort              {floor:8.3f} s   ratio {ours / floor:5.2f}"
        f"   target <= 2   {'OK' if ours / floor <= 2 else 'SLOW'}",
        f"  stability intervals 50 × 20 (3 kinds)    {1000 * stab:8.2f} ms  target <= 50 ms  "
        f"{'OK' if stab <= 0.05 else 'SLOW'}",
        f"  three equal proposals (a tie every draw) {tie:8.3f} s   ratio {tie / floor:5.2f}"
        "   (no target)",
        f"SMAA-2 with minimums and normalisation on: {PROPOSALS} proposals × {CRITERIA} main "
        f"criteria, {evaluation.excluded.sum()} excluded as published, "
        f"{0 if sets is None else len(np.unique(sets))} sets of included proposals among the "
        "draws",
        f"  draws scored by the model + run_smaa     {model_smaa:8.3f} s",
        f"  floor: one matmul + argsort              {model_floor:8.3f} s   ratio "
        f"{model_smaa / model_floor:5.2f}   target <= 2   "
        f"{'OK' if model_smaa / model_floor <= 2 else 'SLOW'}",
        f"  stability, whole model, every node       {1000 * model_stab:8.2f} ms  target <= 50 ms"
        f"  {'OK' if model_stab <= 0.05 else 'SLOW'}",
    ]
    ours_per_draw = ours / DRAWS
    expected = ranks_from_values(weights[:PEER_DRAWS] @ values.T)
    fastest = None
    for name, call in _peers(values).items():
        start = time.perf_counter()
        scores = np.stack([call(w) for w in weights[:PEER_DRAWS]])
        per_draw = (time.perf_counter() - start) / PEER_DRAWS
        same = bool(np.array_equal(ranks_from_values(scores), expected))
        fastest = per_draw if fastest is None else min(fastest, per_draw)
        lines.append(f"  peer {name:<22} {1e6 * per_draw:9.1f} µs/draw   "
                     f"{per_draw / ours_per_draw:8.0f}× slower   rankings identical: {same}")
    if fastest is None:
        lines.append("  peers: none installed (pip install -e '.[bench]')")
    else:
        ratio = fastest / ours_per_draw
        lines.append(f"  ours {1e6 * ours_per_draw:9.3f} µs/draw; fastest peer / ours = "
                     f"{ratio:.0f}×   target >= 30×   {'OK' if ratio >= 30 else 'SLOW'}")
    return lines


if __name__ == "__main__":
    print("\n".join(bench()))
