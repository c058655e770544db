r"""Tests an evaluation model on fictitious competitions before it is published.

Guidance in Norway and Sweden: simulate the model with fictitious proposals before the
competition is announced, and fix the method before any proposal is opened (KOFA 2023/0999
commentary). Price models that compare proposals with each other can reverse a ranking when a
non-winning proposal is added or removed (price-models.md, "Rank-reversal test").

The generator draws ``competitions`` fictitious competitions of 3–10 proposals. Every price
field ``f`` of proposal ``i`` is ``budget_f · exp(σ·x_if)`` (log-normal around the budget with
spread σ), ``x_if = √a·z_i + √(1−a)·ε_if`` (``a``: correlation between a proposal's price
fields). Quality on every quality leaf is a Gaussian copula of the price level: ``u = ρ·z̃_i +
√(1−ρ²)·η`` (``z̃`` the standardised mean of ``x``), ``Φ(u)`` spread evenly over the leaf's
scale steps, so a positive ``ρ`` gives dearer proposals more quality.

Every competition is scored in one batch of numpy operations: competitions are padded to 10
proposal slots plus one slot for a dominated decoy, and a mask says which slots take part in
each of 12 scenarios: as drawn, without each of the 10 slots, and with the decoy (price above
the dearest, quality at the least of every proposal on every leaf: worse than everybody).
The price kernels (:func:`batch_price_scores`) are masked versions of :mod:`evaluation.price`'s
formulas, tested to agree with :func:`evaluation.price.score_price`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .criteria import Model
from .errors import CriteriaError, ProblemList
from .labels import Label
from .price import MODELS, is_bounded
from .yamlio import read_yaml

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]

MAX_PROPOSALS = 10
SLOTS = MAX_PROPOSALS + 1  # the last slot holds the dominated decoy
DECOY = MAX_PROPOSALS
SCENARIOS = 1 + MAX_PROPOSALS + 1  # as drawn, without each slot, with the decoy
DEFAULT_SEED = 20261126
DEFAULT_COMPETITIONS = 2000
DEFAULT_BUDGET = 1_000_000.0
CHUNK = 1000  # competitions per batch: bounds memory, results do not depend on it


@dataclass(frozen=True)
class Settings:
    """How fictitious competitions are drawn; recorded so that a result can be re-run."""

    competitions: int = DEFAULT_COMPETITIONS
    seed: int = DEFAULT_SEED
    proposals: tuple[int, int] = (3, MAX_PROPOSALS)
    spread: float = 0.25  # σ of log price; guidance range 10–40 %
    correlation: float = 0.3  # ρ between price level and quality; guidance −0.3 to 0.7
    field_correlation: float = 0.5  # between a proposal's price fields
    decoy_markup: float = 0.2  # the decoy's price above the dearest proposal's
    budget: Mapping[str, float] = field(default_factory=dict)  # per price field
    models: tuple[str, ...] = ()  # candidates to compare; () means all that apply

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        """Return settings recorded by :meth:`as_dict` (e.g. in a lock file)."""
        known = {k: data[k] for k in _SETTING_KEYS if k in data}
        for key in ("proposals", "models"):
            if key in known:
                known[key] = tuple(known[key])
        return cls(**known)

    def as_dict(self) -> dict[str, Any]:
        return {"competitions": self.competitions, "seed": self.seed,
                "proposals": list(self.proposals), "spread": self.spread,
                "correlation": self.correlation, "field_correlation": self.field_correlation,
                "decoy_markup": self.decoy_markup, "budget": dict(self.budget),
                "models": list(self.models)}


_SETTING_KEYS = ("competitions", "seed", "proposals", "spread", "correlation",
                 "field_correlation", "decoy_markup", "budget", "models")


def read_settings(model: Model, overrides: Mapping[str, Any] | None = None) -> Settings:
    """Return the model's ``model_test:`` settings with ``overrides`` (e.g. from options).

    Raises :class:`CriteriaError` with ``file:line`` for every bad value of the section and
    of the overrides (reported as ``option``).
    """
    problems = ProblemList()
    raw: dict[str, Any] = dict(model.model_test)
    doc = read_yaml(model.source, ProblemList()) if raw else None
    where = str(model.source)

    def line(*path: str | int) -> int | None:
        return doc.line(("model_test", *path)) if doc is not None else None

    for key in raw:
        if key not in _SETTING_KEYS:
            problems.add(where, f"model_test.{key}", "unknown setting", line=line(key),
                         found=key, expected=" | ".join(_SETTING_KEYS))
    values: dict[str, Any] = {}
    sources = [(k, v, f"model_test.{k}", line(k)) for k, v in raw.items()
               if k in _SETTING_KEYS]
    sources += [(k, v, f"option {k}", None) for k, v in (overrides or {}).items()
                if v is not None]
    for key, value, name, at in sources:
        parsed = _parse_setting(key, value, name, at, where, problems, model, line)
        if parsed is not None:
            values[key] = parsed
    problems.raise_if_any(CriteriaError)
    return Settings(**values)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
        except ValueError:
            return None
    return None


def _parse_setting(key: str, value: Any, name: str, at: int | None, where: str,
                   problems: ProblemList, model: Model, line: Any) -> Any:
    def bad(message: str, expected: str) -> None:
        problems.add(where, name, message, line=at, found=value, expected=expected)

    if key in ("competitions", "seed"):
        number = _number(value)
        lowest = 1 if key == "competitions" else 0
        if number is None or not number.is_integer() or number < lowest:
            bad("not a whole number", f"an integer >= {lowest}")
            return None
        return int(number)
    if key == "proposals":
        pair = value if isinstance(value, list | tuple) else None
        numbers = [_number(v) for v in pair] if pair is not None and len(pair) == 2 else None
        if numbers is None or None in numbers or not all(
                float(n).is_integer() for n in numbers if n is not None):
            bad("must be [fewest, most] proposals", "[3, 10]")
            return None
        lo, hi = (int(n) for n in numbers if n is not None)
        if not 2 <= lo <= hi <= MAX_PROPOSALS:
            bad("fewest and most proposals out of range", f"2 <= fewest <= most <= "
                f"{MAX_PROPOSALS}")
            return None
        return (lo, hi)
    if key == "models":
        items = value if isinstance(value, list | tuple) else [value]
        unknown = [m for m in items if m not in CANDIDATES]
        if unknown:
            bad("unknown model to compare", " | ".join(CANDIDATES))
            return None
        return tuple(str(m) for m in items)
    if key == "budget":
        fields = [leaf.price.field for leaf in model.price_leaves if leaf.price is not None]
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            amount = _number(value)
            if amount is None or amount <= 0:
                bad("not a positive amount", "an amount or {field: amount}")
                return None
            return dict.fromkeys(fields, amount)
        if not isinstance(value, Mapping):
            bad("must be {price field: amount}", "{" + ", ".join(fields) + "}")
            return None
        budget: dict[str, float] = {}
        for f, amount_raw in value.items():
            amount = _number(amount_raw)
            if f not in fields:
                problems.add(where, f"{name}.{f}", "not a price field of the model",
                             line=line(key, f) if at is not None else None, found=f,
                             expected=" | ".join(fields))
            elif amount is None or amount <= 0:
                problems.add(where, f"{name}.{f}", "not a positive amount",
                             line=line(key, f) if at is not None else None, found=amount_raw,
                             expected="an amount > 0")
            else:
                budget[str(f)] = amount
        return budget
    number = _number(value)
    limits = {"spread": (0.0, 1.0, "0 < spread <= 1 (guidance: 0.10 to 0.40)"),
              "correlation": (-1.0, 1.0, "-1 < correlation < 1 (guidance: -0.3 to 0.7)"),
              "field_correlation": (0.0, 1.0, "0 <= field_correlation <= 1"),
              "decoy_markup": (0.0, 10.0, "0 < decoy_markup <= 10")}
    low, high, text = limits[key]
    inside = number is not None and (
        (low < number <= high) if key in ("spread", "decoy_markup") else
        (low < number < high) if key == "correlation" else (low <= number <= high))
    if not inside:
        bad("out of range", text)
        return None
    return number


# --- generator -----------------------------------------------------------------------------


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
    fields = [leaf.price.field for leaf in model.price_leaves if leaf.price is not None]
    return tuple(dict.fromkeys(fields))


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
    admitted: Mask = np.asarray(drawn & ~_below_minimum(model, quality))
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


def _below_minimum(model: Model, quality: Array) -> Mask:
    leaves = model.quality_leaves
    column = {leaf.id: j for j, leaf in enumerate(leaves)}
    mins = np.array([leaf.scale.min for leaf in leaves])
    spans = np.array([leaf.scale.range for leaf in leaves])
    values = (quality - mins) / spans
    below = np.zeros(quality.shape[:-1], dtype=bool)
    for node in model.nodes():
        if node.minimum is None:
            continue
        if node.is_leaf:
            got = quality[..., column[node.id]]
        else:
            got = np.zeros(quality.shape[:-1])
            for n in node.walk():
                if n.is_leaf and n.id in column:
                    got = got + model.points * model.global_weight(n.id) * values[..., column[n.id]]
        below |= got < node.minimum - 1e-9
    return below


# --- masked price kernels ------------------------------------------------------------------


def _ref(p: Array, mask: Mask, lowest: bool) -> Array:
    if lowest:
        return np.where(mask, p, np.inf).min(axis=-1, keepdims=True)
    return np.where(mask, p, -np.inf).max(axis=-1, keepdims=True)


def _ratio(p: Array, best: Array, cost: bool) -> Array:
    ratio = best / p if cost else p / best
    return np.where(p == best, 1.0, ratio)


def batch_price_scores(model_id: str, prices: Array, mask: Mask, *, maximum: float,
                       direction: str, params: Mapping[str, Any]) -> Array:
    """Return points like :func:`evaluation.price.score_price`, for many price sets at once.

    ``prices`` and ``mask`` broadcast to ``(..., slots)``; every row is one competition whose
    relative references (Pmin, Pmax, the mean) are taken over the slots where ``mask`` is
    True. Values in masked-out slots are meaningless. Same formulas, same sources as
    :mod:`evaluation.price`; ``tests/test_modeltest.py`` checks that they agree.
    """
    p = np.broadcast_to(prices, np.broadcast_shapes(prices.shape, mask.shape))
    cost = direction == "cost"
    m = float(maximum)
    with np.errstate(all="ignore"):
        if model_id == "linear":
            ref = _ref(p, mask, cost)
            gap = np.where(ref != 0, np.abs(p - ref) / ref, 0.0)
            out = m * (1.0 - float(params.get("slope", 1.0)) * gap)
            return _floor(out, params.get("floor"))
        if model_id in ("proportional", "ratio_to_largest"):
            return m * _ratio(p, _ref(p, mask, cost), cost)
        if model_id == "two_sided":
            low, high = _ref(p, mask, True), _ref(p, mask, False)
            share = (high - p) if cost else (p - low)
            return np.where(high == low, m, m * share / (high - low))
        if model_id == "fixed_endpoints":
            best, worst = float(params["best"]), float(params["worst"])
            return np.asarray(np.clip(m * (worst - p) / (worst - best), 0.0, m))
        if model_id == "log":
            loss = -np.log(_ratio(p, _ref(p, mask, cost), cost)) / np.log(
                float(params["zero_at"]))
            return _floor(m * (1.0 - loss), params.get("floor"))
        if model_id == "piecewise":
            return _piecewise(p, params)
        if model_id == "bilinear_mean":
            x = float(params["x"])
            count = mask.sum(axis=-1, keepdims=True)
            r_mean = np.where(mask, p, 0.0).sum(axis=-1, keepdims=True) / count
            r_max = _ref(p, mask, False)
            below = np.where(r_mean != 0, x * (p / r_mean), x)
            above = x + (1.0 - x) * np.where(r_max != r_mean, (p - r_mean) / (r_max - r_mean),
                                             0.0)
            value = np.where(p == r_max, 1.0, np.where(p <= r_mean, below, above))
            return m * value
    raise ValueError(f"unknown price model {model_id!r} (expected {' | '.join(MODELS)})")


def _floor(scores: Array, floor: Any) -> Array:
    return scores if floor is None else np.maximum(scores, float(floor))


def _breakpoints(params: Mapping[str, Any]) -> tuple[Array, Array]:
    points = np.asarray(params["breakpoints"], dtype=np.float64).reshape(-1, 2)
    order = np.argsort(points[:, 0], kind="stable")
    return points[order, 0], points[order, 1]


def _piecewise(p: Array, params: Mapping[str, Any]) -> Array:
    xs, ys = _breakpoints(params)
    scores = np.interp(p, xs, ys)
    if params.get("outside", "clip") == "extrapolate":
        first = (ys[1] - ys[0]) / (xs[1] - xs[0])
        last = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
        scores = np.where(p < xs[0], ys[0] + first * (p - xs[0]), scores)
        scores = np.where(p > xs[-1], ys[-1] + last * (p - xs[-1]), scores)
    return scores


def batch_price_slopes(model_id: str, prices: Array, mask: Mask, *, maximum: float,
                       direction: str, params: Mapping[str, Any]) -> Array:
    """Return |dS/dP| like :func:`evaluation.price.price_slope`, for many price sets at once.

    References (Pmin, Pmax, the mean) are held fixed, as in the catalogue's "implied NOK per
    quality point"; 0 where the points are flat (floored, clipped, all prices equal).
    """
    p = np.broadcast_to(prices, np.broadcast_shapes(prices.shape, mask.shape))
    with np.errstate(all="ignore"):
        rate = _slopes(model_id, p, mask, float(maximum), direction, params)
    return np.broadcast_to(rate, p.shape)


def _slopes(model_id: str, p: Array, mask: Mask, m: float, direction: str,
            params: Mapping[str, Any]) -> Array:
    cost = direction == "cost"
    if model_id == "linear":
        ref = _ref(p, mask, cost)
        rate = np.where(ref != 0, m * abs(float(params.get("slope", 1.0))) / ref, 0.0)
        return _flat_below_floor(model_id, rate, p, mask, m, direction, params)
    if model_id == "proportional":
        if cost:
            return np.where(p != 0, m * _ref(p, mask, True) / p**2, 0.0)
        high = _ref(p, mask, False)
        return np.where(high != 0, m / high, 0.0)
    if model_id == "ratio_to_largest":
        high = _ref(p, mask, False)
        return np.where(high != 0, m / high, 0.0)
    if model_id == "two_sided":
        gap = _ref(p, mask, False) - _ref(p, mask, True)
        return np.where(gap != 0, m / gap, 0.0)
    if model_id == "fixed_endpoints":
        best, worst = float(params["best"]), float(params["worst"])
        inside = (p >= min(best, worst)) & (p <= max(best, worst))
        return np.where(inside, m / abs(worst - best), 0.0)
    if model_id == "log":
        rate = np.where(p != 0, m / (p * np.log(float(params["zero_at"]))), 0.0)
        return _flat_below_floor(model_id, rate, p, mask, m, direction, params)
    if model_id == "piecewise":
        xs, ys = _breakpoints(params)
        slopes = np.abs(np.diff(ys) / np.diff(xs))
        segment = np.clip(np.searchsorted(xs, p, side="right") - 1, 0, len(xs) - 2)
        rate = slopes[segment]
        if params.get("outside", "clip") == "clip":
            rate = np.where((p < xs[0]) | (p > xs[-1]), 0.0, rate)
        return np.asarray(rate)
    if model_id == "bilinear_mean":
        x = float(params["x"])
        count = mask.sum(axis=-1, keepdims=True)
        r_mean = np.where(mask, p, 0.0).sum(axis=-1, keepdims=True) / count
        r_max, r_min = _ref(p, mask, False), _ref(p, mask, True)
        below = np.where(r_mean != 0, x * m / r_mean, 0.0)
        gap = np.maximum(r_max - r_mean, 0.0)
        above = np.where(gap != 0, (1.0 - x) * m / gap, 0.0)
        rate = np.where((p <= r_mean) & (p < r_max), below, above)
        return np.where(r_max == r_min, 0.0, rate)
    raise ValueError(f"unknown price model {model_id!r} (expected {' | '.join(MODELS)})")


def _flat_below_floor(model_id: str, rate: Array, p: Array, mask: Mask, m: float,
                      direction: str, params: Mapping[str, Any]) -> Array:
    floor = params.get("floor")
    if floor is None:
        return rate
    unfloored = batch_price_scores(model_id, p, mask, maximum=m, direction=direction,
                                   params={k: v for k, v in params.items() if k != "floor"})
    return np.where(unfloored < float(floor), 0.0, rate)


# --- simulation ----------------------------------------------------------------------------


def scenario_masks(admitted: Mask) -> Mask:
    """Return the 12 scenario masks (scenario × competition × slot) of a batch.

    0: as drawn; 1–10: without slot k−1; 11: with the dominated decoy (when anybody is
    admitted).
    """
    base = admitted.copy()
    base[:, DECOY] = False
    masks = np.repeat(base[None], SCENARIOS, axis=0)
    for k in range(MAX_PROPOSALS):
        masks[1 + k, :, k] = False
    masks[-1, :, DECOY] = base.any(axis=1)
    return masks


@dataclass(frozen=True)
class Outcomes:
    """Per-competition outcomes of one variant (arrays of length C)."""

    admitted: NDArray[np.int64]
    removal_changed: Mask
    removal_order_changed: Mask
    removals: NDArray[np.int64]
    removals_changed: NDArray[np.int64]
    decoy_changed: Mask
    decoy_order_changed: Mask
    realised: Array  # C × L, NaN where undefined
    nok: Array  # NaN where undefined
    negative: Mask | None
    clipped: Mask | None
    unbeatable: Mask | None


def _winners(mask: Mask, keys: Sequence[Array]) -> NDArray[np.int64]:
    """Return the winning slot per row (−1 if nobody takes part), keys compared in order."""
    candidates = mask.copy()
    for key in keys:
        k = np.where(candidates, np.broadcast_to(key, mask.shape), -np.inf)
        candidates &= k == k.max(axis=-1, keepdims=True)
    winner = np.argmax(candidates, axis=-1).astype(np.int64)
    return np.where(candidates.any(axis=-1), winner, -1)


def simulate_variant(model: Model, variant: Variant, batch: Competitions) -> Outcomes:
    """Return the outcomes of one variant (own or candidate model) over a batch."""
    masks = scenario_masks(batch.admitted)
    base = masks[0]
    values = _quality_values(model, batch.quality, masks)  # (K|1) × C × S × Q
    gw_q = np.array(variant.quality_weights)
    with np.errstate(all="ignore"):
        q_points = model.points * _weighted_sum(values, gw_q)
        price_values: list[Array] = []
        for j, leaf in enumerate(model.price_leaves):
            spec = variant.price_models[j]
            p = batch.prices[..., batch.fields.index(leaf.price.field)] \
                if leaf.price is not None else batch.prices[..., 0]
            if spec is None:
                price_values.append(np.zeros(masks.shape))
                continue
            scores = batch_price_scores(spec.model, p, masks, maximum=leaf.scale.max,
                                        direction=spec.direction, params=spec.params)
            price_values.append((scores - leaf.scale.min) / leaf.scale.range)
        total_price = _total_price(batch, variant)
        primary, price_key = _primary(model, variant, q_points, price_values, values, total_price,
                                      masks)
        keys = [primary, *_tie_keys(model, variant, q_points, price_key, price_values, values)]
        winners = _winners(masks, keys)
        order = np.sign(primary[..., :, None] - primary[..., None, :])
    c = batch.admitted.shape[0]
    won = winners[0]
    n_admitted = base.sum(axis=1)
    slots = np.arange(MAX_PROPOSALS)
    removable = base[:, :MAX_PROPOSALS] & (slots != won[:, None])  # C × 10
    changed = (won[:, None] != winners[1:1 + MAX_PROPOSALS].T) & removable
    pair_base = base[:, :, None] & base[:, None, :]
    flips = (order != order[0]) & pair_base & masks[..., :, None] & masks[..., None, :]
    flipped = flips.any(axis=(-1, -2))  # K × C
    realised = _realised(model, variant, values, price_values, total_price, base)
    nok = _nok(model, variant, batch, q_points, won, base)
    negative = clipped = unbeatable = None
    if variant.award_model == "weighted_points":
        negative = np.zeros(c, dtype=bool)
        for pv in price_values:
            negative |= ((pv[0] < 0) & base).any(axis=1)
        clipped = _clipped(model, variant, batch, base)
        unbeatable = _unbeatable(model, variant, q_points[0], base)
    return Outcomes(
        admitted=n_admitted.astype(np.int64),
        removal_changed=changed.any(axis=1),
        removal_order_changed=(flipped[1:1 + MAX_PROPOSALS].T & removable).any(axis=1),
        removals=removable.sum(axis=1).astype(np.int64),
        removals_changed=changed.sum(axis=1).astype(np.int64),
        decoy_changed=(winners[-1] != won) & (n_admitted > 0),
        decoy_order_changed=flipped[-1] & (n_admitted > 0),
        realised=realised, nok=nok, negative=negative, clipped=clipped, unbeatable=unbeatable)


def _weighted_sum(values: Array, weights: Array) -> Array:
    # An explicit loop, not a matrix product: BLAS may sum in a different order in different
    # rows, and an absolute model must give bit-identical totals in every scenario.
    total = np.zeros(values.shape[:-1])
    for j, w in enumerate(weights):
        total = total + w * values[..., j]
    return total


def _quality_values(model: Model, quality: Array, masks: Mask) -> Array:
    """Return quality leaf values, normalised per scenario where the model normalises."""
    leaves = model.quality_leaves
    mins = np.array([leaf.scale.min for leaf in leaves])
    spans = np.array([leaf.scale.range for leaf in leaves])
    values = ((quality - mins) / spans)[None]
    groups = [n for n in model.nodes() if n.children and n.normalisation != "none"]
    if not groups and all(leaf.normalisation == "none" for leaf in leaves):
        return values
    values = np.repeat(values, masks.shape[0], axis=0)
    column = {leaf.id: j for j, leaf in enumerate(leaves)}
    with np.errstate(all="ignore"):
        for j, leaf in enumerate(leaves):
            if leaf.normalisation != "none":
                values[..., j] = _normalised(values[..., j], masks, leaf.normalisation)
        for group in sorted(groups, key=lambda n: -len(n.path)):
            cols = [column[n.id] for n in group.walk() if n.is_leaf and n.id in column]
            w = np.array([model.global_weight(leaves[k].id) for k in cols])
            share = _weighted_sum(values[..., cols], w / w.sum())
            best = np.where(masks, share, -np.inf).max(axis=-1, keepdims=True)
            for k in cols:
                if group.normalisation == "proportional":
                    values[..., k] = np.where(best > 0, values[..., k] / best, values[..., k])
                else:
                    values[..., k] = values[..., k] + (1.0 - best)
    return values


def _normalised(v: Array, masks: Mask, how: str) -> Array:
    best = np.where(masks, v, -np.inf).max(axis=-1, keepdims=True)
    if how == "proportional":
        return np.where(best > 0, v / best, v)
    return v + (1.0 - best)


def _total_price(batch: Competitions, variant: Variant) -> Array:
    total = np.zeros(batch.prices.shape[:-1])
    for f in variant.award_fields:
        total = total + batch.prices[..., batch.fields.index(f)]
    return total


def _primary(model: Model, variant: Variant, q_points: Array, price_values: list[Array],
             values: Array, total_price: Array, masks: Mask) -> tuple[Array, Array]:
    """Return the ranking key (higher is better) and the tie-break key for ``price``."""
    if variant.award_model == "weighted_points":
        price_points = np.zeros(masks.shape)
        for pv, w in zip(price_values, variant.price_weights, strict=True):
            price_points = price_points + model.points * w * pv
        return q_points + price_points, price_points
    share = _weighted_sum(values, np.array(variant.share_weights))
    cheap = np.broadcast_to(-total_price, masks.shape)
    if variant.award_model == "monetised":
        deduction = _weighted_sum(values, np.array(variant.amounts))
        return np.broadcast_to(deduction - total_price, masks.shape), cheap
    if variant.award_model == "surcharge":
        ratio = variant.quality_over_price
        return np.broadcast_to(-total_price * (1.0 + (1.0 - share) * ratio), masks.shape), cheap
    z = np.broadcast_to(model.points * share / total_price, masks.shape)
    if variant.corridor_pct:
        best = np.where(masks, z, -np.inf).max(axis=-1, keepdims=True)
        z = np.where(z >= best * (1.0 - variant.corridor_pct / 100.0), best, z)
    return z, cheap


def _tie_keys(model: Model, variant: Variant, q_points: Array, price_key: Array,
              price_values: list[Array], values: Array) -> list[Array]:
    keys: list[Array] = []
    column = {leaf.id: j for j, leaf in enumerate(model.quality_leaves)}
    price_column = {leaf.id: j for j, leaf in enumerate(model.price_leaves)}
    for entry in model.tie_break:
        if entry == "quality":
            keys.append(q_points)
        elif entry == "price":
            keys.append(price_key)
        else:
            node = model.node(entry)
            points: Array = np.zeros(price_key.shape)
            for leaf in node.walk():
                if leaf.id in column:
                    points = points + variant.quality_weights[column[leaf.id]] * \
                        values[..., column[leaf.id]]
                elif leaf.id in price_column:
                    j = price_column[leaf.id]
                    points = points + variant.price_weights[j] * price_values[j]
            keys.append(points)
    return keys


def _spread(v: Array, base: Mask) -> Array:
    return np.where(base, v, -np.inf).max(axis=-1) - np.where(base, v, np.inf).min(axis=-1)


def _realised(model: Model, variant: Variant, values: Array, price_values: list[Array],
              total_price: Array, base: Mask) -> Array:
    """Return each leaf's realised weight per competition (NaN where undefined)."""
    c = base.shape[0]
    n_q, n_p = len(model.quality_leaves), len(model.price_leaves)
    parts = np.full((c, n_q + n_p), np.nan)
    enough = base.sum(axis=1) >= 2
    with np.errstate(all="ignore"):
        if variant.award_model == "weighted_points":
            for j in range(n_q):
                parts[:, j] = variant.quality_weights[j] * _spread(values[0, ..., j], base)
            for j, pv in enumerate(price_values):
                parts[:, n_q + j] = variant.price_weights[j] * _spread(pv[0], base)
        elif variant.award_model == "monetised":
            for j in range(n_q):
                parts[:, j] = variant.amounts[j] * _spread(values[0, ..., j], base)
            spread = _spread(total_price, base)
            for j, leaf in enumerate(model.price_leaves):
                if leaf.price is not None and leaf.price.field in variant.award_fields:
                    parts[:, n_q + j] = spread / max(len(variant.award_fields), 1)
        else:
            return parts
        total = np.nansum(parts, axis=1, keepdims=True)
        realised = np.where(enough[:, None] & (total > 0), parts / total, np.nan)
    return realised


def _nok(model: Model, variant: Variant, batch: Competitions, q_points: Array,
         won: NDArray[np.int64], base: Mask) -> Array:
    """Return the implied amount one quality point (of the model's total) is worth, per
    competition, at the winner's prices (see :func:`nok_per_quality_point`)."""
    c = base.shape[0]
    rows = np.arange(c)
    slot = np.maximum(won, 0)
    out = np.full(c, np.nan)
    with np.errstate(all="ignore"):
        if variant.award_model == "weighted_points":
            rate = np.zeros(c)
            total_budget = sum(variant.budget[f] for f in variant.award_fields) or 1.0
            for j, leaf in enumerate(model.price_leaves):
                spec = variant.price_models[j]
                if spec is None or leaf.price is None or spec.direction != "cost":
                    continue
                p = batch.prices[..., batch.fields.index(leaf.price.field)]
                slope = batch_price_slopes(spec.model, p, base, maximum=leaf.scale.max,
                                           direction="cost", params=spec.params)[rows, slot]
                share = variant.budget[leaf.price.field] / total_budget
                rate = rate + model.points * variant.price_weights[j] / leaf.scale.range * \
                    slope * share
            out = np.where(rate > 0, 1.0 / rate, np.nan)
        else:
            price = _total_price(batch, variant)[rows, slot]
            qp = q_points[0][rows, slot] if q_points.ndim == 3 else q_points[rows, slot]
            if variant.award_model == "monetised":
                out = np.full(c, sum(variant.amounts) / model.points
                              / max(sum(variant.quality_weights), 1e-300))
            elif variant.award_model == "surcharge":
                q = qp / (model.points * sum(variant.quality_weights))
                r = variant.quality_over_price
                out = price / (model.points * variant.price_share * (1.0 + (1.0 - q) * r))
            else:
                out = np.where(qp > 0, price / qp, np.nan)
    return np.where(won >= 0, out, np.nan)


def _clipped(model: Model, variant: Variant, batch: Competitions, base: Mask) -> Mask | None:
    """Return per competition whether an admitted price fell outside an announced range."""
    out: Mask | None = None
    for j, leaf in enumerate(model.price_leaves):
        spec = variant.price_models[j]
        if spec is None or leaf.price is None:
            continue
        p = batch.prices[..., batch.fields.index(leaf.price.field)]
        if spec.model == "fixed_endpoints":
            lo, hi = sorted((float(spec.params["best"]), float(spec.params["worst"])))
        elif spec.model == "piecewise" and spec.params.get("outside", "clip") == "clip":
            xs, _ = _breakpoints(spec.params)
            lo, hi = float(xs[0]), float(xs[-1])
        elif spec.model in ("linear", "log") and spec.params.get("floor") is not None:
            raw = batch_price_scores(spec.model, p, base, maximum=leaf.scale.max,
                                     direction=spec.direction,
                                     params={k: v for k, v in spec.params.items()
                                             if k != "floor"})
            hit: Mask = np.asarray(((raw < float(spec.params["floor"])) & base).any(axis=1))
            out = hit if out is None else out | hit
            continue
        else:
            continue
        hit = np.asarray((((p < lo) | (p > hi)) & base).any(axis=1))
        out = hit if out is None else out | hit
    return out


def _unbeatable(model: Model, variant: Variant, q_points: Array, base: Mask) -> Mask | None:
    """Return per competition whether the quality leader's lead exceeds any price swing.

    Only where every price leaf's points are bounded to [0, M]: price then moves a total by at
    most ``points × w_p`` (price-models.md, "Unbeatable lead"); ``None`` otherwise.
    """
    if not variant.bounded:
        return None
    swing = model.points * sum(variant.price_weights)
    q = np.where(base, q_points, -np.inf)
    top2 = -np.sort(-q, axis=1)[:, :2]
    with np.errstate(invalid="ignore"):  # −inf − −inf where fewer than two are admitted
        lead = top2[:, 0] - top2[:, 1]
    return np.asarray((base.sum(axis=1) >= 2) & (lead > swing + 1e-9))


# --- the models compared --------------------------------------------------------------------

PRICE_CANDIDATES = ("linear", "proportional", "two_sided", "fixed_endpoints", "log",
                    "piecewise")
AWARD_CANDIDATES = ("monetised", "surcharge", "value_for_money")
CANDIDATES = (*PRICE_CANDIDATES, *AWARD_CANDIDATES)
AWARD_NAMES = {
    "weighted_points": Label("Vektet poengsum", "Weighted points"),
    "monetised": Label("Prissetting av kvalitet (fradrag i pris)",
                       "Monetised quality (price deduction)"),
    "surcharge": Label("Påslagsmodell", "Surcharge on price"),
    "value_for_money": Label("Pris per kvalitetspoeng", "Value for money (quality per krone)"),
}
# Announced parameters of the absolute candidates, as multiples of a price field's budget.
FIXED_BEST, FIXED_WORST = 0.6, 1.6
PIECEWISE = ((0.5, 1.0), (1.0, 0.6), (1.6, 0.0))  # (× budget, share of the scale)
LOG_ZERO_AT = 2.0


@dataclass(frozen=True)
class PriceRule:
    """How one price leaf is scored in a variant."""

    model: str
    direction: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Variant:
    """The model under test with its price leaves or award rule replaced by a candidate."""

    id: str  # "own" or a candidate id from :data:`CANDIDATES`
    name: Label
    award_model: str
    price_models: tuple[PriceRule | None, ...]  # per price leaf (None: no price points)
    quality_weights: tuple[float, ...]  # global weight per quality leaf
    price_weights: tuple[float, ...]  # global weight per price leaf
    share_weights: tuple[float, ...]  # quality weights summing to 1 (award models)
    amounts: tuple[float, ...]  # monetised: amount per quality leaf at the scale maximum
    award_fields: tuple[str, ...]  # cost fields summed into the evaluated price
    budget: Mapping[str, float]
    quality_over_price: float = 0.0  # w_q / w_p (surcharge)
    price_share: float = 0.0  # w_p (surcharge)
    corridor_pct: float = 0.0
    relative: bool = False
    bounded: bool = False
    leaks_prices: bool | None = None


def _own_name(model: Model) -> Label:
    if model.award_model != "weighted_points":
        name = AWARD_NAMES[model.award_model]
    else:
        ids = list(dict.fromkeys(leaf.price.model for leaf in model.price_leaves
                                 if leaf.price is not None))
        name = Label(", ".join(MODELS[i].name["nb"] for i in ids) or "ingen pris",
                     ", ".join(MODELS[i].name["en"] for i in ids) or "no price")
    return Label(f"Modellens egen: {name.nb}", f"The model's own: {name.en}")


def build_variants(model: Model, settings: Settings) -> tuple[list[Variant], list[Label]]:
    """Return the variants to compare (the model's own first) and what each assumes.

    Candidates replace every cost price leaf's model (benefit leaves keep their own); their
    announced parameters come from the budget: ``fixed_endpoints`` best 0.6 × budget (full
    points), worst 1.6 × budget (none); ``piecewise`` full points at 0.5 × budget, 60 % at the
    budget, none at 1.6 × budget, clipped; ``log`` zero at 2 × the lowest; ``linear`` slope 1,
    no floor. Award candidates score the sum of the cost price fields with the model's
    weights: ``monetised`` deducts ``w_c / w_p × budget`` at a quality leaf's maximum (so one
    quality point is worth what linear scoring at a lowest price equal to the budget offers);
    ``surcharge`` uses ``w_q / w_p``; ``value_for_money`` has no corridor.
    """
    budget = budgets(model, settings)
    q_leaves, p_leaves = model.quality_leaves, model.price_leaves
    cost_fields = tuple(f for f in price_fields(model) if _field_is_cost(model, f))
    normalised = any(n.normalisation != "none" for n in model.nodes())
    from .award import quality_weights

    share = tuple(float(w) for w in quality_weights(model, q_leaves))
    gw_q = tuple(model.global_weight(leaf.id) for leaf in q_leaves) if model.weighted else share
    gw_p = tuple(model.global_weight(leaf.id) for leaf in p_leaves) if model.weighted else \
        tuple(0.0 for _ in p_leaves)
    w_q, w_p = sum(gw_q), sum(gw_p)
    own_rules = tuple(
        PriceRule(leaf.price.model, leaf.price.direction, dict(leaf.price.params))
        if leaf.price is not None and leaf.price.model != "none" else None for leaf in p_leaves)
    common = {"quality_weights": gw_q, "price_weights": gw_p, "share_weights": share,
              "budget": budget}
    own_fields = tuple(dict.fromkeys(leaf.price.field for leaf in p_leaves
                                     if leaf.price is not None))
    own = Variant(
        "own", _own_name(model), model.award_model, own_rules,
        amounts=tuple(leaf.value or 0.0 for leaf in q_leaves),
        award_fields=own_fields if model.award_model != "weighted_points" else cost_fields,
        quality_over_price=w_q / w_p if w_p else 0.0, price_share=w_p,
        corridor_pct=model.corridor_pct or 0.0 if model.award_model == "value_for_money"
        else 0.0,
        relative=normalised or model.relative_price or bool(
            model.award_model == "value_for_money" and model.corridor_pct),
        bounded=model.award_model == "weighted_points" and all(
            r is None or is_bounded(r.model, r.params) for r in own_rules),
        leaks_prices=any(MODELS[r.model].leaks_prices for r in own_rules if r is not None)
        if model.award_model == "weighted_points" else None,
        **common)  # type: ignore[arg-type]
    variants, notes = [own], []
    wanted = settings.models or CANDIDATES
    weighted_ok = model.weighted and bool(p_leaves) and w_p > 0
    for cid in wanted:
        if not weighted_ok or (cid in AWARD_CANDIDATES and (not cost_fields or len(
                cost_fields) != len(price_fields(model)))):
            notes.append(Label(f"{cid}: ikke sammenlignet (modellen mangler vekter eller har "
                               "priser der høyere er bedre)",
                               f"{cid}: not compared (the model has no weights, or price "
                               "numbers where larger is better)"))
            continue
        if cid in PRICE_CANDIDATES:
            rules = tuple(_candidate_rule(cid, leaf, budget) if r is not None and
                          r.direction == "cost" else r
                          for leaf, r in zip(p_leaves, own_rules, strict=True))
            variants.append(Variant(
                cid, Label(MODELS[cid].name["nb"], MODELS[cid].name["en"]), "weighted_points",
                rules, amounts=tuple(0.0 for _ in q_leaves), award_fields=cost_fields,
                relative=normalised or any(MODELS[r.model].relative for r in rules
                                           if r is not None),
                bounded=all(r is None or is_bounded(r.model, r.params) for r in rules),
                leaks_prices=any(MODELS[r.model].leaks_prices for r in rules if r is not None),
                **common))  # type: ignore[arg-type]
        else:
            total = sum(budget[f] for f in cost_fields)
            variants.append(Variant(
                cid, AWARD_NAMES[cid], cid, tuple(None for _ in p_leaves),
                amounts=tuple(w / w_p * total for w in gw_q), award_fields=cost_fields,
                quality_over_price=w_q / w_p, price_share=w_p, relative=normalised,
                **common))  # type: ignore[arg-type]
    return variants, notes


def _candidate_rule(cid: str, leaf: Any, budget: Mapping[str, float]) -> PriceRule:
    b = budget[leaf.price.field]
    lo, span = leaf.scale.min, leaf.scale.range
    params: dict[str, Any] = {}
    if cid == "fixed_endpoints":
        params = {"best": FIXED_BEST * b, "worst": FIXED_WORST * b}
    elif cid == "piecewise":
        params = {"breakpoints": tuple((x * b, lo + y * span) for x, y in PIECEWISE),
                  "outside": "clip"}
    elif cid == "log":
        params = {"zero_at": LOG_ZERO_AT}
    elif cid == "linear":
        params = {"slope": 1.0}
    return PriceRule(cid, "cost", params)


def assumptions(model: Model, settings: Settings) -> list[Label]:
    """Return, in both languages, the announced parameters the candidates assume."""
    from .labels import format_money

    out: list[Label] = []
    for f, b in budgets(model, settings).items():
        given = f in settings.budget
        money = {lang: format_money(b, lang) for lang in ("nb", "en")}
        best = {lang: format_money(FIXED_BEST * b, lang) for lang in ("nb", "en")}
        worst = {lang: format_money(FIXED_WORST * b, lang) for lang in ("nb", "en")}
        half = {lang: format_money(0.5 * b, lang) for lang in ("nb", "en")}
        out.append(Label(
            f"{f}: budsjett {money['nb']}" + ("" if given else " (antatt: sett model_test."
                                              "budget i modellen)")
            + f"; faste endepunkter: full score ved {best['nb']}, null ved {worst['nb']}; "
            f"stykkevis lineær: full score ved {half['nb']}, 60 % ved budsjettet, null ved "
            f"{worst['nb']}; logaritmisk: null ved 2 × laveste pris; lineær: null ved 2 × "
            "laveste pris, uten gulv.",
            f"{f}: budget {money['en']}" + ("" if given else " (assumed: set model_test.budget "
                                            "in the model)")
            + f"; fixed endpoints: full score at {best['en']}, none at {worst['en']}; "
            f"piecewise linear: full score at {half['en']}, 60 % at the budget, none at "
            f"{worst['en']}; logarithmic: zero at 2 × the lowest price; linear: zero at 2 × "
            "the lowest price, no floor."))
    out.append(Label(
        "Prissetting av kvalitet: fradraget for et kriterium ved full score er kriteriets vekt "
        "delt på prisvekten, ganget med summen av budsjettene; påslagsmodellen bruker "
        "kvalitetsvekt/prisvekt; pris per kvalitetspoeng uten korridor.",
        "Monetised quality: the deduction for a criterion at its maximum is its weight divided "
        "by the price weight, times the sum of the budgets; the surcharge uses quality "
        "weight/price weight; value for money without a corridor."))
    return out


# --- summary --------------------------------------------------------------------------------


def _share(flags: Mask | None, eligible: Mask) -> float | None:
    if flags is None:
        return None
    n = int(eligible.sum())
    return float(flags[eligible].sum()) / n if n else None


def _quantiles(values: Array) -> dict[str, float | None]:
    finite = values[np.isfinite(values)]
    if not finite.size:
        return {k: None for k in ("mean", "median", "q1", "q3", "p5", "p95")}
    p5, q1, median, q3, p95 = np.quantile(finite, [0.05, 0.25, 0.5, 0.75, 0.95])
    return {"mean": float(finite.mean()), "median": float(median), "q1": float(q1),
            "q3": float(q3), "p5": float(p5), "p95": float(p95)}


@dataclass(frozen=True)
class VariantSummary:
    """What one variant did over every fictitious competition."""

    variant: Variant
    removal_tested: int  # competitions with a non-winner to remove
    removal_changed: int  # … in which removing one changed the winner
    removal_order_changed: int  # … in which removing one changed the order of the rest
    removals: int
    removals_changed: int
    decoy_tested: int
    decoy_changed: int
    decoy_order_changed: int
    order_changed: int  # competitions in which either changed the order of the rest
    reversed: int  # competitions with any change of winner or order
    realised: dict[str, dict[str, float | None]]
    nok: dict[str, float | None]
    negative: float | None
    clipped: float | None
    unbeatable: float | None

    @property
    def removal_rate(self) -> float | None:
        return self.removal_changed / self.removal_tested if self.removal_tested else None

    @property
    def decoy_rate(self) -> float | None:
        return self.decoy_changed / self.decoy_tested if self.decoy_tested else None

    @property
    def order_rate(self) -> float | None:
        return self.order_changed / self.decoy_tested if self.decoy_tested else None

    @property
    def never_reversed(self) -> bool:
        return self.reversed == 0

    def as_dict(self, language: str) -> dict[str, Any]:
        v = self.variant
        return {
            "id": v.id, "name": v.name.get(language), "award_model": v.award_model,
            "price_models": [None if r is None else {"model": r.model, "direction": r.direction,
                                                     "params": _plain(r.params)}
                             for r in v.price_models],
            "relative": v.relative, "bounded": v.bounded, "leaks_prices": v.leaks_prices,
            "removal": {"competitions": self.removal_tested, "winner_changed": self.removal_changed,
                        "winner_changed_share": self.removal_rate,
                        "order_changed": self.removal_order_changed,
                        "removals": self.removals, "removals_changed": self.removals_changed},
            "decoy": {"competitions": self.decoy_tested, "winner_changed": self.decoy_changed,
                      "winner_changed_share": self.decoy_rate,
                      "order_changed": self.decoy_order_changed},
            "order_changed": self.order_changed, "order_changed_share": self.order_rate,
            "reversed": self.reversed, "never_reversed": self.never_reversed,
            "realised_weights": self.realised,
            "nok_per_quality_point": self.nok,
            "negative_price_points": self.negative,
            "clipped_prices": self.clipped,
            "unbeatable_quality_lead": self.unbeatable,
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class ModelTestResult:
    """The model test of one evaluation model: settings, assumptions and every variant."""

    model: Model
    settings: Settings
    variants: tuple[VariantSummary, ...]
    generated: dict[str, float]
    assumptions: tuple[Label, ...]
    notes: tuple[Label, ...]

    @property
    def own(self) -> VariantSummary:
        return self.variants[0]

    @property
    def never_reversed(self) -> list[str]:
        return [s.variant.id for s in self.variants if s.never_reversed]

    def conclusion(self, language: str) -> str:
        """Return one paragraph saying what the committee should know."""
        from .labels import format_percent

        own = self.own
        pct = {k: format_percent(None if r is None else 100 * r, language)
               for k, r in (("removal", own.removal_rate), ("decoy", own.decoy_rate))}
        names = [s.variant.name.get(language) for s in self.variants[1:] if s.never_reversed]
        if own.never_reversed:
            first = ("Modellens egen prismodell snudde aldri en rangering i "
                     f"{self.settings.competitions} fiktive konkurranser."
                     if language == "nb" else
                     "The model's own price model never reversed a ranking in "
                     f"{self.settings.competitions} fictitious competitions.")
        else:
            first = (f"Med modellens egen prismodell skiftet vinneren i {pct['removal']} av "
                     "konkurransene når ett tilbud som ikke vant ble fjernet, og i "
                     f"{pct['decoy']} når et dårligere lokketilbud ble lagt til."
                     if language == "nb" else
                     f"With the model's own price model the winner changed in "
                     f"{pct['removal']} of the competitions when one non-winning proposal "
                     f"was removed, and in {pct['decoy']} when a dominated decoy was added.")
        second = (("Ingen rangering ble snudd med: " if language == "nb" else
                   "Never reversed a ranking: ") + ", ".join(names) + ".") if names else ""
        return f"{first} {second}".strip()

    def summary(self) -> dict[str, Any]:
        """Return the compact summary recorded in a lock file."""
        return {"competitions": self.settings.competitions, "seed": self.settings.seed,
                "never_reversed": self.never_reversed,
                "own": {"removal_winner_changed_share": self.own.removal_rate,
                        "decoy_winner_changed_share": self.own.decoy_rate,
                        "never_reversed": self.own.never_reversed}}

    def as_dict(self, language: str) -> dict[str, Any]:
        """Return the JSON object of ``evaluation model-test --format json``."""
        return {
            "schema_version": 1,
            "model": self.model.id, "model_sha256": self.model.sha256,
            "model_file": self.model.source.name,
            "language": language,
            "settings": self.settings.as_dict(),
            "budget": budgets(self.model, self.settings),
            "assumptions": [a.get(language) for a in self.assumptions],
            "notes": [n.get(language) for n in self.notes],
            "generated": self.generated,
            "models": [s.as_dict(language) for s in self.variants],
            "never_reversed": self.never_reversed,
            "conclusion": self.conclusion(language),
        }


def _summarise(model: Model, variant: Variant, parts: list[Outcomes]) -> VariantSummary:
    def cat(name: str) -> Any:
        items = [getattr(p, name) for p in parts]
        return None if items[0] is None else np.concatenate(items)

    admitted = cat("admitted")
    removals = cat("removals")
    can_remove = removals > 0
    has_any = admitted > 0
    leaves = [*model.quality_leaves, *model.price_leaves]
    realised_all = cat("realised")
    nominal = [*variant.quality_weights, *variant.price_weights]
    realised: dict[str, dict[str, float | None]] = {}
    for j, leaf in enumerate(leaves):
        q = _quantiles(realised_all[:, j])
        weights_defined = variant.award_model == "weighted_points"
        realised[leaf.id] = {"nominal": float(nominal[j]) if weights_defined else None,
                             "mean": q["mean"], "p5": q["p5"], "p95": q["p95"]}
    nok = _quantiles(cat("nok"))
    nok.pop("mean")
    order = cat("removal_order_changed") | cat("decoy_order_changed")
    winner = cat("removal_changed") | cat("decoy_changed")
    return VariantSummary(
        variant=variant,
        removal_tested=int(can_remove.sum()),
        removal_changed=int(cat("removal_changed").sum()),
        removal_order_changed=int(cat("removal_order_changed").sum()),
        removals=int(removals.sum()), removals_changed=int(cat("removals_changed").sum()),
        decoy_tested=int(has_any.sum()), decoy_changed=int(cat("decoy_changed").sum()),
        decoy_order_changed=int(cat("decoy_order_changed").sum()),
        order_changed=int(order.sum()), reversed=int((order | winner).sum()),
        realised=realised, nok=nok,
        negative=_share(cat("negative"), has_any), clipped=_share(cat("clipped"), has_any),
        unbeatable=_share(cat("unbeatable"), admitted >= 2))


def run_model_test(model: Model, settings: Settings | None = None) -> ModelTestResult:
    """Return the model test of ``model``: every variant over the same fictitious competitions.

    Deterministic: the same model and settings (seed included) give the same result, whatever
    the machine's number of cores.
    """
    settings = settings or read_settings(model)
    batch = generate_competitions(model, settings)
    variants, notes = build_variants(model, settings)
    parts: list[list[Outcomes]] = [[] for _ in variants]
    for start in range(0, len(batch), CHUNK):
        chunk = batch.slice(start, start + CHUNK)
        for k, variant in enumerate(variants):
            parts[k].append(simulate_variant(model, variant, chunk))
    drawn = batch.drawn[:, :MAX_PROPOSALS].sum(axis=1)
    admitted = batch.admitted[:, :MAX_PROPOSALS].sum(axis=1)
    generated = {"proposals_mean": float(drawn.mean()),
                 "excluded_share": float(1.0 - admitted.sum() / max(drawn.sum(), 1)),
                 "competitions_under_two_admitted": float((admitted < 2).mean())}
    return ModelTestResult(model, settings,
                           tuple(_summarise(model, v, p) for v, p in zip(variants, parts,
                                                                          strict=True)),
                           generated, tuple(assumptions(model, settings)), tuple(notes))
