"""Evaluated prices from price schedules: quantity-weighted sums and net present value."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from evaluation.core.price import as_prices


def schedule_total(quantity: npt.ArrayLike, unit_price: npt.ArrayLike) -> float:
    r"""Return the evaluated price of a price schedule: the quantity-weighted sum of unit prices.

    .. math::

        P = \sum_i q_i\,u_i

    Source: DFØ price schedule (prisskjema), e.g. 1500×18.00 + 50×20.00 + 1200×25.00 +
    540×32.00 = 75 280.
    """
    return float(np.sum(as_prices(quantity) * as_prices(unit_price)))


def net_present_value(amounts: npt.ArrayLike, years: npt.ArrayLike, rate: float) -> float:
    r"""Return the net present value of yearly amounts (life-cycle cost), year 0 undiscounted.

    .. math::

        NPV = \sum_t \frac{a_t}{(1 + r)^{y_t}}

    Source: Directive 2014/24 art. 68 (life-cycle costing).
    """
    return float(np.sum(as_prices(amounts) / (1.0 + rate) ** as_prices(years)))
