"""Weight samplers for SMAA-2: uniform on the simplex, within intervals, within announced ranges.

See :mod:`evaluation.analysis.smaa` for how the draws are used.
"""

from __future__ import annotations

import numpy as np

from evaluation.analysis.smaa import CHUNK_ELEMENTS, FloatArray

METHODS = ("auto", "rejection", "hit-and-run")


MIN_ACCEPTANCE = 0.02  # below this share, rejection costs more than hit-and-run


PILOT_PROPOSALS = 10_000


BOUND_TOLERANCE = 1e-9  # bounds converted from percentage points may miss 1 by rounding


HIT_AND_RUN_CHAINS = 1_000


def sample_dirichlet(n_criteria: int, samples: int, rng: np.random.Generator) -> FloatArray:
    r"""Return ``(samples, n_criteria)`` weights uniform on the simplex, Dirichlet(1, …, 1).

    .. math::

        w_{kj} = \frac{e_{kj}}{\sum_l e_{kl}}, \qquad e_{kj} \sim \mathrm{Exp}(1)

    Normalised exponentials are exactly uniform on the simplex; normalised uniforms are not
    (they crowd the centre). Source: Tervonen & Lahdelma 2007 (generating weights).
    """
    draws = rng.standard_exponential((samples, n_criteria))
    draws /= draws.sum(axis=1, keepdims=True)
    return draws


def sample_intervals(
    published: FloatArray, spread: float, samples: int, rng: np.random.Generator
) -> tuple[FloatArray, float]:
    r"""Return weights uniform on the simplex within ± ``spread`` of ``published``, and the
    acceptance rate.

    .. math::

        \{w : \textstyle\sum_j w_j = 1,\;
        \max(0, p_j - s) \le w_j \le \min(1, p_j + s)\}

    ``spread`` is in the units of ``published`` (shares summing to 1: pass 0.02 for ± 2
    percentage points). Sampled by :func:`sample_ranges` with ``method="auto"``, which for such
    boxes nearly always finds an exact rejection sampler: the box proposal accepts about a
    third of its draws even for 20 criteria, where rejection from plain Dirichlet(1) would
    accept about :math:`(2s)^{n-1}` of them. Source: Tervonen & Lahdelma 2007 (imprecise
    weights in SMAA).
    """
    return sample_ranges(published - spread, published + spread, samples, rng, method="auto")


def sample_ranges(
    low: FloatArray,
    high: FloatArray,
    samples: int,
    rng: np.random.Generator,
    *,
    method: str = "auto",
) -> tuple[FloatArray, float]:
    r"""Return weights uniform on the simplex within ``[low, high]``, and the acceptance rate.

    .. math::

        W = \{w : \textstyle\sum_j w_j = 1,\; \max(0, l_j) \le w_j \le \min(1, h_j)\}

    ``"rejection"`` is exact. It proposes from whichever of two samplers accepts more of
    :data:`PILOT_PROPOSALS` pilot draws, and keeps the draws inside :math:`W`:

    - simplex: :math:`w = l + (1 - \sum l)\,d`, :math:`d \sim` Dirichlet(1), uniform on the
      simplex above the lower bounds (good when the upper bounds are loose);
    - box: every weight but the widest-ranged one uniform in its range, the widest one
      completing the sum to 1 (good when all ranges are narrow, as around published weights).

    Both are uniform on a set containing :math:`W` (the box map is linear), so the accepted
    draws are uniform on :math:`W`; the rate returned is accepted over proposed.
    ``"hit-and-run"`` (Smith 1984; Tervonen et al. 2013, R package ``hitandrun``) runs
    :data:`HIT_AND_RUN_CHAINS` chains from the point that fills every range in the same
    proportion, each step moving to a uniform point on the chord through the current point in
    a random direction within the hyperplane, isotropic once every weight is scaled by its
    reachable extent :math:`\min(h_j - l_j, 1 - \sum l)`; it discards ``10·d²`` steps as
    burn-in and keeps every ``d``-th step after (``d`` the dimension of :math:`W`). Its draws
    are uniform only in the limit and correlated within a chain (fewer effective samples), and
    the rate returned is 1.0 (nothing is rejected). ``"auto"`` takes rejection when the better
    pilot accepts at least :data:`MIN_ACCEPTANCE`, else hit-and-run. Deterministic given
    ``rng``'s seed.

    Raises ``ValueError`` if no weights satisfy the bounds (:math:`\sum l > 1`,
    :math:`\sum h < 1` or some :math:`l_j > h_j`), beyond :data:`BOUND_TOLERANCE`.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, found {method!r}")
    lo = np.maximum(np.asarray(low, dtype=np.float64), 0.0)
    hi = np.minimum(np.asarray(high, dtype=np.float64), 1.0)
    _require_region(lo, hi)
    slack = 1.0 - lo.sum()
    width = np.maximum(hi - lo, 0.0)
    free = np.flatnonzero(width > 0.0)
    if slack <= BOUND_TOLERANCE:
        return np.tile(lo / lo.sum(), (samples, 1)), 1.0
    if width.sum() - slack <= BOUND_TOLERANCE:
        return np.tile(hi / hi.sum(), (samples, 1)), 1.0
    weights = np.tile(lo, (samples, 1))
    if len(free) == 1:  # every other weight is pinned, so this one is too
        weights[:, free] += slack
        return weights, 1.0
    excess, acceptance = _sample_excess(width[free], slack, samples, rng, method)
    weights[:, free] += excess
    return weights, acceptance


def _require_region(lo: FloatArray, hi: FloatArray) -> None:
    crossed = np.flatnonzero(lo > hi + BOUND_TOLERANCE)
    if crossed.size:
        j = int(crossed[0])
        raise ValueError(
            f"weight range of criterion {j} is empty: low {lo[j]:.6g} > high {hi[j]:.6g}"
        )
    if lo.sum() > 1.0 + BOUND_TOLERANCE:
        raise ValueError(f"lower weight bounds sum to {lo.sum():.6g} > 1: no weights fit them")
    if hi.sum() < 1.0 - BOUND_TOLERANCE:
        raise ValueError(f"upper weight bounds sum to {hi.sum():.6g} < 1: no weights fit them")


def _sample_excess(
    top: FloatArray, slack: float, samples: int, rng: np.random.Generator, method: str
) -> tuple[FloatArray, float]:
    """Return points x uniform on {0 <= x <= top, sum(x) = slack} and the acceptance rate."""
    if method == "hit-and-run":
        return _hit_and_run(top, slack, samples, rng), 1.0
    proposers = (_propose_simplex, _propose_box)
    pilots = [propose(top, slack, PILOT_PROPOSALS, rng) for propose in proposers]
    best = int(np.argmax([len(pilot) for pilot in pilots]))
    if method == "rejection" and len(pilots[best]) == 0:
        raise ValueError(
            f"rejection sampling accepted none of {PILOT_PROPOSALS} proposals inside the"
            " weight ranges; use method='hit-and-run'"
        )
    if method == "auto" and len(pilots[best]) < MIN_ACCEPTANCE * PILOT_PROPOSALS:
        return _hit_and_run(top, slack, samples, rng), 1.0
    kept, n_kept, n_proposed = [pilots[best]], len(pilots[best]), PILOT_PROPOSALS
    cap = max(1, CHUNK_ELEMENTS // len(top))
    while n_kept < samples:
        # Sized from the running rate so that one more batch usually suffices.
        batch = min(cap, int(1.1 * (samples - n_kept) * n_proposed / max(n_kept, 1)) + 100)
        kept.append(proposers[best](top, slack, batch, rng))
        n_kept += len(kept[-1])
        n_proposed += batch
    return np.concatenate(kept)[:samples], n_kept / n_proposed


def _propose_simplex(
    top: FloatArray, slack: float, count: int, rng: np.random.Generator
) -> FloatArray:
    draws = sample_dirichlet(len(top), count, rng)
    draws *= slack
    return draws[(draws <= top).all(axis=1)]


def _propose_box(top: FloatArray, slack: float, count: int, rng: np.random.Generator) -> FloatArray:
    widest = int(np.argmax(top))
    draws = rng.random((count, len(top)))
    draws *= top
    draws[:, widest] = 0.0
    draws[:, widest] = slack - draws.sum(axis=1)
    rest = draws[:, widest]
    return draws[(rest >= 0.0) & (rest <= top[widest])]


def _hit_and_run(
    top: FloatArray, slack: float, samples: int, rng: np.random.Generator
) -> FloatArray:
    """Return ``samples`` points x with 0 <= x <= top and sum(x) = slack (see sample_ranges)."""
    dim = len(top) - 1
    chains = min(samples, HIT_AND_RUN_CHAINS)
    per_chain = -(-samples // chains)
    burn_in, thin = 10 * dim * dim, dim
    x = np.tile(top * (slack / top.sum()), (chains, 1))
    kept = np.empty((per_chain, chains, len(top)))
    tiny = np.finfo(np.float64).tiny
    # Directions isotropic after scaling each weight by its reachable extent ("rounding"):
    # a narrow range next to a wide one would otherwise slow the chains to a crawl.
    scale = np.minimum(top, slack)
    unit = scale / np.linalg.norm(scale)
    for step in range(burn_in + per_chain * thin):
        d = rng.standard_normal(x.shape)
        d -= (d @ unit)[:, None] * unit
        d *= scale
        # A zero component would give 0/0; a tiny one bounds nothing, as it should.
        d[d == 0.0] = tiny
        to_zero = -x / d
        to_top = (top - x) / d
        t_low = np.minimum(to_zero, to_top).max(axis=1)
        t_high = np.maximum(to_zero, to_top).min(axis=1)
        t = t_low + (t_high - t_low) * rng.random(chains)
        x += t[:, None] * d
        np.clip(x, 0.0, top, out=x)  # rounding can step a hair outside the box
        after = step - burn_in + 1
        if after > 0 and after % thin == 0:
            kept[after // thin - 1] = x
    return kept.reshape(-1, len(top))[:samples]
