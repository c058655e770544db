"""What SMAA-2 draws (weights of the main criteria, optionally scores), scored by the model.

Every draw is scored by the scoring pipeline itself (:mod:`evaluation.core.batch`): a group's
``minimum`` is points of the total, so under a draw's weights a proposal may fall below it (or
rise above it) and is then excluded from that draw; normalisation and relative price scores
are taken among the draw's included proposals; drawn scores go through the same minimums,
normalisation and price scoring as the agreed ones. The values handed to
:func:`evaluation.analysis.smaa.run_smaa` are the main criteria's values (the weighted mean of
their leaves), so every total is the model's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from evaluation.analysis.sampling import sample_dirichlet, sample_intervals, sample_ranges
from evaluation.analysis.smaa import CHUNK_ELEMENTS
from evaluation.core.batch import WeightedScores, score_under_weights, unique_rows
from evaluation.core.evaluation import Evaluation
from evaluation.core.model import Criterion
from evaluation.core.scoring import is_below, minimum_points
from evaluation.core.weights import leaf_weights, local_weights, node_positions

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]
SAMPLERS = ("default", "dirichlet", "ranges", "interval")


def node_matrix(evaluation: Evaluation, nodes: tuple[Criterion, ...]) -> Array:
    """Return every leaf's weight within each of ``nodes``, ``L × nodes`` (0 outside it)."""
    model = evaluation.model
    if not nodes:
        return np.zeros((len(evaluation.leaves), 0))
    local = local_weights(model)
    return np.column_stack([leaf_weights(model, local, evaluation.leaves, below=node)
                            for node in nodes])


def node_values(evaluation: Evaluation, nodes: tuple[Criterion, ...]) -> Array:
    """Return the included proposals' value (0–1) on each node: the weighted mean of its
    leaves (``included × nodes``)."""
    rows = np.flatnonzero(evaluation.included)
    return np.nan_to_num(evaluation.values[rows]) @ node_matrix(evaluation, nodes)


def main_criteria(evaluation: Evaluation) -> tuple[Array, Array, list[str]]:
    """Return the main criteria's values (included × main), their weights (shares) and ids."""
    tops = evaluation.model.criteria
    weights = np.array([(t.weight or 0.0) / 100.0 for t in tops])
    return node_values(evaluation, tops), weights, [t.id for t in tops]


def draw_weights(evaluation: Evaluation, samples: int, rng: np.random.Generator,
                 sampler: str = "default", spread: float = 5.0) -> tuple[Array, str, float]:
    """Return weight draws over the main criteria (shares), the sampler used and its
    acceptance rate.

    ``default``: the announced ``weight_range`` s where the model has them (criteria without
    one range freely over [0, 100]), otherwise Dirichlet(1) over the main criteria; ``interval``
    is ± ``spread`` percentage points around the published weights.
    """
    tops = evaluation.model.criteria
    published = np.array([(t.weight or 0.0) / 100.0 for t in tops])
    has_ranges = any(t.weight_range for t in tops)
    if sampler == "default":
        sampler = "ranges" if has_ranges else "dirichlet"
    if sampler == "dirichlet":
        return sample_dirichlet(len(tops), samples, rng), "dirichlet", 1.0
    if sampler == "interval":
        weights, rate = sample_intervals(published, spread / 100.0, samples, rng)
        return weights, f"interval ±{spread:g} pp", rate
    if sampler == "ranges":
        low = np.array([t.weight_range[0] / 100.0 if t.weight_range else 0.0 for t in tops])
        high = np.array([t.weight_range[1] / 100.0 if t.weight_range else 1.0 for t in tops])
        weights, rate = sample_ranges(low, high, samples, rng)
        return weights, "ranges", rate
    raise ValueError(f"unknown sampler {sampler!r} (expected one of {', '.join(SAMPLERS)})")


def draw_scores(evaluation: Evaluation, samples: int, rng: np.random.Generator) -> Array:
    """Return ``(samples, proposals, quality leaves)`` scores, each drawn from the evaluators'
    own scores for that proposal and criterion (a bootstrap of the panel); a recused or
    missing score falls back to the panel's score (design.md; SMAA with uncertain criterion
    values: Lahdelma & Salminen 2001; Tervonen & Lahdelma 2007; price-models.md, "Sensitivity
    methods": "optionally sample scores (evaluators' spread)")."""
    individual = evaluation.panel.individual  # E × m × Q
    agreed = evaluation.panel.aggregated
    if individual.shape[0] == 0 or agreed.size == 0:
        return np.broadcast_to(agreed, (samples, *agreed.shape)).copy()
    pick = rng.integers(0, individual.shape[0], size=(samples, *agreed.shape))
    m, q = agreed.shape
    drawn = individual[pick, np.arange(m)[None, :, None], np.arange(q)[None, None, :]]
    return np.where(np.isnan(drawn), agreed[None], drawn)


ConfidenceInputs = Callable[[Array], list[tuple[Array, Mask | None]]]


@dataclass(frozen=True)
class SmaaInputs:
    """Values of the main criteria as :func:`evaluation.analysis.smaa.run_smaa` takes them."""

    ids: tuple[str, ...]  # the proposals that take part in some draw
    values: Array  # (m, n) fixed, (K, m, n) per draw, or (S, m, n) per set of included
    included: Mask | None  # the shape of ``values`` without its last axis
    sets: NDArray[np.int64] | None  # per draw, its set (with ``(S, m, n)`` values)
    confidence: ConfidenceInputs | None  # the values under other weights, where they move


class Scorer:
    """The evaluation's pipeline inputs, scoring main-criterion weights (and drawn scores)."""

    def __init__(self, evaluation: Evaluation) -> None:
        model = evaluation.model
        self.evaluation = evaluation
        self.rejected = ~evaluation.tender.proposals.loc[list(evaluation.proposal_ids),
                                                         "admissible"].to_numpy(dtype=bool)
        self.local = local_weights(model)
        position = node_positions(model)
        self.tops = np.array([position[t.id] for t in model.criteria], dtype=np.intp)
        self.matrix = node_matrix(evaluation, evaluation.model.criteria)

    def local_of(self, weights: Array) -> Array:
        """Return every node's local shares with the main criteria's set to ``weights``."""
        local = np.tile(self.local, (*weights.shape[:-1], 1))
        local[..., self.tops] = weights
        return local

    def score(self, quality: Array, local: Array, excluded: Mask | None = None
              ) -> WeightedScores:
        ev = self.evaluation
        return score_under_weights(ev.model, quality, ev.prices, ev.price_fields, self.rejected,
                                   local, excluded=excluded, priced=not ev.tender.quality_only)

    def excluded(self, weights: Array) -> tuple[Mask, NDArray[np.intp]]:
        """Return the distinct sets of proposals excluded under the weight vectors of the main
        criteria, ``(S, m)``, and each vector's set.

        A rejection and a leaf's minimum do not move with the weights. A group's minimum
        points are proportional to its main criterion's weight ``w`` (the weights below it stay
        as published): read once, by :func:`evaluation.core.scoring.minimum_points`, at
        ``w = 1``, they fall below the minimum (:func:`evaluation.core.scoring.is_below`, at
        ``w·g_i < min − 1e-9``) exactly when ``w`` is under the proposal's threshold
        ``(min − 1e-9)/g_i``. So a draw's excluded set is fixed by where its weights fall among
        the sorted thresholds of each group: one search per group and draw, not one check per
        proposal (a draw exactly at a threshold, of probability 0, may go either way by
        rounding).
        """
        ev = self.evaluation
        model = ev.model
        masked = np.where(self.rejected[:, None], np.nan, ev.panel.aggregated)
        static = self.rejected.copy()
        whole = self.local.copy()
        whole[self.tops] = 1.0
        main_of = {t.id: k for k, t in enumerate(model.criteria)}
        m = len(static)
        code = np.zeros(len(weights), dtype=np.int64)
        groups = []
        for node, got in minimum_points(model, masked, model.quality_leaves, whole):
            if node.is_leaf:
                static |= is_below(node, got)
                continue
            assert node.minimum is not None
            with np.errstate(divide="ignore", invalid="ignore"):
                threshold = np.where(got > 0, (node.minimum - 1e-9) / got,
                                     np.where(is_below(node, np.zeros(m)) & ~np.isnan(got),
                                              np.inf, -np.inf))
            order = np.argsort(threshold, kind="stable")
            place = np.searchsorted(threshold[order], weights[:, main_of[node.path[0]]],
                                    side="right")  # thresholds at or under w: not below
            code = code * (m + 1) + place
            groups.append(order)
        if (m + 1) ** len(groups) <= 4 * len(weights) + 1024:  # a table beats a sort
            seen = np.flatnonzero(np.bincount(code, minlength=(m + 1) ** len(groups)))
            number = np.zeros((m + 1) ** len(groups), dtype=np.intp)
            number[seen] = np.arange(len(seen))
            codes, which = seen, number[code]
        else:
            codes, which = np.unique(code, return_inverse=True)
        sets = np.tile(static, (len(codes), 1))
        for g, order in enumerate(reversed(groups)):
            place = (codes // (m + 1) ** g) % (m + 1)
            for k, at in enumerate(place):
                sets[k, order[at:]] = True
        distinct, again = unique_rows(sets)  # places in two groups may exclude the same
        return distinct, again[which.ravel()]

    def main_values(self, scored: WeightedScores) -> Array:
        return np.nan_to_num(scored.values) @ self.matrix

    def under(self, quality: Array, weights: Array) -> tuple[Array, Mask]:
        """Return the main values and who is included, per drawn score set, all under the
        weights ``weights`` (one vector, or one per score set), in blocks."""
        step = max(1, CHUNK_ELEMENTS // max(quality.shape[1] * quality.shape[2], 1))
        values, included = [], []
        for start in range(0, len(quality), step):
            block = slice(start, start + step)
            local = self.local_of(weights if weights.ndim == 1 else weights[block])
            scored = self.score(quality[block], local)
            values.append(self.main_values(scored))
            included.append(~scored.excluded)
        return np.concatenate(values), np.concatenate(included)


def smaa_inputs(evaluation: Evaluation, weights: Array,
                quality: Array | None = None) -> SmaaInputs:
    """Return the values SMAA ranks under the main-criterion ``weights`` ``(K, n)``: scored by
    the model under each draw's weights (and each drawn score set ``quality``, if given).

    A proposal takes part in a draw when the model includes it under that draw; the ids are
    those included in some draw. Without drawn scores and with nobody's inclusion moving, the
    published values are used as they are.
    """
    scorer = Scorer(evaluation)
    ids = evaluation.proposal_ids
    if quality is not None:
        values, included = scorer.under(quality, weights)
        keep = np.flatnonzero(included.any(axis=0) | evaluation.included)

        def confidence_of(central: Array) -> list[tuple[Array, Mask | None]]:
            out: list[tuple[Array, Mask | None]] = []
            for weights_of in central:
                at, taking = scorer.under(quality, weights_of)
                out.append((at[:, keep], taking[:, keep]))
            return out

        return SmaaInputs(tuple(ids[i] for i in keep), values[:, keep], included[:, keep],
                          None, confidence_of)
    sets, which = scorer.excluded(weights)
    if len(sets) == 1 and (sets[0] == evaluation.excluded).all():
        rows = np.flatnonzero(evaluation.included)
        return SmaaInputs(tuple(ids[i] for i in rows), main_criteria(evaluation)[0], None,
                          None, None)
    keep = np.flatnonzero(~sets.all(axis=0) | evaluation.included)
    scored = scorer.score(evaluation.panel.aggregated, np.tile(scorer.local, (len(sets), 1)),
                          excluded=sets)

    def values_under(central: Array) -> list[tuple[Array, Mask | None]]:
        out, at_set = scorer.excluded(central)
        at = scorer.main_values(scorer.score(evaluation.panel.aggregated,
                                             np.tile(scorer.local, (len(out), 1)),
                                             excluded=out))
        return [(at[s][keep], ~out[s][keep]) for s in at_set]

    return SmaaInputs(tuple(ids[i] for i in keep), scorer.main_values(scored)[:, keep],
                      ~sets[:, keep], which.astype(np.int64), values_under)
