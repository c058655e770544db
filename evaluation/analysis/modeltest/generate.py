"""The generator: fictitious competitions drawn from a model and its settings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evaluation.core.model import Model
from evaluation.core.scoring import below_minimum

from .constants import DECOY, DEFAULT_BUDGET, MAX_PROPOSALS, Array, Mask
from .settings import Settings


def normal_cdf(u: Array) -> Array:
    r"""Return the standard normal distribution function Φ(u), elementwise.

    .. math:: \Phi(u) = \tfrac12\left(1 + \operatorname{erf}(u/\sqrt2)\right)

    with erf from Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7), so the package
    needs no scipy.
    """
    x = np.abs(u) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (
        -1.453152027 + t * 1.061405429))))
    erf = 1.0 - poly * np.exp(-x * x)
    result: Array = 0.5 * (1.0 + np.sign(u) * erf)
    return result


@dataclass(frozen=True)
class Competitions:
    """A batch of fictitious competitions, padded to :data:`SLOTS` slots (the last a decoy)."""

    prices: Array  # C × SLOTS × F, per price field
    quality: Array  # C × SLOTS × Q, scores on each quality leaf's scale
    admitted: Mask  # C × SLOTS: drawn and above every minimum (decoy slot: False)
    drawn: Mask  # C × SLOTS: drawn at all
    fields: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.prices.shape[0])

    def slice(self, start: int, stop: int) -> Competitions:
        return Competitions(self.prices[start:stop], self.quality[start:stop],
                            self.admitted[start:stop], self.drawn[start:stop], self.fields)


def price_fields(model: Model) -> tuple[str, ...]:
    """Return the model's price fields in tree order, each once."""
    return model.price_fields


def budgets(model: Model, settings: Settings) -> dict[str, float]:
    """Return the budget of every price field (:data:`DEFAULT_BUDGET` where none is set)."""
    return {f: float(settings.budget.get(f, DEFAULT_BUDGET)) for f in price_fields(model)}


def _steps(span: float) -> int:
    return round(span) if span >= 4 and float(span).is_integer() else 10


def generate_competitions(model: Model, settings: Settings) -> Competitions:
    """Return ``settings.competitions`` fictitious competitions drawn with ``settings.seed``.

    Thresholds (``minimum``) exclude as in scoring: a leaf's on its score, a group's on its
    points before normalisation. The decoy slot is filled in here: quality at the least of the
    admitted proposals on every leaf, every price ``1 + decoy_markup`` times the dearest.
    """
    rng = np.random.default_rng(settings.seed)
    c = settings.competitions
    fields = price_fields(model)
    budget = budgets(model, settings)
    cost = np.array([_field_is_cost(model, f) for f in fields], dtype=bool)
    quality_leaves = model.quality_leaves
    lo, hi = settings.proposals
    sizes = rng.integers(lo, hi + 1, size=c)
    common = rng.standard_normal((c, MAX_PROPOSALS))
    own = rng.standard_normal((c, MAX_PROPOSALS, len(fields)))
    noise = rng.standard_normal((c, MAX_PROPOSALS, len(quality_leaves)))
    a, rho, sigma = settings.field_correlation, settings.correlation, settings.spread
    x = np.sqrt(a) * common[..., None] + np.sqrt(1.0 - a) * own
    level = x.mean(axis=-1) / np.sqrt(a + (1.0 - a) / max(len(fields), 1)) if fields \
        else common
    # benefit numbers (discounts, hours) are better when larger: a dear proposal offers less
    sign = np.where(cost, 1.0, -1.0)
    amounts = np.array([budget[f] for f in fields])
    prices = amounts * np.exp(sigma * sign * x)
    u = rho * level[..., None] + np.sqrt(1.0 - rho * rho) * noise
    share = normal_cdf(u)
    mins = np.array([leaf.scale.min for leaf in quality_leaves])
    spans = np.array([leaf.scale.range for leaf in quality_leaves])
    steps = np.array([_steps(s) for s in spans])
    level_q = np.minimum(np.floor(share * (steps + 1)), steps)
    quality = mins + level_q * spans / steps
    drawn: Mask = np.asarray(np.arange(MAX_PROPOSALS) < sizes[:, None])
    admitted: Mask = np.asarray(drawn & ~below_minimum(model, quality, quality_leaves))
    # pad: the decoy slot, and harmless finite numbers in slots not drawn
    big = np.concatenate([prices, np.zeros((c, 1, len(fields)))], axis=1)
    qual = np.concatenate([quality, np.zeros((c, 1, len(quality_leaves)))], axis=1)
    any_admitted: Mask = np.asarray(admitted.any(axis=1))
    with np.errstate(invalid="ignore"):
        dearest = np.where(admitted[..., None], prices, np.nan)
        worst_cost = np.nanmax(np.where(any_admitted[:, None, None], dearest, 1.0), axis=1)
        worst_benefit = np.nanmin(np.where(any_admitted[:, None, None], dearest, 1.0), axis=1)
        least = np.nanmin(np.where(any_admitted[:, None, None],
                                   np.where(admitted[..., None], quality, np.nan), 0.0), axis=1)
    markup = 1.0 + settings.decoy_markup
    big[:, DECOY] = np.where(cost, worst_cost * markup, worst_benefit / markup)
    qual[:, DECOY] = least
    filler = np.broadcast_to(amounts, big.shape)
    big = np.where(np.append(drawn, np.ones((c, 1), bool), axis=1)[..., None], big, filler)
    pad = np.concatenate([admitted, np.zeros((c, 1), dtype=bool)], axis=1)
    return Competitions(big, qual, pad,
                        np.concatenate([drawn, np.zeros((c, 1), dtype=bool)], axis=1), fields)


def _field_is_cost(model: Model, name: str) -> bool:
    return all(leaf.price.direction == "cost" for leaf in model.price_leaves
               if leaf.price is not None and leaf.price.field == name)


