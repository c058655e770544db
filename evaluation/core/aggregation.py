"""The evaluation panel: individual scores, their aggregation and disagreement flags.

Every individual score is kept (it is evidence); the per-criterion score follows the model's
rule: the committee's ``consensus``, or the pre-declared ``mean`` or ``median``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Panel:
    """Scores of every evaluator (E × P × L) and what the panel makes of them (P × L)."""

    evaluators: tuple[str, ...]
    individual: Array  # evaluator × proposal × quality leaf; NaN where not scored
    aggregated: Array  # proposal × quality leaf
    spread: Array  # max − min of the individual scores; NaN with fewer than two scores
    flagged: NDArray[np.bool_]


def score_matrix(scores: pd.DataFrame, evaluators: tuple[str, ...] | list[str],
                 proposal_ids: list[str], leaf_ids: list[str]) -> Array:
    """Return the evaluator × proposal × leaf array of scores from long rows (NaN = none)."""
    out = np.full((len(evaluators), len(proposal_ids), len(leaf_ids)), np.nan)
    if scores.empty:
        return out
    # the position of each row's id in the listed ids, -1 where not listed (such rows are
    # dropped); pandas 4 refuses a Categorical of values outside its categories
    e = pd.Index(list(evaluators)).get_indexer(pd.Index(scores["evaluator"]))
    p = pd.Index(proposal_ids).get_indexer(pd.Index(scores["proposal_id"]))
    c = pd.Index(leaf_ids).get_indexer(pd.Index(scores["criterion_id"]))
    keep = (e >= 0) & (p >= 0) & (c >= 0)
    out[e[keep], p[keep], c[keep]] = scores["score"].to_numpy(dtype=np.float64)[keep]
    return out


def consensus_matrix(consensus: pd.DataFrame, proposal_ids: list[str],
                     leaf_ids: list[str]) -> Array:
    """Return the proposal × leaf array of the committee's agreed scores (NaN = none)."""
    frame = consensus.assign(evaluator="consensus")
    return score_matrix(frame, ["consensus"], proposal_ids, leaf_ids)[0]


def aggregate_scores(individual: Array, rule: str, consensus: Array | None = None) -> Array:
    """Return the per-criterion score by the model's rule.

    ``mean`` and ``median`` ignore missing scores (a recused evaluator does not count);
    ``consensus`` takes the committee's agreed score as it stands.
    """
    if rule == "consensus":
        if consensus is None:
            raise ValueError("consensus aggregation needs the committee's consensus scores")
        return consensus
    if individual.shape[0] == 0:
        return np.full(individual.shape[1:], np.nan)
    with np.errstate(all="ignore"), _quiet_nan_warnings():
        if rule == "mean":
            return np.nanmean(individual, axis=0)
        if rule == "median":
            return np.nanmedian(individual, axis=0)
    raise ValueError(f"unknown aggregation rule {rule!r}")


def flag_disagreement(individual: Array, ranges: Array, share: float) -> tuple[Array,
                                                                                NDArray[np.bool_]]:
    """Return the spread of the scores and whether it flags disagreement.

    .. math:: \\text{flag} \\iff \\max_e s_e - \\min_e s_e \\ge \\text{share}\\cdot(\\max - \\min)

    Bonfire's rule, 30 % of the scale by default (price-models.md, "Quality scoring
    conventions"); scores 6 and 9 on 0–10 flag (case C14). A small tolerance keeps
    0.3 × 10 = 3.0000000000000004 from missing a spread of exactly 3.
    """
    counts = np.sum(~np.isnan(individual), axis=0)
    if individual.size == 0:  # no evaluators or no quality criteria: nothing to disagree on
        return np.full(counts.shape, np.nan), np.zeros(counts.shape, dtype=bool)
    with _quiet_nan_warnings():
        spread = np.nanmax(individual, axis=0) - np.nanmin(individual, axis=0)
    spread = np.where(counts >= 2, spread, np.nan)
    threshold = share * ranges - 1e-9 * ranges
    flagged = np.nan_to_num(spread, nan=-np.inf) >= threshold
    return spread, flagged


def build_panel(scores: pd.DataFrame, evaluators: tuple[str, ...], proposal_ids: list[str],
                leaf_ids: list[str], ranges: Array, rule: str, share: float,
                consensus: pd.DataFrame | None) -> Panel:
    """Return the panel's individual, aggregated and flagged scores."""
    individual = score_matrix(scores, evaluators, proposal_ids, leaf_ids)
    agreed = None if consensus is None else consensus_matrix(consensus, proposal_ids, leaf_ids)
    aggregated = aggregate_scores(individual, rule, agreed)
    spread, flagged = flag_disagreement(individual, ranges, share)
    return Panel(tuple(evaluators), individual, aggregated, spread, flagged)


@contextmanager
def _quiet_nan_warnings() -> Iterator[None]:
    """Silence numpy's "all-NaN slice" warnings: missing scores are expected here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield
