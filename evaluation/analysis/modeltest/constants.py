"""Array types, batch shape, defaults and candidate ids shared by the model test's modules."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

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

# the models compared besides the model's own (see :mod:`.variants`)
PRICE_CANDIDATES = ("linear", "proportional", "two_sided", "fixed_endpoints", "log",
                    "piecewise")
AWARD_CANDIDATES = ("monetised", "surcharge", "value_for_money")
CANDIDATES = (*PRICE_CANDIDATES, *AWARD_CANDIDATES)
