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
The price kernels (:func:`batch_price_scores`) are masked versions of :mod:`evaluation.core.price`'s
formulas, tested to agree with :func:`evaluation.core.price_models.score_price`.
"""

from __future__ import annotations

from .constants import (
    AWARD_CANDIDATES,
    CANDIDATES,
    CHUNK,
    DECOY,
    DEFAULT_BUDGET,
    DEFAULT_COMPETITIONS,
    DEFAULT_SEED,
    MAX_PROPOSALS,
    PRICE_CANDIDATES,
    SCENARIOS,
    SLOTS,
    Array,
    Mask,
)
from .generate import Competitions, budgets, generate_competitions, normal_cdf, price_fields
from .kernels import batch_price_scores, batch_price_slopes, scenario_masks
from .settings import Settings, read_settings
from .simulate import Outcomes, simulate_variant
from .summary import ModelTestResult, VariantSummary, run_model_test
from .variants import (
    AWARD_NAMES,
    FIXED_BEST,
    FIXED_WORST,
    LOG_ZERO_AT,
    PIECEWISE,
    PriceRule,
    Variant,
    assumptions,
    build_variants,
)

__all__ = [
    "AWARD_CANDIDATES",
    "AWARD_NAMES",
    "CANDIDATES",
    "CHUNK",
    "DECOY",
    "DEFAULT_BUDGET",
    "DEFAULT_COMPETITIONS",
    "DEFAULT_SEED",
    "FIXED_BEST",
    "FIXED_WORST",
    "LOG_ZERO_AT",
    "MAX_PROPOSALS",
    "PIECEWISE",
    "PRICE_CANDIDATES",
    "SCENARIOS",
    "SLOTS",
    "Array",
    "Competitions",
    "Mask",
    "ModelTestResult",
    "Outcomes",
    "PriceRule",
    "Settings",
    "Variant",
    "VariantSummary",
    "assumptions",
    "batch_price_scores",
    "batch_price_slopes",
    "budgets",
    "build_variants",
    "generate_competitions",
    "normal_cdf",
    "price_fields",
    "read_settings",
    "run_model_test",
    "scenario_masks",
    "simulate_variant",
]
